//! The core flow from the generated TypeScript client, in node, against this server on loopback
//! (`tests/typescript/e2e.mjs`; the TypeScript compiler comes from `tests/node_modules`, which
//! `cargo xtask test` installs).

use std::net::SocketAddr;

#[tokio::test]
async fn the_core_flow_through_the_generated_typescript_client() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert!(root.join("tests/node_modules/typescript").exists(), "tests/node_modules is missing: run `cargo xtask test`, which installs the npm packages first");
    let dir = std::env::temp_dir().join(format!("devora-ts-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = server::Config {
        address: "127.0.0.1:0".parse().expect("address"),
        database_url: format!("sqlite://{}", dir.join("test.db").display()),
        jwt_secret: b"a test secret that is long enough for HS256".to_vec(),
        admin_emails: Vec::new(),
        body_limit: 64 * 1024,
        access_token_seconds: 900,
    };
    let (router, _) = server::build(config, None, server::oauth::Providers::default()).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    let output = tokio::process::Command::new("node")
        .arg(root.join("tests/typescript/e2e.mjs"))
        .arg(root.join("generated/typescript"))
        .arg(format!("http://{address}"))
        .output()
        .await
        .expect("node runs");
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the TypeScript flow failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("ts client flow: ok"));
}
