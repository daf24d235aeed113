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
use crate::proxy::TrustedProxies;
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
    /// The client's address: the TCP peer, or behind trusted proxies the client they forwarded
    /// ([`Core::with_trusted_proxies`](crate::Core::with_trusted_proxies)).
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
    /// The `Last-Event-ID` header (the last event a reconnecting event-stream client received),
    /// as text; a value that is not text, or holds a line break or NUL, is treated as absent.
    pub last_event_id: Option<String>,
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

/// Decodes `value` (already validated) into the contract type, or a `422` naming the JSON pointer
/// of the value serde refused, under `prefix` (`/body/items/0/name`): a type may check more than
/// its schema says (a URL's host, an integer written `1.0`).
pub fn decode<T: DeserializeOwned>(value: Value, prefix: &'static str) -> Result<T, Rejection> {
    // Read by reference, so the refused value can be found (and masked) in the message.
    serde_path_to_error::deserialize(&value).map_err(|error| {
        let field = FieldError::refused_by_serde(prefix, &value, &error);
        Rejection::Undecodable { error: field, source: error.into_inner() }
    })
}

/// Runs the steps of the crate docs; `Err` is the refusal to send (`into_response`).
pub async fn prepare(core: &Core, operation: &Operation, request: Request) -> Result<Prepared, Rejected> {
    let spec = operation.spec;
    let (mut parts, body) = request.into_parts();
    let request_id = request_id(&parts.headers);
    let client_ip = client_ip(&parts, &core.trusted_proxies);
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
    let last_event_id = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.contains(['\0', '\n', '\r']))
        .map(str::to_owned);
    Ok(Prepared {
        context: RequestContext { principal, request_id, client_ip },
        input,
        admission,
        if_none_match,
        last_event_id,
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

/// The client: the TCP peer (`0.0.0.0` when the server was not started with
/// `into_make_service_with_connect_info::<SocketAddr>()`), or, when the peer is a trusted proxy,
/// the client its forwarding headers name ([`TrustedProxies::client`]).
fn client_ip(parts: &Parts, proxies: &TrustedProxies) -> IpAddr {
    let peer =
        parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    proxies.client(peer, &parts.headers)
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
        if core.refuse_nul {
            nul_fields(&input.path, "/path", &mut errors);
        }
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
        if core.refuse_nul {
            nul_fields(&input.query, "/query", &mut errors);
        }
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
        if core.refuse_nul {
            nul_fields(&input.headers, "/header", &mut errors);
        }
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
            if core.refuse_nul {
                nul_fields(&value, "/body", &mut errors);
            }
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

/// Every string and member name under `value` (at JSON pointer `at`) that holds U+0000: see
/// [`Core::refusing_nul`]. Only what the client sent is walked; the message never repeats it.
fn nul_fields(value: &Value, at: &str, errors: &mut Vec<FieldError>) {
    let refuse = |path: String, errors: &mut Vec<FieldError>| {
        errors.push(FieldError {
            path,
            keyword: "nul".into(),
            message: "text must not contain the NUL character (U+0000)".into(),
        });
    };
    match value {
        Value::String(text) if text.contains('\0') => refuse(at.to_owned(), errors),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                nul_fields(item, &format!("{at}/{index}"), errors);
            }
        }
        Value::Object(members) => {
            for (name, member) in members {
                let path = format!("{at}/{}", escape_pointer(name));
                if name.contains('\0') {
                    refuse(path.clone(), errors);
                }
                nul_fields(member, &path, errors);
            }
        }
        _ => {}
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

    /// A type that checks more than a schema would: a PIN of four digits, whose error quotes the
    /// text it refuses, trimmed (as a careless `TryFrom` would).
    #[derive(Debug, serde::Deserialize)]
    #[serde(try_from = "String")]
    struct Pin(#[allow(dead_code)] String);

    impl TryFrom<String> for Pin {
        type Error = String;
        fn try_from(text: String) -> Result<Self, String> {
            if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Pin(text))
            } else {
                Err(format!("`{}` is not a PIN of four digits", text.trim()))
            }
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Shape {
        Circle { radius: u8 },
        Square(u8),
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Order {
        items: Vec<Item>,
        pin: Option<Pin>,
        shape: Option<Shape>,
        tags: Option<std::collections::BTreeMap<String, u8>>,
        plan: Option<Plan>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        count: u8,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Plan {
        Free,
    }

    /// The field error of what `decode` refuses.
    fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value, prefix: &'static str) -> FieldError {
        match decode::<T>(value, prefix).expect_err("refused") {
            Rejection::Undecodable { error, .. } => error,
            other => panic!("not an undecodable part: {other:?}"),
        }
    }

    #[test]
    fn serde_refusals_are_named_at_their_json_pointer() {
        let item = |count: Value| json!({"items": [{"name": "a", "count": 1}, {"name": "b", "count": count}]});
        let error = refused::<Order>(item(json!(300)), "/body");
        assert_eq!(error.path, "/body/items/1/count");
        assert_eq!(error.keyword, "format");
        assert_eq!(error.message, "invalid value: an integer, expected u8");

        // An integer written `1.0`: the schema takes it for 1, serde does not.
        let error = refused::<Order>(item(json!(1.0)), "/body");
        assert_eq!(
            (error.path.as_str(), error.message.as_str()),
            ("/body/items/1/count", "invalid type: a number, expected u8")
        );

        // Externally tagged variants are keys of the value; map keys are escaped.
        let shape = json!({"items": [], "shape": {"Circle": {"radius": -1}}});
        assert_eq!(refused::<Order>(shape, "/body").path, "/body/shape/Circle/radius");
        let shape = json!({"items": [], "shape": {"Square": 256}});
        assert_eq!(refused::<Order>(shape, "/body").path, "/body/shape/Square");
        let tags = json!({"items": [], "tags": {"a/b~c": 999}});
        assert_eq!(refused::<Order>(tags, "/body").path, "/body/tags/a~1b~0c");

        // A parameter struct, and a whole part of the wrong shape.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Query {
            page: u32,
        }
        let error = refused::<Query>(json!({"page": 4_294_967_296_u64}), "/query");
        assert_eq!((error.path.as_str(), error.keyword.as_str()), ("/query/page", "format"));
        assert_eq!(refused::<Vec<u8>>(json!({"name": "ada"}), "/body").path, "/body");
    }

    #[test]
    fn serde_messages_never_repeat_the_value_they_judge() {
        let error = refused::<Order>(json!({"items": [], "pin": "Secret1"}), "/body");
        assert_eq!(error.path, "/body/pin");
        assert_eq!(error.message, "the value is not a PIN of four digits");

        let error = refused::<Order>(json!({"items": [], "plan": "Secret1-plan"}), "/body");
        assert_eq!(error.path, "/body/plan");
        assert!(
            !error.message.contains("Secret1") && error.message.starts_with("unknown variant the value"),
            "{error:?}"
        );

        let error = refused::<Order>(json!({"items": [{"name": "Secret1", "count": "Secret1"}]}), "/body");
        assert_eq!(error.path, "/body/items/0/count");
        assert_eq!(error.message, "invalid type: a string, expected u8");

        // A message quoting a long value in its own words (not the value as sent) is cut.
        let long = "7".repeat(10_000);
        let error = refused::<Order>(json!({"items": [], "pin": format!(" {long}")}), "/body");
        assert_eq!(error.message.chars().count(), 161, "160 characters and an ellipsis");
        let rejection = decode::<Order>(json!({"items": [], "pin": "Secret1"}), "/body").expect_err("refused");
        assert_eq!(rejection.to_string(), "/body/pin does not fit the contract type");
        assert!(std::error::Error::source(&rejection).is_some(), "serde's error stays the cause");
    }

    #[test]
    fn nul_is_named_wherever_it_is() {
        let value = serde_json::json!({
            "name": "a\u{0}b",
            "tags": ["ok", "\u{0}"],
            "nested": {"x\u{0}y": "fine", "deep": [{"z": "\u{0}"}]},
            "clean": "no nul here",
            "count": 0,
        });
        let mut errors = Vec::new();
        nul_fields(&value, "/body", &mut errors);
        let mut paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["/body/name", "/body/nested/deep/0/z", "/body/nested/x\u{0}y", "/body/tags/1"]);
        assert!(errors.iter().all(|e| e.keyword == "nul" && !e.message.contains('\0')));
        let mut none = Vec::new();
        nul_fields(&serde_json::json!({"a": ["b", {"c": "d"}], "e/f": "g"}), "/query", &mut none);
        assert!(none.is_empty(), "{none:?}");
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
