//! Configuration from the environment.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::{NonZeroU64, NonZeroUsize, ParseIntError};
use std::time::Duration;

use contract_server::{
    AllowedOrigins, InvalidCidr, InvalidOrigin, ResponseValidation, TrustedProxies, UnknownResponseValidation,
};

use crate::generation::{GenerationConfig, GenerationProviderConfig};
use crate::payments::{PaymentsConfig, ProviderConfig, Retry, Secret};
use crate::serve::ConnectionLimits;
use crate::shared_store::{UnknownWhenDown, WhenDown};

/// How the server runs. [`Config::from_env`] reads it; tests build it directly.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (`HOST`, default 127.0.0.1; `PORT`, default 8080).
    pub address: SocketAddr,
    /// `DATABASE_URL`: `sqlite://FILE` (default `sqlite://devora.db` in the working directory, created
    /// if missing) or `postgres://USER@HOST:PORT/DATABASE` (several instances can share it).
    pub database_url: String,
    /// `DATABASE_CONNECTIONS`: the most connections the pool opens (default 8).
    pub database_connections: u32,
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
    /// `CORS_ORIGINS`: comma-separated exact origins (`https://app.example.com,
    /// http://localhost:5173`) whose pages may call the API from a browser (default none: no CORS
    /// header is written, and browsers keep other origins' pages out).
    pub cors_origins: AllowedOrigins,
    /// Billing: `PAYMENTS_BASE_URL`, `PAYMENTS_API_KEY`, `PAYMENTS_TIMEOUT_SECONDS`,
    /// `PAYMENTS_MAX_RETRIES`, `PAYMENTS_RETRY_DELAY_MS`, `BILLING_WEBHOOK_SECRET`, `BILLING_PLANS`
    /// (see [`PaymentsConfig`]).
    pub payments: PaymentsConfig,
    /// Generation: `GENERATION_BASE_URL`, `GENERATION_API_KEY`, `GENERATION_DEFAULT_MODEL`,
    /// `GENERATION_CONCURRENCY`, `GENERATION_MAX_RUNNING_PER_USER`, `GENERATION_TIMEOUT_SECONDS`,
    /// `GENERATION_MAX_RETRIES`, `GENERATION_RETRY_DELAY_MS`, `GENERATION_LEASE_SECONDS`,
    /// `GENERATION_MODELS_TTL_SECONDS` (see [`GenerationConfig`]).
    pub generation: GenerationConfig,
    /// `REDIS_URL` (`redis://HOST:PORT`): what several instances share (rate limits, the sign-in
    /// throttle, the read cache). Without it everything is kept in this process.
    pub redis_url: Option<String>,
    /// `RATE_LIMIT_WHEN_REDIS_DOWN`: `local` (default: each instance counts on its own while Redis
    /// is unavailable) or `open` (admit every request meanwhile).
    pub rate_limit_when_redis_down: WhenDown,
    /// `REDIS_KEY_PREFIX` (default `devora:`): starts every key this server writes in Redis, so that
    /// deployments (or test servers) sharing one Redis keep apart.
    pub redis_key_prefix: String,
    /// `METRICS_ENABLED` (`true` or `false`, the default): serve `GET /metrics` in Prometheus' text
    /// format. Keep it off where the port is public, or filter the path at the proxy.
    pub metrics: bool,
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
    #[error("DATABASE_CONNECTIONS={value} is not a number of connections (1 to 1000)")]
    DatabaseConnections { value: String },
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
    #[error("CORS_ORIGINS={value} is not a comma-separated list of origins")]
    CorsOrigins { value: String, source: InvalidOrigin },
    #[error("{name}={value} is not an absolute http(s) URL")]
    OAuthUrl { name: &'static str, value: String },
    #[error("{missing} must be set with {set} (a provider needs its client id and its secret)")]
    OAuthHalfConfigured { set: &'static str, missing: &'static str },
    #[error("OAUTH_REDIRECT_URL must be set when an OAuth provider is configured")]
    OAuthRedirectMissing,
    #[error("PAYMENTS_BASE_URL={value} is not a URL")]
    PaymentsBaseUrl { value: String, source: url::ParseError },
    #[error("PAYMENTS_BASE_URL={value} is not an http(s) URL")]
    PaymentsScheme { value: String },
    #[error("PAYMENTS_TIMEOUT_SECONDS={value} is not a positive number of seconds")]
    PaymentsTimeout { value: String, source: ParseIntError },
    #[error("PAYMENTS_MAX_RETRIES={value} is not a number of retries (0 to 10)")]
    PaymentsRetries { value: String },
    #[error("PAYMENTS_RETRY_DELAY_MS={value} is not a number of milliseconds")]
    PaymentsRetryDelay { value: String, source: ParseIntError },
    #[error("RATE_LIMIT_WHEN_REDIS_DOWN={value} is not `local` or `open`")]
    RateLimitWhenDown { value: String, source: UnknownWhenDown },
    #[error("METRICS_ENABLED={value} is not `true` or `false`")]
    MetricsEnabled { value: String },
    #[error("GENERATION_BASE_URL={value} is not a URL")]
    GenerationBaseUrl { value: String, source: url::ParseError },
    #[error("GENERATION_BASE_URL={value} is not an http(s) URL")]
    GenerationScheme { value: String },
    #[error("GENERATION_DEFAULT_MODEL={value} is not a model id such as openai/gpt-4o")]
    GenerationDefaultModel { value: String },
    #[error("{name}={value} is not a positive number")]
    GenerationPositive { name: &'static str, value: String, source: ParseIntError },
    #[error("GENERATION_MAX_RETRIES={value} is not a number of retries (0 to 10)")]
    GenerationRetries { value: String },
    #[error("GENERATION_RETRY_DELAY_MS={value} is not a number of milliseconds")]
    GenerationRetryDelay { value: String, source: ParseIntError },
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
        let cors_origins = cors_from(&var)?;
        let (jwt_secret, missing) = match var("JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => (secret.into_bytes(), false),
            Some(_) => return Err(ConfigError::ShortSecret),
            None => (random_secret(), true),
        };
        let payments = payments_from(&var)?;
        let generation = generation_from(&var)?;
        let database_connections = match var("DATABASE_CONNECTIONS") {
            Some(value) => value
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or(ConfigError::DatabaseConnections { value })?,
            None => 8,
        };
        let rate_limit_when_redis_down = match var("RATE_LIMIT_WHEN_REDIS_DOWN") {
            Some(value) => {
                value.parse().map_err(|source| ConfigError::RateLimitWhenDown { value: value.clone(), source })?
            }
            None => WhenDown::default(),
        };
        let metrics = match var("METRICS_ENABLED") {
            Some(value) => match value.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(ConfigError::MetricsEnabled { value }),
            },
            None => false,
        };
        if var("ADMIN_EMAILS").is_some() {
            return Err(ConfigError::AdminEmails);
        }
        Ok((
            Self {
                address: SocketAddr::new(host, port),
                database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://devora.db".into()),
                database_connections,
                jwt_secret,
                body_limit,
                access_token_seconds,
                response_validation,
                connections,
                trusted_proxies,
                cors_origins,
                payments,
                generation,
                redis_url: var("REDIS_URL"),
                rate_limit_when_redis_down,
                redis_key_prefix: var("REDIS_KEY_PREFIX").unwrap_or_else(|| "devora:".into()),
                metrics,
            },
            missing,
        ))
    }
}

