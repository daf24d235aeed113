//! Single-use tokens: refresh tokens, password reset tokens and OAuth states. Each is random,
//! prefixed by its kind, stored only as its SHA-256 hash with an expiry, and works once.

use crate::db::{Db, lock_key, on_db, sql};
use chrono::{DateTime, Duration, Utc};
use sha2::Digest;

/// A kind of single-use token: where it is stored, whom it belongs to, how long it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SingleUse {
    /// `rt_…`, 30 days; belongs to a user.
    Refresh,
    /// `pr_…`, 15 minutes; belongs to a user.
    PasswordReset,
    /// `st_…`, 10 minutes; belongs to the provider it was made for (the CSRF state of a sign-in).
    OAuthState,
}

impl SingleUse {
    /// (table, hash column, subject column), static names the queries are built from.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SingleUse::Refresh => ("refresh_tokens", "token_hash", "user_id"),
            SingleUse::PasswordReset => ("password_resets", "token_hash", "user_id"),
            SingleUse::OAuthState => ("oauth_states", "state_hash", "provider"),
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            SingleUse::Refresh => "rt_",
            SingleUse::PasswordReset => "pr_",
            SingleUse::OAuthState => "st_",
        }
    }

    /// A fresh random token of this kind (not stored yet).
    pub(crate) fn new_token(self) -> String {
        format!("{}{}", self.prefix(), hex::encode(crate::config::random_secret()))
    }

    /// How long a token lives.
    pub fn lifetime(self) -> Duration {
        match self {
            SingleUse::Refresh => Duration::days(30),
            SingleUse::PasswordReset => Duration::minutes(15),
            SingleUse::OAuthState => Duration::minutes(10),
        }
    }

    /// Makes a token for `subject` (a user id, or a provider's name) and stores its hash; returns
    /// the token and when it expires.
    pub async fn issue(self, db: &Db, subject: &str) -> Result<(String, DateTime<Utc>), sqlx::Error> {
        let (table, hash, owner) = self.columns();
        let token = self.new_token();
        let expires_at = Utc::now() + self.lifetime();
        let text = format!("INSERT INTO {table} ({hash}, {owner}, expires_at) VALUES (?, ?, ?)");
        on_db!(db, pool => {
            sqlx::query(sql(pool, text))
                .bind(token_hash(&token))
                .bind(subject)
                .bind(expires_at)
                .execute(pool)
                .await.map(|done| done.rows_affected())
        })?;
        Ok((token, expires_at))
    }

    /// Like [`SingleUse::issue`], unless `subject` already got `at_most` tokens of this kind within
    /// `period` (then `None`). One statement counts and inserts, after taking the subject's lock
    /// ([`lock_key`]), so concurrent requests cannot exceed the cap.
    pub async fn issue_at_most(
        self,
        db: &Db,
        subject: &str,
        at_most: u32,
        period: Duration,
    ) -> Result<Option<(String, DateTime<Utc>)>, sqlx::Error> {
        let (table, hash, owner) = self.columns();
        let token = self.new_token();
        let now = Utc::now();
        let expires_at = now + self.lifetime();
        // A token issued within `period` expires after `now + lifetime - period`.
        let text = format!(
            "INSERT INTO {table} ({hash}, {owner}, expires_at) SELECT ?1, ?2, ?3 \
             WHERE (SELECT COUNT(*) FROM {table} WHERE {owner} = ?2 AND expires_at > ?4) < ?5"
        );
        let key = format!("{table}:{subject}");
        let inserted = on_db!(db, pool => async {
            let mut tx = pool.begin().await?;
            lock_key(pool, &mut tx, &key).await?;
            let inserted = sqlx::query(sql(pool, text))
                .bind(token_hash(&token))
                .bind(subject)
                .bind(expires_at)
                .bind(expires_at - period)
                .bind(i64::from(at_most))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(inserted)
        }.await)?;
        Ok((inserted == 1).then_some((token, expires_at)))
    }

    /// Uses `token`: when it is known, unused, unexpired (and, given `subject`, belongs to it),
    /// marks it used and returns its subject; `None` otherwise. One statement does both, so a token
    /// works once even when two requests race.
    pub async fn consume(self, db: &Db, token: &str, subject: Option<&str>) -> Result<Option<String>, sqlx::Error> {
        let (table, hash, owner) = self.columns();
        let now = Utc::now();
        let text = format!(
            "UPDATE {table} SET used_at = ?1 WHERE {hash} = ?2 AND used_at IS NULL AND expires_at > ?1 \
             AND (?3 IS NULL OR {owner} = ?3) RETURNING {owner}"
        );
        let claimed: Option<(String,)> = on_db!(db, pool => {
            sqlx::query_as(sql(pool, text)).bind(now).bind(token_hash(token)).bind(subject).fetch_optional(pool).await
        })?;
        Ok(claimed.map(|(subject,)| subject))
    }

    /// Ends every unused token of `subject`.
    pub async fn revoke_all(self, db: &Db, subject: &str) -> Result<(), sqlx::Error> {
        let (table, _, owner) = self.columns();
        let text = format!("UPDATE {table} SET used_at = ? WHERE {owner} = ? AND used_at IS NULL");
        on_db!(db, pool => sqlx::query(sql(pool, text)).bind(Utc::now()).bind(subject).execute(pool).await.map(|done| done.rows_affected()))?;
        Ok(())
    }
}

/// What is stored of a token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_works_once_for_its_subject_until_revoked() {
        let dir = std::env::temp_dir().join(format!("single-use-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let pool = crate::Db::open(&format!("sqlite://{}", dir.join("test.db").display()), 2).await.expect("database");
        let kind = SingleUse::OAuthState;

        let (token, expires_at) = kind.issue(&pool, "google").await.expect("issue");
        assert!(token.starts_with("st_") && expires_at > Utc::now());
        assert_eq!(kind.consume(&pool, &token, Some("github")).await.expect("consume"), None, "another subject's");
        assert_eq!(kind.consume(&pool, &token, Some("google")).await.expect("consume"), Some("google".into()));
        assert_eq!(kind.consume(&pool, &token, None).await.expect("consume"), None, "used once already");
        assert_eq!(SingleUse::Refresh.consume(&pool, &token, None).await.expect("consume"), None, "another kind");

        for _ in 0..2 {
            let issued = kind.issue_at_most(&pool, "github", 2, Duration::hours(1)).await.expect("issue");
            assert!(issued.is_some(), "within the cap");
        }
        let capped = kind.issue_at_most(&pool, "github", 2, Duration::hours(1)).await.expect("issue");
        assert_eq!(capped, None, "the third within an hour");
        let other = kind.issue_at_most(&pool, "google", 2, Duration::hours(1)).await.expect("issue");
        assert!(other.is_some(), "another subject's cap");

        let (revoked, _) = kind.issue(&pool, "google").await.expect("issue");
        kind.revoke_all(&pool, "google").await.expect("revoke");
        assert_eq!(kind.consume(&pool, &revoked, None).await.expect("consume"), None, "revoked");
        pool.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
