//! Limits per account, which the per-client rate limits cannot see: a guesser or a mail flood
//! spread over many clients.
//!
//! The sign-in throttle: after [`LoginThrottle::FAILURES`] wrong passwords for one
//! address within [`LoginThrottle::WINDOW`], that address cannot sign in (`429`) until the window
//! ends, whatever client tries: the per-address rate limit cannot see a guesser spread over many
//! addresses. A successful sign-in clears the count. Counted in this process's memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Password-reset messages one address gets in an hour, at most (however many clients ask; the
/// answer is the same `202` either way).
pub const RESET_MAILS_PER_HOUR: u32 = 3;

/// Failed sign-ins per account, in fixed windows.
#[derive(Default)]
pub struct LoginThrottle {
    /// Lower-cased email → (first failure of the window, failures).
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginThrottle {
    /// Wrong passwords an account takes in one window.
    pub const FAILURES: u32 = 10;
    /// The window's length.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// `Err(seconds until the window ends)` when `email` is locked out.
    pub fn check(&self, email: &str) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&email.to_lowercase()) {
            Some((start, count)) if *count >= Self::FAILURES && start.elapsed() < Self::WINDOW => {
                Err(Self::WINDOW.saturating_sub(start.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts a wrong password for `email`.
    pub fn failed(&self, email: &str) {
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

    /// A successful sign-in: the count starts again.
    pub fn succeeded(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&email.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_locks_after_its_failures_whatever_the_case_and_unlocks_on_success() {
        let throttle = LoginThrottle::default();
        for _ in 0..LoginThrottle::FAILURES - 1 {
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
