//! What every generated router shares: the server's [`Authenticator`], the [`RateLimiter`], the
//! body limit and the response validation mode, in one [`Core`] built by the server at start-up.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::conformance::ResponseValidation;
use crate::limit::{InMemoryRateLimiter, RateLimiter};

/// Shared state of every generated router.
pub struct Core {
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    pub(crate) body_limit: usize,
    response_validation: ResponseValidation,
}

impl Core {
    /// `body_limit` is the largest request body accepted, in bytes (larger → `413`). Rate limits
    /// are counted in this process's memory ([`InMemoryRateLimiter`]); see [`Core::with_limiter`].
    /// Responses are validated as [`ResponseValidation::default`] says (enforced in debug builds,
    /// off in release builds); see [`Core::with_response_validation`].
    pub fn new(authenticator: Arc<dyn Authenticator>, body_limit: usize) -> Self {
        Self {
            authenticator,
            limiter: Arc::new(InMemoryRateLimiter::default()),
            body_limit,
            response_validation: ResponseValidation::default(),
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

    /// How the routers built on this core validate responses.
    pub fn response_validation(&self) -> ResponseValidation {
        self.response_validation
    }
}
