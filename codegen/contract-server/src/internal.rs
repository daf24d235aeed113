//! Internal failures: how a handler's error becomes its operation's `500`.
//!
//! A server marks its error type with [`InternalError`]; the generated code gives every response
//! enum with a `500` a `From<E: InternalError>` that logs the error (with its sources) and answers
//! the generic problem [`INTERNAL_ERROR_DETAIL`], never the error's message. The generated handlers
//! run each trait method inside [`request_span`], so that log line names the request.

use std::future::Future;

use tracing::Instrument;
use tracing::instrument::Instrumented;

/// The detail of every `500` problem made from an [`InternalError`]: it says nothing of the cause.
pub const INTERNAL_ERROR_DETAIL: &str = "The server failed to answer; the failure is logged.";

/// A failure on the server's side: logged, and answered as the operation's `500`.
pub trait InternalError: std::error::Error + Send + Sync + 'static {
    /// Logs the error and its chain of sources (at `ERROR`, inside the request's span).
    fn log(&self) {
        let sources = self.source().map(sources).unwrap_or_default();
        tracing::error!(error = %self, sources = %sources, "the request failed on the server");
    }
}

/// An error and its chain of sources, on one line (`error: cause: cause of the cause`).
pub use contract::error_chain as sources;

/// Runs `handler` inside the `request` span (operation id, request id): what it logs names the
/// request. The span is at `ERROR` level, so it is there whenever an error is logged.
pub fn request_span<F: Future>(operation: &'static str, request_id: &str, handler: F) -> Instrumented<F> {
    handler.instrument(tracing::error_span!("request", operation, request_id))
}
