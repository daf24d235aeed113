//! Configuration from the environment.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use contract_server::{InvalidCidr, ResponseValidation, TrustedProxies, UnknownResponseValidation};

/// How the server runs. [`Config::from_env`] reads it; tests build it directly.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (`HOST`, default 127.0.0.1; `PORT`, default 8080).
    pub address: SocketAddr,
    /// `DATABASE_URL`, default `sqlite://devora.db` in the working directory (created if missing).
    pub database_url: String,
    /// `JWT_SECRET`: signs access tokens. Without it a random secret is made, and tokens die
    /// with the process.
    pub jwt_secret: Vec<u8>,
    /// `ADMIN_EMAILS`: comma-separated addresses that get the admin role when they register.
    pub admin_emails: Vec<String>,
    /// `BODY_LIMIT`: the largest request body, in bytes (default 2 MiB).
    pub body_limit: usize,
    /// Lifetime of access tokens, in seconds (`ACCESS_TOKEN_SECONDS`, default 900).
    pub access_token_seconds: u32,
    /// Whether answers are checked against the contract (`RESPONSE_VALIDATION`: `off`, `log` or
    /// `enforce`; default `enforce` in debug builds, `off` in release builds).
    pub response_validation: ResponseValidation,
    /// `TRUSTED_PROXIES`: comma-separated CIDRs or addresses of the reverse proxies whose
    /// `X-Forwarded-For`/`Forwarded` headers name the client (default none: the TCP peer is the
    /// client, and those headers are ignored).
    pub trusted_proxies: TrustedProxies,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("HOST={value} is not an IP address")]
    Host { value: String, source: std::net::AddrParseError },
    #[error("PORT={value} is not a port number")]
    Port { value: String, source: std::num::ParseIntError },
    #[error("BODY_LIMIT={value} is not a number of bytes")]
    BodyLimit { value: String, source: std::num::ParseIntError },
    #[error("ACCESS_TOKEN_SECONDS={value} is not a number")]
    AccessTokenSeconds { value: String, source: std::num::ParseIntError },
    #[error("JWT_SECRET must have at least 32 characters")]
    ShortSecret,
    #[error("RESPONSE_VALIDATION={value} is not a mode")]
    ResponseValidation { value: String, source: UnknownResponseValidation },
    #[error("TRUSTED_PROXIES={value} is not a comma-separated list of CIDRs")]
    TrustedProxies { value: String, source: InvalidCidr },
}

impl Config {
    /// Reads the environment; returns whether `JWT_SECRET` was missing (the caller warns).
    pub fn from_env() -> Result<(Self, bool), ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let host: IpAddr = match var("HOST") {
            Some(host) => host.parse().map_err(|source| ConfigError::Host { value: host.clone(), source })?,
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let port: u16 = match var("PORT") {
            Some(port) => port.parse().map_err(|source| ConfigError::Port { value: port.clone(), source })?,
            None => 8080,
        };
        let body_limit = match var("BODY_LIMIT") {
            Some(limit) => limit.parse().map_err(|source| ConfigError::BodyLimit { value: limit.clone(), source })?,
            None => 2 * 1024 * 1024,
        };
        let access_token_seconds = match var("ACCESS_TOKEN_SECONDS") {
            Some(seconds) => {
                seconds.parse().map_err(|source| ConfigError::AccessTokenSeconds { value: seconds.clone(), source })?
            }
            None => 900,
        };
        let response_validation = match var("RESPONSE_VALIDATION") {
            Some(mode) => {
                mode.parse().map_err(|source| ConfigError::ResponseValidation { value: mode.clone(), source })?
            }
            None => ResponseValidation::default(),
        };
        let trusted_proxies = match var("TRUSTED_PROXIES") {
            Some(list) => list.parse().map_err(|source| ConfigError::TrustedProxies { value: list.clone(), source })?,
            None => TrustedProxies::default(),
        };
        let (jwt_secret, missing) = match var("JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => (secret.into_bytes(), false),
            Some(_) => return Err(ConfigError::ShortSecret),
            None => (random_secret(), true),
        };
        let admin_emails = var("ADMIN_EMAILS")
            .map(|v| v.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()).collect())
            .unwrap_or_default();
        Ok((
            Self {
                address: SocketAddr::new(host, port),
                database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://devora.db".into()),
                jwt_secret,
                admin_emails,
                body_limit,
                access_token_seconds,
                response_validation,
                trusted_proxies,
            },
            missing,
        ))
    }
}

/// 32 random bytes.
pub fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}
