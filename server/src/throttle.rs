//! Limits per account, which the per-client rate limits cannot see: a guesser or a mail flood
//! spread over many clients.
//!
//! The sign-in throttle: after [`LoginThrottle::FAILURES`] wrong passwords for one
//! address within [`LoginThrottle::WINDOW`], that address cannot sign in (`429`) until the window
//! ends, whatever client tries: the per-address rate limit cannot see a guesser spread over many
//! addresses. A successful sign-in clears the count. Counted in Redis when `REDIS_URL` is set (so
//! that every instance sees the same count), in this process's memory otherwise or while Redis is
//! unavailable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::shared_store::SharedStore;

/// Password-reset messages one address gets in an hour, at most (however many clients ask; the
/// answer is the same `202` either way).
pub const RESET_MAILS_PER_HOUR: u32 = 3;

/// Failed sign-ins per account, in fixed windows.
#[derive(Default)]
pub struct LoginThrottle {
    local: LocalFailures,
    shared: Option<SharedStore>,
}

/// Counts a failure and starts the window on the first one; returns nothing.
const FAILED_SCRIPT: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
";

impl LoginThrottle {
    /// Wrong passwords an account takes in one window.
    pub const FAILURES: u32 = LocalFailures::FAILURES;
    /// The window's length.
    pub const WINDOW: Duration = LocalFailures::WINDOW;

    /// Counts in Redis through `shared` (falling back to this process while it is unavailable).
    pub fn shared(shared: SharedStore) -> Self {
        LoginThrottle { local: LocalFailures::default(), shared: Some(shared) }
    }

    fn key(shared: &SharedStore, email: &str) -> String {
        shared.key(format_args!("login-failures:{}", email.to_lowercase()))
    }

    /// `Err(seconds until the window ends)` when `email` is locked out.
    pub async fn check(&self, email: &str) -> Result<(), u64> {
        if let Some(shared) = &self.shared {
            let key = Self::key(shared, email);
            let mut command = redis::cmd("EVAL");
            command
                .arg("return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}")
                .arg(1)
                .arg(&key);
            if let Some((count, ttl_ms)) = shared.run::<(i64, i64)>("the sign-in throttle", &command).await {
                return if count >= i64::from(Self::FAILURES) && ttl_ms > 0 {
                    Err((ttl_ms as u64).div_ceil(1000).max(1))
                } else {
                    Ok(())
                };
            }
        }
        self.local.check(email)
    }

    /// Counts a wrong password for `email`.
    pub async fn failed(&self, email: &str) {
        if let Some(shared) = &self.shared {
            let mut command = redis::cmd("EVAL");
            command.arg(FAILED_SCRIPT).arg(1).arg(Self::key(shared, email)).arg(Self::WINDOW.as_millis() as u64);
            if shared.run::<i64>("the sign-in throttle", &command).await.is_some() {
                return;
            }
        }
        self.local.failed(email);
    }

    /// A successful sign-in: the count starts again.
    pub async fn succeeded(&self, email: &str) {
        if let Some(shared) = &self.shared {
            shared.run::<i64>("the sign-in throttle", redis::cmd("DEL").arg(Self::key(shared, email))).await;
        }
        self.local.succeeded(email);
    }
}

/// Failed sign-ins per account in this process's memory.
#[derive(Default)]
struct LocalFailures {
    /// Lower-cased email → (first failure of the window, failures).
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LocalFailures {
    const FAILURES: u32 = 10;
    const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// `Err(seconds until the window ends)` when `email` is locked out.
    fn check(&self, email: &str) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&email.to_lowercase()) {
            Some((start, count)) if *count >= Self::FAILURES && start.elapsed() < Self::WINDOW => {
                Err(Self::WINDOW.saturating_sub(start.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    fn failed(&self, email: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 100_000 {
            failures.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = failures.entry(email.to_lowercase()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Self::WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    fn succeeded(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&email.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_failures_whatever_the_case_and_unlocks_on_success() {
        let throttle = LocalFailures::default();
        for _ in 0..LocalFailures::FAILURES - 1 {
            throttle.failed("Ada@Example.com");
        }
        assert_eq!(throttle.check("ada@example.com"), Ok(()), "one failure short");
        throttle.failed("ada@example.com");
        let wait = throttle.check("ADA@example.com").expect_err("locked");
        assert!(wait > 14 * 60 && wait <= 15 * 60, "{wait}");
        assert_eq!(throttle.check("bob@example.com"), Ok(()), "another account");
        throttle.succeeded("ada@example.com");
        assert_eq!(throttle.check("ada@example.com"), Ok(()));
    }
}
