//! End to end: the server on an ephemeral loopback port with a temporary database, driven by the
//! generated Rust client (progenitor). Mistakes the typed client refuses to even build (a weak
//! password, a `../` file name, malformed JSON) are sent as raw HTTP.

use api_client::types;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, SECRET, TestServer as Server};

async fn start() -> Server {
    common::start().await
}

pub(crate) fn client(server: &Server, token: Option<&str>) -> api_client::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = token {
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header"));
    }
    let http = reqwest::Client::builder().default_headers(headers).build().expect("http client");
    api_client::Client::new_with_client(&server.base, http)
}

pub(crate) fn user(email: &str, password: &str) -> types::UserCreate {
    types::UserCreate {
        email: email.parse().expect("email"),
        password: password.parse().expect("password"),
        full_name: None,
    }
}

pub(crate) async fn register_and_login(server: &Server, email: &str) -> String {
    let anonymous = client(server, None);
    anonymous.register(&user(email, "Sup3rSecret")).await.expect("register");
    let login =
        types::UserLogin { email: email.parse().expect("email"), password: "Sup3rSecret".parse().expect("password") };
    anonymous.login(&login).await.expect("login").into_inner().access_token
}

/// A token of `admin@example.com`, registered then made admin as an operator does
/// (`server admin grant`).
pub(crate) async fn admin_token(server: &Server) -> String {
    let token = register_and_login(server, "admin@example.com").await;
    let granted = server::roles::change(&server.app.db, "ADMIN@example.com", server::roles::Change::Grant).await;
    assert!(granted.expect("grant").is_some(), "the account exists");
    token
}

