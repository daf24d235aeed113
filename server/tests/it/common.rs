//! A server on an ephemeral loopback port with a temporary database, for the integration tests.

use std::net::SocketAddr;
use std::sync::Arc;

/// The secret test servers sign tokens with.
pub const SECRET: &[u8] = b"a test secret that is long enough for HS256";

pub struct TestServer {
    pub base: String,
    /// The server's database (`sqlite://…`), for tools run beside it.
    pub database_url: String,
    pub address: SocketAddr,
    pub app: Arc<server::App>,
    dir: std::path::PathBuf,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// Starts a server whose request bodies may take 64 KiB.
pub async fn start() -> TestServer {
    start_with_body_limit(64 * 1024).await
}

/// Starts a server whose request bodies may take `body_limit` bytes.
pub async fn start_with_body_limit(body_limit: usize) -> TestServer {
    start_with(body_limit, server::ConnectionLimits::default()).await
}

/// Starts a server whose connections have `limits`.
pub async fn start_with_limits(limits: server::ConnectionLimits) -> TestServer {
    start_with(64 * 1024, limits).await
}

async fn start_with(body_limit: usize, limits: server::ConnectionLimits) -> TestServer {
    let dir = std::env::temp_dir().join(format!("devora-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database_url = format!("sqlite://{}", dir.join("test.db").display());
    let config = server::Config {
        address: "127.0.0.1:0".parse().expect("address"),
        database_url: database_url.clone(),
        jwt_secret: SECRET.to_vec(),
        body_limit,
        access_token_seconds: 900,
        // Every answer of the end-to-end suite is checked against the contract.
        response_validation: contract_server::ResponseValidation::Enforce,
        connections: limits,
    };
    let (router, app) = server::build(config, None, server::oauth::Providers::default()).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { server::serve(listener, router, &limits, std::future::pending()).await });
    TestServer { base: format!("http://{address}"), address, database_url, app, dir }
}
