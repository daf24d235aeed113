//! Rate limits. [`crate::prepare`] counts every request of a rate-limited operation through the
//! [`RateLimiter`] of its [`Core`](crate::Core), so the store can change (this process's memory
//! by default, a store shared by several processes later) without touching request handling.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::BoxFuture;
use crate::auth::Principal;
use crate::rejection::Rejection;

/// An operation's limit: at most `requests` per caller in each window of `window_seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window_seconds: u32,
}

/// The state of a caller's window after a request was counted (or refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admission {
    /// The operation's limit per window.
    pub limit: u32,
    /// Requests left in the window.
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset: u64,
}

impl Admission {
    /// Writes `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
    pub(crate) fn write_headers(self, headers: &mut HeaderMap) {
        headers.insert(HeaderName::from_static("x-ratelimit-limit"), HeaderValue::from(self.limit));
        headers.insert(HeaderName::from_static("x-ratelimit-remaining"), HeaderValue::from(self.remaining));
        headers.insert(HeaderName::from_static("x-ratelimit-reset"), HeaderValue::from(self.reset));
    }
}

/// A limiter's answer: `Ok` when the request was counted, `Err` when the window is spent (the
/// request is refused with `429`).
pub type Verdict = Result<Admission, Admission>;

/// Whom a request is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller<'a> {
    /// An authenticated caller, by [`Principal::id`].
    User(&'a str),
    /// An anonymous caller, by address.
    Client(IpAddr),
}

impl Caller<'_> {
    /// The caller as a store key: `user:<id>`, or `ip:<address>` where an IPv6 address counts by
    /// its /64 (one subscriber's block) and an IPv4-mapped one as the IPv4 address.
    pub fn key(&self) -> String {
        match *self {
            Caller::User(id) => format!("user:{id}"),
            Caller::Client(IpAddr::V4(v4)) => format!("ip:{v4}"),
            Caller::Client(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => format!("ip:{v4}"),
                None => {
                    let s = v6.segments();
                    format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

/// A [`Verdict`] to come: at once (a store in memory, no allocation) or from a boxed future (a
/// store across the network).
pub struct Admit<'a>(Pending<'a>);

enum Pending<'a> {
    Ready(Verdict),
    Later(BoxFuture<'a, Verdict>),
}

impl<'a> Admit<'a> {
    pub fn ready(verdict: Verdict) -> Self {
        Self(Pending::Ready(verdict))
    }

    pub fn later(future: BoxFuture<'a, Verdict>) -> Self {
        Self(Pending::Later(future))
    }
}

impl Future for Admit<'_> {
    type Output = Verdict;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Verdict> {
        match &mut self.get_mut().0 {
            Pending::Ready(verdict) => Poll::Ready(*verdict),
            Pending::Later(future) => future.as_mut().poll(context),
        }
    }
}

/// Counts requests per (operation, caller). Object-safe: a [`Core`](crate::Core) holds an
/// `Arc<dyn RateLimiter>`. A store that cannot answer decides itself whether to admit or refuse.
pub trait RateLimiter: Send + Sync + 'static {
    /// Counts one request of `caller` to `operation` against `limit`; refused requests are not
    /// counted.
    fn admit<'a>(&'a self, operation: &'static str, caller: Caller<'a>, limit: RateLimit) -> Admit<'a>;
}

/// Fixed-window rate limits in this process's memory (the default of [`Core::new`](crate::Core::new)).
#[derive(Default)]
pub struct InMemoryRateLimiter {
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    /// (operation, caller key) → (window start, count, window length).
    entries: HashMap<(&'static str, String), (Instant, u32, Duration)>,
    last_prune: Option<Instant>,
}

impl InMemoryRateLimiter {
    fn count(&self, operation: &'static str, key: String, limit: RateLimit) -> Verdict {
        let now = Instant::now();
        let window = Duration::from_secs(u64::from(limit.window_seconds));
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Expired windows go at most once a second, each judged by its own length.
        if state.entries.len() > 10_000
            && state.last_prune.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            state.entries.retain(|_, (start, _, length)| now.duration_since(*start) < *length);
            state.last_prune = Some(now);
        }
        let entry = state.entries.entry((operation, key)).or_insert((now, 0, window));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0, window);
        }
        let reset = window.saturating_sub(now.duration_since(entry.0)).as_secs_f64().ceil() as u64;
        if entry.1 >= limit.requests {
            return Err(Admission { limit: limit.requests, remaining: 0, reset: reset.max(1) });
        }
        entry.1 += 1;
        Ok(Admission { limit: limit.requests, remaining: limit.requests - entry.1, reset })
    }
}

