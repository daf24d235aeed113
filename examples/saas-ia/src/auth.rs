//! Accounts and sign-in: what `/api/auth/*` reads and answers.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    /// The name shown in the interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub full_name: Option<String>,
}

impl UserCreate {
    fn example() -> Self {
        Self { email: "test@test.com".into(), password: "Test123!".into(), full_name: None }
    }
}

/// Credentials for a password sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserLogin {
    #[schemars(email, length(max = 255))]
    pub email: String,
    /// The password as typed; the registration rules are not checked here.
    #[schemars(length(min = 1, max = 128))]
    pub password: String,
}

/// An account as the API shows it (never its password).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    pub id: Uuid,
    #[schemars(email)]
    pub email: String,
    /// `null` when the user gave no name.
    pub full_name: Option<String>,
    /// An inactive account cannot sign in.
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

/// The kind of token: always `bearer`, as OAuth 2 spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Bearer,
}

/// What a sign-in answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Token {
    /// Send it as `Authorization: Bearer <token>`; valid 30 minutes.
    pub access_token: String,
    pub token_type: TokenType,
}