/// The reset token mailed to `email`. The message is written after the 202 (off the request
/// path): this waits for it.
pub(crate) async fn reset_token_sent_to(server: &Server, email: &str) -> String {
    for _ in 0..100 {
        let message: Option<(String,)> = server::on_db!(&server.app.db, pool => {
            sqlx::query_as(server::db::sql(pool, "SELECT body FROM outbox WHERE recipient = ?"))
                .bind(email)
                .fetch_optional(pool)
                .await
        })
        .expect("outbox");
        if let Some((body,)) = message {
            return body.split_whitespace().find(|w| w.starts_with("pr_")).expect("a token in the message").to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no message to {email} in the outbox")
}

/// The status of a client error (a declared problem, or an undeclared status such as 304).
pub(crate) fn status_of(error: &api_client::Error<types::Problem>) -> Option<StatusCode> {
    error.status()
}

fn project(name: &str) -> types::ProjectCreate {
    types::ProjectCreate {
        name: name.parse().expect("name"),
        description: None,
        github_repo_url: None,
        vercel_url: None,
    }
}

#[tokio::test]
async fn the_core_flow_through_the_generated_client() {
    let server = start().await;
    let anonymous = client(&server, None);

    let created = anonymous.register(&user("ada@example.com", "Sup3rSecret")).await.expect("register");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.email.as_str(), "ada@example.com");

    let login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "Sup3rSecret".parse().expect("password"),
    };
    let tokens = anonymous.login(&login).await.expect("login").into_inner();
    assert_eq!(tokens.expires_in.get(), 900);
    let ada = client(&server, Some(&tokens.access_token));

    let me = ada.get_me().await.expect("me").into_inner();
    assert_eq!(me.email.as_str(), "ada@example.com");

    let first = ada.create_project(&project("Landing page")).await.expect("create").into_inner();
    let file = types::FileUpsert {
        content: "fn main() {}\n".parse().expect("content"),
        language: Some("rust".parse().expect("language")),
    };
    let stored =
        ada.put_file(&first.id, &"main.rs".parse().expect("file name"), &file).await.expect("put file").into_inner();
    assert_eq!(stored.size, 13);

    // Get, then the same with the ETag: 304.
    let fetched = ada.get_project(&first.id, None).await.expect("get");
    let etag = fetched.headers().get("etag").expect("an ETag").to_str().expect("ASCII").to_owned();
    assert_eq!(fetched.files.len(), 1);
    let again = ada.get_project(&first.id, Some(&etag)).await.expect_err("304 is not a success");
    assert_eq!(status_of(&again), Some(StatusCode::NOT_MODIFIED));

    // List with pagination.
    ada.create_project(&project("Blog")).await.expect("create");
    ada.create_project(&project("Shop")).await.expect("create");
    let page = ada.list_projects(None, std::num::NonZeroU32::new(2), None, None).await.expect("list").into_inner();
    assert_eq!((page.items.len(), page.total), (2, 3));
    let rest = ada
        .list_projects(std::num::NonZeroU32::new(2), std::num::NonZeroU32::new(2), None, None)
        .await
        .expect("list")
        .into_inner();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].name, "Landing page", "newest first");
    // Search ignores case, and `%` / `_` are literal.
    let found = ada
        .list_projects(None, None, Some(&"LANDING".parse().expect("search")), None)
        .await
        .expect("search")
        .into_inner();
    assert_eq!((found.total, found.items[0].name.as_str()), (1, "Landing page"));
    ada.create_project(&project("100% done")).await.expect("create");
    let percent =
        ada.list_projects(None, None, Some(&"0%".parse().expect("search")), None).await.expect("search").into_inner();
    assert_eq!(percent.items.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["100% done"]);
    let underscore =
        ada.list_projects(None, None, Some(&"_".parse().expect("search")), None).await.expect("search").into_inner();
    assert_eq!(underscore.total, 0, "`_` is not a wildcard");

    // Update, then delete.
    let update = types::ProjectUpdate {
        name: Some("Landing".parse().expect("name")),
        description: None,
        github_repo_url: None,
        vercel_url: None,
    };
    let updated = ada.update_project(&first.id, &update).await.expect("update").into_inner();
    assert_eq!(updated.name, "Landing");
    // `null` clears an optional field; an absent field stays.
    let described = types::ProjectUpdate {
        name: None,
        description: Some("temporary".parse().expect("description")),
        github_repo_url: None,
        vercel_url: None,
    };
    assert_eq!(
        ada.update_project(&first.id, &described).await.expect("update").into_inner().description.as_deref(),
        Some("temporary")
    );
    let (status, _, cleared) = raw(
        &server,
        reqwest::Method::PATCH,
        &format!("/api/v2/projects/{}", first.id),
        Some(&tokens.access_token),
        Some(json!({"description": null}).to_string()),
    )
    .await;
    assert_eq!((status, &cleared["description"], &cleared["name"]), (StatusCode::OK, &Value::Null, &json!("Landing")));
    let deleted = ada.delete_project(&first.id).await.expect("delete");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = ada.get_project(&first.id, None).await.expect_err("deleted");
    assert_eq!(status_of(&gone), Some(StatusCode::NOT_FOUND));

    // Password reset through the outbox.
    let reset = types::PasswordResetRequest { email: "ada@example.com".parse().expect("email") };
    assert_eq!(anonymous.request_password_reset(&reset).await.expect("reset request").status(), StatusCode::ACCEPTED);
    let unknown = types::PasswordResetRequest { email: "nobody@example.com".parse().expect("email") };
    assert_eq!(anonymous.request_password_reset(&unknown).await.expect("same answer").status(), StatusCode::ACCEPTED);
    let token = reset_token_sent_to(&server, "ada@example.com").await;
    let count = common::count(&server, "outbox").await;
    assert_eq!(count, 1, "no message for an unknown address");
    let confirm = types::PasswordReset {
        token: token.parse().expect("token"),
        new_password: "N3wPassword".parse().expect("password"),
    };
    assert_eq!(anonymous.reset_password(&confirm).await.expect("reset").status(), StatusCode::NO_CONTENT);
    let again = anonymous.reset_password(&confirm).await.expect_err("single use");
    assert_eq!(status_of(&again), Some(StatusCode::BAD_REQUEST));
    let old = anonymous.login(&login).await.expect_err("the old password is gone");
    assert_eq!(status_of(&old), Some(StatusCode::UNAUTHORIZED));
    let new_login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "N3wPassword".parse().expect("password"),
    };
    anonymous.login(&new_login).await.expect("the new password works");
}

