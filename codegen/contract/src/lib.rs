//! Declare an HTTP API contract in Rust.
//!
//! A contract is a list of [`Operation`]s whose parameters, bodies and responses are Rust *types*
//! (anything that implements [`schemars::JsonSchema`]), so the compiler checks every reference.
//! This crate only records the declaration; `codegen` lowers it, validates it and emits documents.
//! It depends on `schemars` and `serde` alone, so any contract crate can use it unchanged.
//!
//! Besides the declaration, it offers the one value type a contract may need from the toolkit:
//! [`I64String`] and [`U64String`], 64-bit integers that travel as decimal strings (the default
//! for `i64`/`u64` is a number bounded to ±(2^53 − 1); see [`int64`]).
//!
//! ```
//! use contract::{op, Contract, Info, RateLimit};
//!
//! #[derive(schemars::JsonSchema, serde::Deserialize)]
//! struct ProjectPath { project_id: String }
//!
//! #[derive(schemars::JsonSchema, serde::Serialize)]
//! struct Project { name: String }
//!
//! #[derive(schemars::JsonSchema, serde::Serialize)]
//! struct Problem { title: String, status: u16 }
//!
//! let contract = Contract::new(Info::new("Example API", "1.0.0"))
//!     .problem::<Problem>()
//!     .tag("projects", "Projects of the signed-in user.")
//!     .operation(
//!         op! {
//!             /// Get a project.
//!             get "/projects/{project_id}" => get_project
//!         }
//!         .tag("projects")
//!         .path::<ProjectPath>()
//!         .response::<Project>(200, "The project.")
//!         .error(404, "No such project.")
//!         .bearer()
//!         .etag()
//!         .rate_limit(RateLimit::per_minute(60)),
//!     );
//! assert_eq!(contract.operations.len(), 1);
//! assert_eq!(contract.operations[0].summary, "Get a project.");
//! ```
//!
//! # What an operation implies
//! `codegen` adds the error responses that an operation's traits make possible, so that every
//! document and every generated router agree on them:
//! - a request body: `400` (malformed JSON), `413` (body too large) and `415` (a body not sent as JSON);
//! - a request body, path, query or header parameters: `422` (invalid input);
//! - [`Security::Bearer`] or [`Security::Role`]: `401`; [`Security::Role`]: `403`;
//! - a rate limit: `429` with `Retry-After` and `X-RateLimit-*` headers;
//! - [`Operation::etag`]: an `If-None-Match` header parameter, an `ETag` header on success and a `304`;
//! - [`Security::Bearer`], [`Security::Role`] or [`Operation::no_store`]: `Cache-Control: no-store` on
//!   every answer (an answer to a signed-in caller, or one carrying a token, is personal: no cache
//!   may keep it);
//! - [`Operation::event_stream`]: an optional `Last-Event-ID` header parameter (the id of the last
//!   event the client received; the server resumes after it);
//! - every operation: `500`, a failure on the server's side.
//!
//! Every error response carries the contract's problem type ([`Contract::problem`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

mod chain;
pub mod int64;
mod problem;
mod reason;

pub use chain::error_chain;
pub use int64::{I64String, ParseIntStringError, U64String};
pub use problem::ProblemDetails;
pub use reason::reason_phrase;
pub use schemars;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// A whole API: metadata, tags, the problem type and the operations.
#[derive(Clone, Debug)]
pub struct Contract {
    pub info: Info,
    pub servers: Vec<Server>,
    pub tags: Vec<Tag>,
    /// The type of every error response body (RFC 9457 style). `None` is a validation error.
    pub problem: Option<TypeRef>,
    pub operations: Vec<Operation>,
}

impl Contract {
    pub fn new(info: Info) -> Self {
        Self { info, servers: Vec::new(), tags: Vec::new(), problem: None, operations: Vec::new() }
    }

    pub fn server(mut self, url: impl Into<Cow<'static, str>>, description: impl Into<Cow<'static, str>>) -> Self {
        self.servers.push(Server { url: url.into(), description: description.into() });
        self
    }

    /// Declares a tag. Operations must use declared tags; the declaration order is the document order.
    pub fn tag(mut self, name: impl Into<Cow<'static, str>>, description: impl Into<Cow<'static, str>>) -> Self {
        self.tags.push(Tag { name: name.into(), description: description.into() });
        self
    }

