//! The runtime of generated servers (the generated `api-server` crate calls it; a server
//! implements the generated traits and an [`Authenticator`]).
//!
//! For every request of an operation, [`prepare`] does, in order:
//! 1. authentication (when the operation is not public): the bearer token goes to the
//!    [`Authenticator`]; missing or bad → `401`; a required role missing → `403`;
//! 2. the rate limit, counted per principal when authenticated, per client IP otherwise → `429` with
//!    `Retry-After` and `X-RateLimit-Limit/Remaining/Reset`;
//! 3. path, query and header parameters, read as the contract types them and validated against
//!    the contract's JSON Schemas; the body: wrong media type or malformed JSON → `400`, larger than
//!    the limit → `413`; every broken rule of every part is collected into one `422` problem with
//!    `errors: [{path, keyword, message}]` (paths start with `/path`, `/query`, `/header`, `/body`).
//!
//! [`finish`] turns the handler's typed answer into a response: `ETag` and `304` for cacheable
//! operations (`If-None-Match`), rate-limit headers, `Deprecation` on deprecated operations, and
//! the request id. [`not_found`] and [`method_not_allowed`] answer what no route matches.
//! Every error is an RFC 9457 problem (`application/problem+json`).
//!
//! Validators are compiled once, when the router is built ([`Operation::compile`]).

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, Request};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

mod internal;
pub use internal::{INTERNAL_ERROR_DETAIL, InternalError, request_span};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    Public,
    Bearer,
    Role(&'static str),
}

/// What the generated code knows of an operation; the schemas are JSON texts (self-contained,
/// `$defs` inside).
#[derive(Debug)]
pub struct Spec {
    pub id: &'static str,
    pub path: Option<&'static str>,
    pub query: Option<&'static str>,
    pub headers: Option<&'static str>,
    pub body: Option<&'static str>,
    pub body_required: bool,
    pub security: Security,
    /// Requests per window, and the window in seconds.
    pub rate_limit: Option<(u32, u32)>,
    pub etag: bool,
    pub deprecated: bool,
}

/// Why an operation's schemas could not be compiled (a generator bug, reported at start-up).
#[derive(Debug)]
pub struct SpecError {
    pub operation: &'static str,
    pub part: &'static str,
    pub reason: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "operation `{}`: the {} schema does not compile: {}", self.operation, self.part, self.reason)
    }
}

impl std::error::Error for SpecError {}

/// How a parameter's text is read before validation.
#[derive(Clone, Debug)]
enum Kind {
    Integer,
    Number,
    Boolean,
    Text,
    List(Box<Kind>),
}

/// A parameter location, compiled.
struct Part {
    validator: jsonschema::Validator,
    kinds: HashMap<String, Kind>,
    /// Declared names, for headers (matched case-insensitively).
    names: Vec<String>,
}

/// An operation with its validators compiled.
pub struct Operation {
    pub spec: &'static Spec,
    path: Option<Part>,
    query: Option<Part>,
    headers: Option<Part>,
    body: Option<jsonschema::Validator>,
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options().should_validate_formats(true).build(schema).map_err(|e| e.to_string())
}

fn kind_of(schema: &Value, root: &Value) -> Kind {
    let schema = match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => root.pointer(pointer).unwrap_or(schema),
        None => schema,
    };
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"array") {
        return Kind::List(Box::new(schema.get("items").map_or(Kind::Text, |i| kind_of(i, root))));
    }
    if types.contains(&"integer") {
        Kind::Integer
    } else if types.contains(&"number") {
        Kind::Number
    } else if types.contains(&"boolean") {
        Kind::Boolean
    } else {
        Kind::Text
    }
}

