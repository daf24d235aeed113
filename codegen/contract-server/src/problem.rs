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

/// The longest message of a value its contract type refuses, in characters: such a message is the
/// type's own words (a custom `Deserialize` or `TryFrom` may quote part of the value).
const MAX_SERDE_MESSAGE: usize = 160;

impl FieldError {
    /// The value of `part` (the request part under `prefix`) that serde refused after the schema
    /// accepted it: at its JSON pointer, with the keyword `format` (the schema's `type` accepted
    /// the value; its contract type refuses its form, as a `format` check would), and serde's
    /// message with the value masked as [`FieldError::all`] masks it.
    pub(crate) fn refused_by_serde(
        prefix: &str,
        part: &serde_json::Value,
        error: &serde_path_to_error::Error<serde_json::Error>,
    ) -> FieldError {
        let (pointer, value) = locate(part, error.path());
        let message = mask_serde_message(&error.inner().to_string(), value);
        FieldError { path: format!("{prefix}{pointer}"), keyword: "format".into(), message }
    }
}

/// The JSON pointer of the deepest value of `part` that serde's `path` reaches, and that value. A
/// segment serde could not name (inside an untagged or internally tagged enum, whose content it
/// buffers) ends the walk at the enclosing value; a variant segment descends only where the
/// variant is a key of the value (externally tagged), so the pointer always names a real place.
fn locate<'v>(part: &'v serde_json::Value, path: &serde_path_to_error::Path) -> (String, &'v serde_json::Value) {
    use serde_json::Value;
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    let mut value = part;
    for segment in path {
        let next = match (segment, value) {
            (Segment::Seq { index }, Value::Array(items)) => items.get(*index).map(|item| (index.to_string(), item)),
            (Segment::Map { key }, Value::Object(map)) => map.get(key).map(|item| (key.clone(), item)),
            (Segment::Enum { variant }, Value::Object(map)) => match map.get(variant) {
                Some(item) => Some((variant.clone(), item)),
                None => continue,
            },
            (Segment::Enum { .. }, _) => continue,
            _ => None,
        };
        let Some((name, item)) = next else { break };
        pointer.push('/');
        pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
        value = item;
    }
    (pointer, value)
}

/// serde's message without the value it judges: its renderings of a scalar (`string "…"`,
/// `` integer `…` ``, `` floating point `…` ``, `` boolean `…` ``, `` character `…` ``, and the
/// value quoted or in backticks, as in `` unknown variant `…` ``) become words, and what is left
/// is cut at [`MAX_SERDE_MESSAGE`] characters.
fn mask_serde_message(message: &str, value: &serde_json::Value) -> String {
    let mut text = message.to_owned();
    if let serde_json::Value::String(s) = value {
        text = text.replace(&format!("string {s:?}"), "a string");
        text = text.replace(&format!("{s:?}"), MASK).replace(&format!("`{s}`"), MASK);
    }
    for (kind, words) in [
        ("floating point `", "a number"),
        ("integer `", "an integer"),
        ("boolean `", "a boolean"),
        ("character `", "a character"),
    ] {
        while let Some(start) = text.find(kind) {
            let literal = start + kind.len();
            let Some(end) = text[literal..].find('`') else { break };
            text.replace_range(start..literal + end + 1, words);
        }
    }
    if text.chars().count() > MAX_SERDE_MESSAGE {
        text = text.chars().take(MAX_SERDE_MESSAGE).collect::<String>() + "…";
    }
    text
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
