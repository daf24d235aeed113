//! Granting roles from the command line: `server admin grant EMAIL` and `server admin revoke EMAIL`.
//!
//! Nothing verifies who owns an address, so no address becomes admin by registering: an operator
//! with access to the database makes an existing account admin, after checking whose it is. Then
//! admins manage roles through the API (`PATCH /api/v2/admin/users/{user_id}`).

use sqlx::SqlitePool;

/// What `server admin …` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The account becomes admin.
    Grant,
    /// The account becomes a plain user.
    Revoke,
}

/// Sets the role of the account of `email` (any case). `Ok(false)` when there is no such account.
pub async fn change(pool: &SqlitePool, email: &str, change: Change) -> Result<bool, sqlx::Error> {
    let role = match change {
        Change::Grant => "admin",
        Change::Revoke => "user",
    };
    let updated =
        sqlx::query("UPDATE users SET role = ? WHERE email = ?").bind(role).bind(email.trim()).execute(pool).await?;
    Ok(updated.rows_affected() == 1)
}
