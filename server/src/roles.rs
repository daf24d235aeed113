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

/// Sets the role of the account of `email` (any case). `Ok(false)` when there is no such account.
pub async fn change(db: &Db, email: &str, change: Change) -> Result<bool, sqlx::Error> {
    let role = match change {
        Change::Grant => "admin",
        Change::Revoke => "user",
    };
    let updated = on_db!(db, pool => {
        sqlx::query(sql(pool, "UPDATE users SET role = ? WHERE email = CAST(? AS CITEXT)")).bind(role).bind(email.trim()).execute(pool).await.map(|done| done.rows_affected())
    })?;
    Ok(updated == 1)
}