fn part(spec: &'static Spec, name: &'static str, text: &str) -> Result<Part, SpecError> {
    let error = |reason: String| SpecError { operation: spec.id, part: name, reason };
    let schema: Value = serde_json::from_str(text).map_err(|e| error(e.to_string()))?;
    let mut kinds = HashMap::new();
    let mut names = Vec::new();
    for (key, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        kinds.insert(key.clone(), kind_of(property, &schema));
        names.push(key.clone());
    }
    Ok(Part { validator: compile(&schema).map_err(error)?, kinds, names })
}

impl Operation {
    /// Compiles the validators of `spec` (once, when the router is built).
    pub fn compile(spec: &'static Spec) -> Result<Self, SpecError> {
        let body = match spec.body {
            Some(text) => {
                let schema: Value = serde_json::from_str(text).map_err(|e| SpecError {
                    operation: spec.id,
                    part: "body",
                    reason: e.to_string(),
                })?;
                Some(compile(&schema).map_err(|reason| SpecError { operation: spec.id, part: "body", reason })?)
            }
            None => None,
        };
        Ok(Self {
            spec,
            path: spec.path.map(|t| part(spec, "path", t)).transpose()?,
            query: spec.query.map(|t| part(spec, "query", t)).transpose()?,
            headers: spec.headers.map(|t| part(spec, "headers", t)).transpose()?,
            body,
        })
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// A stable identifier (the user id); rate limits are counted per principal.
    pub id: String,
    pub roles: Vec<String>,
}

/// Why a bearer token was refused (all answer `401`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthError {
    Missing,
    Malformed,
    Expired,
    Invalid,
    /// The account behind the token is disabled or gone.
    Revoked,
}

impl AuthError {
    fn detail(&self) -> &'static str {
        match self {
            AuthError::Missing => "send `Authorization: Bearer <token>`",
            AuthError::Malformed => "the bearer token is malformed",
            AuthError::Expired => "the bearer token has expired",
            AuthError::Invalid => "the bearer token is not valid",
            AuthError::Revoked => "the account behind the token is disabled",
        }
    }
}

/// A boxed future, for object-safe async traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Verifies bearer tokens; the server implements it.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>>;
}

/// What a handler knows of the request besides its typed inputs.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The authenticated caller (`None` on public operations).
    pub principal: Option<Principal>,
    /// Echoed as `X-Request-Id`.
    pub request_id: String,
    pub client_ip: IpAddr,
}

/// Fixed-window rate limits per (operation, caller), in memory.
#[derive(Default)]
pub struct RateLimiter {
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    /// (operation, caller) → (window start, count, window length).
    entries: HashMap<(&'static str, String), (Instant, u32, Duration)>,
    last_prune: Option<Instant>,
}

/// The state of a caller's window after admission.
#[derive(Clone, Copy, Debug)]
pub struct Admission {
    limit: u32,
    remaining: u32,
    reset: u64,
}

impl RateLimiter {
    /// Counts one request; `Err` with the admission state when the window is spent.
    fn admit(&self, operation: &'static str, key: &str, limit: u32, window: u32) -> Result<Admission, Admission> {
        let now = Instant::now();
        let window = Duration::from_secs(u64::from(window));
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Expired windows go at most once a second, each judged by its own length.
        if state.entries.len() > 10_000
            && state.last_prune.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            state.entries.retain(|_, (start, _, length)| now.duration_since(*start) < *length);
            state.last_prune = Some(now);
        }
        let entry = state.entries.entry((operation, key.to_owned())).or_insert((now, 0, window));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0, window);
        }
        let reset = window.saturating_sub(now.duration_since(entry.0)).as_secs_f64().ceil() as u64;
        if entry.1 >= limit {
            return Err(Admission { limit, remaining: 0, reset: reset.max(1) });
        }
        entry.1 += 1;
        Ok(Admission { limit, remaining: limit - entry.1, reset })
    }
}

/// Shared state of every generated router.
pub struct Core {
    authenticator: Arc<dyn Authenticator>,
    limiter: RateLimiter,
    body_limit: usize,
}

