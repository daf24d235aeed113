//! Refresh-token families (OAuth 2.0 security best current practice, refresh token rotation).
//!
//! A sign-in starts a family; each refresh uses its token once and continues the family with a new
//! one. A token presented again after it was rotated means two parties hold the family (a stolen
//! copy was replayed, or the thief refreshed first): the whole family ends, the successor
//! included, and whoever holds it must sign in again. A token ended otherwise (logout, a password
//! change, a disabled account) is simply refused: no family is ended for it.

use chrono::Utc;
use sqlx::SqlitePool;

use crate::single_use::{SingleUse, token_hash};

/// Issues a refresh token for `user_id`, in `family` (a new family when `None`).
pub async fn issue(pool: &SqlitePool, user_id: &str, family: Option<&str>) -> Result<String, sqlx::Error> {
    let token = SingleUse::Refresh.new_token();
    let family = family.map_or_else(|| hex::encode(crate::config::random_secret()), str::to_owned);
    sqlx::query("INSERT INTO refresh_tokens (token_hash, user_id, expires_at, family) VALUES (?, ?, ?, ?)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(Utc::now() + SingleUse::Refresh.lifetime())
        .bind(family)
        .execute(pool)
        .await?;
    Ok(token)
}

/// Uses `token` for a refresh: when it is known, unused and unexpired, marks it rotated and
/// returns its user and family. When it was already rotated, ends its family and returns `None`;
/// `None` too for anything else. One statement claims the token, so a token rotates once even
/// when two requests race.
pub async fn rotate(pool: &SqlitePool, token: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    let (now, hash) = (Utc::now(), token_hash(token));
    let claimed: Option<(String, String)> = sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = ?1, rotated_at = ?1 \
         WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 \
         RETURNING user_id, COALESCE(family, token_hash)",
    )
    .bind(now)
    .bind(&hash)
    .fetch_optional(pool)
    .await?;
    if claimed.is_some() {
        return Ok(claimed);
    }
    let replayed: Option<(String,)> = sqlx::query_as(
        "SELECT COALESCE(family, token_hash) FROM refresh_tokens WHERE token_hash = ? AND rotated_at IS NOT NULL",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?;
    if let Some((family,)) = replayed {
        tracing::warn!("a rotated refresh token was presented again: its family is ended");
        sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE COALESCE(family, token_hash) = ? AND used_at IS NULL")
            .bind(now)
            .bind(family)
            .execute(pool)
            .await?;
    }
    Ok(None)
}