/// The OAuth providers (Google, GitHub) and where they send the user back. A provider is
/// configured when its client id and secret are both set; every endpoint defaults to the real
/// provider and can point elsewhere (the fakes of `fake-providers`, a proxy).
#[derive(Clone, Debug, Default)]
pub struct OAuthConfig {
    /// `OAUTH_REDIRECT_URL`: the front end's callback page, registered with every provider; it
    /// hands `code` and `state` to `POST /api/v2/auth/oauth/{provider}/callback`.
    pub redirect_url: Option<url::Url>,
    /// `OAUTH_GOOGLE_CLIENT_ID` and `OAUTH_GOOGLE_CLIENT_SECRET`, with `OAUTH_GOOGLE_AUTH_URL`,
    /// `OAUTH_GOOGLE_TOKEN_URL`, `OAUTH_GOOGLE_USERINFO_URL`.
    pub google: Option<OAuthApp>,
    /// `OAUTH_GITHUB_CLIENT_ID` and `OAUTH_GITHUB_CLIENT_SECRET`, with `OAUTH_GITHUB_AUTH_URL`,
    /// `OAUTH_GITHUB_TOKEN_URL`, `OAUTH_GITHUB_API_URL` (the REST API's base: `/user`,
    /// `/user/emails`).
    pub github: Option<OAuthApp>,
}

/// One provider's registered application and its endpoints.
#[derive(Clone)]
pub struct OAuthApp {
    pub client_id: String,
    /// Never logged (`Debug` hides it).
    pub client_secret: String,
    /// The consent page.
    pub auth_url: url::Url,
    /// Where a code is traded for an access token.
    pub token_url: url::Url,
    /// Google: the userinfo endpoint. GitHub: the REST API's base URL.
    pub identity_url: url::Url,
}

impl std::fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<hidden>")
            .field("auth_url", &self.auth_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("identity_url", &self.identity_url.as_str())
            .finish()
    }
}

