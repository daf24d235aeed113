//! The intermediate model: one lowered, validated description of a contract that every emitter reads.
//!
//! Schemas are JSON Schema 2020-12 values whose references point at `#/components/schemas/<name>`.
//! Everything is in a deterministic order: operations by path then method, schemas by name.

use std::collections::BTreeMap;

pub use contract::{Method, Period, RateLimit, Security};
use serde_json::Value;

/// Where named schemas live, in the model and in the OpenAPI documents.
pub const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// What lowering prepared for the emitters: names claimed once, validators compiled once.
    /// Computed from the fields below: a caller that changes them after `lower` must lower again.
    pub(crate) prepared: Prepared,
    pub info: Info,
    pub servers: Vec<Server>,
    pub tags: Vec<Tag>,
    /// The name of the problem schema, the body of every error response.
    pub problem: String,
    pub schemas: BTreeMap<String, NamedSchema>,
    pub operations: Vec<Operation>,
}

/// What lowering computed once so that emitters do not compute it again.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Prepared {
    /// Every name of the generated code, claimed in both languages.
    pub names: crate::names::Names,
    /// The TypeScript validators, compiled.
    pub validators: Vec<crate::typescript::ast::Stmt>,
    /// The Zod schemas (`zod.ts`), compiled.
    pub zod: Vec<crate::typescript::ast::Stmt>,
    /// The mocks' default answers, built once.
    pub mocks: Mocks,
}

/// What the mocks answer by default ([`crate::mock`]), by operation id then status: the body of
/// each status that has one (one event for an event stream; the problem for an error status).
pub(crate) type Mocks = BTreeMap<String, BTreeMap<u16, Value>>;

#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<License>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct License {
    pub name: String,
    pub identifier: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub name: String,
    pub description: String,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedSchema {
    pub schema: Value,
    /// The Rust path, for types the contract references directly.
    pub rust_type: Option<String>,
    /// Reached from a request (deserialized by the server).
    pub in_request: bool,
    /// Reached from a response (serialized by the server).
    pub in_response: bool,
}

/// The rate-limit headers of a rate-limited operation's answers (and of every `429`).
pub const RATE_LIMIT_HEADERS: [&str; 3] = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub id: String,
    pub method: Method,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: Option<String>,
    pub deprecated: bool,
    pub security: Security,
    pub rate_limit: Option<RateLimit>,
    pub etag: bool,
    /// Every answer carries `Cache-Control: no-store` (declared, or implied by authentication).
    pub no_store: bool,
    pub path_params: Option<Parameters>,
    pub query: Option<Parameters>,
    pub headers: Option<Parameters>,
    pub body: Option<RequestBody>,
    /// Success and other non-error responses, by status.
    pub responses: Vec<Response>,
    /// Error responses (declared and implied), by status; their body is the problem schema.
    pub errors: Vec<ErrorResponse>,
}

/// Parameters of one location, lowered from the fields of one Rust struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameters {
    pub rust_type: String,
    pub params: Vec<Parameter>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name on the wire (serde's name of the field).
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    pub schema: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub media_type: String,
    pub rust_type: String,
    /// A `$ref` to a named schema, or an inline schema.
    pub schema: Value,
}

impl Body {
    /// A Server-Sent Events body (`text/event-stream`): `schema` is the `data` of one event.
    pub fn is_event_stream(&self) -> bool {
        self.media_type == contract::EVENT_STREAM
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub body: Body,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub description: String,
    pub body: Option<Body>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorResponse {
    pub status: u16,
    pub description: String,
}

impl Operation {
    /// Every parameter, path first, then query, then headers.
    pub fn parameters(&self) -> impl Iterator<Item = &Parameter> {
        [&self.path_params, &self.query, &self.headers].into_iter().flatten().flat_map(|p| p.params.iter())
    }

    /// The request headers the operation reads, as the OpenAPI document declares or implies them:
    /// `Authorization` when authenticated, `Content-Type` with a body, its header parameters,
    /// `If-None-Match` with an ETag and `Last-Event-ID` with an event stream.
    pub fn request_headers(&self) -> Vec<&str> {
        let mut names = Vec::new();
        if self.security != Security::Public {
            names.push("Authorization");
        }
        if self.body.is_some() {
            names.push("Content-Type");
        }
        names.extend(self.headers.iter().flat_map(|headers| headers.params.iter()).map(|p| p.name.as_str()));
        if self.etag {
            names.push("If-None-Match");
        }
        if self.event_stream().is_some() {
            names.push(contract::LAST_EVENT_ID);
        }
        names
    }

    /// The response headers the OpenAPI document declares on any of the operation's answers:
    /// `ETag` with an ETag, `X-RateLimit-*` and `Retry-After` when rate-limited (or answering
    /// `429`), `Deprecation` when deprecated, `Cache-Control` when never stored.
    pub fn response_headers(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.etag {
            names.push("ETag");
        }
        if self.rate_limit.is_some() || self.errors.iter().any(|error| error.status == 429) {
            names.extend(RATE_LIMIT_HEADERS);
            names.push("Retry-After");
        }
        if self.deprecated {
            names.push("Deprecation");
        }
        if self.no_store {
            names.push("Cache-Control");
        }
        names
    }

    /// The headers the OpenAPI document declares on the answer with `status`, in its order: on a
    /// success, `ETag` (2xx of an ETag operation), `X-RateLimit-*` (rate-limited), `Deprecation`;
    /// on the `304` of an ETag operation, `ETag`; on an error, `Retry-After` and `X-RateLimit-*`
    /// (a `429`) or `Deprecation`; on every answer `Cache-Control` when never stored (first on the
    /// `304`, last elsewhere).
    pub fn headers_of(&self, status: u16) -> Vec<&'static str> {
        let mut names = Vec::new();
        let no_store = self.no_store.then_some("Cache-Control");
        if self.responses.iter().any(|r| r.status == status) {
            if self.etag && (200..300).contains(&status) {
                names.push("ETag");
            }
            if self.rate_limit.is_some() {
                names.extend(RATE_LIMIT_HEADERS);
            }
            if self.deprecated {
                names.push("Deprecation");
            }
        } else if self.errors.iter().any(|e| e.status == status) {
            if status == 429 {
                names.push("Retry-After");
                names.extend(RATE_LIMIT_HEADERS);
            } else if self.deprecated {
                names.push("Deprecation");
            }
        } else if self.etag && status == 304 {
            names.extend(no_store);
            names.push("ETag");
            return names;
        }
        names.extend(no_store);
        names
    }

    /// The event-stream response (at most one: lowering checks it) and its body.
    pub fn event_stream(&self) -> Option<(&Response, &Body)> {
        self.responses.iter().find_map(|r| r.body.as_ref().filter(|b| b.is_event_stream()).map(|b| (r, b)))
    }
}
