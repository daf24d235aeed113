//! Fake third-party providers, served on 127.0.0.1 for the server's tests and for local runs
//! (`cargo run -p fake-providers`). Each provider is a module with a `router` speaking enough of
//! the real wire format for the server's client, fault injection (failures, rate limits, a provider
//! that stops answering), and an `env` naming the server variables that point at it.
//!
//! - [`stripe`]: customers, checkout sessions (honouring `Idempotency-Key`), billing portal
//!   sessions, invoices, and signed webhook deliveries.
//!
//! Nothing here listens beyond loopback, and nothing calls out except to a URL a test gives it.

pub mod stripe;

use std::net::{Ipv4Addr, SocketAddr};

use tokio::sync::oneshot;

/// A fake being served; dropping it stops accepting and closes its idle connections.
pub struct Running {
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may have stopped on its own already; nothing to do then.
            let _ = stop.send(());
        }
    }
}

/// Serves `router` on `127.0.0.1:port` (`0`: any free port) until the [`Running`] is dropped.
pub async fn serve(router: axum::Router, port: u16) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        if let Err(error) = axum::serve(listener, router).with_graceful_shutdown(shutdown).await {
            eprintln!("fake provider on {address} stopped: {error}");
        }
    });
    Ok(Running { address, stop: Some(stop) })
}
