//! Response validation: every JSON body a handler answers is checked against the contract's schema
//! of its status (the serialize-side shape; the contract's problem for error statuses), so a
//! handler that drifts from its own contract — a `u64` beyond 2^53, a hand-written `Serialize` —
//! is caught where it happens instead of in a client.
//!
//! [`ResponseValidation`] says what happens: nothing (`Off`, the release default), a log line
//! (`Log`), or a log line and the operation's `500` instead of the broken answer (`Enforce`, the
//! default of debug builds and so of tests). Every broken rule is logged at `ERROR` with the
//! operation, the request id, the status, the JSON pointer and the rule. The validators are
//! compiled once, with the operation's others ([`Operation::compile`](crate::Operation::compile)),
//! and only when validation is on.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jsonschema::Validator;
use serde_json::Value;

use crate::events::Check;
use crate::problem::FieldError;
use crate::reply::{IntoReply, Reply, ReplyBody};

/// What the runtime does with the answers of handlers (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseValidation {
    /// Answers are not checked; nothing is compiled.
    Off,
    /// A broken answer is logged and sent as written.
    Log,
    /// A broken answer is logged and replaced by the operation's `500` problem.
    Enforce,
}

impl Default for ResponseValidation {
    /// `Enforce` in debug builds (tests included), `Off` in release builds.
    fn default() -> Self {
        if cfg!(debug_assertions) { ResponseValidation::Enforce } else { ResponseValidation::Off }
    }
}

impl ResponseValidation {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseValidation::Off => "off",
            ResponseValidation::Log => "log",
            ResponseValidation::Enforce => "enforce",
        }
    }
}

impl fmt::Display for ResponseValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no [`ResponseValidation`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a response validation mode (off, log or enforce)")]
pub struct UnknownResponseValidation(pub String);

impl FromStr for ResponseValidation {
    type Err = UnknownResponseValidation;

    /// `off`, `log` or `enforce`, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(ResponseValidation::Off),
            "log" => Ok(ResponseValidation::Log),
            "enforce" => Ok(ResponseValidation::Enforce),
            _ => Err(UnknownResponseValidation(text.to_owned())),
        }
    }
}

/// The compiled response validators of one operation.
pub(crate) struct Answers {
    pub(crate) mode: ResponseValidation,
    /// The JSON bodies of the declared responses (an event stream's: one event's data), by status.
    pub(crate) bodies: Vec<(u16, Arc<Validator>)>,
    /// Every error body: the contract's problem.
    pub(crate) problem: Validator,
}

/// At most this many broken rules are logged per answer (an array of broken items would flood).
const LOGGED_RULES: usize = 10;

