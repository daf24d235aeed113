//! A server on an ephemeral loopback port with a temporary database, for the integration tests.

use std::net::SocketAddr;
use std::sync::Arc;

/// The secret test servers sign tokens with.
pub const SECRET: &[u8] = b"a test secret that is long enough for HS256";

pub struct TestServer {
    pub base: String,
    pub app: Arc<server::App>,
    dir: std::path::PathBuf,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// Starts a server; `admin_emails` register as admins. Bodies are limited to 64 KiB.
pub async fn start(admin_emails: &[&str]) -> TestServer {
    start_with_body_limit(admin_emails, 64 * 1024).await
}

/// Starts a server whose request bodies may take `body_limit` bytes.
pub async fn start_with_body_limit(admin_emails: &[&str], body_limit: usize) -> TestServer {
    let dir = std::env::temp_dir().join(format!("devora-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = server::Config {
        address: "127.0.0.1:0".parse().expect("address"),
        database_url: format!("sqlite://{}", dir.join("test.db").display()),
        jwt_secret: SECRET.to_vec(),
        admin_emails: admin_emails.iter().map(|e| (*e).to_owned()).collect(),
        body_limit,
        access_token_seconds: 900,
        // Every answer of the end-to-end suite is checked against the contract.
        response_validation: contract_server::ResponseValidation::Enforce,
        trusted_proxies: contract_server::TrustedProxies::default(),
    };
    let (router, app) = server::build(config, None, server::oauth::Providers::default()).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    TestServer { base: format!("http://{address}"), app, dir }
}
