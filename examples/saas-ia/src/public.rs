//! What anyone may ask without an account: health, for monitoring.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Overall health.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Healthy,
}

/// How the transcriber is reached: the seed's `ASSEMBLYAI_API_KEY=MOCK` mode, or AssemblyAI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TranscriberMode {
    /// Jobs complete with a canned transcript; no external call (tests, development).
    Mock,
    /// Jobs go to AssemblyAI.
    Assemblyai,
}

/// The server is up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: HealthStatus,
    /// The contract version the server implements.
    pub version: String,
    pub transcriber: TranscriberMode,
}
