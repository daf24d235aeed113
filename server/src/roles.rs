//! Granting roles from the command line: `server admin grant EMAIL` and `server admin revoke EMAIL`.
//!
//! Nothing verifies who owns an address, so no address becomes admin by registering: an operator
//! with access to the database makes an existing account admin, after checking whose it is. Then
//! admins manage roles through the API (`PATCH /api/v2/admin/users/{user_id}`).

use crate::db::{Db, on_db, sql};

/// What `server admin …` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The account becomes admin.
    Grant,
    /// The account becomes a plain user.
    Revoke,
}

/// Sets the role of the account of `email` (any case); answers the account's id, `None` when there
/// is no such account.
pub async fn change(db: &Db, email: &str, change: Change) -> Result<Option<String>, sqlx::Error> {
    let role = match change {
        Change::Grant => "admin",
        Change::Revoke => "user",
    };
    let updated: Option<(String,)> = on_db!(db, pool => {
        sqlx::query_as(sql(pool, "UPDATE users SET role = ? WHERE email = CAST(? AS CITEXT) RETURNING id"))
            .bind(role)
            .bind(email.trim())
            .fetch_optional(pool)
            .await
    })?;
    Ok(updated.map(|(id,)| id))
}
