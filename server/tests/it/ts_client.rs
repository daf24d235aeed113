//! The core flow from the generated TypeScript client, in node, against this server on loopback
//! (`tests/typescript/e2e.mjs`, which imports the package's JavaScript as it ships; its helpers
//! load from `tests/node_modules`, which `cargo xtask test` installs).

use crate::common;

#[tokio::test]
async fn the_core_flow_through_the_generated_typescript_client() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert!(
        root.join("tests/node_modules/typescript").exists(),
        "tests/node_modules is missing: run `cargo xtask test`, which installs the npm packages first"
    );
    let server = common::start().await;
    let output = tokio::process::Command::new("node")
        .arg(root.join("tests/typescript/e2e.mjs"))
        .arg(root.join("generated/typescript"))
        .arg(&server.base)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the TypeScript flow failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("ts client flow: ok"));
}