impl Core {
    /// `body_limit` is the largest request body accepted, in bytes (larger → `413`).
    pub fn new(authenticator: Arc<dyn Authenticator>, body_limit: usize) -> Self {
        Self { authenticator, limiter: RateLimiter::default(), body_limit }
    }
}

/// One broken rule, as the problem's `errors` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub keyword: String,
    pub message: String,
}

/// An RFC 9457 problem response.
pub fn problem(status: StatusCode, title: &str, detail: Option<String>, errors: Vec<FieldError>) -> Response {
    let mut body = json!({ "type": "about:blank", "title": title, "status": status.as_u16() });
    if let Some(detail) = detail {
        body["detail"] = Value::String(detail);
    }
    if !errors.is_empty() {
        body["errors"] = serde_json::to_value(&errors).unwrap_or(Value::Null);
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], bytes).into_response()
}

/// What a request brought, validated.
pub struct Input {
    pub path: Value,
    pub query: Value,
    pub headers: Value,
    pub body: Option<Value>,
}

/// What [`finish`] needs of the request.
pub struct Prepared {
    pub context: RequestContext,
    pub input: Input,
    admission: Option<Admission>,
    if_none_match: Option<String>,
}

/// A request id: a random per-process prefix and a counter (no system call per request).
fn next_request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static PREFIX: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_owned());
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!("{}-{:x}", *PREFIX, COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn client_ip(parts: &Parts) -> IpAddr {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The rate-limit key of an address: IPv4 as it is, IPv6 by its /64 (one subscriber's block).
fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

fn rate_limited(admission: Admission) -> Response {
    let mut response = problem(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests",
        Some(format!("the limit is {} requests per window; retry in {} seconds", admission.limit, admission.reset)),
        Vec::new(),
    );
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(admission.reset));
    rate_headers(headers, admission);
    response
}

fn rate_headers(headers: &mut HeaderMap, admission: Admission) {
    headers.insert(HeaderName::from_static("x-ratelimit-limit"), HeaderValue::from(admission.limit));
    headers.insert(HeaderName::from_static("x-ratelimit-remaining"), HeaderValue::from(admission.remaining));
    headers.insert(HeaderName::from_static("x-ratelimit-reset"), HeaderValue::from(admission.reset));
}

fn read(kind: &Kind, text: &str) -> Value {
    match kind {
        Kind::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        Kind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        Kind::Text | Kind::List(_) => Value::String(text.to_owned()),
    }
}

fn validate(validator: &jsonschema::Validator, value: &Value, prefix: &str, errors: &mut Vec<FieldError>) {
    // The yes/no check is the fast path; errors are only built for invalid input.
    if validator.is_valid(value) {
        return;
    }
    for error in validator.iter_errors(value) {
        errors.push(FieldError {
            path: format!("{prefix}{}", error.instance_path()),
            keyword: error.kind().keyword().to_owned(),
            message: error.to_string(),
        });
    }
}

/// Decodes `value` (already validated) into the contract type, or a `422` naming `prefix`.
pub fn decode<T: DeserializeOwned>(value: Value, prefix: &str) -> Result<T, Box<Response>> {
    serde_json::from_value(value).map_err(|error| {
        Box::new(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The request is invalid",
            Some(format!("{prefix} does not fit the contract type")),
            vec![FieldError { path: prefix.to_owned(), keyword: "type".into(), message: error.to_string() }],
        ))
    })
}

/// Runs steps 1–3 of the module docs; `Err` is the response to send as it is.
pub async fn prepare(core: &Core, operation: &Operation, request: Request) -> Result<Prepared, Box<Response>> {
    let spec = operation.spec;
    let (mut parts, body) = request.into_parts();
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(next_request_id, str::to_owned);
    let client_ip = client_ip(&parts);

    // 1. Authentication and role.
    let principal = match spec.security {
        Security::Public => None,
        Security::Bearer | Security::Role(_) => {
            let token = match parts.headers.get(header::AUTHORIZATION).map(|v| v.to_str()) {
                None => Err(AuthError::Missing),
                Some(Err(_)) => Err(AuthError::Malformed),
                Some(Ok(value)) => match value.split_once(' ') {
                    Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
                        Ok(token.trim())
                    }
                    _ => Err(AuthError::Malformed),
                },
            };
            let result = match token {
                Ok(token) => core.authenticator.authenticate(token).await,
                Err(error) => Err(error),
            };
            match result {
                Ok(principal) => Some(principal),
                Err(error) => {
                    let mut response = problem(
                        StatusCode::UNAUTHORIZED,
                        "Authentication required",
                        Some(error.detail().into()),
                        Vec::new(),
                    );
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    return Err(Box::new(response));
                }
            }
        }
    };
    if let (Security::Role(role), Some(principal)) = (spec.security, &principal) {
        if !principal.roles.iter().any(|r| r == role) {
            return Err(Box::new(problem(
                StatusCode::FORBIDDEN,
                "Forbidden",
                Some(format!("this operation needs the `{role}` role")),
                Vec::new(),
            )));
        }
    }

    // 2. Rate limit.
    let admission = match spec.rate_limit {
        None => None,
        Some((limit, window)) => {
            let key =
                principal.as_ref().map_or_else(|| format!("ip:{}", ip_key(client_ip)), |p| format!("user:{}", p.id));
            match core.limiter.admit(spec.id, &key, limit, window) {
                Ok(admission) => Some(admission),
                Err(admission) => return Err(Box::new(rate_limited(admission))),
            }
        }
    };

    // 3. Parameters and body.
    let mut errors = Vec::new();
    let mut input = Input {
        path: Value::Object(Map::new()),
        query: Value::Object(Map::new()),
        headers: Value::Object(Map::new()),
        body: None,
    };
    if let Some(part) = &operation.path {
        let params = RawPathParams::from_request_parts(&mut parts, &()).await.map_err(|rejection| {
            let error = FieldError { path: "/path".into(), keyword: "format".into(), message: rejection.body_text() };
            Box::new(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The request is invalid",
                Some("a path parameter cannot be read".into()),
                vec![error],
            ))
        })?;
        let mut object = Map::new();
        for (name, value) in &params {
            let kind = part.kinds.get(name).cloned().unwrap_or(Kind::Text);
            object.insert(name.to_owned(), read(&kind, value));
        }
        input.path = Value::Object(object);
        validate(&part.validator, &input.path, "/path", &mut errors);
    }
    if let Some(part) = &operation.query {
        let mut object = Map::new();
        for (name, value) in form_pairs(parts.uri.query().unwrap_or("")) {
            match part.kinds.get(&name) {
                Some(Kind::List(item)) => {
                    let entry = object.entry(name).or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = entry {
                        items.push(read(item, &value));
                    }
                }
                Some(kind) => {
                    object.insert(name, read(kind, &value));
                }
                None => {
                    object.insert(name, Value::String(value));
                }
            }
        }
        input.query = Value::Object(object);
        validate(&part.validator, &input.query, "/query", &mut errors);
    }
    if let Some(part) = &operation.headers {
        let mut object = Map::new();
        for name in &part.names {
            if let Some(value) = parts.headers.get(name.as_str()) {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                let kind = part.kinds.get(name).cloned().unwrap_or(Kind::Text);
                object.insert(name.clone(), read(&kind, &text));
            }
        }
        input.headers = Value::Object(object);
        validate(&part.validator, &input.headers, "/header", &mut errors);
    }
    if let Some(validator) = &operation.body {
        let bytes = read_body(body, core.body_limit).await.map_err(Box::new)?;
        if bytes.is_empty() {
            if spec.body_required {
                errors.push(FieldError {
                    path: "/body".into(),
                    keyword: "required".into(),
                    message: "a JSON body is required".into(),
                });
            }
        } else {
            let json_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
                .is_some_and(|t| t == "application/json" || t.ends_with("+json"));
            if !json_type {
                return Err(Box::new(problem(
                    StatusCode::BAD_REQUEST,
                    "Bad request",
                    Some("the body must be sent as `Content-Type: application/json`".into()),
                    Vec::new(),
                )));
            }
            let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                Box::new(problem(
                    StatusCode::BAD_REQUEST,
                    "Malformed JSON",
                    Some(format!("the body is not valid JSON: {e}")),
                    Vec::new(),
                ))
            })?;
            validate(validator, &value, "/body", &mut errors);
            input.body = Some(value);
        }
    }
    if !errors.is_empty() {
        let count = errors.len();
        let detail = format!(
            "{count} rule{} of the contract {} broken",
            if count == 1 { "" } else { "s" },
            if count == 1 { "is" } else { "are" }
        );
        return Err(Box::new(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The request is invalid",
            Some(detail),
            errors,
        )));
    }
    let if_none_match = parts.headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Prepared { context: RequestContext { principal, request_id, client_ip }, input, admission, if_none_match })
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = source {
            if current.is::<http_body_util::LengthLimitError>() {
                return problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Payload too large",
                    Some(format!("the body is larger than {limit} bytes")),
                    Vec::new(),
                );
            }
            source = current.source();
        }
        problem(
            StatusCode::BAD_REQUEST,
            "Bad request",
            Some(format!("the body could not be read: {error}")),
            Vec::new(),
        )
    })
}