    /// Sets the body type of every error response. A generated server also needs it to implement
    /// [`ProblemDetails`] (its response constructors build problems through it).
    pub fn problem<T: JsonSchema + ?Sized>(mut self) -> Self {
        self.problem = Some(TypeRef::of::<T>());
        self
    }

    pub fn operation(mut self, operation: Operation) -> Self {
        self.operations.push(operation);
        self
    }

    pub fn operations(mut self, operations: impl IntoIterator<Item = Operation>) -> Self {
        self.operations.extend(operations);
        self
    }
}

/// The `info` of the documents.
#[derive(Clone, Debug)]
pub struct Info {
    pub title: Cow<'static, str>,
    /// The contract version. Its major part is what `cargo xtask diff` compares.
    pub version: Cow<'static, str>,
    pub description: Option<Cow<'static, str>>,
    pub license: Option<License>,
}

impl Info {
    pub fn new(title: impl Into<Cow<'static, str>>, version: impl Into<Cow<'static, str>>) -> Self {
        Self { title: title.into(), version: version.into(), description: None, license: None }
    }

    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// An SPDX license identifier, such as `MIT`.
    pub fn license(mut self, name: impl Into<Cow<'static, str>>, identifier: impl Into<Cow<'static, str>>) -> Self {
        self.license = Some(License { name: name.into(), identifier: identifier.into() });
        self
    }
}

#[derive(Clone, Debug)]
pub struct License {
    pub name: Cow<'static, str>,
    pub identifier: Cow<'static, str>,
}

#[derive(Clone, Debug)]
pub struct Server {
    pub url: Cow<'static, str>,
    pub description: Cow<'static, str>,
}

#[derive(Clone, Debug)]
pub struct Tag {
    pub name: Cow<'static, str>,
    pub description: Cow<'static, str>,
}

/// A reference to a Rust type and the way to produce its JSON Schema.
///
/// [`TypeRef::of`] is what contracts use. [`TypeRef::from_fn`] exists for contracts built at run
/// time (benchmarks, tools that read another description); its function must behave like
/// [`SchemaGenerator::subschema_for`]: return a `$ref` for named types and add their definitions.
#[derive(Clone)]
pub struct TypeRef {
    /// The Rust path of the type, as `std::any::type_name` spells it.
    pub rust_name: Cow<'static, str>,
    schema: Arc<dyn Fn(&mut SchemaGenerator) -> Schema + Send + Sync>,
}

impl TypeRef {
    pub fn of<T: JsonSchema + ?Sized>() -> Self {
        Self {
            rust_name: Cow::Borrowed(std::any::type_name::<T>()),
            schema: Arc::new(|generator| generator.subschema_for::<T>()),
        }
    }

    pub fn from_fn(
        rust_name: impl Into<Cow<'static, str>>,
        schema: impl Fn(&mut SchemaGenerator) -> Schema + Send + Sync + 'static,
    ) -> Self {
        Self { rust_name: rust_name.into(), schema: Arc::new(schema) }
    }

    /// The schema of the type in `generator`'s dialect and contract (serialize or deserialize).
    pub fn schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.schema)(generator)
    }
}

impl fmt::Debug for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypeRef").field(&self.rust_name).finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
}

impl Method {
    /// The lower-case name OpenAPI uses as the key of a path item.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
        }
    }
}

/// Who may call an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Security {
    /// Anyone, no credentials.
    Public,
    /// A valid bearer token.
    Bearer,
    /// A valid bearer token whose principal has this role.
    Role(Cow<'static, str>),
}

/// A request budget per caller: the principal when authenticated, otherwise the client IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub period: Period,
}

