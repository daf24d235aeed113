//! `cargo xtask test`: installs what the tests need (npm packages from the committed lockfile),
//! then runs every test: the Rust workspace, built once and run in three concurrent `cargo test`s
//! (the cross-language agreement test needs the npm packages; the examples' crates run their own
//! end-to-end tests), `tsc --strict` over the
//! generated TypeScript (the reference contract's, the fixture's and the examples') and the
//! consumer programs, the JSON-Schema-Test-Suite against the validator compiler, schemathesis, and
//! Redocly over `openapi.yaml` and the examples' documents. Then the scale-out store: a throw-away
//! PostgreSQL cluster and Redis (installed from Debian when missing), the server's end-to-end suite
//! run again on them (the binary `cargo test` built, not a second build), and schemathesis again.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

pub fn run(root: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let tools = root.join("tests");
    install_npm(&tools, out)?;
    let venv = install_pip(&tools, out)?;

    step(out, "cargo test --workspace --no-run (one build of every test)")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let suite = server_suite(root, &cargo)?;
    step(out, "cargo test, in three concurrent runs")?;
    cargo_test(root, &cargo, out)?;

    step(out, "tsc --strict (the sources of the generated TypeScript packages, tests/typescript)")?;
    run_command(
        Command::new(tools.join("node_modules/.bin/tsc"))
            .current_dir(root)
            .args(["-p", "tests/typescript/tsconfig.json"]),
    )?;

    step(out, "JSON-Schema-Test-Suite conformance of the TypeScript validator compiler")?;
    if crate::conformance::run(root, None, false, Some(700), out)? != ExitCode::SUCCESS {
        bail!("the validator compiler passes fewer than 700 suite tests");
    }

    step(out, "schemathesis against the server (SQLite)")?;
    crate::schemathesis::run(root, &venv, &crate::schemathesis::Store::default(), out)?;

    step(out, "PostgreSQL and Redis: throw-away, on loopback")?;
    test_services::install(out)?;
    let postgres = test_services::Postgres::start()?;
    let redis = test_services::Redis::start()?;
    writeln!(out, "PostgreSQL at {}, Redis at {}", postgres.url, redis.url)?;

    step(out, "the server's end-to-end suite on PostgreSQL and Redis")?;
    run_command(
        Command::new(&suite)
            .current_dir(root.join("server"))
            .env("DEVORA_TEST_POSTGRES", &postgres.url)
            .env("DEVORA_TEST_REDIS", &redis.url),
    )?;

    step(out, "schemathesis against the server (PostgreSQL and Redis)")?;
    let store = crate::schemathesis::Store {
        database_url: Some(postgres.create_database("schemathesis")?),
        redis_url: Some(redis.url.clone()),
    };
    crate::schemathesis::run(root, &venv, &store, out)?;
    drop((postgres, redis));

    step(out, "redocly lint --extends=minimal (openapi.yaml and the examples')")?;
    let redocly = tools.join("node_modules/.bin/redocly");
    run_command(
        Command::new(&redocly)
            .current_dir(root)
            .args([
                "lint",
                "--extends=minimal",
                "openapi.yaml",
                "examples/saas-ia/openapi.yaml",
                "examples/vault/openapi.yaml",
            ])
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;

    writeln!(out, "\nxtask test: every step succeeded (cargo test, tsc, conformance, schemathesis, redocly lint)")?;
    Ok(ExitCode::SUCCESS)
}

/// The runs of [`cargo_test`]: the `tests` crate (its adoption and README tests build other
/// workspaces, which keeps the processor busy) and the compile-fail cases (trybuild checks their
/// dependencies) beside the rest, whose end-to-end tests mostly wait on sockets. Run one after the
/// other, as `cargo test --workspace` runs its binaries, they took six minutes of a clean CI run.
const TEST_RUNS: [(&str, &[&str]); 3] = [
    ("the tests crate", &["--package", "tests"]),
    ("the compile-fail cases", &["--package", "server-compile-fail"]),
    ("every other crate", &["--workspace", "--exclude", "tests", "--exclude", "server-compile-fail"]),
];

/// Every test of the workspace (what `cargo test --workspace` runs, built already), in the
/// concurrent runs of [`TEST_RUNS`]. Each run's output goes to `target/xtask-test/` and is printed
/// whole when the run ends; the first failure is reported after all have ended.
fn cargo_test(root: &Path, cargo: &str, out: &mut dyn Write) -> Result<()> {
    let logs = root.join("target/xtask-test");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let mut running = Vec::new();
    for (index, (what, args)) in TEST_RUNS.iter().enumerate() {
        let path = logs.join(format!("cargo-test-{index}.log"));
        let log = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let child = Command::new(cargo)
            .current_dir(root)
            .args(["test", "--locked"])
            .args(*args)
            .env("INSTA_UPDATE", "no")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting cargo test for {what}"))?;
        running.push((*what, path, child));
    }
    let mut failed = Vec::new();
    while !running.is_empty() {
        let mut index = 0;
        while index < running.len() {
            let Some(status) = running[index].2.try_wait().context("waiting for cargo test")? else {
                index += 1;
                continue;
            };
            let (what, path, _) = running.swap_remove(index);
            let log = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            writeln!(out, "\n--- cargo test: {what} ({status}) ---\n{log}")?;
            out.flush()?;
            if !status.success() {
                failed.push(what);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    if !failed.is_empty() {
        bail!("cargo test failed for {}", failed.join(", "));
    }
    Ok(())
}

/// Builds every test binary of the workspace (`cargo test --workspace --no-run`) and returns the
/// server's `it` binary, which runs again on PostgreSQL and Redis.
fn server_suite(root: &Path, cargo: &str) -> Result<std::path::PathBuf> {
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--workspace", "--locked", "--no-run", "--message-format=json-render-diagnostics"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("building the test binaries")?;
    if !output.status.success() {
        bail!("cargo test --workspace --no-run failed ({})", output.status);
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let target = &message["target"];
        if message["reason"] == "compiler-artifact"
            && target["name"] == "it"
            && message["package_id"].as_str().is_some_and(|id| id.contains("/server#"))
            && let Some(executable) = message["executable"].as_str()
        {
            return Ok(executable.into());
        }
    }
    bail!("cargo built no `it` test binary of the server")
}

/// `npm ci` unless `node_modules` already matches the lockfile.
fn install_npm(tools: &Path, out: &mut dyn Write) -> Result<()> {
    let lock = tools.join("package-lock.json");
    let installed = tools.join("node_modules/.package-lock.json");
    let wanted = std::fs::read_to_string(&lock).with_context(|| format!("reading {}", lock.display()))?;
    let fresh = std::fs::read_to_string(&installed).ok().is_some_and(|have| same_packages(&have, &wanted));
    if fresh {
        writeln!(out, "npm packages in tests/node_modules match tests/package-lock.json")?;
        return Ok(());
    }
    step(out, "npm ci (tests/)")?;
    run_command(Command::new("npm").current_dir(tools).args(["ci", "--no-audit", "--no-fund"]))
}

/// A virtual environment in `tests/.venv` with `tests/requirements.txt`, made or refreshed when
/// the requirements changed.
pub fn install_pip(tools: &Path, out: &mut dyn Write) -> Result<std::path::PathBuf> {
    let venv = tools.join(".venv");
    let requirements =
        std::fs::read_to_string(tools.join("requirements.txt")).context("reading tests/requirements.txt")?;
    let marker = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(requirements.as_str()) {
        writeln!(out, "pip packages in tests/.venv match tests/requirements.txt")?;
        return Ok(venv);
    }
    step(out, "python3 -m venv tests/.venv && pip install -r tests/requirements.txt")?;
    run_command(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run_command(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(tools.join("requirements.txt")),
    )?;
    std::fs::write(&marker, requirements)?;
    Ok(venv)
}

/// npm's hidden lockfile omits the root entry; compare the `packages` maps without it.
fn same_packages(installed: &str, lock: &str) -> bool {
    let packages = |text: &str| -> Option<serde_json::Value> {
        let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
        let packages = value.get_mut("packages")?.as_object_mut()?;
        packages.remove("");
        Some(serde_json::Value::Object(packages.clone()))
    };
    matches!((packages(installed), packages(lock)), (Some(a), Some(b)) if a == b)
}

fn step(out: &mut dyn Write, what: &str) -> Result<()> {
    writeln!(out, "\n==> {what}")?;
    out.flush()?;
    Ok(())
}

fn run_command(command: &mut Command) -> Result<()> {
    let status = command.status().with_context(|| format!("starting {:?}", command.get_program()))?;
    if !status.success() {
        bail!("{:?} {:?} failed ({status})", command.get_program(), command.get_args().collect::<Vec<_>>());
    }
    Ok(())
}