/// `application/x-www-form-urlencoded` pairs, percent-decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The body of a typed answer.
pub enum ReplyBody {
    Empty,
    Json(Vec<u8>),
    Problem(Vec<u8>),
    Raw { bytes: Vec<u8>, media_type: &'static str },
}

/// A typed answer turned into status and bytes by the generated code.
pub struct Reply {
    pub status: StatusCode,
    pub body: ReplyBody,
}

impl Reply {
    pub fn empty(status: u16) -> Self {
        Self { status: status_code(status), body: ReplyBody::Empty }
    }

    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self { status: status_code(status), body: ReplyBody::Json(bytes) },
            Err(error) => Self::serialization_failure(&error),
        }
    }

    pub fn problem<T: Serialize>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self { status: status_code(status), body: ReplyBody::Problem(bytes) },
            Err(error) => Self::serialization_failure(&error),
        }
    }

    pub fn raw(status: u16, text: impl Into<Vec<u8>>, media_type: &'static str) -> Self {
        Self { status: status_code(status), body: ReplyBody::Raw { bytes: text.into(), media_type } }
    }

    fn serialization_failure(error: &serde_json::Error) -> Self {
        tracing::error!(%error, "a response body does not serialize");
        let body = json!({ "type": "about:blank", "title": "Internal error", "status": 500 });
        Self { status: StatusCode::INTERNAL_SERVER_ERROR, body: ReplyBody::Problem(body.to_string().into_bytes()) }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A typed answer of an operation (implemented by the generated response enums).
pub trait IntoReply {
    fn into_reply(self) -> Reply;
}

/// A strong `ETag` of a body: its SHA-256, shortened.
pub fn etag_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
}