/// The variables of one provider, and the real provider's endpoints.
struct OAuthVariables {
    client_id: &'static str,
    client_secret: &'static str,
    endpoints: [(&'static str, &'static str); 3],
}

const GOOGLE: OAuthVariables = OAuthVariables {
    client_id: "OAUTH_GOOGLE_CLIENT_ID",
    client_secret: "OAUTH_GOOGLE_CLIENT_SECRET",
    endpoints: [
        ("OAUTH_GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
        ("OAUTH_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
        ("OAUTH_GOOGLE_USERINFO_URL", "https://openidconnect.googleapis.com/v1/userinfo"),
    ],
};

const GITHUB: OAuthVariables = OAuthVariables {
    client_id: "OAUTH_GITHUB_CLIENT_ID",
    client_secret: "OAUTH_GITHUB_CLIENT_SECRET",
    endpoints: [
        ("OAUTH_GITHUB_AUTH_URL", "https://github.com/login/oauth/authorize"),
        ("OAUTH_GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token"),
        ("OAUTH_GITHUB_API_URL", "https://api.github.com"),
    ],
};

impl OAuthConfig {
    /// Reads the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables `lookup` gives (blank ones count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let url = |name: &'static str, value: String| match url::Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
            _ => Err(ConfigError::OAuthUrl { name, value }),
        };
        let app = |variables: &OAuthVariables| -> Result<Option<OAuthApp>, ConfigError> {
            let (client_id, client_secret) = match (var(variables.client_id), var(variables.client_secret)) {
                (Some(id), Some(secret)) => (id, secret),
                (None, None) => return Ok(None),
                (Some(_), None) => {
                    return Err(ConfigError::OAuthHalfConfigured {
                        set: variables.client_id,
                        missing: variables.client_secret,
                    });
                }
                (None, Some(_)) => {
                    return Err(ConfigError::OAuthHalfConfigured {
                        set: variables.client_secret,
                        missing: variables.client_id,
                    });
                }
            };
            let [auth, token, identity] =
                variables.endpoints.map(|(name, default)| url(name, var(name).unwrap_or_else(|| default.into())));
            Ok(Some(OAuthApp { client_id, client_secret, auth_url: auth?, token_url: token?, identity_url: identity? }))
        };
        let config = Self {
            redirect_url: var("OAUTH_REDIRECT_URL").map(|value| url("OAUTH_REDIRECT_URL", value)).transpose()?,
            google: app(&GOOGLE)?,
            github: app(&GITHUB)?,
        };
        if config.redirect_url.is_none() && (config.google.is_some() || config.github.is_some()) {
            return Err(ConfigError::OAuthRedirectMissing);
        }
        Ok(config)
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
            if !matches!(base_url.scheme(), "http" | "https") {
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

/// Generation's variables (see [`Config::generation`]).
fn generation_from(var: &dyn Fn(&str) -> Option<String>) -> Result<GenerationConfig, ConfigError> {
    let mut config = GenerationConfig::default();
    let positive = |name: &'static str| -> Result<Option<u64>, ConfigError> {
        var(name)
            .map(|value| {
                value.parse::<NonZeroU64>().map(NonZeroU64::get).map_err(|source| ConfigError::GenerationPositive {
                    name,
                    value: value.clone(),
                    source,
                })
            })
            .transpose()
    };
    if let Some(model) = var("GENERATION_DEFAULT_MODEL") {
        if !crate::generation::is_model_id(&model) {
            return Err(ConfigError::GenerationDefaultModel { value: model });
        }
        config.default_model = model;
    }
    if let Some(n) = positive("GENERATION_CONCURRENCY")? {
        config.concurrency = usize::try_from(n.min(1024)).unwrap_or(1024);
    }
    if let Some(n) = positive("GENERATION_MAX_RUNNING_PER_USER")? {
        config.max_running_per_user = u32::try_from(n).unwrap_or(u32::MAX);
    }
    if let Some(seconds) = positive("GENERATION_LEASE_SECONDS")? {
        config.lease = Duration::from_secs(seconds);
    }
    if let Some(seconds) = positive("GENERATION_MODELS_TTL_SECONDS")? {
        config.models_ttl = Duration::from_secs(seconds);
    }
    let Some(key) = var("GENERATION_API_KEY") else { return Ok(config) };
    let value = var("GENERATION_BASE_URL").unwrap_or_else(|| crate::generation::DEFAULT_BASE_URL.into());
    let base_url =
        url::Url::parse(&value).map_err(|source| ConfigError::GenerationBaseUrl { value: value.clone(), source })?;
    if !matches!(base_url.scheme(), "http" | "https") {
        return Err(ConfigError::GenerationScheme { value });
    }
    let mut provider = GenerationProviderConfig::new(base_url, Secret::new(key));
    if let Some(seconds) = positive("GENERATION_TIMEOUT_SECONDS")? {
        provider.timeout = Duration::from_secs(seconds);
    }
    if let Some(value) = var("GENERATION_MAX_RETRIES") {
        provider.retry.retries = match value.parse::<u32>() {
            Ok(retries) if retries <= 10 => retries,
            _ => return Err(ConfigError::GenerationRetries { value }),
        };
    }
    if let Some(value) = var("GENERATION_RETRY_DELAY_MS") {
        let millis = value
            .parse::<u64>()
            .map_err(|source| ConfigError::GenerationRetryDelay { value: value.clone(), source })?;
        provider.retry.first_delay = Duration::from_millis(millis);
    }
    config.provider = Some(provider);
    Ok(config)
}

/// 32 random bytes.
pub fn random_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// `CORS_ORIGINS`, read with `var`.
fn cors_from(var: &dyn Fn(&str) -> Option<String>) -> Result<AllowedOrigins, ConfigError> {
    match var("CORS_ORIGINS") {
        Some(list) => list.parse().map_err(|source| ConfigError::CorsOrigins { value: list.clone(), source }),
        None => Ok(AllowedOrigins::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins() {
        let cors = |value: Option<&str>| cors_from(&|name: &str| (name == "CORS_ORIGINS").then_some(value?.to_owned()));
        assert!(cors(None).expect("none by default").is_empty());
        let origins = cors(Some("https://app.example.com, http://localhost:5173")).expect("valid");
        assert_eq!(origins.iter().collect::<Vec<_>>(), ["https://app.example.com", "http://localhost:5173"]);
        let error = cors(Some("https://app.example.com/")).expect_err("a path");
        assert_eq!(error.to_string(), "CORS_ORIGINS=https://app.example.com/ is not a comma-separated list of origins");
        let cause = std::error::Error::source(&error).expect("the cause").to_string();
        assert!(cause.contains("`https://app.example.com/` is not an origin"), "{cause}");
        assert!(cors(Some("*")).is_err(), "no wildcard");
    }

    fn payments(vars: &[(&str, &str)]) -> Result<PaymentsConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        payments_from(&|name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    fn generation(vars: &[(&str, &str)]) -> Result<GenerationConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        generation_from(&|name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn generation_variables() {
        let unconfigured = generation(&[]).expect("no variables is fine");
        assert!(unconfigured.provider.is_none());
        assert_eq!((unconfigured.concurrency, unconfigured.max_running_per_user), (2, 2));
        assert_eq!(unconfigured.models_ttl, Duration::from_secs(6 * 3600));
        let real = generation(&[("GENERATION_API_KEY", "k")]).expect("OpenRouter by default");
        assert_eq!(real.provider.expect("configured").base_url.as_str(), "https://openrouter.ai/api/v1");
        let configured = generation(&[
            ("GENERATION_API_KEY", "sk-or"),
            ("GENERATION_BASE_URL", "http://127.0.0.1:9104/v1"),
            ("GENERATION_DEFAULT_MODEL", "fake/echo"),
            ("GENERATION_CONCURRENCY", "4"),
            ("GENERATION_MAX_RUNNING_PER_USER", "1"),
            ("GENERATION_MAX_RETRIES", "1"),
            ("GENERATION_RETRY_DELAY_MS", "5"),
        ])
        .expect("valid");
        assert_eq!((configured.concurrency, configured.max_running_per_user), (4, 1));
        assert_eq!(configured.default_model, "fake/echo");
        let provider = configured.provider.expect("configured");
        assert_eq!(provider.retry, Retry { retries: 1, first_delay: Duration::from_millis(5) });
        assert_eq!(format!("{:?}", provider.api_key), "Secret(..)", "never shown");
        let error = |vars: &[(&str, &str)]| generation(vars).expect_err("refused").to_string();
        assert!(error(&[("GENERATION_CONCURRENCY", "0")]).contains("GENERATION_CONCURRENCY=0"));
        assert!(error(&[("GENERATION_DEFAULT_MODEL", "gpt")]).contains("GENERATION_DEFAULT_MODEL=gpt"));
        assert!(error(&[("GENERATION_API_KEY", "k"), ("GENERATION_BASE_URL", "ftp://x")]).contains("http(s)"));
        assert!(error(&[("GENERATION_API_KEY", "k"), ("GENERATION_MAX_RETRIES", "11")]).contains("=11"));
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
        let real = payments(&[("PAYMENTS_API_KEY", "k")]).expect("the real provider by default");
        assert_eq!(real.provider.expect("configured").base_url.as_str(), "https://api.stripe.com/");
        assert!(error(&[("PAYMENTS_API_KEY", "k"), ("PAYMENTS_BASE_URL", "ftp://x")]).contains("not an http(s) URL"));
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
