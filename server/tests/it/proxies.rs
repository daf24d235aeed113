//! Behind a reverse proxy (issue 10, item 11): with `TRUSTED_PROXIES` naming the proxy, anonymous
//! rate limits count the client its `X-Forwarded-For` names; without it, the header is the
//! client's own words and changes nothing. The test's loopback connection plays the proxy.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::common::{self, TestServer};

/// A server whose trusted proxies are `list`: a test server, rebuilt on its database with that
/// setting and served on a port of its own.
async fn start(list: &str) -> TestServer {
    let mut server = common::start().await;
    let mut config = server.app.config.clone();
    config.trusted_proxies = list.parse().expect("a list of CIDRs");
    let (router, app) = server::build(config, None, server::oauth::Providers::default()).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let limits = server.app.config.connections;
    tokio::spawn(async move { server::serve(listener, router, &limits, std::future::pending()).await });
    server.base = format!("http://{address}");
    server.app = app;
    server
}

/// A failed login (wrong password) through the proxy, for the client `forwarded_for` names.
async fn login(server: &TestServer, forwarded_for: Option<&str>) -> (StatusCode, HeaderMap) {
    let body = json!({"email": "ada@example.com", "password": "Wr0ngPassword"});
    let mut request = reqwest::Client::new().post(format!("{}/api/v2/auth/login", server.base)).json(&body);
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    let response = request.send().await.expect("login");
    (response.status(), response.headers().clone())
}

fn remaining(headers: &HeaderMap) -> &str {
    headers["x-ratelimit-remaining"].to_str().expect("ASCII")
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_window() {
    let server = start("127.0.0.1/32").await;
    // Login allows 5 a minute per client: 6 logins from two clients are 3 each.
    for round in 1..=3 {
        for client in ["198.51.100.1", "198.51.100.2"] {
            let (status, headers) = login(&server, Some(client)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "round {round} for {client}: counted apart");
            assert_eq!(remaining(&headers), (5 - round).to_string(), "{client}");
        }
    }
    // The first client spends its window; the second, and the proxy's own requests, keep theirs.
    for _ in 0..2 {
        assert_eq!(login(&server, Some("198.51.100.1")).await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, headers) = login(&server, Some("198.51.100.1")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["x-ratelimit-limit"], "5");
    // What a client wrote before the proxy appended its address is passed over.
    let (status, headers) = login(&server, Some("198.51.100.1, 198.51.100.2")).await;
    assert_eq!((status, remaining(&headers)), (StatusCode::UNAUTHORIZED, "1"), "counted for 198.51.100.2");
    let (status, headers) = login(&server, None).await;
    assert_eq!((status, remaining(&headers)), (StatusCode::UNAUTHORIZED, "4"), "the proxy itself");
}

#[tokio::test]
async fn without_trusted_proxies_forwarding_headers_are_ignored() {
    let server = start("").await;
    for attempt in 1..=5 {
        let client = format!("198.51.100.{attempt}");
        let (status, headers) = login(&server, Some(&client)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(remaining(&headers), (5 - attempt).to_string(), "one window, whatever the header says");
    }
    for header in ["198.51.100.6", "203.0.113.9, 127.0.0.1", "unknown"] {
        let (status, _) = login(&server, Some(header)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "X-Forwarded-For: {header}");
    }
    // Nor does a proxy list that does not include the peer.
    let server = start("10.0.0.0/8, ::1").await;
    for attempt in 1..=5 {
        assert_eq!(login(&server, Some(&format!("198.51.100.{attempt}"))).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(&server, Some("198.51.100.6")).await.0, StatusCode::TOO_MANY_REQUESTS);
}