impl RateLimiter for InMemoryRateLimiter {
    fn admit<'a>(&'a self, operation: &'static str, caller: Caller<'a>, limit: RateLimit) -> Admit<'a> {
        Admit::ready(self.count(operation, caller.key(), limit))
    }
}

/// Step 2 of [`crate::prepare`]: counts the request when the operation is rate-limited, per
/// principal when there is one, per client address otherwise.
pub(crate) async fn count(
    limiter: &dyn RateLimiter,
    operation: &'static str,
    limit: Option<RateLimit>,
    principal: Option<&Principal>,
    client_ip: IpAddr,
) -> Result<Option<Admission>, Rejection> {
    let Some(limit) = limit else { return Ok(None) };
    let caller = principal.map_or(Caller::Client(client_ip), |p| Caller::User(&p.id));
    match limiter.admit(operation, caller, limit).await {
        Ok(admission) => Ok(Some(admission)),
        Err(admission) => Err(Rejection::TooManyRequests(admission)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Caller<'static> {
        Caller::Client(text.parse().expect("ip"))
    }

    fn per(requests: u32, window_seconds: u32) -> RateLimit {
        RateLimit { requests, window_seconds }
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(ip("2001:db8:1:2:aaaa::1").key(), ip("2001:db8:1:2:bbbb::9").key());
        assert_ne!(ip("2001:db8:1:2::1").key(), ip("2001:db8:1:3::1").key());
        assert_eq!(ip("::ffff:10.0.0.1").key(), "ip:10.0.0.1");
        assert_eq!(Caller::User("10.0.0.1").key(), "user:10.0.0.1", "users and addresses never share a key");
    }

    #[test]
    fn pruning_keeps_long_windows() {
        let limiter = InMemoryRateLimiter::default();
        limiter.count("hourly", "k".into(), per(1, 3600)).expect("first");
        for i in 0..10_050 {
            limiter.count("short", format!("other{i}"), per(5, 60)).expect("admitted");
        }
        assert!(limiter.count("hourly", "k".into(), per(1, 3600)).is_err(), "the hourly window survives pruning");
    }

    #[tokio::test]
    async fn rate_limit_windows() {
        let limiter = InMemoryRateLimiter::default();
        let caller = Caller::User("k");
        for remaining in (0..3).rev() {
            assert_eq!(limiter.admit("op", caller, per(3, 60)).await.expect("admitted").remaining, remaining);
        }
        let refused = limiter.admit("op", caller, per(3, 60)).await.expect_err("the fourth is refused");
        assert!(refused.reset >= 1 && refused.reset <= 60);
        assert!(
            limiter.admit("op", Caller::User("other"), per(3, 60)).await.is_ok(),
            "another caller has its own window"
        );
    }

    #[tokio::test]
    async fn callers_are_counted_per_principal_or_address() {
        let limiter = InMemoryRateLimiter::default();
        let address: IpAddr = "10.0.0.1".parse().expect("ip");
        let ada = Principal { id: "ada".into(), roles: Vec::new() };
        let once = Some(per(1, 60));
        assert!(count(&limiter, "op", once, None, address).await.is_ok());
        assert!(count(&limiter, "op", once, Some(&ada), address).await.is_ok(), "a user has a window of its own");
        let refused = count(&limiter, "op", once, None, address).await.expect_err("the address's window is spent");
        assert!(matches!(refused, Rejection::TooManyRequests(Admission { limit: 1, remaining: 0, .. })));
        assert_eq!(count(&limiter, "op", None, None, address).await.ok(), Some(None), "no limit, nothing counted");
    }
}
