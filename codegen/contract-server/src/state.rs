//! What every generated router shares: the server's [`Authenticator`], the [`RateLimiter`] and
//! the body limit, in one [`Core`] built by the server at start-up.

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::limit::{InMemoryRateLimiter, RateLimiter};

/// Shared state of every generated router.
pub struct Core {
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    pub(crate) body_limit: usize,
}

impl Core {
    /// `body_limit` is the largest request body accepted, in bytes (larger → `413`). Rate limits
    /// are counted in this process's memory ([`InMemoryRateLimiter`]); see [`Core::with_limiter`].
    pub fn new(authenticator: Arc<dyn Authenticator>, body_limit: usize) -> Self {
        Self { authenticator, limiter: Arc::new(InMemoryRateLimiter::default()), body_limit }
    }

    /// Counts rate limits with `limiter` instead (a store shared by several processes).
    pub fn with_limiter(self, limiter: Arc<dyn RateLimiter>) -> Self {
        Self { limiter, ..self }
    }
}
