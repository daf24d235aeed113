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

impl FieldError {
    /// Every rule `value` breaks in `validator`, each at its JSON pointer under `prefix`.
    ///
    /// A message never repeats the value it judges (`the value is shorter than 8 characters`,
    /// not `"Secret1" is shorter…`): the value may be a password or a token, or megabytes long,
    /// and the `path` already names it to the client who sent it.
    pub fn all(validator: &jsonschema::Validator, value: &serde_json::Value, prefix: &str) -> Vec<FieldError> {
        // The yes/no check is the fast path; errors are only built for invalid values.
        if validator.is_valid(value) {
            return Vec::new();
        }
        validator
            .iter_errors(value)
            .map(|error| FieldError {
                path: format!("{prefix}{}", error.instance_path()),
                keyword: error.kind().keyword().to_owned(),
                message: error.masked_with(MASK).to_string(),
            })
            .collect()
    }
}

/// What a message says instead of the value it judges.
const MASK: &str = "the value";

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

    #[test]
    fn messages_never_repeat_the_value_they_judge() {
        let schema = serde_json::json!({"type": "object", "properties": {
            "password": {"type": "string", "minLength": 8, "writeOnly": true},
            "bio": {"type": "string", "maxLength": 10},
            "plan": {"enum": ["free", "pro"]}
        }});
        let validator = jsonschema::validator_for(&schema).expect("a schema");
        let long = "é".repeat(1 << 20);
        let value = serde_json::json!({"password": "Secret1", "bio": long, "plan": "Secret1-plan"});
        let errors = FieldError::all(&validator, &value, "/body");
        let mut pairs: Vec<(&str, &str)> = errors.iter().map(|e| (e.path.as_str(), e.keyword.as_str())).collect();
        pairs.sort();
        assert_eq!(pairs, [("/body/bio", "maxLength"), ("/body/password", "minLength"), ("/body/plan", "enum")]);
        for error in &errors {
            assert!(!error.message.contains("Secret1") && !error.message.contains('é'), "{error:?}");
            assert!(error.message.len() < 100, "{error:?}");
        }
        let password = errors.iter().find(|e| e.keyword == "minLength").expect("the password's error");
        assert_eq!(password.message, "the value is shorter than 8 characters");
    }

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
