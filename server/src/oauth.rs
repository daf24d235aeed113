//! OAuth sign-in (Google, GitHub): the seam the `auth` service calls, the real HTTP clients behind
//! it ([`google`], [`github`]) and the sign-in's server-side state.
//!
//! Invariants:
//! - The CSRF `state` is a [`SingleUse::OAuthState`] token: random, stored only as its hash,
//!   10 minutes, single use, bound to the provider it was made for. Its PKCE verifier is stored
//!   beside it and handed to the provider only with the code, at the token endpoint; the consent
//!   URL carries the S256 challenge. Both providers get PKCE (GitHub accepts it since 2025).
//! - A provider is configured when its client id and secret are set ([`OAuthConfig`]); without
//!   one the OAuth operations answer `503`, naming the variables to set.
//! - Every provider failure is an [`OAuthError`]: a refusal (bad code, unverified email, no
//!   primary verified email) is a `400`, an unreachable or failing provider (timeout, 5xx, an
//!   answer that does not parse) a `502`. Nothing is written to the accounts before the identity
//!   is known. Secrets (client secret, codes, access tokens, verifiers) are never logged or put in
//!   an error message.

pub mod github;
pub mod google;

use std::time::Duration;

use crate::db::{Db, on_db, sql};
use base64::Engine;
use chrono::{DateTime, Utc};
use contract_server::BoxFuture;
use schemas::auth::OAuthProvider;
use sha2::Digest;

use crate::config::OAuthConfig;
use crate::single_use::{SingleUse, token_hash};

/// What a provider says about the user after the code exchange: a verified email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthIdentity {
    pub email: String,
    pub full_name: Option<String>,
}

/// Why a code exchange failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The provider refused the code, or the identity cannot sign in (`400`).
    #[error("the provider refused the code: {0}")]
    Refused(String),
    /// The provider could not be reached or failed (`502`).
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
}

/// One OAuth provider.
pub trait OAuthClient: Send + Sync + 'static {
    /// The consent page for `state`, with the PKCE `challenge` (S256).
    fn authorization_url(&self, state: &str, challenge: &str) -> url::Url;
    /// Trades an authorization code (and the PKCE verifier of its state) for the user's identity.
    fn exchange<'a>(&'a self, code: &'a str, verifier: &'a str) -> BoxFuture<'a, Result<OAuthIdentity, OAuthError>>;
}

/// The configured providers.
#[derive(Default)]
pub struct Providers {
    clients: Vec<(OAuthProvider, Box<dyn OAuthClient>)>,
}

/// How long a provider may take to accept a connection, and to answer one request.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client of the providers could not be made (TLS setup).
#[derive(Debug, thiserror::Error)]
#[error("the HTTP client of the OAuth providers cannot be built")]
pub struct ClientBuildError(#[from] reqwest::Error);

impl Providers {
    pub fn with(mut self, provider: OAuthProvider, client: impl OAuthClient) -> Self {
        self.clients.push((provider, Box::new(client)));
        self
    }

    pub fn get(&self, provider: OAuthProvider) -> Option<&dyn OAuthClient> {
        self.clients.iter().find(|(p, _)| *p == provider).map(|(_, c)| c.as_ref())
    }

    /// The real clients of the providers `config` configures.
    pub fn from_config(config: &OAuthConfig) -> Result<Self, ClientBuildError> {
        let mut providers = Self::default();
        let Some(redirect_url) = &config.redirect_url else { return Ok(providers) };
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // A provider's answer is read, never followed elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("devora-server/", env!("CARGO_PKG_VERSION")))
            .build()?;
        if let Some(app) = &config.google {
            providers = providers
                .with(OAuthProvider::Google, google::Google::new(app.clone(), redirect_url.clone(), http.clone()));
        }
        if let Some(app) = &config.github {
            providers =
                providers.with(OAuthProvider::Github, github::GitHub::new(app.clone(), redirect_url.clone(), http));
        }
        Ok(providers)
    }
}

/// The variables that configure `provider` (named in the `503` of an unconfigured one).
pub fn variables(provider: OAuthProvider) -> [&'static str; 3] {
    match provider {
        OAuthProvider::Google => ["OAUTH_GOOGLE_CLIENT_ID", "OAUTH_GOOGLE_CLIENT_SECRET", "OAUTH_REDIRECT_URL"],
        OAuthProvider::Github => ["OAUTH_GITHUB_CLIENT_ID", "OAUTH_GITHUB_CLIENT_SECRET", "OAUTH_REDIRECT_URL"],
    }
}

/// The stored name of a provider.
pub fn provider_name(provider: OAuthProvider) -> &'static str {
    match provider {
        OAuthProvider::Google => "google",
        OAuthProvider::Github => "github",
    }
}

/// A started sign-in: the state to hand to the user, the PKCE challenge for the consent URL.
pub struct Started {
    pub state: String,
    pub challenge: String,
    pub expires_at: DateTime<Utc>,
}

