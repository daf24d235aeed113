//! Why the runtime refuses a request before (or instead of) a handler: one [`Rejection`] per
//! cause, each with a fixed status and title, its message (and cause) the problem's `detail`. A rejection
//! reaches the wire only as a [`Rejected`], which carries what every answer to the request
//! carries (request id, rate-limit state, deprecation), so no refusal can leave them out.

use axum::extract::rejection::RawPathParamsRejection;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::auth::AuthError;
use crate::limit::Admission;
use crate::problem::{FieldError, problem};
use crate::reply::{Notices, stamp};

/// A refused request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// `401` with `WWW-Authenticate: Bearer`.
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    /// `403`: the principal lacks the operation's role.
    #[error("this operation needs the `{role}` role")]
    Forbidden { role: &'static str },
    /// `429` with `Retry-After` and the `X-RateLimit-*` headers of the spent window.
    #[error("the limit is {} requests per window; retry in {} seconds", .0.limit, .0.reset)]
    TooManyRequests(Admission),
    /// `400`: the body is not JSON.
    #[error("the body is not valid JSON")]
    MalformedJson(#[source] serde_json::Error),
    /// `400`: the body could not be received.
    #[error("the body could not be read")]
    UnreadableBody(#[source] axum::Error),
    /// `413`: the body is larger than [`Core`](crate::Core) accepts.
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// `415`: a body sent as another media type than JSON.
    #[error("the body must be sent as `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// `422`: every rule of the contract the request breaks.
    #[error("{} of the contract {} broken", rules(.0.len()), if .0.len() == 1 { "is" } else { "are" })]
    Invalid(Vec<FieldError>),
    /// `422`: a validated part that still does not decode into its contract type (the type checks
    /// more than its schema says): `error` names the refused value's JSON pointer, with the
    /// keyword `format` and serde's message without the value.
    #[error("{} does not fit the contract type", .error.path)]
    Undecodable {
        error: FieldError,
        #[source]
        source: serde_json::Error,
    },
    /// `422`: path parameters that cannot be read (not UTF-8 once percent-decoded).
    #[error("a path parameter cannot be read")]
    UnreadablePath(#[source] RawPathParamsRejection),
    /// `404`: no operation has this path.
    #[error("no operation at {path}")]
    NotFound { path: String },
    /// `405` with `Allow`: the path exists with other methods.
    #[error("this path answers {allow}")]
    MethodNotAllowed { allow: &'static str },
    /// `403`: a CORS preflight from an origin the server does not allow.
    #[error("cross-origin requests from this origin are not allowed")]
    CrossOriginRefused,
}

fn rules(count: usize) -> String {
    format!("{count} rule{}", if count == 1 { "" } else { "s" })
}

impl Rejection {
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Rejection::Forbidden { .. } | Rejection::CrossOriginRefused => StatusCode::FORBIDDEN,
            Rejection::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Rejection::MalformedJson(_) | Rejection::UnreadableBody(_) => StatusCode::BAD_REQUEST,
            Rejection::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Rejection::Invalid(_) | Rejection::Undecodable { .. } | Rejection::UnreadablePath(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Rejection::NotFound { .. } => StatusCode::NOT_FOUND,
            Rejection::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// The problem's `title`: the status's reason phrase, as for every problem of that status
    /// (the particulars are `detail`).
    pub fn title(&self) -> &'static str {
        crate::reason_phrase(self.status().as_u16())
    }

    /// The problem's `detail`: the message, and where the client can act on it, its cause.
    pub fn detail(&self) -> String {
        match self {
            Rejection::MalformedJson(source) => format!("{self}: {source}"),
            Rejection::UnreadableBody(source) => format!("{self}: {source}"),
            _ => self.to_string(),
        }
    }

    /// The problem, with the headers this kind of refusal implies.
    fn into_problem(self) -> Response {
        let detail = self.detail();
        let (status, title) = (self.status(), self.title());
        let mut headers = HeaderMap::new();
        match &self {
            Rejection::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Rejection::TooManyRequests(admission) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(admission.reset));
                admission.write_headers(&mut headers);
            }
            Rejection::MethodNotAllowed { allow } => {
                headers.insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            _ => {}
        }
        let errors = match self {
            Rejection::Invalid(errors) => errors,
            Rejection::Undecodable { error, .. } => vec![error],
            Rejection::UnreadablePath(rejection) => {
                vec![FieldError { path: "/path".into(), keyword: "format".into(), message: rejection.body_text() }]
            }
            _ => Vec::new(),
        };
        let mut response = problem(status, title, Some(&detail), &errors);
        response.headers_mut().extend(headers);
        response
    }
}

/// A [`Rejection`] of one request, with what every answer to that request carries.
#[derive(Debug, thiserror::Error)]
#[error("request {request_id} refused: {}", .rejection.title())]
pub struct Rejected {
    #[source]
    pub rejection: Rejection,
    /// Echoed as `X-Request-Id`.
    pub request_id: String,
    /// The rate-limit state when the request was counted before it was refused (`X-RateLimit-*`).
    pub admission: Option<Admission>,
    /// The operation's `Deprecation` and `Cache-Control` (none when no operation matched).
    pub notices: Notices,
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        let mut response = self.rejection.into_problem();
        stamp(response.headers_mut(), &self.request_id, self.admission, self.notices);
        response
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::{HeaderMap, Method};
    use http_body_util::BodyExt;
    use serde_json::Value;

    use super::*;
    use crate::auth::{Authenticator, Principal};
    use crate::limit::{Admit, Caller, RateLimit, RateLimiter};
    use crate::spec::{Kind, Operation, Param, Parameters, Security, Spec};
    use crate::state::Core;
    use crate::{BoxFuture, ResponseValidation, method_not_allowed, not_found, prepare};

    const BODY: &str = r#"{"type":"object","properties":{"name":{"type":"string","minLength":2}},"required":["name"]}"#;
    const QUERY: &str = r#"{"type":"object","properties":{"page":{"type":"integer","minimum":1}}}"#;

    /// A deprecated operation for admins, twice a minute, with a query and a JSON body.
    static CREATE: Spec = Spec {
        id: "create",
        path: None,
        query: Some(Parameters { schema: QUERY, params: &[Param { name: "page", kind: Kind::Integer }] }),
        headers: None,
        body: Some(BODY),
        body_required: true,
        responses: &[],
        problem: "{}",
        security: Security::Role("admin"),
        rate_limit: Some(RateLimit { requests: 2, window_seconds: 60 }),
        etag: false,
        no_store: true,
        deprecated: true,
        request_headers: &["Authorization", "Content-Type"],
        response_headers: &[
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Retry-After",
            "Deprecation",
            "Cache-Control",
        ],
    };

    /// `admin` and `user` are valid tokens, with and without the admin role.
    struct Tokens;

    impl Authenticator for Tokens {
        fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
            Box::pin(async move {
                match token {
                    "admin" | "user" => Ok(Principal {
                        id: token.to_owned(),
                        roles: if token == "admin" { vec!["admin".to_owned()] } else { Vec::new() },
                    }),
                    "old" => Err(AuthError::Expired),
                    _ => Err(AuthError::Invalid),
                }
            })
        }
    }

    fn core() -> Core {
        Core::new(Arc::new(Tokens), 64)
    }

    fn request(token: Option<&str>, content_type: &str, body: &str) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/things?page=1");
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        builder.header("content-type", content_type).body(Body::from(body.to_owned())).expect("request")
    }

    /// The status, headers and problem body of what `prepare` refuses.
    async fn refused(core: &Core, request: Request) -> (StatusCode, HeaderMap, Value) {
        let operation =
            Operation::compile(&CREATE, &crate::spec::test_schemas(), ResponseValidation::Off).expect("compiles");
        let rejected = prepare(core, &operation, request).await.err().expect("refused");
        answer(rejected.into_response()).await
    }

    async fn answer(response: Response) -> (StatusCode, HeaderMap, Value) {
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        (parts.status, parts.headers, serde_json::from_slice(&bytes).expect("a JSON problem"))
    }

    fn assert_problem(status: StatusCode, headers: &HeaderMap, problem: &Value, want: StatusCode, title: &str) {
        assert_eq!(status, want, "{problem}");
        assert_eq!(headers[header::CONTENT_TYPE], crate::PROBLEM_JSON);
        assert_eq!(problem["status"], want.as_u16());
        assert_eq!(problem["title"], title);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{problem}");
        let id = headers.get("x-request-id").expect("every refusal carries a request id");
        assert!(!id.is_empty());
    }

    #[tokio::test]
    async fn every_refusal_is_a_problem_with_a_request_id() {
        let core = core();
        let cases = [
            (request(None, "application/json", "{}"), StatusCode::UNAUTHORIZED, "Unauthorized"),
            (request(Some("user"), "application/json", "{}"), StatusCode::FORBIDDEN, "Forbidden"),
            (request(Some("admin"), "application/json", "{"), StatusCode::BAD_REQUEST, "Bad Request"),
            (request(Some("admin"), "text/plain", "{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type"),
        ];
        for (request, want, title) in cases {
            let (status, headers, problem) = refused(&core, request).await;
            assert_problem(status, &headers, &problem, want, title);
            assert_eq!(headers["deprecation"], "true", "a deprecated operation says so, refused or not");
            assert_eq!(headers["cache-control"], "no-store", "a personal operation too");
        }
        // A third counted request: the window (two a minute) is spent.
        let (status, headers, problem) = refused(&core, request(Some("admin"), "application/json", "{}")).await;
        assert_problem(status, &headers, &problem, StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");

        let core = self::core();
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(100));
        let (status, headers, problem) = refused(&core, request(Some("admin"), "application/json", &big)).await;
        assert_problem(status, &headers, &problem, StatusCode::PAYLOAD_TOO_LARGE, "Content Too Large");

        let unknown = Request::builder().uri("/nowhere").body(Body::empty()).expect("request");
        let (status, headers, problem) = answer(not_found(unknown).await).await;
        assert_problem(status, &headers, &problem, StatusCode::NOT_FOUND, "Not Found");
        let wrong = Request::builder().method(Method::PUT).uri("/things").body(Body::empty()).expect("request");
        let (status, headers, problem) = answer(method_not_allowed("GET, POST", &wrong)).await;
        assert_problem(status, &headers, &problem, StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
        assert_eq!(headers[header::ALLOW], "GET, POST");
    }

    #[tokio::test]
    async fn the_clients_request_id_is_echoed() {
        let mut request = request(None, "application/json", "{}");
        request.headers_mut().insert("x-request-id", HeaderValue::from_static("abc-123"));
        let (_, headers, _) = refused(&core(), request).await;
        assert_eq!(headers["x-request-id"], "abc-123");

        let unknown = Request::builder().uri("/nowhere").header("x-request-id", "abc-124").body(Body::empty());
        let (_, headers, _) = answer(not_found(unknown.expect("request")).await).await;
        assert_eq!(headers["x-request-id"], "abc-124");
    }

    #[tokio::test]
    async fn unauthorized_asks_for_a_bearer_token_and_says_why() {
        let (status, headers, problem) = refused(&core(), request(Some("old"), "application/json", "{}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(problem["detail"], "the bearer token has expired");
        assert!(headers.get("x-ratelimit-limit").is_none(), "refused before it was counted");
    }

    #[tokio::test]
    async fn too_many_requests_says_when_to_retry() {
        let core = core();
        for _ in 0..2 {
            refused(&core, request(Some("admin"), "text/plain", "{}")).await;
        }
        let (status, headers, problem) = refused(&core, request(Some("admin"), "application/json", "{}")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
        let retry: u64 = headers[header::RETRY_AFTER].to_str().expect("ASCII").parse().expect("seconds");
        assert!((1..=60).contains(&retry));
        assert_eq!(headers["x-ratelimit-limit"], "2");
        assert_eq!(headers["x-ratelimit-remaining"], "0");
        assert_eq!(headers["x-ratelimit-reset"], retry.to_string().as_str());
    }

    #[tokio::test]
    async fn a_422_after_admission_carries_the_rate_limit_state() {
        let core = core();
        let mut request = request(Some("admin"), "application/json", r#"{"name": "x", "extra": 1}"#);
        *request.uri_mut() = "/things?page=0".parse().expect("uri");
        let (status, headers, problem) = refused(&core, request).await;
        assert_problem(status, &headers, &problem, StatusCode::UNPROCESSABLE_ENTITY, "Unprocessable Content");
        assert_eq!(headers["x-ratelimit-limit"], "2");
        assert_eq!(headers["x-ratelimit-remaining"], "1");
        assert!(headers.get("x-ratelimit-reset").is_some());
        assert_eq!(headers["deprecation"], "true");
        let paths: Vec<&str> =
            problem["errors"].as_array().expect("errors").iter().filter_map(|e| e["path"].as_str()).collect();
        assert_eq!(paths, ["/query/page", "/body/name"], "every part's broken rules in one problem");
        assert_eq!(problem["detail"], "2 rules of the contract are broken");
    }

    #[tokio::test]
    async fn a_large_body_of_another_media_type_is_a_415_before_it_is_read() {
        let big = "x".repeat(1000);
        let mut request = request(Some("admin"), "text/plain", &big);
        request.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(big.len()));
        let (status, _, problem) = refused(&core(), request).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "not 413: the body is never read ({problem})");
    }

    #[tokio::test]
    async fn a_415_for_a_body_that_is_not_json() {
        let (status, headers, problem) = refused(&core(), request(Some("admin"), "text/plain", "{}")).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");
        assert_eq!(problem["detail"], "the body must be sent as `Content-Type: application/json`");
        assert_eq!(headers["x-ratelimit-remaining"], "1", "counted before the body was read");
    }

    #[tokio::test]
    async fn a_part_that_does_not_decode_is_refused_with_the_requests_headers() {
        let core = core();
        let operation =
            Operation::compile(&CREATE, &crate::spec::test_schemas(), ResponseValidation::Off).expect("compiles");
        let request = request(Some("admin"), "application/json", r#"{"name": "ada"}"#);
        let mut prepared = prepare(&core, &operation, request).await.expect("valid");
        let body = prepared.input.body.take().unwrap_or_default();
        let rejection = crate::decode::<Vec<u8>>(body, "/body").expect_err("an object is not a list");
        let (status, headers, problem) = answer(prepared.reject(rejection)).await;
        assert_problem(status, &headers, &problem, StatusCode::UNPROCESSABLE_ENTITY, "Unprocessable Content");
        assert_eq!(headers["x-request-id"], prepared.context.request_id.as_str());
        assert_eq!(headers["x-ratelimit-remaining"], "1");
        assert_eq!(problem["errors"][0]["path"], "/body");
        assert_eq!(problem["detail"], "/body does not fit the contract type");
    }

    #[tokio::test]
    async fn malformed_json_says_where_and_keeps_its_cause() {
        let (status, _, problem) = refused(&core(), request(Some("admin"), "application/json", "{\"name\": ")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.starts_with("the body is not valid JSON: EOF while parsing"), "{detail}");

        let cause = serde_json::from_str::<Value>("{").expect_err("not JSON");
        let rejection = Rejection::MalformedJson(cause);
        assert_eq!(rejection.to_string(), "the body is not valid JSON");
        assert!(std::error::Error::source(&rejection).is_some());
        let unauthorized = Rejection::from(AuthError::Revoked);
        assert_eq!(unauthorized.detail(), "the account behind the token is disabled");
    }

    /// Refuses everyone, after a pause, as a store across the network would answer.
    struct Closed;

    impl RateLimiter for Closed {
        fn admit<'a>(&'a self, _: &'static str, _: Caller<'a>, limit: RateLimit) -> Admit<'a> {
            Admit::later(Box::pin(async move {
                tokio::task::yield_now().await;
                Err(Admission { limit: limit.requests, remaining: 0, reset: 7 })
            }))
        }
    }

    #[tokio::test]
    async fn the_limiter_can_be_swapped() {
        let core = core().with_limiter(Arc::new(Closed));
        let (status, headers, _) =
            refused(&core, request(Some("admin"), "application/json", r#"{"name": "ada"}"#)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "7");
    }
}
