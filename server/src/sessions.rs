//! Sessions: one per sign-in, holding a refresh-token family and the access tokens issued in it.
//!
//! A sign-in starts a session; every access token it issues carries the session's id (the `sid`
//! claim), and its refresh tokens form a family (OAuth 2.0 security best current practice, refresh
//! token rotation): each refresh uses its token once and continues the family with a new one.
//!
//! Ending a session stops its refresh tokens and its access tokens together (the authenticator
//! checks the session, [`crate::auth::DbAuthenticator`]). Sessions end:
//! - on logout (the session of the refresh token presented);
//! - for every session of an account, when its password changes or is reset, and when it is
//!   disabled (enabling it again revives none);
//! - when a refresh token is presented again after it was rotated: two parties hold the family (a
//!   stolen copy was replayed, or the thief refreshed first), so the whole session ends, the
//!   successor included, and whoever holds it must sign in again.

use chrono::Utc;

use crate::db::{Db, on_db, sql};
use crate::single_use::{SingleUse, token_hash};

/// Starts a session for `user_id`; returns its id.
pub async fn start(db: &Db, user_id: &str) -> Result<String, sqlx::Error> {
    let id = hex::encode(crate::config::random_secret());
    on_db!(db, pool => {
        sqlx::query(sql(pool, "INSERT INTO sessions (id, user_id) VALUES (?, ?)")).bind(&id).bind(user_id).execute(pool).await.map(|done| done.rows_affected())
    })?;
    Ok(id)
}

/// Issues a refresh token for `user_id` in `session`, unless the session has ended (`None`).
///
/// The session's row is locked first, in the transaction that inserts the token: an [`end`] or
/// [`end_all`] running at the same time either waits for the token and revokes it with the rest,
/// or ends the session first and no token is issued. (Checked without the lock, a refresh racing
/// a replay or a logout could leave a live token in an ended session.)
pub async fn issue_refresh(db: &Db, user_id: &str, session: &str) -> Result<Option<String>, sqlx::Error> {
    let token = SingleUse::Refresh.new_token();
    let issued = on_db!(db, pool => async {
        let mut tx = pool.begin().await?;
        let live = sqlx::query(sql(pool, "UPDATE sessions SET ended_at = ended_at WHERE id = ? AND ended_at IS NULL"))
            .bind(session)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if live == 0 {
            return Ok::<_, sqlx::Error>(false);
        }
        sqlx::query(sql(pool, "INSERT INTO refresh_tokens (token_hash, user_id, expires_at, family) VALUES (?, ?, ?, ?)"))
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(Utc::now() + SingleUse::Refresh.lifetime())
            .bind(session)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }.await)?;
    Ok(issued.then_some(token))
}

/// What [`rotate`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// The token was live and is now used: continue `session` of `user_id`.
    Rotated { user_id: String, session: String },
    /// The token was already rotated: its session (of `user_id`) has ended.
    Replayed { user_id: String },
    /// Unknown, expired, or ended otherwise.
    Refused,
}

/// Uses `token` for a refresh. One statement claims the token, so a token rotates once even when
/// two requests race.
pub async fn rotate(db: &Db, token: &str) -> Result<Rotation, sqlx::Error> {
    let (now, hash) = (Utc::now(), token_hash(token));
    let claimed: Option<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(sql(
            pool,
            "UPDATE refresh_tokens SET used_at = ?1, rotated_at = ?1 \
             WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 \
             RETURNING user_id, COALESCE(family, token_hash)",
        ))
        .bind(now)
        .bind(&hash)
        .fetch_optional(pool)
        .await
    })?;
    if let Some((user_id, session)) = claimed {
        return Ok(Rotation::Rotated { user_id, session });
    }
    let replayed: Option<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(sql(
            pool,
            "SELECT user_id, COALESCE(family, token_hash) FROM refresh_tokens WHERE token_hash = ? AND rotated_at IS NOT NULL",
        ))
        .bind(&hash)
        .fetch_optional(pool)
        .await
    })?;
    Ok(match replayed {
        Some((user_id, session)) => {
            tracing::warn!("a rotated refresh token was presented again: its session is ended");
            end(db, &session).await?;
            Rotation::Replayed { user_id }
        }
        None => Rotation::Refused,
    })
}

/// The session of an unused refresh token of `user_id`, when there is one.
pub async fn of_refresh_token(db: &Db, token: &str, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    let found: Option<(String,)> = on_db!(db, pool => {
        sqlx::query_as(sql(
            pool,
            "SELECT COALESCE(family, token_hash) FROM refresh_tokens WHERE token_hash = ? AND user_id = ? AND used_at IS NULL",
        ))
        .bind(token_hash(token))
        .bind(user_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(found.map(|(session,)| session))
}

/// Ends `session`: its refresh tokens and access tokens stop working.
pub async fn end(db: &Db, session: &str) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    on_db!(db, pool => {
        let mut transaction = pool.begin().await?;
        sqlx::query(sql(pool, "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL"))
            .bind(now)
            .bind(session)
            .execute(&mut *transaction)
            .await?;
        sqlx::query(sql(pool, "UPDATE refresh_tokens SET used_at = ? WHERE COALESCE(family, token_hash) = ? AND used_at IS NULL"))
            .bind(now)
            .bind(session)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    })
}

/// Ends every session of `user_id`, and its pending password-reset tokens.
pub async fn end_all(db: &Db, user_id: &str) -> Result<(), sqlx::Error> {
    on_db!(db, pool => {
        sqlx::query(sql(pool, "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL"))
            .bind(Utc::now())
            .bind(user_id)
            .execute(pool)
            .await.map(|done| done.rows_affected())
    })?;
    SingleUse::Refresh.revoke_all(db, user_id).await?;
    SingleUse::PasswordReset.revoke_all(db, user_id).await
}
