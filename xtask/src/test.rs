//! `cargo xtask test`: installs what the tests need (npm packages from the committed lockfiles of
//! `tests/` and `examples/web/`; Debian's PostgreSQL, Redis and Chromium when missing), then runs
//! every test: the Rust workspace, built once and its test binaries run as built, in three
//! concurrent runs (the cross-language agreement test needs the npm packages; the examples' crates
//! run their own end-to-end tests; the server's browser test drives the web example in headless
//! Chromium), `tsc --strict` over the generated TypeScript (the reference contract's, the
//! fixture's and the examples'), the consumer programs and the web example's page, the
//! JSON-Schema-Test-Suite against the validator compiler, schemathesis, and Redocly over
//! `openapi.yaml` and the examples' documents. Then the scale-out store: a throw-away PostgreSQL
//! cluster and Redis, the server's end-to-end suite run again on them (the binary `cargo test`
//! built, not a second build), and schemathesis again.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

pub fn run(root: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let tools = root.join("tests");
    install_npm(root, "tests", out)?;
    install_npm(root, "examples/web", out)?;
    let venv = install_pip(&tools, out)?;
    step(out, "Debian packages: PostgreSQL, Redis, Chromium")?;
    test_services::install(out, &test_services::Package::ALL)?;

    step(out, "cargo test --workspace --no-run (one build of every test)")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let binaries = build_tests(root, &cargo)?;
    let suite = server_suite(&binaries)?;
    step(out, "the tests, in three concurrent runs")?;
    run_tests(root, &cargo, &binaries, out)?;
    let screenshot = root.join(WEB_SCREENSHOT);
    if screenshot.exists() {
        writeln!(out, "the web example in Chromium, as the browser test left it: {}", screenshot.display())?;
    }

    step(out, "tsc --strict (the sources of the generated TypeScript packages, tests/typescript, examples/web)")?;
    for project in ["tests/typescript/tsconfig.json", "examples/web/tsconfig.json"] {
        run_command(Command::new(tools.join("node_modules/.bin/tsc")).current_dir(root).args(["-p", project]))?;
    }

    step(out, "JSON-Schema-Test-Suite conformance of the TypeScript validator compiler")?;
    if crate::conformance::run(root, None, false, Some(700), out)? != ExitCode::SUCCESS {
        bail!("the validator compiler passes fewer than 700 suite tests");
    }

    step(out, "schemathesis against the server (SQLite)")?;
    crate::schemathesis::run(root, &venv, &crate::schemathesis::Store::default(), out)?;

    step(out, "PostgreSQL and Redis: throw-away, on loopback")?;
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

/// A test executable that `cargo test --workspace --no-run` built: its package and where that
/// package lives (tests run from there, as `cargo test` runs them).
struct TestBinary {
    package: String,
    manifest_dir: std::path::PathBuf,
    executable: std::path::PathBuf,
    /// `tests/it/main.rs`, `src/lib.rs`...: what `cargo test` prints for it.
    source: String,
}

/// Builds every test binary of the workspace once (`cargo test --workspace --no-run`) and lists
/// them. They are then run as they are: a `cargo test -p X` would resolve features for `X` alone
/// and build its dependencies again.
fn build_tests(root: &Path, cargo: &str) -> Result<Vec<TestBinary>> {
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--workspace", "--locked", "--no-run", "--message-format=json-render-diagnostics"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("building the test binaries")?;
    if !output.status.success() {
        bail!("cargo test --workspace --no-run failed ({})", output.status);
    }
    let mut binaries = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        // Test harnesses only: the binaries built beside them (for `CARGO_BIN_EXE_*`) are programs.
        if message["reason"] != "compiler-artifact" || message["profile"]["test"] != true {
            continue;
        }
        let (Some(executable), Some(manifest), Some(source)) =
            (message["executable"].as_str(), message["manifest_path"].as_str(), message["target"]["src_path"].as_str())
        else {
            continue;
        };
        let manifest_dir = Path::new(manifest).parent().context("a manifest in a folder")?.to_path_buf();
        let package = package_name(message["package_id"].as_str().unwrap_or_default());
        let source = Path::new(source).strip_prefix(&manifest_dir).unwrap_or(Path::new(source)).display().to_string();
        binaries.push(TestBinary { package, manifest_dir, executable: executable.into(), source });
    }
    binaries.sort_by(|a, b| (&a.package, &a.source).cmp(&(&b.package, &b.source)));
    Ok(binaries)
}

