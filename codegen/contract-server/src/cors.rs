//! Cross-origin requests from browsers (CORS), for the exact origins a server allows ([`Cors`],
//! set with [`Core::with_cors`]). None by default, and then no CORS header is ever written: a
//! preflight is the `405` of any method a path does not have.
//!
//! Every route of a generated router is mounted through a [`Route`], which knows the contract's
//! operations on its path. With CORS on:
//! - a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed
//!   origin, for a method the path has, answers `204` with `Access-Control-Allow-Origin` (the
//!   origin), `Access-Control-Allow-Methods` (the path's methods), `Access-Control-Allow-Headers`
//!   (the request headers the path's operations read, as the contract declares or implies them —
//!   `Authorization`, `Content-Type`, `If-None-Match`, `Last-Event-ID`, header parameters — and the
//!   runtime's `X-Request-Id`) and `Access-Control-Max-Age`. A preflight from another origin is a
//!   `403` problem, one for a method the path does not have the usual `405` problem with `Allow`;
//!   neither carries an allow header, so the browser stops there.
//! - every other answer to an allowed origin, success or problem (`401`, `404`, `422`, `429`…),
//!   carries `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers`: the response
//!   headers the contract declares for the path's operations (`ETag`, `X-RateLimit-*`,
//!   `Retry-After`, `Deprecation`; CORS-safelisted ones such as `Cache-Control` need no
//!   exposing), the runtime's `X-Request-Id`, and what the server adds itself ([`Cors::expose`]).
//! - every answer carries `Vary: Origin`, since what it says depends on the origin.
//!
//! Credentials are never allowed (`Access-Control-Allow-Credentials` is never written): the
//! contract's authentication is a bearer token, which a browser sends in `Authorization` without
//! cookies; and an origin is always echoed, never `*`.
//!
//! Paths no operation has get the same treatment through [`fallback`] (the `404` problem with
//! `Access-Control-Allow-Origin`, so a browser's script can read it).

use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::fallback::{method_not_allowed, not_found};
use crate::rejection::{Rejected, Rejection};
use crate::reply::{Notices, stamp};
use crate::request::request_id;
use crate::spec::Spec;
use crate::state::Core;

/// The header the runtime answers on every request (and reads from it when the client sends one).
const REQUEST_ID: &str = "X-Request-Id";

/// Response headers a browser's script may read without being told (the CORS-safelisted ones).
const SAFELISTED: [&str; 7] =
    ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];

/// How long a browser may keep a preflight's answer, by default: ten minutes.
pub const DEFAULT_MAX_AGE_SECONDS: u32 = 600;

/// The origins browsers may call from: a comma-separated list of exact origins
/// (`https://app.example.com, http://localhost:5173`), compared without case; empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

/// An entry of an origin list that is not an origin.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an origin ({reason}): write `scheme://host` or `scheme://host:port`, http or https")]
pub struct InvalidOrigin {
    /// The entry, as written.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl FromStr for AllowedOrigins {
    type Err = InvalidOrigin;

    fn from_str(list: &str) -> Result<Self, InvalidOrigin> {
        let mut origins: Vec<String> =
            list.split(',').map(str::trim).filter(|entry| !entry.is_empty()).map(origin).collect::<Result<_, _>>()?;
        origins.dedup();
        Ok(Self(origins))
    }
}

/// One origin, as a browser serializes it in `Origin`: lower case, without the scheme's default
/// port.
fn origin(text: &str) -> Result<String, InvalidOrigin> {
    let invalid = |reason| InvalidOrigin { text: text.to_owned(), reason };
    if text == "*" || text == "null" {
        return Err(invalid("list each origin: a wildcard or `null` would let any page call with the user's token"));
    }
    let lower = text.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").ok_or_else(|| invalid("no scheme"))?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return Err(invalid("the scheme is not http or https")),
    };
    if rest.contains(['/', '?', '#']) {
        return Err(invalid("an origin has no path, query or fragment (not even a trailing `/`)"));
    }
    if rest.contains('@') {
        return Err(invalid("an origin has no user name"));
    }
    let (host, port) = match rest.rsplit_once(':') {
        // `[::1]` alone: the colon is the address's.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    if host.is_empty() || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-[]:_".contains(&b)) {
        return Err(invalid("the host is empty or not an ASCII host name or address"));
    }
    if let Some(port) = port
        && port.parse::<u16>().map_or(true, |port| port == 0)
    {
        return Err(invalid("the port is not a number from 1 to 65535"));
    }
    Ok(lower.strip_suffix(default_port).unwrap_or(&lower).to_owned())
}

