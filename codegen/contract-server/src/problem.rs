//! RFC 9457 problem bodies, the one shape of every error the runtime answers (the contract's
//! problem schema: `type`, `title`, `status`, `detail`, `errors`).

use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One broken rule, as the problem's `errors` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub path: String,
    pub keyword: String,
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

/// An RFC 9457 problem response (`application/problem+json`), without the per-request headers
/// (a [`Rejected`](crate::Rejected) adds them).
pub fn problem(status: StatusCode, title: &str, detail: Option<&str>, errors: &[FieldError]) -> Response {
    let body = Body { kind: "about:blank", title, status: status.as_u16(), detail, errors };
    // Strings and integers only: serializing cannot fail.
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn problems_list_errors_only_when_there_are_some() {
        let error = FieldError { path: "/body/a".into(), keyword: "type".into(), message: "not a string".into() };
        let response = problem(StatusCode::UNPROCESSABLE_ENTITY, "Invalid", Some("1 rule"), &[error]);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(
            std::str::from_utf8(&bytes).expect("UTF-8"),
            r#"{"type":"about:blank","title":"Invalid","status":422,"detail":"1 rule","errors":[{"path":"/body/a","keyword":"type","message":"not a string"}]}"#
        );
        let bytes = problem(StatusCode::NOT_FOUND, "Not found", None, &[]).into_body().collect().await.expect("body");
        assert_eq!(bytes.to_bytes(), r#"{"type":"about:blank","title":"Not found","status":404}"#);
    }
}
