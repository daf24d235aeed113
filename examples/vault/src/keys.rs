//! API keys: a long-lived credential a program sends instead of a session token. The secret is
//! answered once, when the key is created; afterwards only its prefix is shown.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new API key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreate {
    /// What the key is for, to recognize it in the list.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
}

/// A key as the list shows it: never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell keys apart.
    #[schemars(regex(pattern = r"^vk_[0-9a-f]{8}$"))]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// When the key last authenticated a request; `null` if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key just created, with its secret: the only answer that carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCreated {
    pub id: Uuid,
    pub name: String,
    #[schemars(regex(pattern = r"^vk_[0-9a-f]{8}$"))]
    pub prefix: String,
    /// The secret, sent as `Authorization: Bearer <key>`. Store it now: it is never shown again.
    #[schemars(regex(pattern = r"^vk_[0-9a-f]{32}$"))]
    pub key: String,
    pub created_at: DateTime<Utc>,
}

/// The key a path names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKeyPath {
    pub key_id: Uuid,
}
