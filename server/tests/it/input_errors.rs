//! Values the schema accepts but the contract's Rust type refuses, sent as raw HTTP: the `422`
//! names the refused value's JSON pointer (keyword `format`), never just `/body`, and its message
//! does not repeat the value. And URLs that WHATWG cannot read, which the schema now refuses.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common;
use crate::e2e::{errors, raw, register_and_login};

/// The `422` problem of `body` sent to `method path`, checked to be one.
async fn refused(server: &common::TestServer, method: Method, path: &str, token: &str, body: Value) -> Value {
    let (status, headers, problem) = raw(server, method, path, Some(token), Some(body.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
    assert_eq!(headers["content-type"], "application/problem+json");
    problem
}

/// Issue 10, item 9: `http://999.999.999.999/` passed `format: uri` and the pattern, then failed
/// `url::Url`, and the `422` said `/body`. A host ending in a number that is no IPv4 address is
/// now refused by the schema itself, at the field.
#[tokio::test]
async fn a_link_whose_host_is_no_ipv4_address_is_422_at_its_field() {
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    for url in ["http://999.999.999.999/", "http://1.2.3.256/", "https://example.0x1f/", "http://a.com:65536/"] {
        let body = json!({"name": "Landing", "github_repo_url": url});
        let problem = refused(&server, Method::POST, "/api/v2/projects", &token, body).await;
        assert_eq!(errors(&problem), [("/body/github_repo_url".to_owned(), "pattern".to_owned())], "{url}: {problem}");
        assert!(!problem.to_string().contains(url), "the value is not repeated: {problem}");
    }
    let body = json!({"name": "Landing", "github_repo_url": "http://192.0.2.7:8080/repo"}).to_string();
    let (status, _, project) = raw(&server, Method::POST, "/api/v2/projects", Some(&token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "a dotted-decimal address is a host: {project}");
}

/// A value only serde refuses (a `xn--` label that is not Punycode: the pattern does not check
/// Punycode, the url crate does) is named at its pointer, in a create and in an update.
#[tokio::test]
async fn a_value_serde_refuses_after_the_schema_accepted_it_is_named_at_its_pointer() {
    let server = common::start().await;
    let token = register_and_login(&server, "grace@example.com").await;
    let url = "https://xn--zz.example/secret-path";

    let body = json!({"name": "Landing", "github_repo_url": url});
    let problem = refused(&server, Method::POST, "/api/v2/projects", &token, body).await;
    assert_eq!(errors(&problem), [("/body/github_repo_url".to_owned(), "format".to_owned())], "{problem}");
    assert_eq!(problem["detail"], "/body/github_repo_url does not fit the contract type");
    let message = problem["errors"][0]["message"].as_str().expect("a message");
    assert_eq!(message, "not a URL: invalid international domain name", "WebUrl's words, without the value");
    assert!(!problem.to_string().contains("secret-path"), "the value is not repeated: {problem}");

    let body = json!({"name": "Landing"}).to_string();
    let (status, _, project) = raw(&server, Method::POST, "/api/v2/projects", Some(&token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    let path = format!("/api/v2/projects/{}", project["id"].as_str().expect("an id"));
    let body = json!({"description": "fine", "vercel_url": url});
    let problem = refused(&server, Method::PATCH, &path, &token, body).await;
    assert_eq!(errors(&problem), [("/body/vercel_url".to_owned(), "format".to_owned())], "{problem}");
}

/// The payment provider's redirect links are web links, as project links are: a `javascript:`,
/// `file:` or over-long one is a `422` at its field, not a provider's refusal (`502`) later.
#[tokio::test]
async fn a_billing_redirect_that_is_no_web_link_is_422_at_its_field() {
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let long = format!("https://app.devora.dev/{}", "a".repeat(schemas::common::WebUrl::MAX_LENGTH));
    for (url, keyword) in
        [("javascript:alert(1)", "pattern"), ("file:///etc/passwd", "pattern"), (long.as_str(), "maxLength")]
    {
        let body = json!({"return_url": url});
        let problem = refused(&server, Method::POST, "/api/v2/billing/portal", &token, body).await;
        assert_eq!(errors(&problem), [("/body/return_url".to_owned(), keyword.to_owned())], "{problem}");
    }
}

/// `.` is no file name: URLs resolve it away, so no client could address the file. Every URL
/// library resolves `%2E` too, so the request is written on the socket by hand.
#[tokio::test]
async fn a_file_named_dot_is_422() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let body = json!({"name": "Dots"}).to_string();
    let (_, _, project) = raw(&server, Method::POST, "/api/v2/projects", Some(&token), Some(body)).await;
    let id = project["id"].as_str().expect("id");
    let mut socket = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let request = format!(
        "GET /api/v2/projects/{id}/files/%2E HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 422 "), "{answer}");
    let (_, body) = answer.split_once("\r\n\r\n").expect("a body");
    let problem: Value = serde_json::from_str(body).expect("a problem");
    assert_eq!(errors(&problem), [("/path/file_name".to_owned(), "not".to_owned())], "{problem}");
}
