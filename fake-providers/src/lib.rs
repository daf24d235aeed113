//! Fakes of the external providers the server talks to, each an axum router served on
//! 127.0.0.1 only: Google's and GitHub's OAuth endpoints ([`google`], [`github`]), and a
//! Stripe-like payment API ([`stripe`]: customers, checkout sessions honouring `Idempotency-Key`,
//! billing portal sessions, invoices, and signed webhook deliveries), and an OpenAI-compatible
//! model API ([`openai`]: the model catalogue and chat completions that echo their prompt).
//!
//! Each fake implements the endpoints the server's clients use, checks what a real provider
//! checks (client secret, single-use code, redirect URI, PKCE verifier), serves identities a test
//! sets, and fails on demand (answer `500`; be down by dropping its [`Running`]). Its `env`
//! function gives the server variables that point at it. Tests use the library; `cargo run -p
//! fake-providers` starts every fake and prints those variables.

pub mod github;
pub mod google;
pub mod openai;
pub mod stripe;

use std::net::{Ipv4Addr, SocketAddr};

/// A fake being served; dropping it stops the server (then the fake is down: connections are
/// refused).
pub struct Running {
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Open connections end too: the fake is down at once.
        self.task.abort();
    }
}

/// Serves `router` on `127.0.0.1:port` (`0`: any free port) until the [`Running`] drops.
pub async fn serve(router: axum::Router, port: u16) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running { address, stop: Some(stop), task })
}

/// A random token with a recognizable prefix (codes, access tokens).
pub(crate) fn token(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The S256 PKCE challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// An OAuth fake (Google, GitHub), shared by its routes and the test that steers it.
pub struct OAuthFake<U> {
    inner: std::sync::Arc<std::sync::Mutex<OAuthState<U>>>,
}

impl<U> Clone for OAuthFake<U> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

/// What an OAuth fake holds.
pub(crate) struct OAuthState<U> {
    /// Whom the consent page signs in.
    pub user: U,
    pub fault: Option<Fault>,
    /// Codes given out, waiting for the token endpoint.
    pub codes: std::collections::HashMap<String, Grant<U>>,
    /// Access tokens given out, and whom they speak for.
    pub tokens: std::collections::HashMap<String, U>,
    /// Codes traded for a token.
    pub exchanges: usize,
}

impl<U> OAuthFake<U> {
    /// A fake whose consent page signs in `user`.
    pub fn signing_in(user: U) -> Self {
        let state = OAuthState {
            user,
            fault: None,
            codes: std::collections::HashMap::new(),
            tokens: std::collections::HashMap::new(),
            exchanges: 0,
        };
        Self { inner: std::sync::Arc::new(std::sync::Mutex::new(state)) }
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, OAuthState<U>> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Who the consent page signs in from now on.
    pub fn sign_in_as(&self, user: U) {
        self.lock().user = user;
    }

    /// Makes the fake fail (or work again with `None`).
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.lock().fault = fault;
    }

    /// How many codes the token endpoint traded for a token.
    pub fn exchanges(&self) -> usize {
        self.lock().exchanges
    }
}

/// A code the consent page gave out, waiting for the token endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Grant<U> {
    pub client_id: String,
    pub redirect_uri: String,
    /// The S256 challenge, when the consent URL had one.
    pub challenge: Option<String>,
    pub user: U,
}

/// Why the token endpoint refuses a code (the OAuth error code).
pub(crate) fn check_grant<U>(
    grant: &Grant<U>,
    client_id: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<(), &'static str> {
    if grant.client_id != client_id {
        return Err("invalid_grant");
    }
    if redirect_uri.is_some_and(|uri| uri != grant.redirect_uri) {
        return Err("redirect_uri_mismatch");
    }
    match (&grant.challenge, verifier) {
        (None, _) => Ok(()),
        (Some(challenge), Some(verifier)) if *challenge == self::challenge(verifier) => Ok(()),
        (Some(_), _) => Err("invalid_grant"),
    }
}

/// `redirect_uri?code=…&state=…`, or `None` when the URI does not parse.
pub(crate) fn redirect_with(redirect_uri: &str, code: &str, state: Option<&str>) -> Option<String> {
    let mut url = url::Url::parse(redirect_uri).ok()?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("code", code);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    Some(url.into())
}

/// The bearer token of a request.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

/// A failure a fake can be told to answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Every API endpoint (token, identity) answers `500`; the consent page still works.
    ServerError,
    /// The token endpoint works, the identity endpoints answer `500` (a failure after the code
    /// was spent).
    IdentityServerError,
}