/// The name in a package id: `path+file:///w/server#0.1.0` (a folder named as its package) or
/// `path+file:///w/server/compile-fail#server-compile-fail@0.0.0`.
fn package_name(id: &str) -> String {
    let (path, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    match fragment.split_once('@') {
        Some((name, _)) => name.to_owned(),
        None => path.rsplit('/').next().unwrap_or_default().to_owned(),
    }
}

/// Every test of the workspace, built already, in three concurrent runs: the `tests` crate's
/// binaries (its adoption and README tests build other workspaces, which keeps the processor
/// busy), the compile-fail cases (trybuild checks their dependencies), and the rest, whose
/// end-to-end tests mostly wait on sockets, followed by the doc tests. One after the other, as
/// `cargo test --workspace` runs them, they took six minutes of a clean CI run. Each run's output
/// goes to `target/xtask-test/` and is printed whole when the run ends; failures are reported
/// after all have ended.
fn run_tests(root: &Path, cargo: &str, binaries: &[TestBinary], out: &mut dyn Write) -> Result<()> {
    let logs = root.join("target/xtask-test");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let group = |keep: &dyn Fn(&TestBinary) -> bool| -> Vec<Command> {
        binaries
            .iter()
            .filter(|binary| keep(binary))
            .map(|binary| {
                let mut command = Command::new(&binary.executable);
                command
                    .current_dir(&binary.manifest_dir)
                    .env("CARGO", cargo)
                    .env("CARGO_MANIFEST_DIR", &binary.manifest_dir)
                    .env("CARGO_PKG_NAME", &binary.package)
                    .env("INSTA_UPDATE", "no");
                command
            })
            .collect()
    };
    let mut rest = group(&|b| b.package != "tests" && b.package != "server-compile-fail");
    let mut doc = Command::new(cargo);
    doc.current_dir(root).args(["test", "--workspace", "--locked", "--doc"]).env("INSTA_UPDATE", "no");
    rest.push(doc);
    let runs = [
        ("the tests crate", group(&|b| b.package == "tests")),
        ("the compile-fail cases", group(&|b| b.package == "server-compile-fail")),
        ("every other crate, then the doc tests", rest),
    ];
    let threads: Vec<_> = runs
        .into_iter()
        .enumerate()
        .map(|(index, (what, commands))| {
            let path = logs.join(format!("cargo-test-{index}.log"));
            std::thread::spawn(move || -> Result<(&str, std::path::PathBuf, bool)> {
                let log = std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
                let mut passed = true;
                for mut command in commands {
                    let status = command
                        .stdout(log.try_clone()?)
                        .stderr(log.try_clone()?)
                        .status()
                        .with_context(|| format!("starting {:?}", command.get_program()))?;
                    passed &= status.success();
                }
                Ok((what, path, passed))
            })
        })
        .collect();
    let mut failed = Vec::new();
    for thread in threads {
        let (what, path, passed) = thread.join().map_err(|_| anyhow::anyhow!("a test run panicked"))??;
        let log = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        writeln!(out, "\n--- tests: {what} ({}) ---\n{log}", if passed { "passed" } else { "FAILED" })?;
        out.flush()?;
        if !passed {
            failed.push(what);
        }
    }
    if !failed.is_empty() {
        bail!("tests failed: {}", failed.join(", "));
    }
    Ok(())
}

/// The server's `it` binary, which runs again on PostgreSQL and Redis.
fn server_suite(binaries: &[TestBinary]) -> Result<std::path::PathBuf> {
    binaries
        .iter()
        .find(|b| b.package == "server" && b.source == "tests/it/main.rs")
        .map(|b| b.executable.clone())
        .context("cargo built no `it` test binary of the server")
}

/// Where the browser test (`server/tests/it/browser.rs`) saves its screenshot of the web example.
const WEB_SCREENSHOT: &str = "target/browser/web-example.png";

/// `npm ci` in `root/folder` unless its `node_modules` already matches the lockfile.
fn install_npm(root: &Path, folder: &str, out: &mut dyn Write) -> Result<()> {
    let dir = root.join(folder);
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let wanted = std::fs::read_to_string(&lock).with_context(|| format!("reading {}", lock.display()))?;
    let fresh = std::fs::read_to_string(&installed).ok().is_some_and(|have| same_packages(&have, &wanted));
    if fresh {
        writeln!(out, "npm packages in {folder}/node_modules match {folder}/package-lock.json")?;
        return Ok(());
    }
    step(out, &format!("npm ci ({folder}/)"))?;
    run_command(Command::new("npm").current_dir(dir).args(["ci", "--no-audit", "--no-fund"]))
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

/// Whether `node_modules/.package-lock.json` (`installed`) is what `npm ci` would make of the
/// lockfile (`lock`): the same packages under `node_modules`, less the optional ones npm skipped
/// for this platform (esbuild's binaries for other systems). The root entry, and a linked folder's
/// own entry (a `file:` dependency, such as the generated package of `examples/web`, described as
/// it is now), are not installed things.
fn same_packages(installed: &str, lock: &str) -> bool {
    let packages = |text: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let mut packages = value.get("packages")?.as_object()?.clone();
        packages.retain(|path, _| path.starts_with("node_modules/"));
        Some(packages)
    };
    let (Some(installed), Some(lock)) = (packages(installed), packages(lock)) else { return false };
    installed.keys().all(|path| lock.contains_key(path))
        && lock.iter().all(|(path, entry)| match installed.get(path) {
            Some(have) => have == entry,
            None => entry["optional"] == true,
        })
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::process::Command;

    /// Every crate xtask builds (code, proc-macros and build scripts), with the features
    /// `cargo xtask` builds it with, is one that `cargo test --workspace` builds with the same
    /// features, so `cargo xtask test`'s test build reuses all of `cargo xtask`'s (see the
    /// feature lines of `xtask/Cargo.toml`).
    #[test]
    fn xtask_builds_its_dependencies_as_the_workspace_tests_do() {
        let nodes = |selection: &[&str]| -> BTreeSet<String> {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let output = Command::new(cargo)
                .current_dir(crate::project_root())
                .arg("tree")
                .args(selection)
                .args(["--prefix", "none", "--format", "{p}|{f}"])
                .output()
                .expect("cargo tree runs");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let root = crate::project_root().display().to_string();
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter(|line| !line.contains(&root) && !line.is_empty())
                .map(|line| line.replace(" (*)", ""))
                .collect()
        };
        let xtask = nodes(&["--package", "xtask", "--edges", "normal,build"]);
        let workspace = nodes(&["--workspace"]);
        let apart: Vec<&String> = xtask.difference(&workspace).collect();
        assert!(
            xtask.len() > 50 && apart.is_empty(),
            "xtask builds these crates with features the workspace's tests do not (add the missing ones to \
             xtask/Cargo.toml):\n{apart:#?}"
        );
    }

    #[test]
    fn installed_packages_match_a_lockfile_less_what_npm_skips() {
        let lock = r#"{"packages": {
            "": {"name": "app"},
            "../../generated/typescript": {"version": "5.2.0"},
            "node_modules/a": {"version": "1.0.0"},
            "node_modules/@esbuild/aix-ppc64": {"version": "0.28.2", "optional": true}
        }}"#;
        let same = r#"{"packages": {
            "../../generated/typescript": {"version": "5.3.0"},
            "node_modules/a": {"version": "1.0.0"}
        }}"#;
        assert!(super::same_packages(same, lock));
        let older = r#"{"packages": {"node_modules/a": {"version": "0.9.0"}}}"#;
        assert!(!super::same_packages(older, lock));
        let missing = r#"{"packages": {}}"#;
        assert!(!super::same_packages(missing, lock));
        let extra = r#"{"packages": {"node_modules/a": {"version": "1.0.0"}, "node_modules/b": {}}}"#;
        assert!(!super::same_packages(extra, lock));
    }

    #[test]
    fn package_names_come_from_package_ids() {
        assert_eq!(super::package_name("path+file:///work/main/server#0.1.0"), "server");
        assert_eq!(
            super::package_name("path+file:///work/main/server/compile-fail#server-compile-fail@0.0.0"),
            "server-compile-fail"
        );
        assert_eq!(super::package_name("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0"), "serde");
    }
}