impl Answers {
    /// The validator of `reply`'s body; `None` for bodies with no JSON schema (empty, raw).
    fn validator<'a>(&'a self, reply: &'a Reply) -> Option<(&'a Validator, &'a [u8])> {
        match &reply.body {
            ReplyBody::Json(bytes) => {
                let status = reply.status.as_u16();
                self.bodies.iter().find(|(s, _)| *s == status).map(|(_, validator)| (&**validator, bytes.as_slice()))
            }
            ReplyBody::Problem(bytes) => Some((&self.problem, bytes.as_slice())),
            // An event stream's events are checked one by one as they are sent (`events`).
            ReplyBody::Empty | ReplyBody::Raw { .. } | ReplyBody::Events(_) => None,
        }
    }

    /// The check of the events of an event-stream answer with `status`.
    pub(crate) fn events(&self, status: u16) -> Option<Check> {
        let (_, validator) = self.bodies.iter().find(|(s, _)| *s == status)?;
        Some(Check { mode: self.mode, validator: validator.clone() })
    }

    /// The rules `reply` breaks, read back from the bytes that would go on the wire.
    pub(crate) fn broken_rules(&self, reply: &Reply) -> Vec<FieldError> {
        let Some((validator, bytes)) = self.validator(reply) else { return Vec::new() };
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(error) => {
                return vec![FieldError { path: String::new(), keyword: "type".into(), message: error.to_string() }];
            }
        };
        // Logged, so never with the value (an answer may carry a token).
        FieldError::all(validator, &value, "")
    }

    /// `reply` if it keeps the contract; otherwise the broken rules are logged and, when
    /// enforcing, the operation's `500` is answered instead (its body is not checked again).
    pub(crate) fn review<A: IntoReply>(&self, operation: &str, request_id: &str, reply: Reply) -> Reply {
        let broken = self.broken_rules(&reply);
        let Some(first) = broken.first() else { return reply };
        let status = reply.status.as_u16();
        for rule in broken.iter().take(LOGGED_RULES) {
            tracing::error!(
                operation,
                request_id,
                status,
                pointer = %rule.path,
                rule = %rule.keyword,
                message = %rule.message,
                "a response breaks the contract"
            );
        }
        if broken.len() > LOGGED_RULES {
            tracing::error!(operation, request_id, status, more = broken.len() - LOGGED_RULES, "more broken rules");
        }
        match self.mode {
            ResponseValidation::Enforce => {
                let pointer = if first.path.is_empty() { "the body" } else { first.path.as_str() };
                A::internal_error(format!(
                    "The server's {status} answer broke the contract ({} broken rule(s); first: `{}` at {pointer}); \
                     the failure is logged.",
                    broken.len(),
                    first.keyword,
                ))
            }
            ResponseValidation::Log | ResponseValidation::Off => reply,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::StatusCode;
    use http_body_util::BodyExt;
    use serde_json::json;

    use super::*;
    use crate::spec::{Operation, ResponseBody, Security, Spec};
    use crate::{AuthError, Authenticator, BoxFuture, Core, Principal, finish, prepare};

    const PROBLEM: &str = r#"{"type":"object","properties":{"title":{"type":"string"},"status":{"type":"integer","minimum":400,"maximum":599}},"required":["title","status"]}"#;
    const ITEM: &str = r#"{"type":"object","properties":{"id":{"type":"integer","minimum":0,"maximum":9007199254740991}},"required":["id"],"additionalProperties":false}"#;

    static GET_ITEM: Spec = Spec {
        id: "get_item",
        path: None,
        query: None,
        headers: None,
        body: None,
        body_required: false,
        responses: &[ResponseBody { status: 200, schema: ITEM }],
        problem: PROBLEM,
        security: Security::Public,
        rate_limit: None,
        etag: true,
        no_store: false,
        deprecated: false,
        request_headers: &["If-None-Match"],
        response_headers: &["ETag"],
    };

    /// A typed answer as the generated enums are: a body, or a problem.
    enum Answer {
        Ok(Value),
        NotFound(Value),
    }

    impl IntoReply for Answer {
        fn into_reply(self) -> Reply {
            match self {
                Answer::Ok(body) => Reply::json(200, &body),
                Answer::NotFound(problem) => Reply::problem(404, &problem),
            }
        }
    }

    struct Nobody;

    impl Authenticator for Nobody {
        fn authenticate<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
            Box::pin(async { Err(AuthError::Invalid) })
        }
    }

    /// The status and body of `answer` through `finish`, and what was logged meanwhile.
    async fn answered(mode: ResponseValidation, answer: Answer) -> (StatusCode, Value, String) {
        let core = Core::new(Arc::new(Nobody), 1024).with_response_validation(mode);
        let operation =
            Operation::compile(&GET_ITEM, &crate::spec::test_schemas(), core.response_validation()).expect("compiles");
        let request = Request::builder().uri("/items/1").header("x-request-id", "req-7").body(Body::empty());
        let prepared = prepare(&core, &operation, request.expect("request")).await.expect("prepared");
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(log.clone()).finish();
        let response = tracing::subscriber::with_default(subscriber, || finish(&operation, &prepared, answer));
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8(log.0.lock().expect("log").clone()).expect("UTF-8");
        (status, serde_json::from_slice(&bytes).expect("JSON"), text)
    }

    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("log").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
        type Writer = Log;
        fn make_writer(&'a self) -> Log {
            self.clone()
        }
    }

    #[tokio::test]
    async fn a_broken_answer_is_logged_and_enforced_as_a_500() {
        let beyond = Answer::Ok(json!({ "id": 9_007_199_254_740_993_u64 }));
        let (status, problem, log) = answered(ResponseValidation::Enforce, beyond).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(problem["status"], 500);
        assert_eq!(problem["title"], "Internal Server Error");
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains("`maximum` at /id"), "{detail}");
        assert!(!detail.contains("9007199254740993"), "the value stays in the log: {detail}");
        assert!(log.contains("ERROR"), "{log}");
        for field in ["operation=\"get_item\"", "request_id=\"req-7\"", "status=200", "pointer=/id", "rule=maximum"] {
            assert!(log.contains(field), "{field} in {log}");
        }
    }

    #[tokio::test]
    async fn logging_only_sends_the_answer_as_written() {
        let (status, body, log) =
            answered(ResponseValidation::Log, Answer::Ok(json!({ "id": 1, "extra": true }))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({ "id": 1, "extra": true }));
        assert!(log.contains("pointer= rule=additionalProperties"), "{log}");
    }

    #[tokio::test]
    async fn off_checks_nothing_and_answers_that_keep_the_contract_pass() {
        let (status, body, log) = answered(ResponseValidation::Off, Answer::Ok(json!({ "id": -1 }))).await;
        assert_eq!((status, body), (StatusCode::OK, json!({ "id": -1 })));
        assert!(log.is_empty(), "{log}");

        let (status, _, log) = answered(ResponseValidation::Enforce, Answer::Ok(json!({ "id": 3 }))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(log.is_empty(), "{log}");

        let problem = json!({ "title": "Not Found", "status": 404 });
        let (status, body, _) = answered(ResponseValidation::Enforce, Answer::NotFound(problem.clone())).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, problem));
    }

    #[tokio::test]
    async fn error_bodies_are_checked_against_the_problem() {
        let (status, _, log) = answered(ResponseValidation::Enforce, Answer::NotFound(json!({ "status": 404 }))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(log.contains("status=404") && log.contains("rule=required"), "{log}");
    }

    #[test]
    fn modes_read_from_text() {
        assert_eq!("enforce".parse(), Ok(ResponseValidation::Enforce));
        assert_eq!(" Log ".parse(), Ok(ResponseValidation::Log));
        assert_eq!("OFF".parse(), Ok(ResponseValidation::Off));
        let error = "strict".parse::<ResponseValidation>().expect_err("unknown");
        assert_eq!(error.to_string(), "`strict` is not a response validation mode (off, log or enforce)");
        assert_eq!(ResponseValidation::default(), ResponseValidation::Enforce, "tests are debug builds");
    }
}
