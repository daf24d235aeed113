//! Real services for the tests and for trying the server: a throw-away PostgreSQL cluster and a
//! Redis server, each on a free loopback port with its data in a temporary directory, stopped (and
//! the data removed) when its guard drops; and where Debian's Chromium is, for the browser test.
//! Used by `cargo xtask test` (the end-to-end suite on PostgreSQL and Redis, the web example in
//! Chromium), by `cargo xtask services`, and by the server's two-instance test. Missing Debian
//! packages are installed with `apt-get` when running as root (one `apt-get update` first, one
//! `apt-get install` for all); otherwise the task stops with the command to run.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The user and database of the throw-away cluster (trust authentication on loopback only).
const PG_USER: &str = "devora";
const PG_DATABASE: &str = "devora";

/// A Debian package the tests need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Package {
    Postgres,
    Redis,
    /// The browser of the web example's test.
    Chromium,
}

impl Package {
    /// Every package, as `cargo xtask test` installs them.
    pub const ALL: [Package; 3] = [Package::Postgres, Package::Redis, Package::Chromium];

    fn debian_name(self) -> &'static str {
        match self {
            Package::Postgres => "postgresql",
            Package::Redis => "redis-server",
            Package::Chromium => "chromium",
        }
    }

    fn installed(self) -> bool {
        match self {
            Package::Postgres => postgres_bin("initdb").is_some(),
            Package::Redis => which("redis-server").is_some(),
            Package::Chromium => chromium().is_some(),
        }
    }
}

/// Installs those of `packages` whose programs cannot be found, with one `apt-get install`.
pub fn install(out: &mut dyn std::io::Write, packages: &[Package]) -> Result<()> {
    let missing: Vec<&str> =
        packages.iter().filter(|package| !package.installed()).map(|package| package.debian_name()).collect();
    if missing.is_empty() {
        let names: Vec<&str> = packages.iter().map(|package| package.debian_name()).collect();
        writeln!(out, "installed already: {}", names.join(", "))?;
        return Ok(());
    }
    if !is_root() {
        bail!("the tests need {}: run `sudo apt-get install -y {}`", missing.join(" and "), missing.join(" "));
    }
    writeln!(out, "\n==> apt-get update && apt-get install -y {}", missing.join(" "))?;
    out.flush()?;
    run(Command::new("apt-get").args(["update", "-qq"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    // The packages start their own services; the tests start theirs on other ports and need none.
    if missing.contains(&"redis-server") {
        let _ =
            Command::new("service").args(["redis-server", "stop"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
    Ok(())
}

/// Debian's Chromium (`chromium` on `PATH`), for headless tests.
pub fn chromium() -> Option<PathBuf> {
    which("chromium")
}

/// `cargo xtask services`: both services until the user presses Enter.
pub fn serve_until_enter(out: &mut dyn std::io::Write) -> Result<()> {
    install(out, &[Package::Postgres, Package::Redis])?;
    let postgres = Postgres::start()?;
    let redis = Redis::start()?;
    writeln!(
        out,
        "# PostgreSQL and Redis are running (their data is thrown away when they stop). Start the server with:"
    )?;
    writeln!(out, "export DATABASE_URL={}", postgres.url)?;
    writeln!(out, "export REDIS_URL={}", redis.url)?;
    writeln!(out, "# Press Enter to stop them.")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(())
}

/// A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only.
pub struct Postgres {
    dir: PathBuf,
    /// `postgres://devora@127.0.0.1:PORT/devora`.
    pub url: String,
    port: u16,
    /// Runs the cluster's programs as this user (PostgreSQL refuses to run as root).
    user: Option<String>,
}

impl Postgres {
    pub fn start() -> Result<Self> {
        let initdb = postgres_bin("initdb").context("initdb not found (Debian's postgresql package)")?;
        let pg_ctl = postgres_bin("pg_ctl").context("pg_ctl not found (Debian's postgresql package)")?;
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("devora-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let user = is_root().then(|| "postgres".to_owned());
        if let Some(user) = &user {
            run(Command::new("chown").args(["-R", user]).arg(&dir))?;
        }
        let data = dir.join("data");
        let cluster = Postgres {
            dir: dir.clone(),
            url: format!("postgres://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"),
            port,
            user,
        };
        run(cluster
            .as_owner(&initdb)
            .arg("-D")
            .arg(&data)
            .args(["-U", PG_USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
            .stdout(Stdio::null()))?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            dir.display()
        );
        run(cluster
            .as_owner(&pg_ctl)
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(dir.join("postgres.log"))
            .args(["-w", "-t", "60", "start"])
            .stdout(Stdio::null()))?;
        cluster.create_database(PG_DATABASE)?;
        Ok(cluster)
    }

    /// Creates database `name` in the cluster and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let createdb = postgres_bin("createdb").context("createdb not found (Debian's postgresql package)")?;
        let port = self.port;
        run(Command::new(createdb).args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", PG_USER, name]))?;
        Ok(format!("postgres://{PG_USER}@127.0.0.1:{port}/{name}"))
    }

    fn as_owner(&self, program: &Path) -> Command {
        match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(pg_ctl) = postgres_bin("pg_ctl") {
            let _ = self
                .as_owner(&pg_ctl)
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "immediate", "-w", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Redis server on 127.0.0.1 that keeps nothing on disk.
pub struct Redis {
    child: Child,
    dir: PathBuf,
    /// `redis://127.0.0.1:PORT`.
    pub url: String,
}

impl Redis {
    pub fn start() -> Result<Self> {
        let program = which("redis-server").context("redis-server not found (Debian's redis-server package)")?;
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("devora-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let child = Command::new(program)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string(), "--save", "", "--appendonly", "no"])
            .args(["--protected-mode", "yes", "--dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .context("starting redis-server")?;
        let redis = Redis { child, dir, url: format!("redis://127.0.0.1:{port}") };
        wait_for_port(port, Duration::from_secs(20)).context("redis-server did not start listening")?;
        Ok(redis)
    }
}

impl Redis {
    /// Kills the server now (as a crash would: nothing is saved).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A PostgreSQL program: on `PATH`, or in Debian's versioned directory (the newest version).
fn postgres_bin(name: &str) -> Option<PathBuf> {
    if let Some(found) = which(name) {
        return Some(found);
    }
    let mut versions: Vec<PathBuf> =
        std::fs::read_dir("/usr/lib/postgresql").ok()?.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
    versions.sort_by_key(|path| path.file_name().and_then(|n| n.to_str()).and_then(|n| n.parse::<u32>().ok()));
    versions.into_iter().rev().map(|version| version.join("bin").join(name)).find(|path| path.is_file())
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A loopback port nothing listens on (at the time of asking).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0").context("finding a free loopback port")?.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("nothing listens on 127.0.0.1:{port} after {timeout:?}")
}

fn run(command: &mut Command) -> Result<()> {
    let output =
        command.stderr(Stdio::piped()).output().with_context(|| format!("starting {:?}", command.get_program()))?;
    if !output.status.success() {
        bail!(
            "{:?} {:?} failed ({}): {}",
            command.get_program(),
            command.get_args().collect::<Vec<_>>(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}
