//! Runs schemathesis (from `tests/.venv`) against the server on a loopback port with a temporary
//! database, over the mounted tags, with a bounded number of examples.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Operations left out: OAuth answers 503 until a provider is configured (a separate issue).
const EXCLUDED: &[&str] = &["oauth_authorize", "oauth_callback"];
const EMAIL: &str = "schemathesis@example.com";
const PASSWORD: &str = "Sup3rSecret";

/// Ends the server when dropped, whatever happened.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(root: &Path, venv: &Path, out: &mut dyn Write) -> Result<()> {
    let port = TcpListener::bind("127.0.0.1:0").context("finding a free loopback port")?.local_addr()?.port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let dir = std::env::temp_dir().join(format!("schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let binary = root.join("target/debug/server");
    if !binary.exists() {
        bail!("{} is missing: build the server first (`cargo build -p server`)", binary.display());
    }
    let child = Command::new(&binary)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("schemathesis.db").display()))
        .env("JWT_SECRET", "a schemathesis secret that is long enough")
        .env("ADMIN_EMAILS", EMAIL)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("starting the server")?;
    let _server = Server(child);
    wait_until_up(address)?;
    let body = format!("{{\"email\":\"{EMAIL}\",\"password\":\"{PASSWORD}\"}}");
    post(address, "/api/v2/auth/register", &body)?;
    let login = post(address, "/api/v2/auth/login", &body)?;
    let login: serde_json::Value = serde_json::from_str(&login).context("reading the login answer")?;
    let token = login["access_token"].as_str().context("no access token in the login answer")?.to_owned();

    writeln!(out, "schemathesis against http://{address} (tags auth, projects, admin, meta; OAuth left out)")?;
    out.flush()?;
    let mut command = Command::new(venv.join("bin/schemathesis"));
    command
        .current_dir(root)
        .args(["run", "openapi.yaml", "--url", &format!("http://{address}")])
        .args(["--include-tag", "auth", "--include-tag", "projects", "--include-tag", "admin", "--include-tag", "meta"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", "15", "--seed", "42", "--workers", "1"])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .env("NO_COLOR", "1");
    for operation in EXCLUDED {
        command.args(["--exclude-operation-id", operation]);
    }
    let status = command.status().context("running schemathesis")?;
    std::fs::remove_dir_all(&dir).ok();
    if !status.success() {
        bail!("schemathesis found failures ({status})");
    }
    Ok(())
}

fn wait_until_up(address: SocketAddr) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if request(address, "GET", "/api/v2/health", None).is_ok_and(|(status, _)| status == 200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("the server did not answer /api/v2/health within 30 seconds")
}

fn post(address: SocketAddr, path: &str, body: &str) -> Result<String> {
    let (status, text) = request(address, "POST", path, Some(body))?;
    if !(200..300).contains(&status) {
        bail!("POST {path} answered {status}: {text}");
    }
    Ok(text)
}

/// A minimal HTTP/1.1 exchange on loopback (`Connection: close`).
fn request(address: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("no HTTP status")?;
    let text = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, text))
}