impl AllowedOrigins {
    /// Whether no origin is allowed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `origin` (an `Origin` header's value) is one of the list.
    pub fn allows(&self, origin: &HeaderValue) -> bool {
        let origin = origin.as_bytes();
        self.0.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin))
    }

    /// The origins, as compared.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// What cross-origin callers may do: the allowed origins, how long a preflight's answer holds, and
/// the response headers the server adds itself that browsers' scripts may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cors {
    origins: AllowedOrigins,
    max_age: u32,
    expose: Vec<&'static str>,
}

impl Cors {
    /// CORS for `origins`, preflights kept [`DEFAULT_MAX_AGE_SECONDS`].
    pub fn new(origins: AllowedOrigins) -> Self {
        Self { origins, max_age: DEFAULT_MAX_AGE_SECONDS, expose: Vec::new() }
    }

    /// Browsers keep a preflight's answer `seconds` (`Access-Control-Max-Age`).
    pub fn max_age(self, seconds: u32) -> Self {
        Self { max_age: seconds, ..self }
    }

    /// Exposes `headers` too: headers the server adds to answers outside the contract's
    /// declarations (a `Location` written by a layer of its own, say).
    pub fn expose(mut self, headers: impl IntoIterator<Item = &'static str>) -> Self {
        self.expose.extend(headers);
        self
    }

    /// The allowed origins.
    pub fn origins(&self) -> &AllowedOrigins {
        &self.origins
    }
}

/// A path of a generated router: the methods its operations answer (`Allow`) and, with CORS on,
/// what its preflights allow and its answers expose. Built once, with the router.
pub struct Route {
    allow: &'static str,
    cors: Option<Arc<RouteCors>>,
}

/// The CORS answers of one path, computed once.
struct RouteCors {
    origins: AllowedOrigins,
    /// The path's `Allow` list.
    allow: &'static str,
    /// The path's methods; empty for [`fallback`] (no operation: every request is its `404`).
    methods: Vec<&'static str>,
    allow_methods: HeaderValue,
    allow_headers: HeaderValue,
    expose: HeaderValue,
    max_age: HeaderValue,
}

impl Route {
    /// The path whose operations are `specs`, answering the methods `allow` lists (`GET, POST`,
    /// in the order of `specs`).
    pub fn new(core: &Core, allow: &'static str, specs: &[&'static Spec]) -> Self {
        let cors = core.cors.as_ref().map(|cors| {
            let methods: Vec<&'static str> = allow.split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
            let requested = specs.iter().flat_map(|spec| spec.request_headers.iter().copied());
            let allow_headers = names(requested.chain([REQUEST_ID]));
            let declared = specs.iter().flat_map(|spec| spec.response_headers.iter().copied());
            let extra = cors.expose.iter().copied();
            let exposed = declared.chain([REQUEST_ID]).chain(extra).filter(|name| !is_safelisted(name));
            Arc::new(RouteCors {
                origins: cors.origins.clone(),
                allow,
                allow_methods: list(methods.iter().copied()),
                methods,
                allow_headers: list(allow_headers.iter().map(String::as_str)),
                expose: list(names(exposed).iter().map(String::as_str)),
                max_age: HeaderValue::from(cors.max_age),
            })
        });
        Self { allow, cors }
    }

    /// `router` (the path's operations) with the `405` of other methods, and with CORS when it is on.
    pub fn mount(self, router: MethodRouter) -> MethodRouter {
        let allow = self.allow;
        let router = router.fallback(move |request: Request| async move { method_not_allowed(allow, &request) });
        match self.cors {
            Some(cors) => router.layer(axum::middleware::from_fn_with_state(cors, cross_origin)),
            None => router,
        }
    }
}

/// What a server answers for paths no operation has (`Router::fallback_service`): the `404`
/// problem of [`not_found`], with the CORS headers of `core`.
pub fn fallback(core: &Core) -> MethodRouter {
    let route = Route::new(core, "", &[]);
    let router = MethodRouter::new().fallback(not_found);
    match route.cors {
        Some(cors) => router.layer(axum::middleware::from_fn_with_state(cors, cross_origin)),
        None => router,
    }
}

