//! What the API says about itself.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The API root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = ApiRoot::example())]
pub struct ApiRoot {
    pub name: String,
    /// The contract version (`info.version` of the OpenAPI document).
    pub version: String,
    /// Path of the OpenAPI document.
    pub openapi: String,
    /// Path of Swagger UI, where every operation can be tried.
    pub docs: String,
    /// Path of the reference page (every operation and schema, without scripts).
    pub reference: String,
}

impl ApiRoot {
    fn example() -> Self {
        Self {
            name: "Devora API".into(),
            version: "4.0.0".into(),
            openapi: "/api/v2/openapi.json".into(),
            docs: "/api/v2/docs".into(),
            reference: "/api/v2/reference".into(),
        }
    }
}

/// Overall health.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// Liveness and the state of the database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: HealthStatus,
    pub version: String,
    /// The database answered a trivial query.
    pub database: bool,
    pub uptime_seconds: u64,
}

/// An OpenAPI 3.1 document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OpenApiDocument(pub serde_json::Map<String, serde_json::Value>);

/// The OpenAPI document as YAML text. Its schema describes the parsed document (an object), as
/// OpenAPI describes YAML bodies; the server sends the text as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpenApiYaml(pub String);

impl JsonSchema for OpenApiYaml {
    fn schema_name() -> Cow<'static, str> {
        "OpenApiYaml".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "description": "An OpenAPI 3.1 document, as YAML." })
    }
}

impl From<OpenApiYaml> for Vec<u8> {
    fn from(text: OpenApiYaml) -> Self {
        text.0.into_bytes()
    }
}