impl RateLimit {
    pub fn per_second(count: u32) -> Self {
        Self { count, period: Period::Second }
    }
    pub fn per_minute(count: u32) -> Self {
        Self { count, period: Period::Minute }
    }
    pub fn per_hour(count: u32) -> Self {
        Self { count, period: Period::Hour }
    }
    pub fn per_day(count: u32) -> Self {
        Self { count, period: Period::Day }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Second,
    Minute,
    Hour,
    Day,
}

impl Period {
    pub fn seconds(self) -> u32 {
        match self {
            Period::Second => 1,
            Period::Minute => 60,
            Period::Hour => 3_600,
            Period::Day => 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Second => "second",
            Period::Minute => "minute",
            Period::Hour => "hour",
            Period::Day => "day",
        }
    }
}

/// The media type of a Server-Sent Events response ([`Operation::event_stream`]).
pub const EVENT_STREAM: &str = "text/event-stream";

/// The request header of an event stream that names the last event a client received
/// ([`Operation::event_stream`]).
pub const LAST_EVENT_ID: &str = "Last-Event-ID";

/// A body: a type and the media type it travels as.
#[derive(Clone, Debug)]
pub struct Body {
    pub ty: TypeRef,
    pub media_type: Cow<'static, str>,
}

#[derive(Clone, Debug)]
pub struct RequestBody {
    pub body: Body,
    pub required: bool,
}

/// A declared success (or other non-error) response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub description: Cow<'static, str>,
    pub body: Option<Body>,
}

/// A declared error status; its body is the contract's problem type.
#[derive(Clone, Debug)]
pub struct ErrorResponse {
    pub status: u16,
    pub description: Cow<'static, str>,
}

/// One operation of the API.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Stable identifier; names the generated client method, trait method and types.
    pub id: Cow<'static, str>,
    pub method: Method,
    /// Path template such as `/api/v2/projects/{project_id}`.
    pub path: Cow<'static, str>,
    pub tag: Option<Cow<'static, str>>,
    pub summary: Cow<'static, str>,
    pub description: Option<Cow<'static, str>>,
    /// A struct whose fields are the path parameters, one per `{name}` of the template.
    pub path_params: Option<TypeRef>,
    /// A struct whose fields are the query parameters.
    pub query: Option<TypeRef>,
    /// A struct whose fields (as serde names them) are the request headers.
    pub headers: Option<TypeRef>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    pub errors: Vec<ErrorResponse>,
    pub security: Security,
    pub rate_limit: Option<RateLimit>,
    /// Answers carry an `ETag`; `If-None-Match` gets a `304`.
    pub etag: bool,
    /// Answers carry `Cache-Control: no-store` (implied for authenticated operations).
    pub no_store: bool,
    pub deprecated: bool,
}