/// `names` without repeats (compared without case, the first spelling kept), sorted without case.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            out.push(name.to_owned());
        }
    }
    out.sort_by_key(|name| name.to_ascii_lowercase());
    out
}

fn is_safelisted(name: &str) -> bool {
    SAFELISTED.iter().any(|safe| safe.eq_ignore_ascii_case(name))
}

/// A header value listing `items`; names and methods come from the contract and the server,
/// so a value that cannot be a header is left empty rather than failing a request.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> HeaderValue {
    HeaderValue::from_str(&items.collect::<Vec<_>>().join(", ")).unwrap_or(HeaderValue::from_static(""))
}

/// The middleware of a path with CORS on (see the module docs).
async fn cross_origin(State(route): State<Arc<RouteCors>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let allowed = headers.get(header::ORIGIN).filter(|origin| route.origins.allows(origin)).cloned();
    let preflight = request.method() == Method::OPTIONS && headers.contains_key(header::ORIGIN);
    let requested = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD).filter(|_| preflight).cloned();
    let mut response = match requested {
        // On a path without operations, a preflight is answered like any request: the `404`.
        Some(method) if !route.methods.is_empty() => route.preflight(request.headers(), allowed, &method),
        _ => {
            let mut response = next.run(request).await;
            if let Some(origin) = allowed {
                let headers = response.headers_mut();
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                if !route.expose.is_empty() {
                    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, route.expose.clone());
                }
            }
            response
        }
    };
    response.headers_mut().append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

impl RouteCors {
    /// The answer to a preflight asking for `method`, from `origin` when it is allowed.
    fn preflight(&self, headers: &HeaderMap, origin: Option<HeaderValue>, method: &HeaderValue) -> Response {
        let refuse = |rejection| {
            Rejected { rejection, request_id: request_id(headers), admission: None, notices: Notices::default() }
                .into_response()
        };
        let Some(origin) = origin else { return refuse(Rejection::CrossOriginRefused) };
        if !self.methods.iter().any(|allowed| allowed.as_bytes() == method.as_bytes()) {
            return refuse(Rejection::MethodNotAllowed { allow: self.allow });
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        let out = response.headers_mut();
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, self.allow_methods.clone());
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, self.allow_headers.clone());
        out.insert(header::ACCESS_CONTROL_MAX_AGE, self.max_age.clone());
        // The answer depends on the method asked for, too.
        out.append(header::VARY, HeaderValue::from_static("Access-Control-Request-Method"));
        stamp(out, &request_id(headers), None, Notices::default());
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::auth::{AuthError, Authenticator, Principal};
    use crate::limit::RateLimit;
    use crate::spec::{Kind, Param, Parameters, Security};
    use crate::{BoxFuture, Prepared, Reply, ResponseValidation, finish};

    #[test]
    fn origins_are_exact_and_refusals_say_why() {
        let origins: AllowedOrigins =
            " https://App.Example.com , http://localhost:5173,http://[::1]:8080, https://a.example:443 ,,"
                .parse()
                .expect("origins");
        assert_eq!(
            origins.iter().collect::<Vec<_>>(),
            ["https://app.example.com", "http://localhost:5173", "http://[::1]:8080", "https://a.example"]
        );
        assert!(origins.allows(&HeaderValue::from_static("https://app.example.com")));
        assert!(origins.allows(&HeaderValue::from_static("HTTPS://APP.EXAMPLE.COM")), "without case");
        assert!(origins.allows(&HeaderValue::from_static("http://[::1]:8080")));
        for refused in
            ["https://app.example.com.evil.test", "http://app.example.com", "https://app.example.com:8443", "null"]
        {
            assert!(!origins.allows(&HeaderValue::from_static(refused)), "{refused}");
        }
        assert!("".parse::<AllowedOrigins>().expect("empty").is_empty());

        for (text, reason) in [
            ("*", "wildcard"),
            ("null", "wildcard"),
            ("app.example.com", "no scheme"),
            ("ftp://app.example.com", "not http or https"),
            ("https://app.example.com/", "no path"),
            ("https://app.example.com/app", "no path"),
            ("https://user@app.example.com", "user name"),
            ("https://:8080", "host is empty"),
            ("https://app.example.com:0", "port"),
            ("https://app.example.com:99999", "port"),
            ("https://app example.com", "host"),
        ] {
            let list = format!("https://fine.example, {text}");
            let error = list.parse::<AllowedOrigins>().expect_err(text);
            assert_eq!(error.text, text);
            assert!(error.to_string().contains(reason), "{text}: {error}");
        }
    }

