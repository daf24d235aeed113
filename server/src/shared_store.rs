//! What several server instances share through Redis (`REDIS_URL`): rate-limit counters
//! ([`RedisRateLimiter`]), the sign-in throttle's failure counts, and the read cache
//! ([`crate::cache`]).
//!
//! Redis is a helper, never a dependency of an answer: the server starts while Redis is down
//! (it connects in the background and keeps retrying), every command has a short timeout, and when
//! a command fails the caller falls back (the cache is bypassed, counters are kept in this
//! process or not at all, see [`WhenDown`]) and a warning is logged, at most once per
//! [`WARN_EVERY`] for each kind of use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contract_server::{Admission, Admit, Caller, InMemoryRateLimiter, RateLimit, RateLimiter, Verdict};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

/// How long one Redis command may take before the caller falls back.
pub const COMMAND_TIMEOUT: Duration = Duration::from_millis(250);
/// How long the server waits for Redis when it starts before going on without it.
pub const FIRST_CONNECT: Duration = Duration::from_secs(2);
/// A warning about Redis being unavailable is logged at most this often for each use.
pub const WARN_EVERY: Duration = Duration::from_secs(10);

/// A connection to Redis shared by the whole process (clones share it).
#[derive(Clone)]
pub struct SharedStore {
    connection: Arc<OnceCell<ConnectionManager>>,
    prefix: Arc<str>,
    warnings: Arc<Mutex<HashMap<&'static str, Instant>>>,
}

/// `REDIS_URL` is not a Redis URL.
#[derive(Debug, thiserror::Error)]
#[error("REDIS_URL={url} is not a redis:// URL")]
pub struct InvalidRedisUrl {
    pub url: String,
    #[source]
    pub source: redis::RedisError,
}

impl SharedStore {
    /// Connects to `url`: waits up to [`FIRST_CONNECT`] for a first connection (so that a server
    /// whose Redis is up counts in Redis from its first request), then keeps trying in the
    /// background (the server starts while Redis is down; until connected, every use falls back).
    /// Every key starts with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, InvalidRedisUrl> {
        let client = redis::Client::open(url).map_err(|source| InvalidRedisUrl { url: url.to_owned(), source })?;
        let store =
            SharedStore { connection: Arc::new(OnceCell::new()), prefix: prefix.into(), warnings: Arc::default() };
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(COMMAND_TIMEOUT)
            .set_number_of_retries(2)
            .set_max_delay(1000);
        let first = ConnectionManager::new_with_config(client.clone(), config.clone());
        if let Ok(Ok(manager)) = tokio::time::timeout(FIRST_CONNECT, first).await {
            let _ = store.connection.set(manager);
            tracing::info!("connected to Redis");
            return Ok(store);
        }
        let cell = store.connection.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(100);
            loop {
                match ConnectionManager::new_with_config(client.clone(), config.clone()).await {
                    Ok(manager) => {
                        let _ = cell.set(manager);
                        tracing::info!("connected to Redis");
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "Redis cannot be reached yet; retrying (shared state falls back meanwhile)");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(5));
                    }
                }
            }
        });
        Ok(store)
    }

    /// The key `name` under this server's prefix.
    pub fn key(&self, name: std::fmt::Arguments<'_>) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The connection, once made (a [`ConnectionManager`] reconnects by itself after that).
    pub fn connection(&self) -> Option<ConnectionManager> {
        self.connection.get().cloned()
    }

    /// Logs that `use_` fell back because Redis failed, at most once per [`WARN_EVERY`].
    pub fn warn_unavailable(&self, use_: &'static str, error: &dyn std::fmt::Display) {
        let now = Instant::now();
        let mut warnings = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        let due = warnings.get(use_).is_none_or(|last| now.duration_since(*last) >= WARN_EVERY);
        if due {
            warnings.insert(use_, now);
            tracing::warn!(use_, %error, "Redis is unavailable; falling back");
        }
    }

    /// Runs `command` on the connection; `None` (after a logged warning) when Redis is not
    /// connected or the command failed.
    pub async fn run<T: redis::FromRedisValue>(&self, use_: &'static str, command: &redis::Cmd) -> Option<T> {
        let Some(mut connection) = self.connection() else {
            self.warn_unavailable(use_, &"not connected");
            return None;
        };
        match command.query_async(&mut connection).await {
            Ok(value) => Some(value),
            Err(error) => {
                self.warn_unavailable(use_, &error);
                None
            }
        }
    }

    /// Runs `script` (with its keys and arguments set); `None` as [`SharedStore::run`].
    pub async fn invoke<T: redis::FromRedisValue>(
        &self,
        use_: &'static str,
        script: &redis::ScriptInvocation<'_>,
    ) -> Option<T> {
        let Some(mut connection) = self.connection() else {
            self.warn_unavailable(use_, &"not connected");
            return None;
        };
        match script.invoke_async(&mut connection).await {
            Ok(value) => Some(value),
            Err(error) => {
                self.warn_unavailable(use_, &error);
                None
            }
        }
    }
}

