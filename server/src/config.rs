//! Configuration from the environment.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::{NonZeroU64, NonZeroUsize, ParseIntError};
use std::time::Duration;

use contract_server::{InvalidCidr, ResponseValidation, TrustedProxies, UnknownResponseValidation};

use crate::payments::{PaymentsConfig, ProviderConfig, Retry, Secret};
use crate::serve::ConnectionLimits;

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
    /// `BODY_LIMIT`: the largest request body, in bytes (default 2 MiB).
    pub body_limit: usize,
    /// Lifetime of access tokens, in seconds (`ACCESS_TOKEN_SECONDS`, default 900).
    pub access_token_seconds: u32,
    /// Whether answers are checked against the contract (`RESPONSE_VALIDATION`: `off`, `log` or
    /// `enforce`; default `enforce` in debug builds, `off` in release builds).
    pub response_validation: ResponseValidation,
    /// Timeouts and the cap on open connections (`HEADER_TIMEOUT_SECONDS`, `BODY_TIMEOUT_SECONDS`,
    /// `IDLE_TIMEOUT_SECONDS`, `MAX_CONNECTIONS`; defaults 10, 30, 60 and 10,000, see
    /// [`ConnectionLimits`]).
    pub connections: ConnectionLimits,
    /// `TRUSTED_PROXIES`: comma-separated CIDRs or addresses of the reverse proxies whose
    /// `X-Forwarded-For`/`Forwarded` headers name the client (default none: the TCP peer is the
    /// client, and those headers are ignored).
    pub trusted_proxies: TrustedProxies,
    /// Billing: `PAYMENTS_BASE_URL`, `PAYMENTS_API_KEY`, `PAYMENTS_TIMEOUT_SECONDS`,
    /// `PAYMENTS_MAX_RETRIES`, `PAYMENTS_RETRY_DELAY_MS`, `BILLING_WEBHOOK_SECRET`, `BILLING_PLANS`
    /// (see [`PaymentsConfig`]).
    pub payments: PaymentsConfig,
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
    #[error("HEADER_TIMEOUT_SECONDS={value} is not a positive number of seconds")]
    HeaderTimeout { value: String, source: ParseIntError },
    #[error("BODY_TIMEOUT_SECONDS={value} is not a positive number of seconds")]
    BodyTimeout { value: String, source: ParseIntError },
    #[error("IDLE_TIMEOUT_SECONDS={value} is not a positive number of seconds")]
    IdleTimeout { value: String, source: ParseIntError },
    #[error("MAX_CONNECTIONS={value} is not a positive number")]
    MaxConnections { value: String, source: ParseIntError },
    #[error("JWT_SECRET must have at least 32 characters")]
    ShortSecret,
    #[error(
        "ADMIN_EMAILS is no longer read (whoever registered such an address first became admin): \
         register the account, then run `server admin grant EMAIL`"
    )]
    AdminEmails,
    #[error("RESPONSE_VALIDATION={value} is not a mode")]
    ResponseValidation { value: String, source: UnknownResponseValidation },
    #[error("TRUSTED_PROXIES={value} is not a comma-separated list of CIDRs")]
    TrustedProxies { value: String, source: InvalidCidr },
    #[error("PAYMENTS_BASE_URL={value} is not a URL")]
    PaymentsBaseUrl { value: String, source: url::ParseError },
    #[error(
        "PAYMENTS_BASE_URL={value}: this build speaks plain http only (no TLS stack is compiled in); \
         point it at an http:// endpoint such as the fake provider, or a TLS-terminating proxy on loopback"
    )]
    PaymentsScheme { value: String },
    #[error("PAYMENTS_TIMEOUT_SECONDS={value} is not a positive number of seconds")]
    PaymentsTimeout { value: String, source: ParseIntError },
    #[error("PAYMENTS_MAX_RETRIES={value} is not a number of retries (0 to 10)")]
    PaymentsRetries { value: String },
    #[error("PAYMENTS_RETRY_DELAY_MS={value} is not a number of milliseconds")]
    PaymentsRetryDelay { value: String, source: ParseIntError },
    #[error("BILLING_PLANS is not a JSON array of plans")]
    BillingPlans { source: serde_json::Error },
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
        let defaults = ConnectionLimits::default();
        let seconds = |name: &str, default: Duration, error: fn(String, ParseIntError) -> ConfigError| match var(name) {
            Some(value) => {
                value.parse::<NonZeroU64>().map(|s| Duration::from_secs(s.get())).map_err(|e| error(value, e))
            }
            None => Ok(default),
        };
        let connections = ConnectionLimits {
            header_timeout: seconds("HEADER_TIMEOUT_SECONDS", defaults.header_timeout, |value, source| {
                ConfigError::HeaderTimeout { value, source }
            })?,
            body_timeout: seconds("BODY_TIMEOUT_SECONDS", defaults.body_timeout, |value, source| {
                ConfigError::BodyTimeout { value, source }
            })?,
            idle_timeout: seconds("IDLE_TIMEOUT_SECONDS", defaults.idle_timeout, |value, source| {
                ConfigError::IdleTimeout { value, source }
            })?,
            max_connections: match var("MAX_CONNECTIONS") {
                Some(value) => value
                    .parse::<NonZeroUsize>()
                    .map_err(|source| ConfigError::MaxConnections { value: value.clone(), source })?,
                None => defaults.max_connections,
            },
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
        let payments = payments_from(&var)?;
        if var("ADMIN_EMAILS").is_some() {
            return Err(ConfigError::AdminEmails);
        }
        Ok((
            Self {
                address: SocketAddr::new(host, port),
                database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://devora.db".into()),
                jwt_secret,
                body_limit,
                access_token_seconds,
                response_validation,
                connections,
                trusted_proxies,
                payments,
            },
            missing,
        ))
    }
}

