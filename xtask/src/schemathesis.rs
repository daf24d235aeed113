//! Runs schemathesis (from `tests/.venv`) against the server on a loopback port with a temporary
//! database, over every tag, with a bounded number of examples, and with response validation
//! enforced (an answer that breaks the contract is a `500`, which fails the run). The server's
//! providers are the fakes of `fake-providers` (started on free loopback ports), so that
//! provider-backed operations answer as they would in production rather than `503`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::http;

const EMAIL: &str = "schemathesis@example.com";
const PASSWORD: &str = "Sup3rSecret";

/// Ends the server when dropped, whatever happened.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where the server keeps its data: a temporary SQLite file unless a database URL is given; Redis
/// when a URL is given.
#[derive(Default)]
pub struct Store {
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
}

pub fn run(root: &Path, venv: &Path, store: &Store, out: &mut dyn Write) -> Result<()> {
    let port = TcpListener::bind("127.0.0.1:0").context("finding a free loopback port")?.local_addr()?.port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let dir = std::env::temp_dir().join(format!("schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let binary = root.join("target/debug/server");
    if !binary.exists() {
        bail!("{} is missing: build the server first (`cargo build -p server`)", binary.display());
    }
    let database = match &store.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.join("schemathesis.db").display()),
    };
    let (fakes, variables) = start_fakes(root)?;
    let _fakes = Server(fakes);
    let mut command = Command::new(&binary);
    if let Some(redis) = &store.redis_url {
        command.env("REDIS_URL", redis);
    }
    let child = command
        .envs(variables)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("DATABASE_URL", &database)
        .env("JWT_SECRET", "a schemathesis secret that is long enough")
        // Every answer is checked against the contract: a broken one is a 500, which fails the run.
        .env("RESPONSE_VALIDATION", "enforce")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("starting the server")?;
    let _server = Server(child);
    http::wait_until_up(address)?;
    let body = format!("{{\"email\":\"{EMAIL}\",\"password\":\"{PASSWORD}\"}}");
    http::expect_json(address, "POST", "/api/v2/auth/register", &[], Some(&body))?;
    // The account becomes admin as an operator makes one, so the admin operations are explored too.
    let granted = Command::new(&binary)
        .args(["admin", "grant", EMAIL])
        .env("DATABASE_URL", &database)
        .output()
        .context("running `server admin grant`")?;
    if !granted.status.success() {
        bail!("`server admin grant {EMAIL}` failed: {}", String::from_utf8_lossy(&granted.stderr));
    }
    let login = http::expect_json(address, "POST", "/api/v2/auth/login", &[], Some(&body))?;
    let token = login["access_token"].as_str().context("no access token in the login answer")?.to_owned();

    writeln!(out, "schemathesis against http://{address} (every tag; providers are the fakes)")?;
    out.flush()?;
    let mut command = Command::new(venv.join("bin/schemathesis"));
    command
        .current_dir(root)
        .args(["run", "openapi.yaml", "--url", &format!("http://{address}")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--max-examples", "15", "--seed", "42", "--workers", "1"])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .env("NO_COLOR", "1");
    let status = command.status().context("running schemathesis")?;
    std::fs::remove_dir_all(&dir).ok();
    if !status.success() {
        bail!("schemathesis found failures ({status})");
    }
    Ok(())
}

/// Starts `fake-providers` with every fake on a free loopback port, and reads the server variables
/// it prints (`export NAME=VALUE` lines, up to the one that says how to stop it).
pub fn start_fakes(root: &Path) -> Result<(Child, Vec<(String, String)>)> {
    let binary = root.join("target/debug/fake-providers");
    if !binary.exists() {
        bail!("{} is missing: build it first (`cargo build -p fake-providers`)", binary.display());
    }
    let mut command = Command::new(&binary);
    for port in FAKE_PORTS {
        command.env(port, "0");
    }
    let mut child = command.stdout(Stdio::piped()).spawn().context("starting fake-providers")?;
    let stdout = child.stdout.take().context("no output from fake-providers")?;
    let mut variables = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading fake-providers' output")?;
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|v| v.split_once('=')) {
            variables.push((name.to_owned(), value.to_owned()));
        }
        if line.contains("Ctrl-C stops") {
            return Ok((child, variables));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    bail!("fake-providers stopped before printing the server variables")
}

/// The ports `fake-providers` reads (each set to `0`: any free port).
const FAKE_PORTS: &[&str] = &["FAKE_GOOGLE_PORT", "FAKE_GITHUB_PORT", "FAKE_STRIPE_PORT", "FAKE_OPENAI_PORT"];