pub(crate) async fn raw(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub(crate) fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (e["path"].as_str().unwrap_or_default().to_owned(), e["keyword"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_weak_password_names_each_broken_rule() {
    let server = start().await;
    assert!("weak".parse::<types::Password>().is_err(), "the typed client refuses it before sending");
    let (status, headers, problem) = raw(
        &server,
        reqwest::Method::POST,
        "/api/v2/auth/register",
        None,
        Some(json!({"email": "a@example.com", "password": "weak"}).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(headers["content-type"], "application/problem+json");
    let errors = errors(&problem);
    for rule in [("/body/password", "minLength"), ("/body/password", "pattern")] {
        assert!(errors.contains(&(rule.0.into(), rule.1.into())), "{errors:?}");
    }
    assert_eq!(errors.iter().filter(|e| e.1 == "pattern").count(), 2, "no uppercase, no digit: {errors:?}");
    assert!(!problem.to_string().contains("weak"), "a 422 never repeats the password: {problem}");

    // Nor a long value (40 kB, under the body limit): the answer stays small.
    let long = "é".repeat(20_000);
    let body = json!({"email": long, "password": "Secret1"}).to_string();
    let (status, _, problem) = raw(&server, reqwest::Method::POST, "/api/v2/auth/register", None, Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let text = problem.to_string();
    assert!(!text.contains("Secret1") && !text.contains('é') && text.len() < 2_000, "{text}");
}

/// A misspelt or invented query parameter is refused like an unknown body field, on an operation
/// with parameters and on one without.
#[tokio::test]
async fn unknown_query_parameters_are_422_naming_them() {
    let server = start().await;
    let token = register_and_login(&server, "quinn@example.com").await;
    let get = |path: &'static str| raw(&server, reqwest::Method::GET, path, Some(&token), None);
    let (status, _, problem) = get("/api/v2/projects?serach=blog&page[]=1&per_page=5").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let refused = errors(&problem);
    for name in ["serach", "page[]"] {
        assert!(refused.contains(&(format!("/query/{name}"), "additionalProperties".into())), "{refused:?}");
    }
    assert_eq!(refused.len(), 2, "`per_page` is a parameter: {refused:?}");
    let (status, _, problem) = get("/api/v2/auth/me?foo=bar").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(errors(&problem), [("/query/foo".to_owned(), "additionalProperties".to_owned())]);
    let (status, _, problem) = get("/api/v2/projects?per_page=5").await;
    assert_eq!(status, StatusCode::OK, "{problem}");
}

#[tokio::test]
async fn conflicts_are_409_with_a_clear_message() {
    let server = start().await;
    let anonymous = client(&server, None);
    anonymous.register(&user("ada@example.com", "Sup3rSecret")).await.expect("register");
    let duplicate = anonymous.register(&user("ADA@example.com", "Sup3rSecret")).await.expect_err("duplicate email");
    assert_eq!(status_of(&duplicate), Some(StatusCode::CONFLICT));

    let token = register_and_login(&server, "bob@example.com").await;
    let bob = client(&server, Some(&token));
    bob.create_project(&project("Blog")).await.expect("create");
    let again = bob.create_project(&project("Blog")).await.expect_err("duplicate name");
    assert_eq!(status_of(&again), Some(StatusCode::CONFLICT));
    let api_client::Error::ErrorResponse(problem) = again else { panic!("a problem body, not {again:?}") };
    assert!(problem.detail.as_deref().is_some_and(|d| d.contains("\"Blog\"")), "{problem:?}");
}

#[tokio::test]
async fn file_names_that_traverse_paths_are_422() {
    let server = start().await;
    assert!("../etc".parse::<types::FileName>().is_err(), "the typed client refuses it before sending");
    let token = register_and_login(&server, "ada@example.com").await;
    let created = client(&server, Some(&token)).create_project(&project("P")).await.expect("create").into_inner();
    for name in ["..%2Fetc%2Fpasswd", "a..b", "a%5Cb"] {
        let (status, _, problem) = raw(
            &server,
            reqwest::Method::PUT,
            &format!("/api/v2/projects/{}/files/{name}", created.id),
            Some(&token),
            Some(json!({"content": "x"}).to_string()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {problem}");
        assert!(errors(&problem).iter().all(|(path, _)| path == "/path/file_name"), "{problem}");
    }
}

/// Every answer tells browsers not to sniff media types nor leak the page's address, a refusal
/// included; the HTML docs page may run no script and sit in no frame.
#[tokio::test]
async fn answers_carry_security_headers() {
    let server = start().await;
    for (path, status) in [
        ("/api/v2/health", StatusCode::OK),
        ("/api/v2/auth/me", StatusCode::UNAUTHORIZED),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let (got, headers, _) = raw(&server, reqwest::Method::GET, path, None, None).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.get("content-security-policy").is_none(), "{path}: JSON answers need no CSP");
    }
    let (status, headers, _) = raw(&server, reqwest::Method::GET, "/api/v2/reference", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers["content-security-policy"].to_str().expect("text");
    assert_eq!(csp, server::DOCS_CSP);
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    // Swagger UI runs scripts, its own only, and calls this server only.
    let (status, headers, _) = raw(&server, reqwest::Method::GET, "/api/v2/docs", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers["content-security-policy"].to_str().expect("text");
    for directive in ["default-src 'none'", "script-src 'self';", "connect-src 'self';", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
}

/// Answers that carry a token or personal data say `Cache-Control: no-store`, as the contract
/// declares (every authenticated operation, and the public ones that sign in); others do not.
#[tokio::test]
async fn personal_answers_are_not_stored_by_caches() {
    let server = start().await;
    let body = json!({ "email": "ada@example.com", "password": "Sup3rSecret" }).to_string();
    let (status, registered, _) =
        raw(&server, reqwest::Method::POST, "/api/v2/auth/register", None, Some(body.clone())).await;
    assert_eq!((status, registered["cache-control"].to_str().ok()), (StatusCode::CREATED, Some("no-store")));
    let (status, signed_in, tokens) = raw(&server, reqwest::Method::POST, "/api/v2/auth/login", None, Some(body)).await;
    assert_eq!((status, signed_in["cache-control"].to_str().ok()), (StatusCode::OK, Some("no-store")));
    let token = tokens["access_token"].as_str().expect("a token");
    for (path, token, want) in [
        ("/api/v2/auth/me", Some(token), StatusCode::OK),
        ("/api/v2/auth/me", None, StatusCode::UNAUTHORIZED),
        ("/api/v2/projects", Some(token), StatusCode::OK),
    ] {
        let (status, headers, _) = raw(&server, reqwest::Method::GET, path, token, None).await;
        assert_eq!((status, headers["cache-control"].to_str().ok()), (want, Some("no-store")), "{path}");
    }
    let (_, headers, _) = raw(&server, reqwest::Method::GET, "/api/v2/health", None, None).await;
    assert!(headers.get("cache-control").is_none(), "nothing personal in the health check");
    let document: Value = serde_yaml::from_str(server::OPENAPI_YAML).expect("the contract");
    let declared = &document["paths"]["/api/v2/auth/me"]["get"]["responses"]["200"]["headers"]["Cache-Control"];
    assert_eq!(declared["$ref"], "#/components/headers/Cache-Control");
}

/// Stored links are what a front end renders: only http(s), never with credentials.
#[tokio::test]
async fn project_links_are_http_without_credentials() {
    let server = start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let create = |url: &str| {
        let body = json!({ "name": format!("P {url}"), "github_repo_url": url }).to_string();
        let (server, token) = (&server, token.clone());
        async move { raw(server, reqwest::Method::POST, "/api/v2/projects", Some(&token), Some(body)).await }
    };
    for bad in ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>", "https://user:secret@github.com/a"] {
        let (status, _, problem) = create(bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {problem}");
        let refused = errors(&problem);
        assert!(refused.contains(&("/body/github_repo_url".to_owned(), "pattern".to_owned())), "{bad}: {refused:?}");
    }
    let (status, _, project) = create("https://github.com/devora/landing").await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    assert_eq!(project["github_repo_url"], "https://github.com/devora/landing");
}

/// The 1 MiB file limit counts bytes: 600,000 × `é` is 600,000 characters (under `maxLength`) but
/// 1.2 MB of UTF-8, and is refused at `/body/content`; exactly 1 MiB of bytes is stored.
#[tokio::test]
async fn the_file_limit_counts_bytes_not_characters() {
    // The server's default body limit (2 MiB): room for 1.2 MB of content.
    let server = common::start_with_body_limit(2 << 20).await;
    let token = register_and_login(&server, "ada@example.com").await;
    let created = client(&server, Some(&token)).create_project(&project("P")).await.expect("create").into_inner();
    let put = |content: String| {
        let path = format!("/api/v2/projects/{}/files/big.txt", created.id);
        let body = json!({ "content": content }).to_string();
        let server = &server;
        let token = token.clone();
        async move { raw(server, reqwest::Method::PUT, &path, Some(&token), Some(body)).await }
    };
    let (status, _, problem) = put("é".repeat(600_000)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(errors(&problem), [("/body/content".to_owned(), "maxLength".to_owned())], "{problem}");
    let (status, _, file) = put("é".repeat(1 << 19)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["size"], 1 << 20, "exactly 1 MiB of UTF-8 is allowed");
}

#[tokio::test]
async fn another_users_project_is_404_not_403() {
    let server = start().await;
    let ada = client(&server, Some(&register_and_login(&server, "ada@example.com").await));
    let bob = client(&server, Some(&register_and_login(&server, "bob@example.com").await));
    let secret = ada.create_project(&project("Secret")).await.expect("create").into_inner();
    let read = bob.get_project(&secret.id, None).await.expect_err("hidden");
    assert_eq!(status_of(&read), Some(StatusCode::NOT_FOUND));
    let delete = bob.delete_project(&secret.id).await.expect_err("hidden");
    assert_eq!(delete.status(), Some(StatusCode::NOT_FOUND));
    ada.get_project(&secret.id, None).await.expect("still there for its owner");
}

#[tokio::test]
async fn forged_expired_and_disabled_tokens_are_401() {
    let server = start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let (forged_status, headers, _) =
        raw(&server, reqwest::Method::GET, "/api/v2/auth/me", Some("not.a.jwt"), None).await;
    assert_eq!(forged_status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");

    // Signed with another secret.
    let other = server::auth::Tokens::new(b"another secret, just as long as the real one", 900)
        .issue("x", "admin", "s")
        .expect("token");
    assert_eq!(
        raw(&server, reqwest::Method::GET, "/api/v2/auth/me", Some(&other), None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Expired: the real secret, an `exp` in the past.
    let claims = json!({"sub": "x", "role": "user", "iss": server::auth::ISSUER, "iat": 1_000, "exp": 2_000});
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET),
    )
    .expect("token");
    let (status, _, problem) = raw(&server, reqwest::Method::GET, "/api/v2/auth/me", Some(&expired), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["detail"], "the bearer token has expired");

    // No token at all.
    assert_eq!(raw(&server, reqwest::Method::GET, "/api/v2/auth/me", None, None).await.0, StatusCode::UNAUTHORIZED);
    // The valid one works.
    assert_eq!(raw(&server, reqwest::Method::GET, "/api/v2/auth/me", Some(&token), None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn admin_routes_need_the_admin_role() {
    let server = start().await;
    let user_token = register_and_login(&server, "ada@example.com").await;
    let denied = client(&server, Some(&user_token)).admin_stats().await.expect_err("not an admin");
    assert_eq!(status_of(&denied), Some(StatusCode::FORBIDDEN));

    let admin = client(&server, Some(&admin_token(&server).await));
    let stats = admin.admin_stats().await.expect("admin").into_inner();
    assert_eq!(stats.users, 2);
    let admins =
        admin.admin_list_users(None, None, None, Some(types::Role::Admin), None).await.expect("list").into_inner();
    assert_eq!(admins.items.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(), ["admin@example.com"]);
    let searched = admin
        .admin_list_users(None, None, None, None, Some(&"ADA@".parse().expect("search")))
        .await
        .expect("list")
        .into_inner();
    assert_eq!((searched.total, searched.items[0].email.as_str()), (1, "ada@example.com"));

    // Disabling an account stops its tokens at once.
    let ada_id = client(&server, Some(&user_token)).get_me().await.expect("me").into_inner().id;
    let disable = types::AdminUserUpdate { disabled: Some(true), role: None };
    admin.admin_update_user(&ada_id, &disable).await.expect("disable");
    let refused = client(&server, Some(&user_token)).get_me().await.expect_err("disabled");
    assert_eq!(status_of(&refused), Some(StatusCode::UNAUTHORIZED));
}

/// Refresh-token rotation: a rotated token presented again ends its whole family, the successor
/// included, while another sign-in's family goes on.
#[tokio::test]
async fn a_replayed_refresh_token_ends_its_family() {
    let server = start().await;
    let anonymous = client(&server, None);
    anonymous.register(&user("ada@example.com", "Sup3rSecret")).await.expect("register");
    let login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "Sup3rSecret".parse().expect("password"),
    };
    let first = anonymous.login(&login).await.expect("login").into_inner().refresh_token;
    let other = anonymous.login(&login).await.expect("another device").into_inner().refresh_token;
    let refresh = |token: &str| types::RefreshRequest { refresh_token: token.parse().expect("token") };

    let second = anonymous.refresh_token(&refresh(&first)).await.expect("rotate").into_inner().refresh_token;
    let replayed = anonymous.refresh_token(&refresh(&first)).await.expect_err("a replay");
    assert_eq!(status_of(&replayed), Some(StatusCode::UNAUTHORIZED));
    let successor = anonymous.refresh_token(&refresh(&second)).await.expect_err("the family ended");
    assert_eq!(status_of(&successor), Some(StatusCode::UNAUTHORIZED));
    anonymous.refresh_token(&refresh(&other)).await.expect("another sign-in's family goes on");
}

/// A reset token asked for before the account was disabled no longer changes its password, even
/// once the account is enabled again.
#[tokio::test]
async fn disabling_an_account_revokes_its_pending_reset_tokens() {
    let server = start().await;
    let anonymous = client(&server, None);
    let ada_token = register_and_login(&server, "ada@example.com").await;
    let ada_id = client(&server, Some(&ada_token)).get_me().await.expect("me").into_inner().id;
    let admin = client(&server, Some(&admin_token(&server).await));
    let reset = types::PasswordResetRequest { email: "ada@example.com".parse().expect("email") };
    anonymous.request_password_reset(&reset).await.expect("reset request");
    let token = reset_token_sent_to(&server, "ada@example.com").await;

    let disable = types::AdminUserUpdate { disabled: Some(true), role: None };
    admin.admin_update_user(&ada_id, &disable).await.expect("disable");
    let enable = types::AdminUserUpdate { disabled: Some(false), role: None };
    admin.admin_update_user(&ada_id, &enable).await.expect("enable");
    let confirm = types::PasswordReset {
        token: token.parse().expect("token"),
        new_password: "N3wPassword".parse().expect("password"),
    };
    let refused = anonymous.reset_password(&confirm).await.expect_err("revoked when disabled");
    assert_eq!(status_of(&refused), Some(StatusCode::BAD_REQUEST));
    let login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "Sup3rSecret".parse().expect("password"),
    };
    anonymous.login(&login).await.expect("the password did not change");
}

#[tokio::test]
async fn the_sixth_login_within_a_minute_is_429() {
    let server = start().await;
    let anonymous = client(&server, None);
    anonymous.register(&user("ada@example.com", "Sup3rSecret")).await.expect("register");
    let login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "wrong password".parse().expect("password"),
    };
    for attempt in 1..=5 {
        let refused = anonymous.login(&login).await.expect_err("wrong password");
        assert_eq!(status_of(&refused), Some(StatusCode::UNAUTHORIZED), "attempt {attempt}");
    }
    let body = json!({"email": "ada@example.com", "password": "Sup3rSecret"}).to_string();
    let (status, headers, problem) = raw(&server, reqwest::Method::POST, "/api/v2/auth/login", None, Some(body)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    let retry: u64 = headers["retry-after"].to_str().expect("ASCII").parse().expect("seconds");
    assert!((1..=60).contains(&retry));
    assert_eq!(headers["x-ratelimit-limit"], "5");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
}

#[tokio::test]
async fn malformed_and_oversized_bodies() {
    let server = start().await;
    let (status, headers, problem) =
        raw(&server, reqwest::Method::POST, "/api/v2/auth/login", None, Some("{\"email\": ".into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["title"], "Bad Request");
    assert!(headers.contains_key("x-request-id"), "refusals carry the request id too");
    assert_eq!(headers["x-ratelimit-limit"], "5", "a refusal after counting says what is left");
    assert_eq!(headers["x-ratelimit-remaining"], "4");

    // A JSON text sent as another media type.
    let response = reqwest::Client::new()
        .post(format!("{}/api/v2/auth/login", server.base))
        .header("content-type", "text/plain")
        .body(json!({"email": "ada@example.com", "password": "Sup3rSecret"}).to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.expect("a problem");
    assert_eq!(problem["title"], "Unsupported Media Type");

    let token = register_and_login(&server, "ada@example.com").await;
    let created = client(&server, Some(&token)).create_project(&project("P")).await.expect("create").into_inner();
    let big = json!({"content": "x".repeat(100 * 1024)}).to_string();
    let (status, _, problem) = raw(
        &server,
        reqwest::Method::PUT,
        &format!("/api/v2/projects/{}/files/big.txt", created.id),
        Some(&token),
        Some(big),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");

    let (status, headers, _) = raw(&server, reqwest::Method::GET, "/api/v2/no/such/route", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.contains_key("x-request-id"));
    let (status, headers, _) = raw(&server, reqwest::Method::PUT, "/api/v2/health", None, None).await;
    assert_eq!((status, headers["allow"].to_str().expect("ASCII")), (StatusCode::METHOD_NOT_ALLOWED, "GET"));
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn meta_serves_the_contract_and_offline_docs() {
    let server = start().await;
    let anonymous = client(&server, None);
    let document = anonymous.openapi_json(None).await.expect("openapi.json").into_inner();
    assert_eq!(document.get("openapi"), Some(&json!("3.1.0")));
    let root = anonymous.api_root().await.expect("the root").into_inner();
    assert_eq!((root.docs.as_str(), root.reference.as_str()), ("/api/v2/docs", "/api/v2/reference"));
    let (status, headers, html) = raw(&server, reqwest::Method::GET, "/api/v2/reference", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().expect("ASCII").starts_with("text/html"));
    let html = html.as_str().unwrap_or_default();
    assert!(
        html.contains("get_project") && html.contains("id=\"schema-Project\""),
        "operations and schemas are documented"
    );
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"),
        "the page loads nothing from elsewhere"
    );
    assert!(
        html.contains(
            "<tr><td>Payments (Stripe-compatible)</td><td>create_checkout_session, create_portal_session, \
             list_invoices</td><td>not configured (503)</td>"
        ),
        "the page says payments are not configured"
    );
    let health = anonymous.health().await.expect("health").into_inner();
    assert!(health.database);
    let oauth = anonymous.oauth_authorize(types::OAuthProvider::Google).await.expect_err("no provider configured");
    assert_eq!(status_of(&oauth), Some(StatusCode::SERVICE_UNAVAILABLE));
}

#[tokio::test]
async fn a_failure_on_the_server_is_a_generic_500_logged_with_the_request_id() {
    let (logs, _logging) = common::capture_logs();
    let server = start().await;
    server.app.db.close().await;

    let response = reqwest::Client::new()
        .post(format!("{}/api/v2/auth/register", server.base))
        .header("content-type", "application/json")
        .header("x-request-id", "req-500-test")
        .body(json!({"email": "ada@example.com", "password": "Sup3rSecret"}).to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.headers()["x-request-id"], "req-500-test");
    let problem: Value = serde_json::from_str(&response.text().await.expect("body")).expect("a problem");
    assert_eq!(
        problem,
        json!({
            "type": "about:blank",
            "title": "Internal Server Error",
            "status": 500,
            "detail": contract_server::INTERNAL_ERROR_DETAIL,
        }),
        "nothing of the cause is sent"
    );

    let logs = logs.text();
    let line =
        logs.lines().find(|l| l.contains("the request failed on the server")).unwrap_or_else(|| panic!("{logs}"));
    assert!(line.contains("ERROR") && line.contains("request_id=\"req-500-test\""), "{line}");
    assert!(line.contains("operation=\"register\""), "{line}");
    assert!(line.contains("closed pool"), "the source is logged: {line}");
}

/// A search holding NUL (which PostgreSQL text cannot hold) matches nothing, on either engine:
/// never a `500`.
#[tokio::test]
async fn text_holding_nul_is_a_422_naming_each_field_on_every_engine() {
    let server = common::start().await;
    let (status, _, problem) = raw(
        &server,
        reqwest::Method::POST,
        "/api/v2/auth/register",
        None,
        Some(json!({"email": "ada@example.com", "password": "Sup3rSecret", "full_name": "Ada\u{0}"}).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        problem["errors"],
        json!([{"path": "/body/full_name", "keyword": "nul", "message": "text must not contain the NUL character (U+0000)"}])
    );

    let token = register_and_login(&server, "ada@example.com").await;
    client(&server, Some(&token)).create_project(&project("bakery")).await.expect("created");
    let body = json!({"name": "b\u{0}", "description": "\u{0}"}).to_string();
    let (status, _, problem) = raw(&server, reqwest::Method::POST, "/api/v2/projects", Some(&token), Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let paths: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|e| e["keyword"] == "nul")
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(paths.contains(&"/body/name") && paths.contains(&"/body/description"), "{problem}");

    let (status, _, problem) =
        raw(&server, reqwest::Method::GET, "/api/v2/projects?search=%00bak", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["path"], "/query/search", "{problem}");
    let page = client(&server, Some(&token)).list_projects(None, None, None, None).await.expect("list").into_inner();
    assert_eq!(page.total, 1, "nothing was stored");
}
