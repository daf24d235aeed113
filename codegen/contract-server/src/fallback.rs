//! Answers for requests no operation matches: `404` for an unknown path (the server's fallback)
//! and `405` with `Allow` for a known path with another method (each generated route's
//! fallback). Both are problems carrying the request id, like every other refusal.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};

use crate::rejection::{Rejected, Rejection};
use crate::reply::Notices;
use crate::request::request_id;

/// `404` for a path no operation has.
pub async fn not_found(request: Request) -> Response {
    refuse(&request, Rejection::NotFound { path: request.uri().path().to_owned() })
}

/// `405` for a path that exists with another method; `allow` lists the methods it has.
pub fn method_not_allowed(allow: &'static str, request: &Request) -> Response {
    refuse(request, Rejection::MethodNotAllowed { allow })
}

fn refuse(request: &Request, rejection: Rejection) -> Response {
    Rejected { rejection, request_id: request_id(request.headers()), admission: None, notices: Notices::default() }
        .into_response()
}
