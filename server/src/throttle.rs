//! Limits per account, which the per-client rate limits cannot see: a guesser or a mail flood
//! spread over many clients.
//!
//! The sign-in throttle: an address gets [`LoginThrottle::FAILURES`] sign-in attempts within
//! [`LoginThrottle::WINDOW`]; after them it cannot sign in (`429`) until the window ends, whatever
//! client tries: the per-address rate limit cannot see a guesser spread over many addresses. An
//! attempt is counted before its password is checked, in the same step as the check (a script in
//! Redis, a mutex here), so guesses sent in parallel cannot all pass the check before any is
//! counted; a successful sign-in clears the count, so only failures add up. Counted in Redis when
//! `REDIS_URL` is set (so that every instance sees the same count), in this process's memory
//! otherwise or while Redis is unavailable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::shared_store::SharedStore;

/// Password-reset messages one address gets in an hour, at most (however many clients ask; the
/// answer is the same `202` either way).
pub const RESET_MAILS_PER_HOUR: u32 = 3;

/// Sign-in attempts per account, in fixed windows.
#[derive(Default)]
pub struct LoginThrottle {
    local: LocalAttempts,
    shared: Option<SharedStore>,
}

impl LoginThrottle {
    /// Failed sign-ins an account takes in one window.
    pub const FAILURES: u32 = LocalAttempts::FAILURES;
    /// The window's length.
    pub const WINDOW: Duration = LocalAttempts::WINDOW;

    /// Counts in Redis through `shared` (falling back to this process while it is unavailable).
    pub fn shared(shared: SharedStore) -> Self {
        LoginThrottle { local: LocalAttempts::default(), shared: Some(shared) }
    }

    fn key(shared: &SharedStore, email: &str) -> String {
        shared.key(format_args!("login-failures:{}", email.to_lowercase()))
    }

    /// Counts a sign-in attempt for `email` (call [`LoginThrottle::succeeded`] when its password
    /// is right); `Err(seconds until the window ends)`, counting nothing, when `email` has no
    /// attempt left.
    pub async fn attempt(&self, email: &str) -> Result<(), u64> {
        if let Some(shared) = &self.shared {
            let key = Self::key(shared, email);
            if let Some(counted) =
                shared.count_in_window("the sign-in throttle", &key, Self::FAILURES, Self::WINDOW).await
            {
                return if counted.admitted {
                    Ok(())
                } else {
                    Err(counted.left.as_millis().div_ceil(1000).max(1) as u64)
                };
            }
        }
        self.local.attempt(email)
    }

    /// A successful sign-in: the count starts again.
    pub async fn succeeded(&self, email: &str) {
        if let Some(shared) = &self.shared {
            shared.run::<i64>("the sign-in throttle", redis::cmd("DEL").arg(Self::key(shared, email))).await;
        }
        self.local.succeeded(email);
    }
}

/// Sign-in attempts per account in this process's memory.
#[derive(Default)]
struct LocalAttempts {
    /// Lower-cased email → (first attempt of the window, attempts).
    attempts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LocalAttempts {
    const FAILURES: u32 = 10;
    const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Counts an attempt unless `email` has none left: `Err(seconds until the window ends)`.
    fn attempt(&self, email: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.len() > 100_000 {
            attempts.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = attempts.entry(email.to_lowercase()).or_insert((now, 0));
        let elapsed = now.duration_since(entry.0);
        if elapsed >= Self::WINDOW {
            *entry = (now, 0);
        } else if entry.1 >= Self::FAILURES {
            return Err(Self::WINDOW.saturating_sub(elapsed).as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    fn succeeded(&self, email: &str) {
        self.attempts.lock().unwrap_or_else(|p| p.into_inner()).remove(&email.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_attempts_whatever_the_case_and_unlocks_on_success() {
        let throttle = LocalAttempts::default();
        for _ in 0..LocalAttempts::FAILURES {
            assert_eq!(throttle.attempt("Ada@Example.com"), Ok(()), "an attempt left");
        }
        let wait = throttle.attempt("ADA@example.com").expect_err("locked");
        assert!(wait > 14 * 60 && wait <= 15 * 60, "{wait}");
        assert!(throttle.attempt("ada@example.com").is_err(), "a refused attempt does not reopen the window");
        assert_eq!(throttle.attempt("bob@example.com"), Ok(()), "another account");
        throttle.succeeded("ada@example.com");
        assert_eq!(throttle.attempt("ada@example.com"), Ok(()));
    }
}