/// Turns a typed answer into the response (see the module docs).
pub fn finish(operation: &Operation, prepared: &Prepared, reply: Reply) -> Response {
    let spec = operation.spec;
    let success = reply.status.is_success();
    let (mut response, etag) = match reply.body {
        ReplyBody::Empty => (reply.status.into_response(), None),
        ReplyBody::Json(bytes) => {
            let etag = (spec.etag && success).then(|| etag_of(&bytes));
            (
                (reply.status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes)
                    .into_response(),
                etag,
            )
        }
        ReplyBody::Problem(bytes) => (
            (reply.status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], bytes).into_response(),
            None,
        ),
        ReplyBody::Raw { bytes, media_type } => {
            let etag = (spec.etag && success).then(|| etag_of(&bytes));
            let content_type =
                HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            ((reply.status, [(header::CONTENT_TYPE, content_type)], bytes).into_response(), etag)
        }
    };
    if let Some(etag) = etag {
        if prepared.if_none_match.as_deref().is_some_and(|inm| etag_matches(inm, &etag)) {
            response = StatusCode::NOT_MODIFIED.into_response();
        }
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
    }
    decorate(spec, prepared, &mut response);
    response
}

fn decorate(spec: &Spec, prepared: &Prepared, response: &mut Response) {
    let headers = response.headers_mut();
    if let Some(admission) = prepared.admission {
        rate_headers(headers, admission);
    }
    if spec.deprecated {
        headers.insert(HeaderName::from_static("deprecation"), HeaderValue::from_static("true"));
    }
    if let Ok(value) = HeaderValue::from_str(&prepared.context.request_id) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
}

