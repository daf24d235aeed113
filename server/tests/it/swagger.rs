//! Swagger UI at `/api/v2/docs`: a page that loads Swagger UI from this server only, pointed at the
//! server's own OpenAPI document, with "try it out" sent to the origin that served it; its files
//! under `/api/v2/docs/` with their media types; and the reference page at its own path.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::common::{self, TestServer as Server};

async fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.expect("body").to_vec())
}

fn content_type(headers: &HeaderMap) -> &str {
    headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn the_docs_page_loads_swagger_ui_from_this_server_pointed_at_its_document() {
    let server = common::start().await;
    let (status, headers, body) = get(&server, "/api/v2/docs", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("text/html"));
    let page = String::from_utf8(body).expect("UTF-8");
    assert!(!page.contains("https://") && !page.contains("http://"), "nothing is fetched from elsewhere: {page}");
    let files: Vec<&str> = page.split('"').filter(|part| part.starts_with("/api/v2/docs/")).collect();
    for file in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-initializer.js"]
    {
        assert!(files.contains(&format!("/api/v2/docs/{file}").as_str()), "{file} in {files:?}");
    }
    for file in &files {
        let (status, _, _) = get(&server, file, &[]).await;
        assert_eq!(status, StatusCode::OK, "{file}, named by the page, is served");
    }
    assert!(page.contains("href=\"/api/v2/reference\""), "the page links the reference page");

    // The initializer points Swagger UI at the contract's document, with "try it out" on.
    let (_, _, initializer) = get(&server, "/api/v2/docs/swagger-initializer.js", &[]).await;
    let initializer = String::from_utf8(initializer).expect("UTF-8");
    assert!(initializer.contains("\"url\": \"/api/v2/openapi.json\""), "{initializer}");
    assert!(initializer.contains("\"tryItOutEnabled\": true"), "{initializer}");
    assert!(initializer.contains("SwaggerUIBundle("), "{initializer}");
    let (status, _, document) = get(&server, "/api/v2/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_slice(&document).expect("the document");
    // "Try it out" calls the first server: the origin that served the document, whatever its port.
    assert_eq!(document["servers"][0]["url"], "/");
    // The Authorize button offers the bearer scheme the authenticated operations use.
    assert_eq!(document["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    let page_csp = headers["content-security-policy"].to_str().expect("text");
    assert!(page_csp.contains("connect-src 'self'"), "its calls go to this server only: {page_csp}");
}

#[tokio::test]
async fn swagger_uis_files_are_served_with_their_media_types_and_etags() {
    let server = common::start().await;
    for (file, media_type) in [
        ("swagger-ui.css", "text/css"),
        ("index.css", "text/css"),
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui-standalone-preset.js", "javascript"),
        ("swagger-initializer.js", "javascript"),
        ("favicon-32x32.png", "image/png"),
    ] {
        let path = format!("/api/v2/docs/{file}");
        let (status, headers, body) = get(&server, &path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(content_type(&headers).contains(media_type), "{file}: {}", content_type(&headers));
        assert!(!body.is_empty());
        assert_eq!(headers["x-content-type-options"], "nosniff", "{file}");
        let etag = headers["etag"].to_str().expect("an ETag").to_owned();
        let (status, _, body) = get(&server, &path, &[("if-none-match", &etag)]).await;
        assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0), "{file}");
    }
    let (_, _, bundle) = get(&server, "/api/v2/docs/swagger-ui-bundle.js", &[]).await;
    assert!(bundle.len() > 500_000, "the whole of Swagger UI, from this server");

    // Only the page's files: the rest of Swagger UI's folder, and anything else, is the 404 problem.
    for path in [
        "/api/v2/docs/index.html",
        "/api/v2/docs/oauth2-redirect.html",
        "/api/v2/docs/x/y",
        "/api/v2/docs/swagger-ui.js",
    ] {
        let (status, headers, _) = get(&server, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(content_type(&headers), "application/problem+json", "{path}");
    }
    let response = reqwest::Client::new()
        .post(format!("{}/api/v2/docs/swagger-ui.css", server.base))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET");
}

#[tokio::test]
async fn the_reference_page_keeps_answering_at_its_own_path() {
    let server = common::start().await;
    let (status, headers, body) = get(&server, "/api/v2/reference", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("text/html"));
    let page = String::from_utf8(body).expect("UTF-8");
    assert!(page.contains("id=\"schema-Project\"") && page.contains("id=\"reference\""), "every operation and schema");
    assert!(!page.contains("<script"), "no script");
    assert!(page.contains("<a href=\"docs\">Swagger UI</a>"));
    assert_eq!(headers["content-security-policy"], server::DOCS_CSP);
}
