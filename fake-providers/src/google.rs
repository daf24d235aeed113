//! A fake of Google's OAuth 2.0 / OpenID Connect endpoints: the consent page (which signs in
//! the identity set with [`Google::sign_in_as`] at once and redirects with a code), the token
//! endpoint (client secret, single-use code, redirect URI, PKCE S256 verifier) and userinfo.

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
pub const CLIENT_ID: &str = "fake-google-client-id";
/// The client secret the fake checks.
pub const CLIENT_SECRET: &str = "fake-google-client-secret";

/// A Google account as userinfo describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoogleUser {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

impl GoogleUser {
    /// An account with a verified address.
    pub fn verified(email: &str, name: &str) -> Self {
        Self { sub: crate::token(""), email: email.into(), email_verified: true, name: Some(name.into()) }
    }
}

/// The fake's state; clones share it.
/// The fake: who its consent page signs in, its fault, the codes and tokens it gave out.
pub type Google = OAuthFake<GoogleUser>;

impl Default for Google {
    fn default() -> Self {
        Self::new()
    }
}

impl Google {
    /// A fake whose consent page signs in `ada@example.com` (verified).
    pub fn new() -> Self {
        Self::signing_in(GoogleUser::verified("ada@example.com", "Ada Lovelace"))
    }
}

/// The fake's routes: `/o/oauth2/v2/auth`, `/token`, `/v1/userinfo`.
pub fn router(fake: Google) -> Router {
    Router::new()
        .route("/o/oauth2/v2/auth", get(authorize))
        .route("/token", post(exchange))
        .route("/v1/userinfo", get(userinfo))
        .with_state(fake)
}

/// The server's variables that point at a fake served at `address`.
pub fn env(address: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("OAUTH_GOOGLE_CLIENT_ID", CLIENT_ID.into()),
        ("OAUTH_GOOGLE_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("OAUTH_GOOGLE_AUTH_URL", format!("http://{address}/o/oauth2/v2/auth")),
        ("OAUTH_GOOGLE_TOKEN_URL", format!("http://{address}/token")),
        ("OAUTH_GOOGLE_USERINFO_URL", format!("http://{address}/v1/userinfo")),
    ]
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
}

async fn authorize(State(fake): State<Google>, Query(query): Query<AuthorizeQuery>) -> Response {
    if query.response_type.as_deref() != Some("code") {
        return bad_request("response_type must be code");
    }
    if query.client_id.as_deref() != Some(CLIENT_ID) {
        return bad_request("unknown client_id");
    }
    let Some(redirect_uri) = query.redirect_uri else { return bad_request("redirect_uri is missing") };
    if !query.scope.as_deref().is_some_and(|scope| scope.split(' ').any(|s| s == "email")) {
        return bad_request("the scope must include email");
    }
    if query.code_challenge.is_some() && query.code_challenge_method.as_deref() != Some("S256") {
        return bad_request("code_challenge_method must be S256");
    }
    let code = token("4/fake-google-code-");
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
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code_verifier: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

async fn exchange(State(fake): State<Google>, Form(form): Form<TokenForm>) -> Response {
    let mut inner = fake.lock();
    if inner.fault == Some(Fault::ServerError) {
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_failure");
    }
    if form.grant_type.as_deref() != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    if form.client_id.as_deref() != Some(CLIENT_ID) || form.client_secret.as_deref() != Some(CLIENT_SECRET) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    // A code works once, whatever the outcome.
    let Some(grant) = form.code.and_then(|code| inner.codes.remove(&code)) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    if let Err(error) = check_grant(&grant, CLIENT_ID, form.redirect_uri.as_deref(), form.code_verifier.as_deref()) {
        return oauth_error(StatusCode::BAD_REQUEST, error);
    }
    let access_token = token("ya29.fake-");
    inner.tokens.insert(access_token.clone(), grant.user);
    inner.exchanges += 1;
    Json(json!({
        "access_token": access_token,
        "expires_in": 3599,
        "token_type": "Bearer",
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
    }))
    .into_response()
}

async fn userinfo(State(fake): State<Google>, headers: HeaderMap) -> Response {
    let inner = fake.lock();
    if inner.fault.is_some() {
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_failure");
    }
    let Some(user) = bearer(&headers).and_then(|token| inner.tokens.get(token)) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
    };
    Json(json!({
        "sub": user.sub,
        "email": user.email,
        "email_verified": user.email_verified,
        "name": user.name,
    }))
    .into_response()
}
