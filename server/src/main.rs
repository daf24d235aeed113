//! `cargo run -p server`: the Devora API v2 on SQLite. Configuration from the environment (see
//! `server::Config`); structured logs with `tracing` (`RUST_LOG`, `LOG_FORMAT=json`); graceful
//! shutdown on SIGINT and SIGTERM. Connections are served by `server::serve`, within the
//! timeouts and the connection cap of `Config::connections`. `server admin grant|revoke EMAIL`
//! sets an account's role ([`server::roles`]).

use std::process::ExitCode;

use server::roles::Change;

use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: server                      serve the API (configuration from the environment)
       server admin grant EMAIL    make the account of EMAIL an admin
       server admin revoke EMAIL   make the account of EMAIL a plain user";

/// What the command line asks for.
enum Command {
    Serve,
    Admin(Change, String),
    Help,
}

fn command(args: &[String]) -> Result<Command, String> {
    match args {
        [] => Ok(Command::Serve),
        [flag] if flag == "--help" || flag == "-h" || flag == "help" => Ok(Command::Help),
        [admin, verb, email] if admin == "admin" => match verb.as_str() {
            "grant" => Ok(Command::Admin(Change::Grant, email.clone())),
            "revoke" => Ok(Command::Admin(Change::Revoke, email.clone())),
            other => Err(format!("`admin {other}` is not a command (grant or revoke)")),
        },
        [admin, ..] if admin == "admin" => Err("`admin` takes a verb and an address: `admin grant EMAIL`".into()),
        [other, ..] => Err(format!("`{other}` is not a command")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match command(&args) {
        Ok(Command::Serve) => serve().await,
        Ok(Command::Admin(change, email)) => admin(change, &email).await,
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `server admin grant|revoke EMAIL`, on the database of `DATABASE_URL`.
async fn admin(change: Change, email: &str) -> ExitCode {
    let config = match server::Config::from_env() {
        Ok((config, _)) => config,
        Err(error) => {
            eprintln!("error: {}", contract_server::sources(&error));
            return ExitCode::from(2);
        }
    };
    let db = match server::Db::open(&config.database_url, 1).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("error: {}: {}", config.database_url, contract_server::sources(&error));
            return ExitCode::from(1);
        }
    };
    let changed = server::roles::change(&db, email, change).await;
    db.close().await;
    match changed {
        Ok(Some(id)) => {
            // Running servers cache profiles in Redis: the next `GET /auth/me` shows the new role.
            if let Some(url) = &config.redis_url {
                match server::shared_store::SharedStore::connect(url, &config.redis_key_prefix).await {
                    Ok(store) => {
                        let cache = server::cache::Cache::new(Some(store), server::metrics::Metrics::default());
                        cache.invalidate(server::cache::Scope::Profile, &id).await;
                    }
                    Err(error) => eprintln!("warning: {}", contract_server::sources(&error)),
                }
            }
            let role = if change == Change::Grant { "an admin" } else { "a plain user" };
            println!("{email} is now {role}");
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("error: no account has the address {email}: it must register first");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: cannot change the role: {error}");
            ExitCode::from(1)
        }
    }
}

/// Serves the API until SIGINT or SIGTERM.
async fn serve() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt().with_env_filter(filter).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let (config, secret_missing) = match server::Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {}", contract_server::sources(&error));
            return ExitCode::from(2);
        }
    };
    if secret_missing {
        tracing::warn!(
            "JWT_SECRET is not set: a random secret signs tokens, and every token dies with this process. Set JWT_SECRET (32+ characters) in production."
        );
    }
    let address = config.address;
    let limits = config.connections;
    let database = config.database_url.clone();
    let providers =
        match server::config::OAuthConfig::from_env().map(|oauth| server::oauth::Providers::from_config(&oauth)) {
            Ok(Ok(providers)) => providers,
            Ok(Err(error)) => {
                eprintln!("error: cannot start: {}", contract_server::sources(&error));
                return ExitCode::from(1);
            }
            Err(error) => {
                eprintln!("error: {}", contract_server::sources(&error));
                return ExitCode::from(2);
            }
        };
    let (router, app) = match server::build(config, None, providers).await {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: cannot start: {}", contract_server::sources(&error));
            return ExitCode::from(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {address}: {error}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(%address, %database, ?limits, "Devora API listening; docs at http://{address}/api/v2/docs");
    server::serve(listener, router, &limits, shutdown()).await;
    match app.release_jobs().await {
        Ok(0) => {}
        Ok(released) => tracing::info!(released, "generation jobs in progress put back in the queue"),
        Err(error) => tracing::error!(
            error = &error as &dyn std::error::Error,
            "generation jobs in progress could not be put back in the queue; they will be after their lease"
        ),
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
