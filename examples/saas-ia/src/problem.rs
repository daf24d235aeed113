//! The error body of every 4xx and 5xx answer: the RFC 9457 problem the `contract-server` runtime
//! writes for its own refusals, so the generated constructors and the runtime write one shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An error answer (RFC 9457 problem details), served as `application/problem+json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status of this answer.
    #[schemars(range(min = 400, max = 599))]
    pub status: u16,
    /// What went wrong this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every invalid field, when the request broke the contract (422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One broken rule of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldError {
    /// A JSON pointer to the value, prefixed by where it was: `/body`, `/query`, `/path` or `/header`.
    pub path: String,
    /// The JSON Schema keyword that failed (`pattern`, `required`...).
    pub keyword: String,
    pub message: String,
}

/// How the generated response constructors (`GetTranscriptionResponse::not_found(..)`) build it.
impl contract::ProblemDetails for Problem {
    fn from_status(status: u16, title: &'static str, detail: String) -> Self {
        Problem { type_: "about:blank".into(), title: title.into(), status, detail: Some(detail), errors: Vec::new() }
    }
}
