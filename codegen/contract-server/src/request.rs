//! Reading a request: [`prepare`] runs authentication, the rate limit and the reading and
//! validation of parameters and body (the crate docs give the order), and [`decode`] turns a
//! validated part into its contract type. What a refusal carries is decided here, where the
//! request id and the rate-limit state are known.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, Request};
use axum::http::header::{self, HeaderMap};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::auth::{Principal, authorize};
use crate::limit::{Admission, count};
use crate::problem::FieldError;
use crate::rejection::{Rejected, Rejection};
use crate::reply::Notices;
use crate::spec::{Kind, Operation};
use crate::state::Core;

/// What a handler knows of the request besides its typed inputs.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The authenticated caller (`None` on public operations).
    pub principal: Option<Principal>,
    /// Echoed as `X-Request-Id`.
    pub request_id: String,
    pub client_ip: IpAddr,
}

/// What a request brought, validated.
pub struct Input {
    pub path: Value,
    pub query: Value,
    pub headers: Value,
    pub body: Option<Value>,
}

/// A request that passed [`prepare`]: its inputs, and what [`finish`](crate::finish) needs.
pub struct Prepared {
    pub context: RequestContext,
    pub input: Input,
    pub(crate) admission: Option<Admission>,
    pub(crate) if_none_match: Option<String>,
    pub(crate) notices: Notices,
}

impl Prepared {
    /// The response refusing this request after [`prepare`] (a part that does not [`decode`]),
    /// with the headers of its other answers.
    pub fn reject(&self, rejection: Rejection) -> Response {
        Rejected {
            rejection,
            request_id: self.context.request_id.clone(),
            admission: self.admission,
            notices: self.notices,
        }
        .into_response()
    }
}

/// Decodes `value` (already validated) into the contract type, or a `422` naming `prefix`.
pub fn decode<T: DeserializeOwned>(value: Value, prefix: &'static str) -> Result<T, Rejection> {
    serde_json::from_value(value).map_err(|source| Rejection::Undecodable { prefix, source })
}

/// Runs the steps of the crate docs; `Err` is the refusal to send (`into_response`).
pub async fn prepare(core: &Core, operation: &Operation, request: Request) -> Result<Prepared, Rejected> {
    let spec = operation.spec;
    let (mut parts, body) = request.into_parts();
    let request_id = request_id(&parts.headers);
    let client_ip = client_ip(&parts);
    let refuse =
        |rejection, request_id, admission| Rejected { rejection, request_id, admission, notices: Notices::of(spec) };

    // 1. Authentication and role.
    let principal = match authorize(&*core.authenticator, spec.security, &parts.headers).await {
        Ok(principal) => principal,
        Err(rejection) => return Err(refuse(rejection, request_id, None)),
    };
    // 2. Rate limit.
    let admission = match count(&*core.limiter, spec.id, spec.rate_limit, principal.as_ref(), client_ip).await {
        Ok(admission) => admission,
        Err(rejection) => return Err(refuse(rejection, request_id, None)),
    };
    // 3. Parameters and body.
    let input = match read_input(core, operation, &mut parts, body).await {
        Ok(input) => input,
        Err(rejection) => return Err(refuse(rejection, request_id, admission)),
    };
    let if_none_match = parts.headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Prepared {
        context: RequestContext { principal, request_id, client_ip },
        input,
        admission,
        if_none_match,
        notices: Notices::of(spec),
    })
}

/// The client's `X-Request-Id` when it is usable, a fresh one otherwise.
pub(crate) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(next_request_id, str::to_owned)
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

