//! The contract's problem documents, as handlers build them.

use schemas::common::Problem;

/// A problem with a title and a detail.
pub fn problem(status: u16, title: &str, detail: impl Into<String>) -> Problem {
    Problem {
        type_: "about:blank".into(),
        title: title.into(),
        status,
        detail: Some(detail.into()),
        errors: Vec::new(),
    }
}

/// Logs a server-side failure and returns the `500` problem that reports it without details.
pub fn internal(error: impl std::fmt::Display) -> Problem {
    tracing::error!(%error, "request failed on the server");
    problem(500, "Internal error", "the server failed; the failure is logged")
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation())
}
