//! A server on an ephemeral loopback port with a temporary database, for the integration tests.

use std::net::SocketAddr;
use std::sync::Arc;

/// The secret test servers sign tokens with.
pub const SECRET: &[u8] = b"a test secret that is long enough for HS256";

pub struct TestServer {
    pub base: String,
    /// The server's database (`sqlite://…`), for tools run beside it.
    pub database_url: String,
    /// Where its keys go in the shared Redis (when [`REDIS`] is set).
    pub redis_key_prefix: String,
    pub address: SocketAddr,
    pub app: Arc<server::App>,
    dir: std::path::PathBuf,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// When set (by `cargo xtask test`), the URL of a PostgreSQL cluster: each test server gets a
/// database of its own there instead of a SQLite file.
pub const POSTGRES: &str = "DEVORA_TEST_POSTGRES";
/// When set, the Redis URL test servers share (each under a key prefix of its own).
pub const REDIS: &str = "DEVORA_TEST_REDIS";

/// Creates an empty database in the cluster `cluster` points at; returns its URL.
pub async fn fresh_postgres_database(cluster: &str) -> String {
    use sqlx::Connection;
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(cluster).await.expect("the test cluster answers");
    // `name` is a UUID in hex, nothing a client chose.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("CREATE DATABASE");
    admin.close().await.ok();
    let (base, _) = cluster.rsplit_once('/').expect("a database URL ends with /NAME");
    format!("{base}/{name}")
}

/// A PostgreSQL cluster for a test: the one `cargo xtask test` started ([`POSTGRES`]), or one of
/// the test's own (installed and started by `test-services`), stopped when dropped.
pub enum Cluster {
    Shared(String),
    Own(test_services::Postgres),
}

impl Cluster {
    pub fn get() -> Cluster {
        match std::env::var(POSTGRES) {
            Ok(url) => Cluster::Shared(url),
            Err(_) => {
                test_services::install(&mut std::io::sink(), &[test_services::Package::Postgres])
                    .unwrap_or_else(|e| panic!("{e:#}"));
                Cluster::Own(test_services::Postgres::start().unwrap_or_else(|e| panic!("{e:#}")))
            }
        }
    }

    /// The URL of the cluster's first database.
    pub fn url(&self) -> &str {
        match self {
            Cluster::Shared(url) => url,
            Cluster::Own(postgres) => &postgres.url,
        }
    }
}

/// Starts a server whose request bodies may take 64 KiB.
pub async fn start() -> TestServer {
    start_with_body_limit(64 * 1024).await
}

/// Starts a server whose request bodies may take `body_limit` bytes.
pub async fn start_with_body_limit(body_limit: usize) -> TestServer {
    start_with(body_limit, server::ConnectionLimits::default(), Default::default(), Default::default()).await
}

/// Starts a server whose connections have `limits`.
pub async fn start_with_limits(limits: server::ConnectionLimits) -> TestServer {
    start_with(64 * 1024, limits, Default::default(), Default::default()).await
}

/// Starts a server whose OAuth providers are `providers`.
pub async fn start_with_providers(providers: server::oauth::Providers) -> TestServer {
    start_with(64 * 1024, server::ConnectionLimits::default(), providers, Default::default()).await
}

/// Starts a server with billing configured by `payments` (see `fake_providers::stripe`).
pub async fn start_with_payments(payments: server::payments::PaymentsConfig) -> TestServer {
    start_with(64 * 1024, server::ConnectionLimits::default(), Default::default(), payments).await
}

async fn start_with(
    body_limit: usize,
    limits: server::ConnectionLimits,
    providers: server::oauth::Providers,
    payments: server::payments::PaymentsConfig,
) -> TestServer {
    let setup = Setup { body_limit, limits, providers, payments, ..Setup::default() };
    start_setup(setup, None).await
}

/// Everything a test server can be started with.
pub struct Setup {
    pub body_limit: usize,
    pub limits: server::ConnectionLimits,
    pub providers: server::oauth::Providers,
    pub payments: server::payments::PaymentsConfig,
    pub generation: server::generation::GenerationConfig,
    /// `CORS_ORIGINS` (none by default).
    pub cors_origins: contract_server::AllowedOrigins,
    /// `ACCESS_TOKEN_SECONDS` (900 by default).
    pub access_token_seconds: u32,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            body_limit: 64 * 1024,
            limits: server::ConnectionLimits::default(),
            providers: Default::default(),
            payments: Default::default(),
            generation: Default::default(),
            cors_origins: Default::default(),
            access_token_seconds: 900,
        }
    }
}