    static LIST: Spec = Spec {
        id: "list_things",
        path: None,
        query: None,
        headers: None,
        body: None,
        body_required: false,
        responses: &[],
        problem: "{}",
        security: Security::Public,
        rate_limit: Some(RateLimit { requests: 100, window_seconds: 60 }),
        etag: true,
        no_store: false,
        deprecated: false,
        request_headers: &["If-None-Match"],
        response_headers: &["ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"],
    };

    static CREATE: Spec = Spec {
        id: "create_thing",
        path: None,
        query: None,
        headers: Some(Parameters {
            schema: r#"{"type": "object"}"#,
            params: &[Param { name: "Idempotency-Key", kind: Kind::Text }],
        }),
        body: Some(r#"{"type": "object"}"#),
        body_required: true,
        responses: &[],
        problem: "{}",
        security: Security::Bearer,
        rate_limit: None,
        etag: false,
        no_store: true,
        deprecated: true,
        request_headers: &["Authorization", "Content-Type", "Idempotency-Key"],
        response_headers: &["Deprecation", "Cache-Control"],
    };

    struct Nobody;

    impl Authenticator for Nobody {
        fn authenticate<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
            Box::pin(async { Err(AuthError::Invalid) })
        }
    }

    fn core(origins: &str) -> Arc<Core> {
        let core = Core::new(Arc::new(Nobody), 1024);
        Arc::new(core.with_cors(Cors::new(origins.parse().expect("origins")).expose(["Location"])))
    }

    /// `/things`: `GET` answers `200` through the runtime, `POST` a `401` problem (nobody is signed in).
    fn router(core: &Arc<Core>) -> axum::Router {
        let list = {
            let core = core.clone();
            move |request: Request| async move {
                let operation = crate::Operation::compile(&LIST, &crate::spec::test_schemas(), ResponseValidation::Off)
                    .expect("compiles");
                let prepared: Prepared = crate::prepare(&core, &operation, request).await.expect("public");
                finish(&operation, &prepared, Raw)
            }
        };
        let create = {
            let core = core.clone();
            move |request: Request| async move {
                let operation =
                    crate::Operation::compile(&CREATE, &crate::spec::test_schemas(), ResponseValidation::Off)
                        .expect("compiles");
                match crate::prepare(&core, &operation, request).await {
                    Ok(prepared) => finish(&operation, &prepared, Raw),
                    Err(rejected) => rejected.into_response(),
                }
            }
        };
        let things = Route::new(core, "GET, POST", &[&LIST, &CREATE]).mount(axum::routing::get(list).post(create));
        axum::Router::new().route("/things", things).fallback_service(fallback(core))
    }

    struct Raw;

    impl crate::IntoReply for Raw {
        fn into_reply(self) -> Reply {
            Reply::raw(200, "things", "text/plain")
        }
    }

    async fn send(
        router: &axum::Router,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, String) {
        let mut request = HttpRequest::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    const APP: &str = "https://app.example";

    fn vary(headers: &HeaderMap) -> Vec<&str> {
        headers.get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).collect()
    }

