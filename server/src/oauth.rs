//! The seam for OAuth sign-in (Google, GitHub). A provider client builds the consent URL and
//! exchanges a code for the user's verified email; the server keeps the CSRF `state` (10 minutes,
//! single use). No provider is configured by default, so the OAuth operations answer `503`; the
//! provider implementations (real HTTP clients with configurable base URLs) come with the
//! billing/generation/OAuth issue.

use contract_server::BoxFuture;
use schemas::auth::OAuthProvider;

/// What a provider says about the user after the code exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthIdentity {
    pub email: String,
    pub full_name: Option<String>,
}

/// Why a code exchange failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The provider refused the code (`400`).
    #[error("the provider refused the code: {0}")]
    Refused(String),
    /// The provider could not be reached (`502`).
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
}

/// One OAuth provider.
pub trait OAuthClient: Send + Sync + 'static {
    /// The consent page for `state`.
    fn authorization_url(&self, state: &str) -> url::Url;
    /// Trades an authorization code for the user's identity.
    fn exchange<'a>(&'a self, code: &'a str) -> BoxFuture<'a, Result<OAuthIdentity, OAuthError>>;
}

/// The configured providers.
#[derive(Default)]
pub struct Providers {
    clients: Vec<(OAuthProvider, Box<dyn OAuthClient>)>,
}

impl Providers {
    pub fn with(mut self, provider: OAuthProvider, client: impl OAuthClient) -> Self {
        self.clients.push((provider, Box::new(client)));
        self
    }

    pub fn get(&self, provider: OAuthProvider) -> Option<&dyn OAuthClient> {
        self.clients.iter().find(|(p, _)| *p == provider).map(|(_, c)| c.as_ref())
    }
}
