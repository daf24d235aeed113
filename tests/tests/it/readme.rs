//! The README's first code block, run as written: what a newcomer types must work.
//!
//! `cargo xtask generate` must succeed and change nothing (the committed files are fresh);
//! `cargo run -p server` must start the server, which must answer `GET /api/v2/health` (on a free
//! loopback port and a temporary SQLite file, given through `PORT` and `DATABASE_URL`), and is then
//! stopped; `cargo xtask test` would run this test again, so it must be exactly what `.ci/run` runs
//! instead. A command this test does not know how to run fails it.
//!
//! The nested `cargo` invocations share the outer `cargo test`'s target directory: cargo releases
//! its build lock before it runs test binaries, so they reuse what is built instead of waiting.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tests::{project_root, read};

/// How long `cargo run -p server` may take to build and answer (it may have to compile the server).
const START_TIMEOUT: Duration = Duration::from_secs(20 * 60);

#[test]
fn the_readmes_first_code_block_runs_as_written() {
    let commands = first_code_block(&read("README.md"));
    assert!(!commands.is_empty(), "the README's first code block has no command");
    for command in &commands {
        match command.as_str() {
            "cargo xtask generate" => generate_changes_nothing(command),
            "cargo run -p server" => server_answers_health(command),
            "cargo xtask test" => ci_runs(command),
            other => panic!("the README's first code block runs `{other}`, which tests/tests/readme.rs cannot run"),
        }
    }
}

/// The commands of the README's first fenced code block, without their `# comments`.
fn first_code_block(readme: &str) -> Vec<String> {
    let block = readme.split("```").nth(1).unwrap_or_default();
    // The first line is the fence's info string (`sh`).
    block
        .lines()
        .skip(1)
        .map(|line| line.split_once(" #").map_or(line, |(command, _)| command).trim())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// `command` split on spaces, run from the project root; the README's commands have no quoting.
fn command(text: &str) -> Command {
    let mut words = text.split_whitespace();
    let mut command = Command::new(words.next().unwrap_or_default());
    command.args(words).current_dir(project_root());
    command
}

fn generate_changes_nothing(text: &str) {
    let before = generated_files();
    let output = command(text).output().unwrap_or_else(|e| panic!("`{text}` does not start: {e}"));
    assert!(
        output.status.success(),
        "`{text}` failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let after = generated_files();
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        changed.is_empty(),
        "`{text}` changed committed files, which were stale: {changed:?}; commit what it generated"
    );
}

/// `openapi.yaml` and every file under `generated/` and `codegen/fixture/` (but `node_modules` and
/// `target`), by path.
fn generated_files() -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display())).path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                if name != "node_modules" && name != "target" {
                    walk(root, &path, files);
                }
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                files.insert(relative, bytes);
            }
        }
    }
    let root = project_root();
    let mut files = BTreeMap::new();
    walk(&root, &root.join("generated"), &mut files);
    walk(&root, &root.join("codegen/fixture"), &mut files);
    files.insert("openapi.yaml".into(), read("openapi.yaml").into_bytes());
    files
}

/// The server started by a command, stopped (killed and reaped) when dropped, even when an
/// assertion fails first.
struct Running {
    child: Child,
    dir: PathBuf,
}

impl Running {
    /// Kills the process and waits for it.
    fn stop(&mut self) -> Option<ExitStatus> {
        let _ = self.child.kill();
        self.child.wait().ok()
    }

    fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!("stdout:\n{}\nstderr:\n{}", read("stdout.log"), read("stderr.log"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

fn server_answers_health(text: &str) {
    let dir = std::env::temp_dir().join(format!("readme-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    let log = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()))
    };
    let address = free_loopback_address();
    let child = command(text)
        .env("HOST", address.ip().to_string())
        .env("PORT", address.port().to_string())
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("readme.db").display()))
        .stdin(Stdio::null())
        .stdout(log("stdout.log"))
        .stderr(log("stderr.log"))
        .spawn()
        .unwrap_or_else(|e| panic!("`{text}` does not start: {e}"));
    let mut running = Running { child, dir: dir.clone() };

    let started = Instant::now();
    let answer = loop {
        if let Some(answer) = get(address, "/api/v2/health") {
            break answer;
        }
        if let Ok(Some(status)) = running.child.try_wait() {
            panic!("`{text}` exited ({status}) before answering:\n{}", running.log());
        }
        assert!(
            started.elapsed() < START_TIMEOUT,
            "`{text}` did not answer within {START_TIMEOUT:?}:\n{}",
            running.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(answer.starts_with("HTTP/1.1 200"), "GET /api/v2/health answered:\n{answer}");
    assert!(answer.contains("\"database\":true"), "the database is not reachable:\n{answer}");

    running.stop();
    assert!(get(address, "/api/v2/health").is_none(), "the server still answers after it was killed");
}

/// A loopback address whose port was free a moment ago.
fn free_loopback_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("the listener's address")
}

/// The whole answer to `GET path`, or `None` when nothing answers.
fn get(address: SocketAddr, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    (!answer.is_empty()).then_some(answer)
}

/// `cargo xtask test` runs this test: instead of running it, check that it is what CI runs.
fn ci_runs(text: &str) {
    let ci = read(".ci/run");
    assert!(
        ci.lines().any(|line| line.trim() == text),
        "the README says `{text}` runs the tests, but .ci/run does not run exactly that"
    );
}