/// Starts a server as `setup` says, on a fresh database, or on the database of `sharing` (a
/// second process of the same deployment, or the same one restarted).
pub async fn start_setup(setup: Setup, sharing: Option<&TestServer>) -> TestServer {
    let Setup { body_limit, limits, providers, payments, generation, cors_origins, access_token_seconds } = setup;
    // A second process of one deployment shares its Redis keys too.
    let redis_key_prefix = match sharing {
        Some(other) => other.redis_key_prefix.clone(),
        None => format!("test-{}:", uuid::Uuid::new_v4().simple()),
    };
    let (dir, database_url) = match sharing {
        Some(other) => {
            // The first server owns the directory; this one's is a fresh empty one.
            let dir = std::env::temp_dir().join(format!("devora-test-{}", uuid::Uuid::new_v4()));
            (dir, other.database_url.clone())
        }
        None => {
            let dir = std::env::temp_dir().join(format!("devora-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let database_url = match std::env::var(POSTGRES) {
                Ok(cluster) => fresh_postgres_database(&cluster).await,
                Err(_) => format!("sqlite://{}", dir.join("test.db").display()),
            };
            (dir, database_url)
        }
    };
    let config = server::Config {
        address: "127.0.0.1:0".parse().expect("address"),
        database_url: database_url.clone(),
        database_connections: 8,
        jwt_secret: SECRET.to_vec(),
        body_limit,
        access_token_seconds,
        // Every answer of the end-to-end suite is checked against the contract.
        response_validation: contract_server::ResponseValidation::Enforce,
        connections: limits,
        trusted_proxies: contract_server::TrustedProxies::default(),
        cors_origins,
        payments,
        generation,
        redis_url: std::env::var(REDIS).ok(),
        rate_limit_when_redis_down: Default::default(),
        // Test servers share one Redis: each deployment counts and caches apart.
        redis_key_prefix: redis_key_prefix.clone(),
        metrics: false,
    };
    let (router, app) = server::build(config, None, providers).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { server::serve(listener, router, &limits, std::future::pending()).await });
    TestServer { base: format!("http://{address}"), address, database_url, redis_key_prefix, app, dir }
}

/// The logs of one test's thread (a `#[tokio::test]` runtime runs the server on the test's own
/// thread).
#[derive(Clone, Default)]
pub struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

thread_local! {
    /// Where this thread's log lines go while a test captures them.
    static SINK: std::cell::RefCell<Option<Logs>> = const { std::cell::RefCell::new(None) };
}

/// The writer of the one global subscriber: appends to this thread's [`SINK`], if any.
struct ThreadSink;

impl std::io::Write for ThreadSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        SINK.with(|sink| {
            if let Some(logs) = &*sink.borrow() {
                logs.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Stops capturing when dropped.
pub struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

/// Captures this thread's log lines (INFO and above) until the guard drops. One global
/// subscriber serves every test (thread-local subscribers race on tracing's per-callsite interest
/// cache when tests run in parallel: a span could be left out).
pub fn capture_logs() -> (Logs, Capturing) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(|| ThreadSink)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber of the tests");
    });
    let logs = Logs::default();
    SINK.with(|sink| *sink.borrow_mut() = Some(logs.clone()));
    (logs, Capturing)
}

/// How many rows `table` holds (a test's own look into the database, on either engine).
pub async fn count(server: &TestServer, table: &str) -> i64 {
    let text = format!("SELECT COUNT(*) FROM {table}");
    let (count,): (i64,) = server::on_db!(&server.app.db, pool => {
        sqlx::query_as(server::db::sql(pool, text)).fetch_one(pool).await
    })
    .expect("count");
    count
}
