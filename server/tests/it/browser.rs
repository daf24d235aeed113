//! The web example (`examples/web/`) in headless Chromium: `tests/typescript/browser.mjs` builds
//! and serves the page on a loopback port of its own and drives it through puppeteer-core
//! against this server, which allows the page's origin (`CORS_ORIGINS`) and gives access tokens
//! two seconds, so the page has to refresh one. The screenshot it leaves is
//! `target/browser/web-example.png`.
//!
//! The page and its flows do not depend on the store: on `cargo xtask test`'s second run of this
//! binary (PostgreSQL and Redis) the test returns at once.

use std::path::Path;

use crate::common::{self, Setup};

#[tokio::test]
async fn the_web_example_in_headless_chromium() {
    if std::env::var(common::POSTGRES).is_ok() {
        eprintln!(
            "skipped: the browser test runs once, on the SQLite run of this suite (the page does not depend on the store)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for installed in ["tests/node_modules/puppeteer-core", "examples/web/node_modules/esbuild"] {
        assert!(
            root.join(installed).exists(),
            "{installed} is missing: run `cargo xtask test`, which installs the npm packages first"
        );
    }
    test_services::install(&mut std::io::sink(), &[test_services::Package::Chromium])
        .unwrap_or_else(|e| panic!("{e:#}"));
    let chromium = test_services::chromium().expect("chromium is installed");

    let page_port = test_services::free_port().expect("a free loopback port");
    let setup = Setup {
        cors_origins: format!("http://127.0.0.1:{page_port}").parse().expect("an origin"),
        access_token_seconds: 2,
        ..Setup::default()
    };
    let server = common::start_setup(setup, None).await;
    let screenshots = root.join("target/browser");
    std::fs::create_dir_all(&screenshots).expect("target/browser");
    let screenshot = screenshots.join("web-example.png");
    std::fs::remove_file(&screenshot).ok();

    let driver = tokio::process::Command::new("node")
        .arg(root.join("tests/typescript/browser.mjs"))
        .arg(root.join("examples/web"))
        .arg(&server.base)
        .arg(page_port.to_string())
        .arg(&screenshot)
        .arg(&chromium)
        .kill_on_drop(true)
        .output();
    // It takes seconds; a hung browser must not hold the test suite.
    let output = tokio::time::timeout(std::time::Duration::from_secs(120), driver)
        .await
        .expect("the browser flow ends within two minutes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the browser flow failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("browser flow: ok"), "{stdout}");
    let png = std::fs::read(&screenshot).expect("the screenshot was saved");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", screenshot.display());
    println!("screenshot: {}", screenshot.canonicalize().unwrap_or(screenshot).display());

    // The server saw what the page did: one account, two projects (the duplicate was refused).
    assert_eq!(common::count(&server, "users").await, 1);
    assert_eq!(common::count(&server, "projects").await, 2);
}
