//! What every generated router shares: the server's [`Authenticator`], the [`RateLimiter`], the
//! body limit, the response validation mode, the trusted proxies and the origins allowed to call
//! from browsers, in one [`Core`] built by the server at start-up.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::conformance::ResponseValidation;
use crate::cors::Cors;
use crate::limit::{InMemoryRateLimiter, RateLimiter};
use crate::proxy::TrustedProxies;

/// Shared state of every generated router.
pub struct Core {
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    pub(crate) body_limit: usize,
    response_validation: ResponseValidation,
    pub(crate) trusted_proxies: TrustedProxies,
    pub(crate) refuse_nul: bool,
    /// Cross-origin requests (`None`: no CORS header is written).
    pub(crate) cors: Option<Cors>,
}

impl Core {
    /// `body_limit` is the largest request body accepted, in bytes (larger → `413`). Rate limits
    /// are counted in this process's memory ([`InMemoryRateLimiter`]); see [`Core::with_limiter`].
    /// Responses are validated as [`ResponseValidation::default`] says (enforced in debug builds,
    /// off in release builds); see [`Core::with_response_validation`]. The client is the TCP peer,
    /// forwarding headers ignored; see [`Core::with_trusted_proxies`].
    pub fn new(authenticator: Arc<dyn Authenticator>, body_limit: usize) -> Self {
        Self {
            authenticator,
            limiter: Arc::new(InMemoryRateLimiter::default()),
            body_limit,
            response_validation: ResponseValidation::default(),
            trusted_proxies: TrustedProxies::default(),
            refuse_nul: false,
            cors: None,
        }
    }

    /// Counts rate limits with `limiter` instead (a store shared by several processes).
    pub fn with_limiter(self, limiter: Arc<dyn RateLimiter>) -> Self {
        Self { limiter, ..self }
    }

    /// Validates responses as `mode` says. Routers read it when they are built.
    pub fn with_response_validation(self, mode: ResponseValidation) -> Self {
        Self { response_validation: mode, ..self }
    }

    /// Believes the forwarding headers (`X-Forwarded-For`, `Forwarded`) of peers inside `proxies`:
    /// behind them the client, whose address anonymous rate limits count and
    /// [`RequestContext::client_ip`](crate::RequestContext::client_ip) gives, is the first
    /// untrusted hop from the right ([`TrustedProxies::client`]). Other peers' headers are ignored.
    pub fn with_trusted_proxies(self, proxies: TrustedProxies) -> Self {
        Self { trusted_proxies: proxies, ..self }
    }

    /// Refuses text holding U+0000 (NUL) in every part of a request (path, query, headers, and any
    /// string or member name of a JSON body), with a `422` naming each place (keyword `nul`).
    /// JSON allows the character, but PostgreSQL's `text` cannot store it (and C libraries stop at
    /// it): a server on such a store turns this on so that a client's NUL is its mistake, told as
    /// such, rather than a failed query.
    pub fn refusing_nul(self) -> Self {
        Self { refuse_nul: true, ..self }
    }

    /// Answers browsers calling from `cors`'s origins (see [`Cors`]); with no origin, as by
    /// default, no CORS header is ever written. Routers read it when they are built.
    pub fn with_cors(self, cors: Cors) -> Self {
        Self { cors: (!cors.origins().is_empty()).then_some(cors), ..self }
    }

    /// How the routers built on this core validate responses.
    pub fn response_validation(&self) -> ResponseValidation {
        self.response_validation
    }
}
