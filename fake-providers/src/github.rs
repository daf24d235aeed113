//! A fake of GitHub's OAuth app endpoints and the REST API calls sign-in uses: the consent page
//! (which signs in the identity set with [`GitHub::sign_in_as`] at once and redirects with a
//! code), the token endpoint (which, like GitHub, answers `200` with an `error` when it refuses),
//! `GET /user` and `GET /user/emails` under `/api`.

use std::net::SocketAddr;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::{Fault, Grant, OAuthFake, bearer, check_grant, redirect_with, token};

/// The client id the fake knows (and [`env`] gives the server).
pub const CLIENT_ID: &str = "fake-github-client-id";
/// The client secret the fake checks.
pub const CLIENT_SECRET: &str = "fake-github-client-secret";

/// One address of a GitHub account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitHubEmail {
    pub email: String,
    pub primary: bool,
    pub verified: bool,
}

/// A GitHub account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitHubUser {
    pub id: u64,
    pub login: String,
    pub name: Option<String>,
    pub emails: Vec<GitHubEmail>,
}

impl GitHubUser {
    /// An account whose only address is `email`, primary and verified.
    pub fn verified(login: &str, email: &str) -> Self {
        Self {
            id: 583231,
            login: login.into(),
            name: Some(login.into()),
            emails: vec![GitHubEmail { email: email.into(), primary: true, verified: true }],
        }
    }
}

/// The fake's state; clones share it.
/// The fake: who its consent page signs in, its fault, the codes and tokens it gave out.
pub type GitHub = OAuthFake<GitHubUser>;

impl Default for GitHub {
    fn default() -> Self {
        Self::new()
    }
}

impl GitHub {
    /// A fake whose consent page signs in `octocat` (`octocat@example.com`, primary and verified).
    pub fn new() -> Self {
        Self::signing_in(GitHubUser::verified("octocat", "octocat@example.com"))
    }
}

/// The fake's routes: `/login/oauth/authorize`, `/login/oauth/access_token`, `/api/user`,
/// `/api/user/emails`.
pub fn router(fake: GitHub) -> Router {
    Router::new()
        .route("/login/oauth/authorize", get(authorize))
        .route("/login/oauth/access_token", post(exchange))
        .route("/api/user", get(user))
        .route("/api/user/emails", get(emails))
        .with_state(fake)
}

/// The server's variables that point at a fake served at `address`.
pub fn env(address: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("OAUTH_GITHUB_CLIENT_ID", CLIENT_ID.into()),
        ("OAUTH_GITHUB_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("OAUTH_GITHUB_AUTH_URL", format!("http://{address}/login/oauth/authorize")),
        ("OAUTH_GITHUB_TOKEN_URL", format!("http://{address}/login/oauth/access_token")),
        ("OAUTH_GITHUB_API_URL", format!("http://{address}/api")),
    ]
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
}

async fn authorize(State(fake): State<GitHub>, Query(query): Query<AuthorizeQuery>) -> Response {
    if query.client_id.as_deref() != Some(CLIENT_ID) {
        return bad_request("unknown client_id");
    }
    let Some(redirect_uri) = query.redirect_uri else { return bad_request("redirect_uri is missing") };
    if query.code_challenge.is_some() && query.code_challenge_method.as_deref() != Some("S256") {
        return bad_request("code_challenge_method must be S256");
    }
    let code = token("fake-github-code-");
    let Some(location) = redirect_with(&redirect_uri, &code, query.state.as_deref()) else {
        return bad_request("redirect_uri is not a URL");
    };
    let mut inner = fake.lock();
    let grant =
        Grant { client_id: CLIENT_ID.into(), redirect_uri, challenge: query.code_challenge, user: inner.user.clone() };
    inner.codes.insert(code, grant);
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// GitHub's way of refusing at the token endpoint: `200` with `error`.
fn refused(error: &str) -> Response {
    Json(json!({ "error": error, "error_description": "refused by the fake" })).into_response()
}

fn server_error() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "message": "Server Error" }))).into_response()
}

async fn exchange(State(fake): State<GitHub>, Form(form): Form<TokenForm>) -> Response {
    let mut inner = fake.lock();
    if inner.fault == Some(Fault::ServerError) {
        return server_error();
    }
    if form.client_id.as_deref() != Some(CLIENT_ID) || form.client_secret.as_deref() != Some(CLIENT_SECRET) {
        return refused("incorrect_client_credentials");
    }
    let Some(grant) = form.code.and_then(|code| inner.codes.remove(&code)) else {
        return refused("bad_verification_code");
    };
    if let Err(error) = check_grant(&grant, CLIENT_ID, form.redirect_uri.as_deref(), form.code_verifier.as_deref()) {
        // GitHub names a PKCE mismatch like any bad code.
        return refused(if error == "invalid_grant" { "bad_verification_code" } else { error });
    }
    let access_token = token("gho_fake");
    inner.tokens.insert(access_token.clone(), grant.user);
    inner.exchanges += 1;
    Json(json!({ "access_token": access_token, "token_type": "bearer", "scope": "read:user,user:email" }))
        .into_response()
}

/// The account of a request's token, or the answer to give instead.
fn signed_in(fake: &GitHub, headers: &HeaderMap) -> Result<GitHubUser, Box<Response>> {
    let inner = fake.lock();
    if inner.fault.is_some() {
        return Err(Box::new(server_error()));
    }
    match bearer(headers).and_then(|token| inner.tokens.get(token)) {
        Some(user) => Ok(user.clone()),
        None => {
            Err(Box::new((StatusCode::UNAUTHORIZED, Json(json!({ "message": "Bad credentials" }))).into_response()))
        }
    }
}

async fn user(State(fake): State<GitHub>, headers: HeaderMap) -> Response {
    match signed_in(&fake, &headers) {
        // Like GitHub, `email` is the public address, often null.
        Ok(user) => {
            Json(json!({ "id": user.id, "login": user.login, "name": user.name, "email": null })).into_response()
        }
        Err(answer) => *answer,
    }
}

async fn emails(State(fake): State<GitHub>, headers: HeaderMap) -> Response {
    match signed_in(&fake, &headers) {
        Ok(user) => Json(
            user.emails
                .iter()
                .map(|e| json!({ "email": e.email, "primary": e.primary, "verified": e.verified, "visibility": null }))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(answer) => *answer,
    }
}