/// Step 3: reads and validates every part, collecting every broken rule into one `422`.
async fn read_input(core: &Core, operation: &Operation, parts: &mut Parts, body: Body) -> Result<Input, Rejection> {
    let mut errors = Vec::new();
    let mut input = Input {
        path: Value::Object(Map::new()),
        query: Value::Object(Map::new()),
        headers: Value::Object(Map::new()),
        body: None,
    };
    if let Some(part) = &operation.path {
        let params = RawPathParams::from_request_parts(parts, &()).await.map_err(Rejection::UnreadablePath)?;
        let mut object = Map::new();
        for (name, value) in &params {
            let kind = part.parameters.kind(name).unwrap_or(Kind::Text);
            object.insert(name.to_owned(), read(kind, value));
        }
        input.path = Value::Object(object);
        errors.extend(FieldError::all(&part.validator, &input.path, "/path"));
    }
    if let Some(part) = &operation.query {
        let mut object = Map::new();
        for (name, value) in form_pairs(parts.uri.query().unwrap_or("")) {
            match part.parameters.kind(&name) {
                Some(Kind::List(item)) => {
                    let entry = object.entry(name).or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = entry {
                        items.push(read(*item, &value));
                    }
                }
                Some(kind) => {
                    object.insert(name, read(kind, &value));
                }
                None => unknown_parameter(&name, &mut errors),
            }
        }
        input.query = Value::Object(object);
        errors.extend(FieldError::all(&part.validator, &input.query, "/query"));
    } else {
        for (name, _) in form_pairs(parts.uri.query().unwrap_or("")) {
            unknown_parameter(&name, &mut errors);
        }
    }
    if let Some(part) = &operation.headers {
        let mut object = Map::new();
        for param in part.parameters.params {
            if let Some(value) = parts.headers.get(param.name) {
                let text = String::from_utf8_lossy(value.as_bytes());
                object.insert(param.name.to_owned(), read(param.kind, &text));
            }
        }
        input.headers = Value::Object(object);
        errors.extend(FieldError::all(&part.validator, &input.headers, "/header"));
    }
    if let Some(validator) = &operation.body {
        // A body announced as another media type is refused before it is read.
        if announces_body(&parts.headers) && !is_json(&parts.headers) {
            return Err(Rejection::UnsupportedMediaType);
        }
        let bytes = read_body(body, core.body_limit).await?;
        if bytes.is_empty() {
            if operation.spec.body_required {
                errors.push(FieldError {
                    path: "/body".into(),
                    keyword: "required".into(),
                    message: "a JSON body is required".into(),
                });
            }
        } else {
            if !is_json(&parts.headers) {
                return Err(Rejection::UnsupportedMediaType);
            }
            let value: Value = serde_json::from_slice(&bytes).map_err(Rejection::MalformedJson)?;
            errors.extend(FieldError::all(validator, &value, "/body"));
            input.body = Some(value);
        }
    }
    if errors.is_empty() { Ok(input) } else { Err(Rejection::Invalid(errors)) }
}

/// A query parameter the operation does not declare is refused, as an unknown body field is: a
/// misspelt filter (`?serach=x`) must not silently return everything. Named once, however often
/// it repeats.
fn unknown_parameter(name: &str, errors: &mut Vec<FieldError>) {
    let path = format!("/query/{}", escape_pointer(name));
    if !errors.iter().any(|error| error.path == path) {
        // The name is the client's text: at most 64 characters of it go into the message.
        let shown: String = name.chars().take(64).collect();
        let more = if shown.len() < name.len() { "…" } else { "" };
        let message = format!("`{shown}{more}` is not a query parameter of this operation");
        errors.push(FieldError { path, keyword: "additionalProperties".into(), message });
    }
}

/// A JSON pointer segment (`~` and `/` escaped).
fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Whether the headers announce a body: a non-zero `Content-Length`, or a `Transfer-Encoding`.
fn announces_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|length| length > 0)
}

/// Whether the body is declared as JSON: `application/json` or any `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|t| t == "application/json" || t.ends_with("+json"))
}

/// A parameter's text as its kind reads it; text that does not read stays a string, for the
/// validator to report.
fn read(kind: Kind, text: &str) -> Value {
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

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Rejection> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = source {
            if current.is::<http_body_util::LengthLimitError>() {
                return Rejection::PayloadTooLarge { limit };
            }
            source = current.source();
        }
        Rejection::UnreadableBody(error)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert_eq!(read(Kind::Integer, "12"), json!(12));
        assert_eq!(read(Kind::Integer, "1.5"), json!("1.5"));
        assert_eq!(read(Kind::Boolean, "true"), json!(true));
        assert_eq!(read(Kind::Number, "2.5"), json!(2.5));
        assert_eq!(read(Kind::Text, "007"), json!("007"));
    }

    #[test]
    fn json_media_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(value));
            is_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/plain"));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn unknown_query_parameters_are_named_once() {
        let mut errors = Vec::new();
        for name in ["foo", "page[]", "foo", "a/b", &"x".repeat(100)] {
            unknown_parameter(name, &mut errors);
        }
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths[..3], ["/query/foo", "/query/page[]", "/query/a~1b"]);
        assert_eq!(errors.len(), 4, "one error per name: {errors:?}");
        assert!(errors.iter().all(|e| e.keyword == "additionalProperties"));
        assert_eq!(errors[0].message, "`foo` is not a query parameter of this operation");
        assert!(errors[3].message.len() < 120, "a long name is cut: {}", errors[3].message);
    }
}
