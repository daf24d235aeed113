//! The runtime of generated servers (the generated `api-server` crate calls it; a server
//! implements the generated traits and an [`Authenticator`]).
//!
//! For every request of an operation, [`prepare`] does, in order:
//! 1. authentication (when the operation is not public): the bearer token goes to the
//!    [`Authenticator`]; missing or bad → `401` with `WWW-Authenticate: Bearer`; a required role
//!    missing → `403`;
//! 2. the rate limit, counted by the [`RateLimiter`] per principal when authenticated, per client
//!    IP otherwise → `429` with `Retry-After` and `X-RateLimit-Limit/Remaining/Reset` (the client
//!    IP is the TCP peer, or behind [`TrustedProxies`] the client their forwarding headers name);
//! 3. path, query and header parameters, read as the contract types them and validated against
//!    the contract's JSON Schemas; the body: unreadable or malformed JSON → `400`, larger than the
//!    limit → `413`, sent as another media type than JSON → `415`; every broken rule of every part
//!    is collected into one `422` problem with `errors: [{path, keyword, message}]` (paths start
//!    with `/path`, `/query`, `/header`, `/body`). A validated part its contract type still
//!    refuses ([`decode`], serde) is a `422` at the refused value's pointer, keyword `format`.
//!
//! [`finish`] turns the handler's typed answer into a response: it checks the body against the
//! contract's schema of its status when response validation is on ([`ResponseValidation`]: each
//! broken rule logged at `ERROR` with the operation, JSON pointer and rule; with `Enforce`, the
//! default of debug builds, the operation's `500` answered instead; off by default in release
//! builds; [`Core::with_response_validation`]), then adds `ETag` and `304` for cacheable
//! operations (`If-None-Match`), rate-limit headers, `Deprecation` on deprecated operations,
//! `Cache-Control: no-store` on personal ones ([`Spec::no_store`]), and the request id. An
//! [`EventStream`] answer goes out as Server-Sent Events, each event checked as it is sent. [`not_found`] and [`method_not_allowed`] answer what no route matches.
//!
//! Each route of a generated router is mounted through a [`Route`]: the `405` of methods its path
//! does not have and, when the server allows origins ([`Core::with_cors`], [`Cors`]), the answers
//! browsers need to call from another origin: preflights allowed by the path's contract (its
//! methods, the request headers its operations read), and the response headers the contract
//! declares exposed on every answer, problems included. [`fallback`] gives paths no operation has
//! the same `404` with the same headers.
//!
//! Every refusal is a [`Rejection`]: a fixed status and title, answered as an RFC 9457 problem
//! (`application/problem+json`) carrying the same `X-Request-Id`, `X-RateLimit-*` (once the
//! request was counted) and `Deprecation` headers as a successful answer would.
//!
//! Validators are compiled once, when the router is built ([`Operation::compile`]); how each
//! parameter's text is read (integer, number, boolean, text, list) comes with the generated
//! [`Spec`], so nothing is derived from schemas at run time.
//!
//! One concern per module: `spec` (what an operation is), `auth`, `limit`, `request` (reading a
//! request), `reply` (writing an answer), `events` (Server-Sent Events), `conformance` (response
//! validation), `rejection` and `problem` (refusals), `fallback` (`404`/`405`), `state`
//! ([`Core`]), `proxy` (the client behind trusted reverse proxies), `cors` (cross-origin
//! requests: [`Route`], [`fallback`]), `internal` (a server's failures as the operation's `500`).

mod auth;
mod conformance;
mod cors;
mod events;
mod fallback;
mod internal;
mod limit;
mod problem;
mod proxy;
mod reason;
mod rejection;
mod reply;
mod request;
mod spec;
mod state;

use std::future::Future;
use std::pin::Pin;

pub use auth::{AuthError, Authenticator, Principal};
pub use conformance::{ResponseValidation, UnknownResponseValidation};
pub use cors::{AllowedOrigins, Cors, DEFAULT_MAX_AGE_SECONDS, InvalidOrigin, Route, fallback};
pub use events::{Event, EventStream, Events, Interrupted, KEEP_ALIVE};
pub use fallback::{method_not_allowed, not_found};
pub use internal::{INTERNAL_ERROR_DETAIL, InternalError, request_span, sources};
pub use limit::{Admission, Admit, Caller, InMemoryRateLimiter, RateLimit, RateLimiter, Verdict};
pub use problem::{FieldError, PROBLEM_JSON, problem};
pub use proxy::{InvalidCidr, TrustedProxies};
pub use reason::reason_phrase;
pub use rejection::{Rejected, Rejection};
pub use reply::{IntoReply, Notices, Reply, ReplyBody, etag_of, finish};
pub use request::{Input, Prepared, RequestContext, decode, prepare};
pub use spec::{Components, Kind, Operation, Param, Parameters, ResponseBody, Schemas, Security, Spec, SpecError};
pub use state::Core;

/// A boxed future, for object-safe async traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