/// Starts an operation from a doc comment, a method, a path and an identifier.
///
/// The first paragraph of the doc comment is the summary, the rest the description.
///
/// ```
/// let operation = contract::op! {
///     /// Log in.
///     ///
///     /// Answers a bearer token.
///     post "/api/v2/auth/login" => login
/// };
/// assert_eq!(operation.id, "login");
/// assert_eq!(operation.summary, "Log in.");
/// assert_eq!(operation.description.as_deref(), Some("Answers a bearer token."));
/// ```
#[macro_export]
macro_rules! op {
    ($(#[doc = $doc:literal])* $method:ident $path:literal => $id:ident) => {
        $crate::Operation::new($crate::op!(@method $method), stringify!($id), $path)
            .doc(concat!($($doc, "\n"),*))
    };
    (@method get) => { $crate::Method::Get };
    (@method put) => { $crate::Method::Put };
    (@method post) => { $crate::Method::Post };
    (@method delete) => { $crate::Method::Delete };
    (@method options) => { $crate::Method::Options };
    (@method head) => { $crate::Method::Head };
    (@method patch) => { $crate::Method::Patch };
}

impl Operation {
    pub fn new(method: Method, id: impl Into<Cow<'static, str>>, path: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id: id.into(),
            method,
            path: path.into(),
            tag: None,
            summary: Cow::Borrowed(""),
            description: None,
            path_params: None,
            query: None,
            headers: None,
            body: None,
            responses: Vec::new(),
            errors: Vec::new(),
            security: Security::Public,
            rate_limit: None,
            etag: false,
            no_store: false,
            deprecated: false,
        }
    }

    /// Sets summary and description from doc-comment text: the first paragraph is the summary.
    /// One leading space per line (what `///` leaves) is removed.
    pub fn doc(mut self, text: &str) -> Self {
        let lines: Vec<&str> = text.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
        let text = lines.join("\n");
        let text = text.trim();
        let (summary, description) = match text.split_once("\n\n") {
            Some((summary, rest)) => (summary, Some(rest.trim())),
            None => (text, None),
        };
        self.summary = Cow::Owned(summary.split_whitespace().collect::<Vec<_>>().join(" "));
        self.description = description.filter(|d| !d.is_empty()).map(|d| Cow::Owned(d.to_owned()));
        self
    }

    pub fn summary(mut self, summary: impl Into<Cow<'static, str>>) -> Self {
        self.summary = summary.into();
        self
    }

    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> Self {
        self.description = Some(description.into());
        self
    }

    pub fn tag(mut self, tag: impl Into<Cow<'static, str>>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    pub fn path<T: JsonSchema + ?Sized>(mut self) -> Self {
        self.path_params = Some(TypeRef::of::<T>());
        self
    }

    pub fn query<T: JsonSchema + ?Sized>(mut self) -> Self {
        self.query = Some(TypeRef::of::<T>());
        self
    }

    pub fn headers<T: JsonSchema + ?Sized>(mut self) -> Self {
        self.headers = Some(TypeRef::of::<T>());
        self
    }

    /// A required JSON request body.
    pub fn body<T: JsonSchema + ?Sized>(self) -> Self {
        self.body_as(TypeRef::of::<T>(), "application/json", true)
    }

    pub fn body_as(mut self, ty: TypeRef, media_type: impl Into<Cow<'static, str>>, required: bool) -> Self {
        self.body = Some(RequestBody { body: Body { ty, media_type: media_type.into() }, required });
        self
    }

    /// A JSON response with a body of type `T`.
    pub fn response<T: JsonSchema + ?Sized>(self, status: u16, description: impl Into<Cow<'static, str>>) -> Self {
        self.response_as(status, description, TypeRef::of::<T>(), "application/json")
    }

    /// A response with a body of another media type (`text/html`, `application/yaml`...).
    pub fn response_as(
        mut self,
        status: u16,
        description: impl Into<Cow<'static, str>>,
        ty: TypeRef,
        media_type: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.responses.push(Response {
            status,
            description: description.into(),
            body: Some(Body { ty, media_type: media_type.into() }),
        });
        self
    }

    /// A Server-Sent Events response (`text/event-stream`) whose events each carry one JSON value
    /// of type `T` as their `data`: the answer is a stream the server ends when it is done.
    ///
    /// The type is recorded as the response's body with the media type [`EVENT_STREAM`], like any
    /// other response, so `T` becomes a named schema of the contract. An event stream implies an
    /// optional [`LAST_EVENT_ID`] request header, the id of the last event the client received,
    /// which a reconnecting client sends so that the server resumes after it. It is implied rather
    /// than declared with [`Operation::headers`] because every event stream has it and the
    /// generated clients set it themselves when they reconnect; a generated server hands it to
    /// the trait method as `last_event_id: Option<String>`.
    ///
    /// `codegen` refuses an event stream on anything but `GET`, two event-stream responses, an
    /// event stream with [`Operation::etag`], and an event type that is not a named type
    /// (a struct or an enum).
    pub fn event_stream<T: JsonSchema + ?Sized>(self, status: u16, description: impl Into<Cow<'static, str>>) -> Self {
        self.response_as(status, description, TypeRef::of::<T>(), EVENT_STREAM)
    }

    /// A response without a body (`204`, `202`...).
    pub fn empty(mut self, status: u16, description: impl Into<Cow<'static, str>>) -> Self {
        self.responses.push(Response { status, description: description.into(), body: None });
        self
    }

    /// An error status this operation answers on its own (statuses implied by the operation's
    /// traits are added by `codegen`; see the crate docs).
    pub fn error(mut self, status: u16, description: impl Into<Cow<'static, str>>) -> Self {
        self.errors.push(ErrorResponse { status, description: description.into() });
        self
    }

    pub fn public(mut self) -> Self {
        self.security = Security::Public;
        self
    }

    pub fn bearer(mut self) -> Self {
        self.security = Security::Bearer;
        self
    }

    pub fn role(mut self, role: impl Into<Cow<'static, str>>) -> Self {
        self.security = Security::Role(role.into());
        self
    }

    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    pub fn etag(mut self) -> Self {
        self.etag = true;
        self
    }

    /// Every answer carries `Cache-Control: no-store`: for a public operation whose answers carry a
    /// token or personal data (sign-in, registration). Authenticated operations imply it.
    pub fn no_store(mut self) -> Self {
        self.no_store = true;
        self
    }

    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }
}
