//! The seeds' read cache in Redis (when `REDIS_URL` is set): a user's profile for 5 minutes, their
//! projects for 15, their subscription for 3 (the model catalogue's 6 hours are the generation
//! module's), invalidated by every write that changes them.
//!
//! Each scope of each user is one Redis hash (`{prefix}cache:{scope}:{user}`) whose fields are the
//! cached answers (`project:{id}`, `list:{query}`, …) and whose `#gen` field is a generation
//! stamp. A write changes the database first, then replaces the hash by a new stamp alone; a read
//! that missed stores what it loaded only if the stamp is still the one it saw before loading
//! (one Lua script), so a read that raced a write never stores what the write replaced. Each
//! hash expires with its scope's time to live after it was first filled.
//!
//! When Redis is down the cache is bypassed (a warning is logged by [`SharedStore`]); an
//! invalidation that fails is logged too, and what it should have removed lives at most its
//! time to live.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::metrics::{CacheResult, Metrics};
use crate::shared_store::SharedStore;

/// The stamp field of every hash.
const GENERATION: &str = "#gen";

/// Stores `ARGV[2] = ARGV[3]` in hash `KEYS[1]` if its stamp is still `ARGV[1]`; starts the hash's
/// time to live (`ARGV[4]` ms) if it has none.
const STORE_SCRIPT: &str = r"
local stamp = redis.call('HGET', KEYS[1], '#gen') or ''
if stamp ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
";

/// Replaces hash `KEYS[1]` by the stamp `ARGV[1]` alone, for `ARGV[2]` ms.
const INVALIDATE_SCRIPT: &str = r"
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '#gen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
";

/// What is cached, per user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `GET /auth/me`.
    Profile,
    /// `GET /projects` and `GET /projects/{id}`.
    Projects,
    /// `GET /billing/subscription`.
    Subscription,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Profile => "profile",
            Scope::Projects => "projects",
            Scope::Subscription => "subscription",
        }
    }

    pub fn time_to_live(self) -> Duration {
        match self {
            Scope::Profile => Duration::from_secs(5 * 60),
            Scope::Projects => Duration::from_secs(15 * 60),
            Scope::Subscription => Duration::from_secs(3 * 60),
        }
    }
}

/// The read cache (a no-op without Redis).
#[derive(Clone)]
pub struct Cache {
    store: Option<SharedStore>,
    metrics: Metrics,
    store_script: redis::Script,
    invalidate_script: redis::Script,
}

impl Cache {
    pub fn new(store: Option<SharedStore>, metrics: Metrics) -> Self {
        Cache {
            store,
            metrics,
            store_script: redis::Script::new(STORE_SCRIPT),
            invalidate_script: redis::Script::new(INVALIDATE_SCRIPT),
        }
    }

    fn key(store: &SharedStore, scope: Scope, user: &str) -> String {
        store.key(format_args!("cache:{}:{user}", scope.name()))
    }

    /// The cached answer `field` of `user`'s `scope`, or what `load` reads (stored for next time;
    /// an absence, `None`, too: the write that creates the thing invalidates it).
    pub async fn read<T, F>(&self, scope: Scope, user: &str, field: &str, load: F) -> Result<T, ApiError>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T, ApiError>>,
    {
        let Some(store) = &self.store else { return load.await };
        let key = Self::key(store, scope, user);
        let mut lookup = redis::cmd("HMGET");
        lookup.arg(&key).arg(field).arg(GENERATION);
        let Some((cached, stamp)) = store.run::<(Option<String>, Option<String>)>("the read cache", &lookup).await
        else {
            self.metrics.cache(scope.name(), CacheResult::Bypass);
            return load.await;
        };
        if let Some(value) = cached.and_then(|text| serde_json::from_str(&text).ok()) {
            self.metrics.cache(scope.name(), CacheResult::Hit);
            return Ok(value);
        }
        self.metrics.cache(scope.name(), CacheResult::Miss);
        let loaded = load.await?;
        if let Ok(text) = serde_json::to_string(&loaded) {
            let mut invocation = self.store_script.prepare_invoke();
            invocation
                .key(&key)
                .arg(stamp.unwrap_or_default())
                .arg(field)
                .arg(text)
                .arg(scope.time_to_live().as_millis() as u64);
            store.invoke::<i64>("the read cache", &invocation).await;
        }
        Ok(loaded)
    }

    /// Forgets what is cached of `user`'s `scope` (after a write that changed it).
    pub async fn invalidate(&self, scope: Scope, user: &str) {
        let Some(store) = &self.store else { return };
        let mut invocation = self.invalidate_script.prepare_invoke();
        invocation
            .key(Self::key(store, scope, user))
            .arg(uuid::Uuid::new_v4().simple().to_string())
            .arg(scope.time_to_live().as_millis() as u64);
        if store.invoke::<i64>("cache invalidation", &invocation).await.is_none() {
            tracing::warn!(scope = scope.name(), user, "a cache invalidation failed: the entry lives until it expires");
        }
    }
}
