//! Browsers calling from another origin (`CORS_ORIGINS`): preflights allowed by the contract (the
//! methods and request headers of each path), refused for other origins and methods, the
//! contract's response headers exposed on successes and problems alike, and nothing at all
//! without configuration.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::common::{self, Setup, TestServer as Server};

const APP: &str = "http://localhost:5173";

async fn start_allowing(origins: &str) -> Server {
    let setup = Setup { cors_origins: origins.parse().expect("origins"), ..Setup::default() };
    common::start_setup(setup, None).await
}

/// Sends `method path` with `headers`; the status, headers and body.
async fn send(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.expect("body"))
}

async fn preflight(server: &Server, path: &str, origin: &str, method: &str) -> (StatusCode, HeaderMap, String) {
    let headers = [("origin", origin), ("access-control-request-method", method)];
    send(server, "OPTIONS", path, &headers).await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

/// A comma-separated header as a set, without case.
fn list(headers: &HeaderMap, name: &str) -> BTreeSet<String> {
    header(headers, name).split(',').map(|item| item.trim().to_ascii_lowercase()).filter(|i| !i.is_empty()).collect()
}

fn no_cors_headers(headers: &HeaderMap) -> bool {
    headers.keys().all(|name| !name.as_str().starts_with("access-control-"))
}

/// Every path of the contract: a preflight from an allowed origin gets the methods the contract
/// declares for it and the request headers its operations read.
#[tokio::test]
async fn preflights_allow_what_the_contract_declares_for_each_path() {
    let server = start_allowing(APP).await;
    let document: Value =
        serde_json::from_str(&send(&server, "GET", "/api/v2/openapi.json", &[]).await.2).expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() > 30);
    for (template, item) in paths {
        let path = template.split('/').map(|s| if s.starts_with('{') { "x" } else { s }).collect::<Vec<_>>().join("/");
        let operations = item.as_object().expect("path item");
        let methods: Vec<String> = operations.keys().map(|m| m.to_uppercase()).collect();
        let (status, headers, body) = preflight(&server, &path, APP, &methods[0]).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{template}: {body}");
        assert_eq!(header(&headers, "access-control-allow-origin"), APP, "{template}");
        let allowed: BTreeSet<String> =
            header(&headers, "access-control-allow-methods").split(", ").map(str::to_owned).collect();
        assert_eq!(allowed, methods.iter().cloned().collect(), "{template}");
        let mut read = BTreeSet::from(["x-request-id".to_owned()]);
        for operation in operations.values() {
            if operation["security"].as_array().is_some_and(|s| !s.is_empty()) {
                read.insert("authorization".into());
            }
            if operation.get("requestBody").is_some() {
                read.insert("content-type".into());
            }
            let parameters = operation["parameters"].as_array().into_iter().flatten();
            for parameter in parameters.filter(|p| p["in"] == "header") {
                read.insert(parameter["name"].as_str().expect("name").to_ascii_lowercase());
            }
        }
        assert_eq!(list(&headers, "access-control-allow-headers"), read, "{template}");
        assert_eq!(header(&headers, "access-control-max-age"), "600");
        assert!(headers.get("access-control-allow-credentials").is_none(), "bearer tokens need no cookies");
    }
    // The derived lists hold what each kind of operation needs.
    let headers_of = async |path: &str, method: &str| {
        list(&preflight(&server, path, APP, method).await.1, "access-control-allow-headers")
    };
    let create = headers_of("/api/v2/projects", "POST").await;
    assert!(create.contains("authorization") && create.contains("content-type"), "{create:?}");
    assert!(headers_of("/api/v2/billing/checkout", "POST").await.contains("idempotency-key"));
    assert!(headers_of("/api/v2/openapi.json", "GET").await.contains("if-none-match"));
    assert!(headers_of("/api/v2/generate/jobs/x/events", "GET").await.contains("last-event-id"));
}

