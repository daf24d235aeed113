//! The target of `cargo xtask bench --case server`: the full application, plus
//! `GET /bench/raw/projects/{project_id}`, a minimal hand-written axum handler that does the same
//! database read as `get_project` with no authentication, validation, rate limit or ETag (the
//! owner comes in an `x-owner` header). Configuration as `server`'s.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

async fn raw(State(app): State<Arc<server::App>>, Path(id): Path<uuid::Uuid>, headers: HeaderMap) -> Response {
    let owner = headers.get("x-owner").and_then(|v| v.to_str().ok()).unwrap_or_default();
    match server::read_project(&app, owner, id).await {
        Ok(Some(project)) => axum::Json(project).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[tokio::main]
async fn main() {
    let (config, _) = server::Config::from_env().expect("configuration");
    let address = config.address;
    let limits = config.connections;
    let (router, app) =
        server::build(config, None, server::oauth::Providers::default()).await.expect("the server builds");
    let raw_router = axum::Router::new().route("/bench/raw/projects/{project_id}", get(raw)).with_state(app);
    let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
    server::serve(listener, raw_router.merge(router), &limits, std::future::pending()).await;
}