/// Adds the headers of a deprecated operation to a response made before [`finish`] (an error).
pub fn decorate_error(operation: &Operation, mut response: Response) -> Response {
    if operation.spec.deprecated {
        response.headers_mut().insert(HeaderName::from_static("deprecation"), HeaderValue::from_static("true"));
    }
    response
}

/// `404` for a path no operation has.
pub async fn not_found(request: Request) -> Response {
    problem(StatusCode::NOT_FOUND, "Not found", Some(format!("no operation at {}", request.uri().path())), Vec::new())
}

/// `405` for a path that exists with another method; `allow` lists the methods it has.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        Some(format!("this path answers {allow}")),
        Vec::new(),
    );
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_decoded() {
        assert_eq!(
            form_pairs("a=1&b=x%20y&c=+&d"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), " ".into()),
                ("d".into(), "".into())
            ]
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%é1"), "%é1");
    }

    #[test]
    fn parameters_are_read_as_typed() {
        assert_eq!(read(&Kind::Integer, "12"), json!(12));
        assert_eq!(read(&Kind::Integer, "1.5"), json!("1.5"));
        assert_eq!(read(&Kind::Boolean, "true"), json!(true));
        assert_eq!(read(&Kind::Number, "2.5"), json!(2.5));
        assert_eq!(read(&Kind::Text, "007"), json!("007"));
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(
            ip_key("2001:db8:1:2:aaaa::1".parse().expect("ip")),
            ip_key("2001:db8:1:2:bbbb::9".parse().expect("ip"))
        );
        assert_ne!(ip_key("2001:db8:1:2::1".parse().expect("ip")), ip_key("2001:db8:1:3::1".parse().expect("ip")));
        assert_eq!(ip_key("::ffff:10.0.0.1".parse().expect("ip")), "10.0.0.1");
    }

    #[test]
    fn pruning_keeps_long_windows() {
        let limiter = RateLimiter::default();
        limiter.admit("hourly", "k", 1, 3600).expect("first");
        for i in 0..10_050 {
            limiter.admit("short", &format!("other{i}"), 5, 60).expect("admitted");
        }
        assert!(limiter.admit("hourly", "k", 1, 3600).is_err(), "the hourly window survives pruning");
    }

    #[test]
    fn rate_limit_windows() {
        let limiter = RateLimiter::default();
        for remaining in (0..3).rev() {
            assert_eq!(limiter.admit("op", "k", 3, 60).expect("admitted").remaining, remaining);
        }
        let refused = limiter.admit("op", "k", 3, 60).expect_err("the fourth is refused");
        assert!(refused.reset >= 1 && refused.reset <= 60);
        assert!(limiter.admit("op", "other", 3, 60).is_ok(), "another caller has its own window");
    }

    #[test]
    fn etags_match_lists_weak_forms_and_star() {
        let etag = etag_of(b"x");
        assert!(etag_matches(&etag, &etag));
        assert!(etag_matches(&format!("\"a\", W/{etag}"), &etag));
        assert!(etag_matches("*", &etag));
        assert!(!etag_matches("\"other\"", &etag));
    }
}
