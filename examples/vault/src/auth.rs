//! Accounts, sessions and password recovery: what `/api/auth/*` reads and answers. Field names are
//! camelCase, as the seed's `user` table spells them (`emailVerified`, `createdAt`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    User,
    Admin,
}

/// The subscription plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Plan {
    Free,
    Pro,
}

/// A new account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = UserCreate::example())]
pub struct UserCreate {
    /// The sign-in address; one account per address.
    #[schemars(email, length(max = 255))]
    pub email: String,
    /// At least 8 characters.
    #[schemars(length(min = 8, max = 128))]
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
}

impl UserCreate {
    fn example() -> Self {
        Self { email: "ada@example.com".into(), password: "correct horse".into(), name: Some("Ada".into()) }
    }
}

/// Credentials for a password sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserLogin {
    #[schemars(email, length(max = 255))]
    pub email: String,
    #[schemars(length(min = 1, max = 128))]
    pub password: String,
}

/// An account as the API shows it (never its password).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    #[schemars(email)]
    pub email: String,
    /// `null` when the user gave no name.
    pub name: Option<String>,
    pub role: Role,
    /// Whether the user proved they read mail at `email` (a password reset proves it).
    pub email_verified: bool,
    pub plan: Plan,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The kind of token: always `bearer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Bearer,
}

/// A signed-in session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Send it as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the token expires: 30 days.
    #[schemars(range(min = 1))]
    pub expires_in: u32,
    pub user: User,
}

/// Asks for a password reset token, sent by mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRecovery {
    #[schemars(email, length(max = 255))]
    pub email: String,
}

/// Sets a new password with a reset token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The token of the recovery mail: valid 15 minutes, usable once.
    #[schemars(length(min = 16, max = 256))]
    pub token: String,
    /// The new password, at least 8 characters.
    #[schemars(length(min = 8, max = 128))]
    pub password: String,
}