    #[tokio::test]
    async fn a_preflight_from_an_allowed_origin_gets_the_paths_methods_and_headers() {
        let router = router(&core(APP));
        let preflight = [
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization, content-type"),
        ];
        let (status, headers, body) = send(&router, Method::OPTIONS, "/things", &preflight).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, POST");
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_HEADERS],
            "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id"
        );
        assert_eq!(headers[header::ACCESS_CONTROL_MAX_AGE], "600");
        assert_eq!(vary(&headers), ["Access-Control-Request-Method", "Origin"]);
        assert!(headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none(), "credentials are never allowed");
        assert!(headers.contains_key("x-request-id"));
    }

    #[tokio::test]
    async fn a_preflight_from_another_origin_or_for_another_method_is_refused_without_allow_headers() {
        let router = router(&core(APP));
        for (origin, method, status, detail) in [
            (
                "https://evil.example",
                "POST",
                StatusCode::FORBIDDEN,
                "cross-origin requests from this origin are not allowed",
            ),
            (APP, "DELETE", StatusCode::METHOD_NOT_ALLOWED, "this path answers GET, POST"),
        ] {
            let preflight = [("origin", origin), ("access-control-request-method", method)];
            let (got, headers, body) = send(&router, Method::OPTIONS, "/things", &preflight).await;
            assert_eq!(got, status, "{body}");
            assert_eq!(headers[header::CONTENT_TYPE], crate::PROBLEM_JSON);
            let problem: serde_json::Value = serde_json::from_str(&body).expect("a problem");
            assert_eq!(problem["detail"], detail);
            for name in [
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                header::ACCESS_CONTROL_ALLOW_METHODS,
                header::ACCESS_CONTROL_ALLOW_HEADERS,
            ] {
                assert!(headers.get(&name).is_none(), "{name} on a refused preflight");
            }
            assert_eq!(vary(&headers), ["Origin"]);
        }
    }

    #[tokio::test]
    async fn answers_to_an_allowed_origin_expose_the_declared_headers_success_or_problem() {
        let router = router(&core(APP));
        let (status, headers, _) = send(&router, Method::GET, "/things", &[("origin", APP)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(
            headers[header::ACCESS_CONTROL_EXPOSE_HEADERS],
            "Deprecation, ETag, Location, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id",
            "the path's declared headers, the request id and the server's own; never Cache-Control (safelisted)"
        );
        assert_eq!(vary(&headers), ["Origin"]);
        assert!(headers.contains_key(header::ETAG));

        let (status, headers, body) = send(&router, Method::POST, "/things", &[("origin", APP)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP, "a problem is readable too");
        assert!(headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS));

        let (status, headers, _) = send(&router, Method::PUT, "/things", &[("origin", APP)]).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);

        let (status, headers, _) = send(&router, Method::GET, "/nowhere", &[("origin", APP)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP, "the fallback's 404 too");
        assert_eq!(headers[header::ACCESS_CONTROL_EXPOSE_HEADERS], "Location, X-Request-Id");
        let preflight = [("origin", APP), ("access-control-request-method", "GET")];
        let (status, headers, _) = send(&router, Method::OPTIONS, "/nowhere", &preflight).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no operation, no preflight");
        assert!(headers.get(header::ACCESS_CONTROL_ALLOW_METHODS).is_none());
    }

    #[tokio::test]
    async fn another_origin_gets_answers_without_cors_headers() {
        let router = router(&core(APP));
        let (status, headers, _) = send(&router, Method::GET, "/things", &[("origin", "https://evil.example")]).await;
        assert_eq!(status, StatusCode::OK, "the server answers; the browser withholds it from the page");
        assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert!(headers.get(header::ACCESS_CONTROL_EXPOSE_HEADERS).is_none());
        assert_eq!(vary(&headers), ["Origin"], "a cache must not hand it to an allowed origin");
    }

    #[tokio::test]
    async fn without_origins_no_cors_header_is_written() {
        for core in [Arc::new(Core::new(Arc::new(Nobody), 1024)), core("")] {
            let router = router(&core);
            let preflight = [("origin", APP), ("access-control-request-method", "GET")];
            let (status, headers, _) = send(&router, Method::OPTIONS, "/things", &preflight).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "a preflight is an OPTIONS the path does not have");
            assert_eq!(headers[header::ALLOW], "GET, POST");
            let (_, answer, _) = send(&router, Method::GET, "/things", &[("origin", APP)]).await;
            for headers in [headers, answer] {
                assert!(headers.keys().all(|name| !name.as_str().starts_with("access-control-")), "{headers:?}");
                assert!(headers.get(header::VARY).is_none());
            }
        }
    }

    #[tokio::test]
    async fn an_options_request_that_is_no_preflight_is_a_405() {
        let router = router(&core(APP));
        let (status, headers, _) = send(&router, Method::OPTIONS, "/things", &[("origin", APP)]).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(headers[header::ALLOW], "GET, POST");
        assert!(headers.get(header::ACCESS_CONTROL_ALLOW_METHODS).is_none());
    }
}