/// What rate limits do while Redis is unavailable (`RATE_LIMIT_WHEN_REDIS_DOWN`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenDown {
    /// Count in this process (the default): each instance enforces the limit on its own, so the
    /// effective limit is at most the instance count times the limit.
    #[default]
    Local,
    /// Admit every request until Redis answers again.
    Open,
}

/// `RATE_LIMIT_WHEN_REDIS_DOWN` is neither `local` nor `open`.
#[derive(Debug, thiserror::Error)]
#[error("expected `local` or `open`")]
pub struct UnknownWhenDown;

impl std::str::FromStr for WhenDown {
    type Err = UnknownWhenDown;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "local" => Ok(WhenDown::Local),
            "open" => Ok(WhenDown::Open),
            _ => Err(UnknownWhenDown),
        }
    }
}

/// Counts one request in a fixed window: refuses without counting when the window is spent.
/// Returns `{admitted, count, milliseconds left}`.
const WINDOW_SCRIPT: &str = r"
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  count = 0
end
if count >= tonumber(ARGV[1]) then
  return {0, count, ttl}
end
count = redis.call('INCR', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {1, count, ttl}
";

static WINDOW: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| redis::Script::new(WINDOW_SCRIPT));

/// One use counted by [`SharedStore::count_in_window`].
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    /// Whether the window had room (and the use was counted).
    pub admitted: bool,
    /// The uses counted in the window, this one included when admitted.
    pub count: i64,
    /// Until the window ends.
    pub left: Duration,
}

impl SharedStore {
    /// Counts one use of `key` in a fixed window of `window`, unless `limit` uses are counted
    /// already: the check and the count are one script, so uses from every instance at once
    /// cannot pass the check together. `None` (after a logged warning for `use_`) as
    /// [`SharedStore::run`].
    pub async fn count_in_window(
        &self,
        use_: &'static str,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Option<Counted> {
        let mut invocation = WINDOW.prepare_invoke();
        invocation.key(key).arg(limit).arg(window.as_millis() as u64);
        let (admitted, count, left_ms) = self.invoke::<(i64, i64, i64)>(use_, &invocation).await?;
        Some(Counted { admitted: admitted == 1, count, left: Duration::from_millis(left_ms.max(0) as u64) })
    }
}

/// Fixed-window rate limits counted in Redis, so that every instance counts the same window: the
/// same `429`, `Retry-After` and `X-RateLimit-*` answers as [`InMemoryRateLimiter`].
pub struct RedisRateLimiter {
    store: SharedStore,
    when_down: WhenDown,
    local: InMemoryRateLimiter,
}

impl RedisRateLimiter {
    pub fn new(store: SharedStore, when_down: WhenDown) -> Self {
        RedisRateLimiter { store, when_down, local: InMemoryRateLimiter::default() }
    }

    async fn count(&self, operation: &'static str, caller: Caller<'_>, limit: RateLimit) -> Verdict {
        let key = self.store.key(format_args!("ratelimit:{operation}:{}", caller.key()));
        let window = Duration::from_secs(u64::from(limit.window_seconds));
        match self.store.count_in_window("rate limits", &key, limit.requests, window).await {
            Some(Counted { admitted, count, left }) => {
                let reset = left.as_millis().div_ceil(1000) as u64;
                let remaining = u32::try_from(i64::from(limit.requests) - count).unwrap_or(0);
                let admission = Admission { limit: limit.requests, remaining, reset };
                if admitted { Ok(admission) } else { Err(Admission { remaining: 0, reset: reset.max(1), ..admission }) }
            }
            None => match self.when_down {
                WhenDown::Local => self.local.admit(operation, caller, limit).await,
                WhenDown::Open => Ok(Admission {
                    limit: limit.requests,
                    remaining: limit.requests,
                    reset: u64::from(limit.window_seconds),
                }),
            },
        }
    }
}

impl RateLimiter for RedisRateLimiter {
    fn admit<'a>(&'a self, operation: &'static str, caller: Caller<'a>, limit: RateLimit) -> Admit<'a> {
        Admit::later(Box::pin(self.count(operation, caller, limit)))
    }
}
