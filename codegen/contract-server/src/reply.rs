//! Writing an answer: a handler's typed answer becomes a [`Reply`] (status and bytes, through
//! [`IntoReply`], which the generated response enums implement), and [`finish`] checks it against
//! the contract (when response validation is on; see `conformance`) and turns it into the response
//! with the headers every answer carries and the `ETag`/`304` of cacheable operations.

use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::events::Events;
use crate::limit::Admission;
use crate::problem::PROBLEM_JSON;
use crate::request::Prepared;
use crate::spec::{Operation, Spec};

/// The body of a typed answer.
pub enum ReplyBody {
    Empty,
    Json(Vec<u8>),
    Problem(Vec<u8>),
    Raw {
        bytes: Vec<u8>,
        media_type: &'static str,
    },
    /// Server-Sent Events (`text/event-stream`), sent as they come (see `events`).
    Events(Events),
}

/// A typed answer turned into status and bytes by the generated code.
pub struct Reply {
    pub status: StatusCode,
    pub body: ReplyBody,
    /// `Retry-After`, in seconds (a `429` a handler answers: [`Reply::retry_after`]).
    pub retry_after: Option<u64>,
}

impl Reply {
    pub fn empty(status: u16) -> Self {
        Self { status: status_code(status), body: ReplyBody::Empty, retry_after: None }
    }

    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self { status: status_code(status), body: ReplyBody::Json(bytes), retry_after: None },
            Err(error) => Self::serialization_failure(&error),
        }
    }

    pub fn problem<T: Serialize>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self { status: status_code(status), body: ReplyBody::Problem(bytes), retry_after: None },
            Err(error) => Self::serialization_failure(&error),
        }
    }

    pub fn raw(status: u16, text: impl Into<Vec<u8>>, media_type: &'static str) -> Self {
        Self { status: status_code(status), body: ReplyBody::Raw { bytes: text.into(), media_type }, retry_after: None }
    }

    /// An event stream ([`EventStream`](crate::EventStream)), answered as `text/event-stream`.
    pub fn events(status: u16, events: impl Into<Events>) -> Self {
        Self { status: status_code(status), body: ReplyBody::Events(events.into()), retry_after: None }
    }

    /// The runtime's own `500` problem (`type`, `title`, `status` and `detail` when given), for
    /// answers that have no contract-built one.
    pub fn internal(detail: Option<&str>) -> Self {
        let mut body = json!({ "type": "about:blank", "title": crate::reason_phrase(500), "status": 500 });
        if let Some(detail) = detail {
            body["detail"] = json!(detail);
        }
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: ReplyBody::Problem(body.to_string().into_bytes()),
            retry_after: None,
        }
    }

    /// Answered with `Retry-After: <whole seconds, rounded up>` (the generated `429` constructors
    /// take the wait, since the contract's `429` promises the header).
    pub fn retry_after(self, wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Self { retry_after: Some(seconds), ..self }
    }

    fn serialization_failure(error: &serde_json::Error) -> Self {
        tracing::error!(%error, "a response body does not serialize");
        Self::internal(None)
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A typed answer of an operation (implemented by the generated response enums).
pub trait IntoReply: Sized {
    fn into_reply(self) -> Reply;

    /// The operation's `500` with `detail`, answered instead of a reply that breaks the contract
    /// ([`ResponseValidation::Enforce`](crate::ResponseValidation::Enforce)). The generated enums
    /// build it with the contract's problem type; the default is the runtime's own problem.
    fn internal_error(detail: String) -> Reply {
        Reply::internal(Some(&detail))
    }
}

/// A strong `ETag` of a body: its SHA-256, shortened.
pub fn etag_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
}

/// Turns a typed answer into the response (see the crate docs).
pub fn finish<A: IntoReply>(operation: &Operation, prepared: &Prepared, answer: A) -> Response {
    let spec = operation.spec;
    let mut reply = answer.into_reply();
    if let Some(answers) = &operation.answers {
        reply = answers.review::<A>(spec.id, &prepared.context.request_id, reply);
    }
    let success = reply.status.is_success();
    let retry_after = reply.retry_after;
    let (mut response, etag) = match reply.body {
        ReplyBody::Empty => (reply.status.into_response(), None),
        ReplyBody::Json(bytes) => {
            let etag = (spec.etag && success).then(|| etag_of(&bytes));
            (
                (reply.status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes)
                    .into_response(),
                etag,
            )
        }
        ReplyBody::Problem(bytes) => (
            (reply.status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], bytes).into_response(),
            None,
        ),
        ReplyBody::Raw { bytes, media_type } => {
            let etag = (spec.etag && success).then(|| etag_of(&bytes));
            let content_type =
                HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            ((reply.status, [(header::CONTENT_TYPE, content_type)], bytes).into_response(), etag)
        }
        ReplyBody::Events(events) => {
            let status = reply.status.as_u16();
            let check = operation.answers.as_ref().and_then(|answers| answers.events(status));
            let mut response = crate::events::respond(events, spec.id, prepared.context.request_id.clone(), check);
            *response.status_mut() = reply.status;
            // A stream is never stored: each answer is the events of one moment.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            (response, None)
        }
    };
    if let Some(etag) = etag {
        if prepared.if_none_match.as_deref().is_some_and(|inm| etag_matches(inm, &etag)) {
            response = StatusCode::NOT_MODIFIED.into_response();
        }
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
    }
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    stamp(response.headers_mut(), &prepared.context.request_id, prepared.admission, prepared.notices);
    response
}

/// What every answer of an operation says of itself, success or refusal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    /// `Deprecation: true`.
    pub deprecated: bool,
    /// `Cache-Control: no-store`.
    pub no_store: bool,
}

impl Notices {
    pub(crate) fn of(spec: &Spec) -> Self {
        Self { deprecated: spec.deprecated, no_store: spec.no_store }
    }
}

/// The headers every answer to a request carries, success or refusal: `X-Request-Id`, the
/// `X-RateLimit-*` state when the request was counted, and the operation's [`Notices`].
pub(crate) fn stamp(headers: &mut HeaderMap, request_id: &str, admission: Option<Admission>, notices: Notices) {
    if let Some(admission) = admission {
        admission.write_headers(headers);
    }
    if notices.deprecated {
        headers.insert(HeaderName::from_static("deprecation"), HeaderValue::from_static("true"));
    }
    if notices.no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_lists_weak_forms_and_star() {
        let etag = etag_of(b"x");
        assert!(etag_matches(&etag, &etag));
        assert!(etag_matches(&format!("\"a\", W/{etag}"), &etag));
        assert!(etag_matches("*", &etag));
        assert!(!etag_matches("\"other\"", &etag));
    }
}
