//! `cargo xtask bench --case server`: `GET /api/v2/projects/{id}` through the generated router
//! (authentication, validation, ETag) against a minimal hand-written axum handler doing the same
//! database read, in one release build of `bench-target`, under load from `wrk` on loopback:
//! 64 connections, alternating the routes, three rounds each; medians reported. Two processes of
//! the build serve: one with response validation off (the release default), one with it enforced
//! (`RESPONSE_VALIDATION`), so the cost of checking every answer is measured in the same run.
//!
//! `cargo xtask bench --case stores`: the same generated route on each store, side by side in one
//! run: SQLite; PostgreSQL; PostgreSQL with Redis (shared rate limits and the read cache); and two
//! instances on PostgreSQL and Redis, each loaded by its own `wrk` at once (half the connections
//! each, throughputs added). PostgreSQL and Redis are throw-away, on loopback (`test-services`).

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::http;
use crate::schemathesis::Server;

const CONNECTIONS: &str = "64";
/// Each of two instances' share of [`CONNECTIONS`].
const HALF: &str = "32";
const SECONDS: &str = "8";
const ROUNDS: usize = 3;

struct Sample {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// A running `bench-target` with a project to read: the URL and header of each route.
struct Target {
    server: Option<Server>,
    dir: PathBuf,
    generated: (String, String),
    raw: (String, String),
}

impl Drop for Target {
    /// Ends the server, then removes its database.
    fn drop(&mut self) {
        drop(self.server.take());
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// Starts `bench-target` with `RESPONSE_VALIDATION=validation`, and makes a user, a project and
/// its files to read.
fn start(root: &Path, validation: &str) -> Result<Target> {
    let dir = std::env::temp_dir().join(format!("load-{}-{validation}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let database = format!("sqlite://{}", dir.join("load.db").display());
    let (server, address) = spawn(root, validation, &[("DATABASE_URL", &database)])?;
    seed(server, address, dir)
}

/// Starts `bench-target` on a free loopback port with `variables`.
fn spawn(root: &Path, validation: &str, variables: &[(&str, &str)]) -> Result<(Server, SocketAddr)> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let child = Command::new(root.join("target/release/bench-target"))
        .env("PORT", port.to_string())
        .env("JWT_SECRET", "a load-test secret that is long enough")
        .env("RESPONSE_VALIDATION", validation)
        .env("RUST_LOG", "error")
        .envs(variables.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .context("starting bench-target")?;
    let server = Server(child);
    http::wait_until_up(address)?;
    Ok((server, address))
}

/// Makes a user, a project and its files to read on the server at `address`.
fn seed(server: Server, address: SocketAddr, dir: PathBuf) -> Result<Target> {
    let account = r#"{"email":"load@example.com","password":"Sup3rSecret"}"#;
    http::expect_json(address, "POST", "/api/v2/auth/register", &[], Some(account))?;
    let login = http::expect_json(address, "POST", "/api/v2/auth/login", &[], Some(account))?;
    let token = login["access_token"].as_str().context("no token")?.to_owned();
    let owner = login["user"]["id"].as_str().context("no user id")?.to_owned();
    let bearer = format!("Bearer {token}");
    let project = http::expect_json(
        address,
        "POST",
        "/api/v2/projects",
        &[("Authorization", &bearer)],
        Some(r#"{"name":"Load test","description":"A project read under load"}"#),
    )?;
    let id = project["id"].as_str().context("no project id")?.to_owned();
    for file in ["index.html", "main.rs", "README.md"] {
        let path = format!("/api/v2/projects/{id}/files/{file}");
        http::expect_json(
            address,
            "PUT",
            &path,
            &[("Authorization", &bearer)],
            Some(r#"{"content":"fn main() { println!(\"hello\"); }\n","language":"rust"}"#),
        )?;
    }
    Ok(Target {
        server: Some(server),
        dir,
        generated: (format!("http://{address}/api/v2/projects/{id}"), format!("Authorization: {bearer}")),
        raw: (format!("http://{address}/bench/raw/projects/{id}"), format!("x-owner: {owner}")),
    })
}

/// Checks `wrk` is there and builds `bench-target` in release mode.
fn prepare(root: &Path, out: &mut dyn Write) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed: `apt-get install -y wrk`");
    }
    writeln!(out, "building the server in release mode...")?;
    out.flush()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet", "--release", "-p", "server", "--bins"])
        .status()?;
    if !built.success() {
        bail!("the release build failed");
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Medians of throughput, p50 and p99.
fn summarize(samples: &[Sample]) -> (f64, f64, f64) {
    let mut rps: Vec<f64> = samples.iter().map(|s| s.requests_per_second).collect();
    let mut p50: Vec<f64> = samples.iter().map(|s| s.p50_ms).collect();
    let mut p99: Vec<f64> = samples.iter().map(|s| s.p99_ms).collect();
    (median(&mut rps), median(&mut p50), median(&mut p99))
}

/// `--case stores`.
pub fn stores(root: &Path, out: &mut dyn Write) -> Result<()> {
    prepare(root, out)?;
    test_services::install(out, &[test_services::Package::Postgres, test_services::Package::Redis])?;
    let postgres = test_services::Postgres::start()?;
    let redis = test_services::Redis::start()?;
    let scratch = |name: &str| -> Result<PathBuf> {
        let dir = std::env::temp_dir().join(format!("load-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    };
    let sqlite_dir = scratch("sqlite")?;
    let sqlite_url = format!("sqlite://{}", sqlite_dir.join("load.db").display());
    let (server, address) = spawn(root, "off", &[("DATABASE_URL", &sqlite_url)])?;
    let sqlite = seed(server, address, sqlite_dir)?;
    let pg_url = postgres.create_database("plain")?;
    let (server, address) = spawn(root, "off", &[("DATABASE_URL", &pg_url)])?;
    let pg = seed(server, address, scratch("pg")?)?;
    let cached_url = postgres.create_database("cached")?;
    let with_redis = [("DATABASE_URL", cached_url.as_str()), ("REDIS_URL", redis.url.as_str())];
    let (server, address) = spawn(root, "off", &with_redis)?;
    let cached = seed(server, address, scratch("cached")?)?;
    // The second instance shares the first's database and Redis: it reads the same project.
    let (second, second_address) = spawn(root, "off", &with_redis)?;
    let _second = second;
    let second_url = cached.generated.0.replacen(&address.to_string(), &second_address.to_string(), 1);

    let single = [&sqlite.generated, &pg.generated, &cached.generated];
    for (url, header) in single {
        wrk(url, header, "2", CONNECTIONS)?;
    }
    let mut samples: [Vec<Sample>; 4] = Default::default();
    for round in 1..=ROUNDS {
        writeln!(out, "round {round}/{ROUNDS}...")?;
        out.flush()?;
        for (samples, (url, header)) in samples.iter_mut().zip(single) {
            samples.push(wrk(url, header, SECONDS, CONNECTIONS)?);
        }
        let header = &cached.generated.1;
        let (first, second) = std::thread::scope(|scope| {
            let first = scope.spawn(|| wrk(&cached.generated.0, header, SECONDS, HALF));
            let second = wrk(&second_url, header, SECONDS, HALF);
            (first.join().map_err(|_| anyhow::anyhow!("a wrk thread panicked")), second)
        });
        let (first, second) = (first??, second?);
        samples[3].push(Sample {
            requests_per_second: first.requests_per_second + second.requests_per_second,
            p50_ms: first.p50_ms.max(second.p50_ms),
            p99_ms: first.p99_ms.max(second.p99_ms),
        });
    }
    drop((sqlite, pg, cached, _second));
    let [sqlite, pg, cached, two] = samples.map(|samples| summarize(&samples));
    writeln!(
        out,
        "\nGET a project through the generated router, {CONNECTIONS} connections in all, wrk -t1 -d{SECONDS}s, median of {ROUNDS} alternating rounds (release build, validation off)"
    )?;
    writeln!(out, "{:<58} {:>10} {:>9} {:>9} {:>8}", "store", "req/s", "p50", "p99", "vs SQLite")?;
    for (label, (rps, p50, p99)) in [
        ("SQLite", sqlite),
        ("PostgreSQL", pg),
        ("PostgreSQL + Redis (shared rate limits, read cache)", cached),
        ("two instances, PostgreSQL + Redis (32 connections each)", two),
    ] {
        writeln!(out, "{label:<58} {rps:>10.0} {p50:>7.2}ms {p99:>7.2}ms {:>8.2}", rps / sqlite.0)?;
    }
    writeln!(out, "(two instances: p50 and p99 are the worse of the two wrk runs)")?;
    Ok(())
}

pub fn run(root: &Path, out: &mut dyn Write) -> Result<()> {
    prepare(root, out)?;
    let off = start(root, "off")?;
    let on = start(root, "enforce")?;
    let routes = [&off.raw, &off.generated, &on.generated];
    // Warm-up of every route.
    for (url, header) in routes {
        wrk(url, header, "2", CONNECTIONS)?;
    }
    let mut samples: [Vec<Sample>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for round in 1..=ROUNDS {
        writeln!(out, "round {round}/{ROUNDS}...")?;
        out.flush()?;
        for (samples, (url, header)) in samples.iter_mut().zip(routes) {
            samples.push(wrk(url, header, SECONDS, CONNECTIONS)?);
        }
    }
    drop((off, on));

    let [raw, off, on] = samples.map(|samples| summarize(&samples));
    writeln!(
        out,
        "\nGET a project, {CONNECTIONS} connections, wrk -t1 -d{SECONDS}s, median of {ROUNDS} alternating rounds (release build)"
    )?;
    writeln!(out, "{:<58} {:>10} {:>9} {:>9}", "route", "req/s", "p50", "p99")?;
    for (label, (rps, p50, p99)) in [
        ("hand-written handler (no auth, no validation)", raw),
        ("generated router (auth, validation, ETag)", off),
        ("generated router, response validation enforced", on),
    ] {
        writeln!(out, "{label:<58} {rps:>10.0} {p50:>7.2}ms {p99:>7.2}ms")?;
    }
    writeln!(out, "generated / hand-written throughput: {:.1}%", 100.0 * off.0 / raw.0)?;
    writeln!(out, "response validation on / off: throughput {:.3}, p50 latency {:.3}", on.0 / off.0, on.1 / off.1)?;
    Ok(())
}

/// One `wrk` run; fails on any non-2xx answer.
fn wrk(url: &str, header: &str, seconds: &str, connections: &str) -> Result<Sample> {
    let output = Command::new("wrk")
        .args(["-t1", "-c", connections, "-d", &format!("{seconds}s"), "--latency", "-H", header, url])
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if text.contains("Non-2xx or 3xx responses") {
        bail!("wrk saw error answers from {url}:\n{text}");
    }
    let field = |label: &str| text.lines().find_map(|l| l.trim().strip_prefix(label).map(|v| v.trim().to_owned()));
    let requests_per_second =
        field("Requests/sec:").and_then(|v| v.parse().ok()).context("no Requests/sec in wrk's output")?;
    Ok(Sample {
        requests_per_second,
        p50_ms: millis(&field("50%").context("no p50")?)?,
        p99_ms: millis(&field("99%").context("no p99")?)?,
    })
}

fn millis(text: &str) -> Result<f64> {
    let (number, factor) = if let Some(v) = text.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = text.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = text.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (text, 1.0)
    };
    Ok(number.trim().parse::<f64>().context("a latency")? * factor)
}