/// Starts a sign-in with `provider`: stores a fresh state (hashed) with a fresh PKCE verifier.
pub async fn start(db: &Db, provider: OAuthProvider) -> Result<Started, sqlx::Error> {
    let kind = SingleUse::OAuthState;
    let state = kind.new_token();
    // 32 random bytes in hex: 64 characters of the unreserved set (RFC 7636 asks for 43 to 128).
    let verifier = hex::encode(crate::config::random_secret());
    let expires_at = Utc::now() + kind.lifetime();
    on_db!(db, pool => {
        sqlx::query(sql(pool, "INSERT INTO oauth_states (state_hash, provider, expires_at, pkce_verifier) VALUES (?, ?, ?, ?)"))
            .bind(token_hash(&state))
            .bind(provider_name(provider))
            .bind(expires_at)
            .bind(&verifier)
            .execute(pool)
            .await.map(|done| done.rows_affected())
    })?;
    Ok(Started { state, challenge: challenge(&verifier), expires_at })
}

/// Uses `state` for `provider`: when it is known, unused and unexpired, marks it used and returns
/// its PKCE verifier; `None` otherwise. One statement does both (as [`SingleUse::consume`]), so a
/// state works once even when two callbacks race.
pub async fn finish(db: &Db, provider: OAuthProvider, state: &str) -> Result<Option<String>, sqlx::Error> {
    let claimed: Option<(Option<String>,)> = on_db!(db, pool => {
        sqlx::query_as(sql(
            pool,
            "UPDATE oauth_states SET used_at = ?1 WHERE state_hash = ?2 AND used_at IS NULL AND expires_at > ?1 \
             AND provider = ?3 RETURNING pkce_verifier",
        ))
        .bind(Utc::now())
        .bind(token_hash(state))
        .bind(provider_name(provider))
        .fetch_optional(pool)
        .await
    })?;
    // A state stored before PKCE (no verifier) cannot finish: its consent URL had no challenge.
    Ok(claimed.and_then(|(verifier,)| verifier))
}

/// The S256 challenge of a PKCE verifier: BASE64URL(SHA-256(verifier)), unpadded.
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// Classifies a failed request: no answer at all is an unreachable provider.
pub(crate) fn unreachable(what: &str, error: &reqwest::Error) -> OAuthError {
    // Only the kind of failure: nothing of the request (URL, form, token) goes into the message.
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_decode() {
        "the answer does not parse"
    } else {
        "the request failed"
    };
    OAuthError::Unreachable(format!("{what}: {kind}"))
}

/// Classifies an answer's status: a 5xx (or anything unexpected that is not a refusal) is a
/// failing provider, a 4xx a refusal.
pub(crate) fn check_status(what: &str, status: reqwest::StatusCode) -> Result<(), OAuthError> {
    if status.is_success() {
        Ok(())
    } else if status.is_client_error() {
        Err(OAuthError::Refused(format!("{what} answered {status}")))
    } else {
        Err(OAuthError::Unreachable(format!("{what} answered {status}")))
    }
}

/// Posts the form of a code exchange to a token endpoint (`what` names it in errors) and reads its
/// JSON answer.
pub(crate) async fn token_request<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &url::Url,
    form: String,
    what: &str,
) -> Result<T, OAuthError> {
    let answer = http
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(form)
        .send()
        .await
        .map_err(|e| unreachable(what, &e))?;
    check_status(what, answer.status())?;
    answer.json().await.map_err(|e| unreachable(what, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_configuration_names_what_is_wrong() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        let none = OAuthConfig::from_lookup(vars(&[])).expect("nothing set is fine");
        assert!(none.google.is_none() && none.github.is_none() && none.redirect_url.is_none());

        let google = OAuthConfig::from_lookup(vars(&[
            ("OAUTH_GOOGLE_CLIENT_ID", "id"),
            ("OAUTH_GOOGLE_CLIENT_SECRET", "secret"),
            ("OAUTH_REDIRECT_URL", "https://app.example.com/oauth"),
            ("OAUTH_GOOGLE_TOKEN_URL", "http://127.0.0.1:9101/token"),
        ]))
        .expect("google");
        let app = google.google.expect("configured");
        assert_eq!(app.token_url.as_str(), "http://127.0.0.1:9101/token");
        assert_eq!(app.auth_url.as_str(), "https://accounts.google.com/o/oauth2/v2/auth", "the default");
        assert!(!format!("{app:?}").contains("secret\""), "the secret is not in Debug: {app:?}");
        assert!(google.github.is_none());

        let half = OAuthConfig::from_lookup(vars(&[("OAUTH_GITHUB_CLIENT_ID", "id")])).expect_err("half");
        assert_eq!(
            half.to_string(),
            "OAUTH_GITHUB_CLIENT_SECRET must be set with OAUTH_GITHUB_CLIENT_ID (a provider needs its client id and its secret)"
        );
        let no_redirect = OAuthConfig::from_lookup(vars(&[
            ("OAUTH_GITHUB_CLIENT_ID", "id"),
            ("OAUTH_GITHUB_CLIENT_SECRET", "secret"),
        ]));
        assert!(matches!(no_redirect, Err(crate::config::ConfigError::OAuthRedirectMissing)));
        let bad_url = OAuthConfig::from_lookup(vars(&[
            ("OAUTH_GITHUB_CLIENT_ID", "id"),
            ("OAUTH_GITHUB_CLIENT_SECRET", "secret"),
            ("OAUTH_REDIRECT_URL", "https://app.example.com/oauth"),
            ("OAUTH_GITHUB_API_URL", "ftp://example.com"),
        ]))
        .expect_err("bad url");
        assert_eq!(bad_url.to_string(), "OAUTH_GITHUB_API_URL=ftp://example.com is not an absolute http(s) URL");
    }
}
