//! Accounts, tokens, password resets and OAuth sign-in.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use crate::billing::SubscriptionStatus;

/// A new password: 8 to 128 characters with an uppercase letter, a lowercase letter and a digit.
///
/// Each rule is its own `pattern` under `allOf`, so a validator reports every broken rule
/// separately. The classes are ASCII (`[A-Z]`, `[a-z]`, `[0-9]`) so ECMA-262 and Rust agree.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl JsonSchema for Password {
    fn schema_name() -> Cow<'static, str> {
        "Password".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Password").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A new password: 8 to 128 characters with at least one uppercase letter, one lowercase letter and one digit.",
            "type": "string",
            "minLength": 8,
            "maxLength": 128,
            "allOf": [
                { "pattern": "[A-Z]", "description": "must contain an uppercase letter" },
                { "pattern": "[a-z]", "description": "must contain a lowercase letter" },
                { "pattern": "[0-9]", "description": "must contain a digit" }
            ],
            "writeOnly": true,
            "examples": ["Sup3rSecret"]
        })
    }
}

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Admin,
}

/// A new account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = UserCreate::example())]
pub struct UserCreate {
    /// The sign-in address; it must be unused.
    #[schemars(email, length(max = 254))]
    pub email: String,
    pub password: Password,
    /// The name shown in the interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub full_name: Option<String>,
}

impl UserCreate {
    fn example() -> Self {
        Self {
            email: "ada@example.com".into(),
            password: Password("Sup3rSecret".into()),
            full_name: Some("Ada Lovelace".into()),
        }
    }
}

/// Credentials for a password sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = UserLogin::example())]
pub struct UserLogin {
    #[schemars(email, length(max = 254))]
    pub email: String,
    /// The password, as typed; the password policy is not checked here.
    #[schemars(length(min = 1, max = 128))]
    pub password: String,
}

impl UserLogin {
    fn example() -> Self {
        Self { email: "ada@example.com".into(), password: "Sup3rSecret".into() }
    }
}

/// Changes to the signed-in account; absent fields are left as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct UserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub full_name: Option<String>,
    /// A new password; `current_password` must come with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub current_password: Option<String>,
}

/// An account as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = UserResponse::example())]
pub struct UserResponse {
    pub id: Uuid,
    #[schemars(email)]
    pub email: String,
    /// `null` when the user gave no name.
    pub full_name: Option<String>,
    pub role: Role,
    pub subscription_status: SubscriptionStatus,
    /// A disabled account cannot sign in.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl UserResponse {
    fn example() -> Self {
        Self {
            id: Uuid::from_u128(0x8f0c_3e5a_5b9e_4a77_9c1d_2b6f_0e41_7a30),
            email: "ada@example.com".into(),
            full_name: Some("Ada Lovelace".into()),
            role: Role::User,
            subscription_status: SubscriptionStatus::Active,
            disabled: false,
            created_at: "2026-01-15T09:30:00Z".parse().expect("valid example date"),
        }
    }
}

/// The kind of access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TokenType {
    #[serde(rename = "Bearer")]
    Bearer,
}

/// Tokens answered by a sign-in or a refresh.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = TokenResponse::example())]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    #[schemars(range(min = 1))]
    pub expires_in: u32,
    /// A single-use token that buys a new pair with `refresh_token`.
    pub refresh_token: String,
    pub user: UserResponse,
}

impl TokenResponse {
    fn example() -> Self {
        Self {
            access_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI4ZjBjIn0.c2lnbmF0dXJl".into(),
            token_type: TokenType::Bearer,
            expires_in: 900,
            refresh_token: "rt_4c1b8e0f2a9d4e7b8c6a1f3e5d7b9a0c".into(),
            user: UserResponse::example(),
        }
    }
}

/// A refresh token to exchange for a new token pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schemars(length(min = 16, max = 512))]
    pub refresh_token: String,
}

/// Asks for a password reset link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[schemars(email, length(max = 254))]
    pub email: String,
}

/// Sets a new password with a reset token (valid 15 minutes, usable once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The token from the reset message.
    #[schemars(length(min = 16, max = 512))]
    pub token: String,
    pub new_password: Password,
}

/// A supported OAuth provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OAuthProvider {
    Google,
    Github,
}

/// Path of the OAuth operations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthProviderPath {
    pub provider: OAuthProvider,
}

/// Where to send the user to sign in with a provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OAuthAuthorizeResponse {
    /// The provider's consent page, with `state` in its query.
    pub authorization_url: Url,
    /// The CSRF token to hand back to the callback; valid 10 minutes, usable once.
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// What the provider sent back to the front end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthCallback {
    #[schemars(length(min = 1, max = 2048))]
    pub code: String,
    #[schemars(length(min = 16, max = 256))]
    pub state: String,
}
