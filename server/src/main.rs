//! `cargo run -p server`: the Devora API v2 on SQLite. Configuration from the environment (see
//! `server::Config`); structured logs with `tracing` (`RUST_LOG`, `LOG_FORMAT=json`); graceful
//! shutdown on SIGINT and SIGTERM. Connections are served by `server::serve`, within the
//! timeouts and the connection cap of `Config::connections`.

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt().with_env_filter(filter).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let (config, secret_missing) = match server::Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {}", contract_server::sources(&error));
            return ExitCode::from(2);
        }
    };
    if secret_missing {
        tracing::warn!(
            "JWT_SECRET is not set: a random secret signs tokens, and every token dies with this process. Set JWT_SECRET (32+ characters) in production."
        );
    }
    let address = config.address;
    let limits = config.connections;
    let database = config.database_url.clone();
    let (router, _) = match server::build(config, None, server::oauth::Providers::default()).await {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: cannot start: {}", contract_server::sources(&error));
            return ExitCode::from(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {address}: {error}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(%address, %database, ?limits, "Devora API listening; docs at http://{address}/api/v2/docs");
    server::serve(listener, router, &limits, shutdown()).await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