#[tokio::test]
async fn preflights_from_other_origins_or_for_other_methods_are_refused() {
    let server = start_allowing(&format!("{APP}, https://admin.example.com")).await;
    let (status, headers, _) = preflight(&server, "/api/v2/projects", "https://admin.example.com", "POST").await;
    assert_eq!(
        (status, header(&headers, "access-control-allow-origin")),
        (StatusCode::NO_CONTENT, "https://admin.example.com")
    );

    let (status, headers, body) = preflight(&server, "/api/v2/projects", "https://evil.example.com", "POST").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(header(&headers, "content-type"), "application/problem+json");
    let problem: Value = serde_json::from_str(&body).expect("a problem");
    assert_eq!(problem["detail"], "cross-origin requests from this origin are not allowed");
    assert!(no_cors_headers(&headers), "{headers:?}");

    let (status, headers, body) = preflight(&server, "/api/v2/projects", APP, "DELETE").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(header(&headers, "allow"), "GET, POST");
    assert!(no_cors_headers(&headers), "{headers:?}");
    assert_eq!(header(&headers, "vary"), "Origin");
}

#[tokio::test]
async fn answers_to_an_allowed_origin_expose_the_contracts_headers_problems_included() {
    let server = start_allowing(APP).await;
    let expected =
        ["etag", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "x-request-id"];
    let origin = [("origin", APP)];

    let (status, headers, _) = send(&server, "GET", "/api/v2/openapi.json", &origin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "access-control-allow-origin"), APP);
    assert!(headers.get_all("vary").iter().any(|v| v == "Origin"), "{headers:?}");
    let exposed = list(&headers, "access-control-expose-headers");
    assert!(expected.iter().all(|name| exposed.contains(*name)), "{exposed:?}");
    assert!(exposed.contains("location"), "the server's own Location (202 of a generation)");
    assert!(!exposed.contains("cache-control"), "safelisted: readable anyway");
    for name in ["etag", "x-ratelimit-limit", "x-request-id"] {
        assert!(headers.contains_key(name), "{name} is answered as well as exposed");
    }

    // Problems: 401, 422 then 429 (register: three a minute), and the 404 of an unknown path.
    let (status, headers, _) = send(&server, "GET", "/api/v2/auth/me", &origin).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(header(&headers, "access-control-allow-origin"), APP);
    assert!(list(&headers, "access-control-expose-headers").contains("x-request-id"));
    let register = [("origin", APP), ("content-type", "application/json")];
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let mut request = reqwest::Client::new().post(format!("{}/api/v2/auth/register", server.base)).body("{}");
        for (name, value) in register {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("request");
        statuses.push(response.status());
        assert_eq!(header(response.headers(), "access-control-allow-origin"), APP, "{}", response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let exposed = list(response.headers(), "access-control-expose-headers");
            assert!(exposed.contains("retry-after") && exposed.contains("x-ratelimit-reset"), "{exposed:?}");
            assert!(response.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, [422, 422, 422, 429].map(|s| StatusCode::from_u16(s).expect("status")));
    let (status, headers, _) = send(&server, "GET", "/api/v2/nowhere", &origin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "access-control-allow-origin"), APP);

    // Another origin: the same answers, without CORS headers (the browser keeps them from its page).
    let (status, headers, _) = send(&server, "GET", "/api/v2/health", &[("origin", "https://evil.example.com")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(no_cors_headers(&headers));
    assert_eq!(header(&headers, "vary"), "Origin");
}

#[tokio::test]
async fn without_cors_origins_no_cors_header_is_written() {
    let server = common::start().await;
    let (status, headers, _) = preflight(&server, "/api/v2/projects", APP, "POST").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "as before: OPTIONS is no method of the contract");
    assert!(no_cors_headers(&headers));
    for path in ["/api/v2/health", "/api/v2/auth/me", "/api/v2/nowhere"] {
        let (_, headers, _) = send(&server, "GET", path, &[("origin", APP)]).await;
        assert!(no_cors_headers(&headers), "{path}: {headers:?}");
        assert!(headers.get("vary").is_none(), "{path}");
    }
}
