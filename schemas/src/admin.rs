//! Operator views: statistics and account management. Admin role only.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::common::Pagination;

/// Counts over the whole service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AdminStats {
    pub users: u64,
    pub disabled_users: u64,
    pub projects: u64,
    pub files: u64,
    pub generation_jobs: u64,
    pub active_subscriptions: u64,
    pub computed_at: DateTime<Utc>,
}

/// Filters of the user list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserListQuery {
    #[serde(flatten)]
    pub pagination: Pagination,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Keeps users whose email or name contains this text, ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub search: Option<String>,
}

/// Path of the operations on one user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPath {
    pub user_id: Uuid,
}

/// Changes an operator may make to an account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct AdminUserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A disabled account cannot sign in and its tokens stop working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}