/// Billing's variables (see [`Config::payments`]).
fn payments_from(var: &dyn Fn(&str) -> Option<String>) -> Result<PaymentsConfig, ConfigError> {
    let defaults = PaymentsConfig::default();
    let plans = match var("BILLING_PLANS") {
        Some(json) => serde_json::from_str(&json).map_err(|source| ConfigError::BillingPlans { source })?,
        None => defaults.plans,
    };
    let provider = match var("PAYMENTS_API_KEY") {
        None => None,
        Some(key) => {
            let value = var("PAYMENTS_BASE_URL").unwrap_or_else(|| crate::payments::DEFAULT_BASE_URL.into());
            let base_url = url::Url::parse(&value)
                .map_err(|source| ConfigError::PaymentsBaseUrl { value: value.clone(), source })?;
            if base_url.scheme() != "http" {
                return Err(ConfigError::PaymentsScheme { value });
            }
            let mut provider = ProviderConfig::new(base_url, Secret::new(key));
            if let Some(value) = var("PAYMENTS_TIMEOUT_SECONDS") {
                let seconds = value
                    .parse::<NonZeroU64>()
                    .map_err(|source| ConfigError::PaymentsTimeout { value: value.clone(), source })?;
                provider.timeout = Duration::from_secs(seconds.get());
            }
            let mut retry = Retry::default();
            if let Some(value) = var("PAYMENTS_MAX_RETRIES") {
                retry.retries = match value.parse::<u32>() {
                    Ok(retries) if retries <= 10 => retries,
                    _ => return Err(ConfigError::PaymentsRetries { value }),
                };
            }
            if let Some(value) = var("PAYMENTS_RETRY_DELAY_MS") {
                let millis = value
                    .parse::<u64>()
                    .map_err(|source| ConfigError::PaymentsRetryDelay { value: value.clone(), source })?;
                retry.first_delay = Duration::from_millis(millis);
            }
            provider.retry = retry;
            Some(provider)
        }
    };
    Ok(PaymentsConfig { provider, webhook_secret: var("BILLING_WEBHOOK_SECRET").map(Secret::new), plans })
}

/// 32 random bytes.
pub fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payments(vars: &[(&str, &str)]) -> Result<PaymentsConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        payments_from(&|name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn payment_variables() {
        let unconfigured = payments(&[]).expect("no variables is fine");
        assert!(unconfigured.provider.is_none() && unconfigured.webhook_secret.is_none());
        assert_eq!(unconfigured.plans.len(), 3);
        let configured = payments(&[
            ("PAYMENTS_API_KEY", "sk_test"),
            ("PAYMENTS_BASE_URL", "http://127.0.0.1:9103"),
            ("PAYMENTS_RETRY_DELAY_MS", "5"),
            ("PAYMENTS_MAX_RETRIES", "2"),
            ("BILLING_WEBHOOK_SECRET", "whsec"),
        ])
        .expect("valid");
        let provider = configured.provider.expect("configured");
        assert_eq!(provider.retry, Retry { retries: 2, first_delay: Duration::from_millis(5) });
        assert_eq!(format!("{:?}", provider.api_key), "Secret(..)", "never shown");
        let error = |vars: &[(&str, &str)]| payments(vars).expect_err("refused").to_string();
        assert!(error(&[("PAYMENTS_API_KEY", "k")]).starts_with("PAYMENTS_BASE_URL=https://api.stripe.com: "));
        assert!(error(&[("PAYMENTS_API_KEY", "k"), ("PAYMENTS_BASE_URL", "nope")]).contains("is not a URL"));
        let base = ("PAYMENTS_BASE_URL", "http://127.0.0.1:1");
        assert!(
            error(&[("PAYMENTS_API_KEY", "k"), base, ("PAYMENTS_MAX_RETRIES", "11")])
                .contains("PAYMENTS_MAX_RETRIES=11")
        );
        assert!(
            error(&[("PAYMENTS_API_KEY", "k"), base, ("PAYMENTS_TIMEOUT_SECONDS", "0")])
                .contains("PAYMENTS_TIMEOUT_SECONDS=0")
        );
        assert!(error(&[("BILLING_PLANS", "{}")]).contains("BILLING_PLANS"));
        let plans = r#"[{"id": "pro", "name": "Pro", "monthly_price": 900, "yearly_price": 9000, "currency": "usd",
            "monthly_generations": null, "features": [], "monthly_price_id": "price_1"}]"#;
        let custom = payments(&[("BILLING_PLANS", plans)]).expect("plans");
        assert_eq!(custom.plans[0].price_id(schemas::billing::BillingInterval::Month), Some("price_1"));
    }
}
