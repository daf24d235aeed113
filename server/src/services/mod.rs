//! The trait implementations, one module per tag.

mod admin;
mod auth;
pub(crate) mod billing;
pub(crate) mod generation;
mod listing;
mod meta;
pub(crate) mod projects;

use std::future::Future;

use chrono::{DateTime, Utc};
use schemas::auth::{Role, UserResponse};

use crate::App;
use crate::db::{on_db, sql};
use crate::error::ApiError;

/// Runs a handler's body, written with `?`: an [`ApiError`] becomes the operation's `500` (the
/// generated `From`: logged with the request id, never sent to the client).
pub(crate) async fn answer<R: From<ApiError>>(body: impl Future<Output = Result<R, ApiError>>) -> R {
    body.await.unwrap_or_else(R::from)
}

/// The id of the signed-in caller (the router calls authenticated operations with one only).
pub(crate) fn caller(context: &contract_server::RequestContext) -> String {
    context.principal.as_ref().map(|p| p.id.clone()).unwrap_or_default()
}

/// A `users` row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub full_name: Option<String>,
    pub role: String,
    pub subscription_status: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub const SELECT: &'static str =
        "SELECT id, email, password_hash, full_name, role, subscription_status, disabled, created_at FROM users";

    /// The account as the API shows it.
    pub fn into_response(self) -> Result<UserResponse, uuid::Error> {
        Ok(UserResponse {
            id: self.id.parse()?,
            email: self.email,
            full_name: self.full_name,
            role: if self.role == "admin" { Role::Admin } else { Role::User },
            subscription_status: auth::subscription_status(&self.subscription_status),
            disabled: self.disabled,
            created_at: self.created_at,
        })
    }
}

/// The account with this id.
pub(crate) async fn current_user(app: &App, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let text = format!("{} WHERE id = ?", UserRow::SELECT);
    on_db!(&app.db, pool => sqlx::query_as::<_, UserRow>(sql(pool, text)).bind(id).fetch_optional(pool).await)
}
