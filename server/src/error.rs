//! The server's error type: every way a handler can fail on the server's side, each with its
//! source. Handlers use `?`; at the end an [`ApiError`] becomes its operation's `500` through the
//! generated `From<E: contract_server::InternalError>`: logged with its sources inside the request's
//! span (so with the request id), answered with a generic problem that says nothing of the cause.

/// A failure on the server's side (never the client's: those are declared statuses).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a database operation failed")]
    Database(#[from] sqlx::Error),
    #[error("hashing a password failed")]
    PasswordHash(#[from] argon2::password_hash::Error),
    #[error("signing an access token failed")]
    TokenSigning(#[from] jsonwebtoken::errors::Error),
    #[error("a blocking task did not finish")]
    Blocking(#[from] tokio::task::JoinError),
    #[error("a stored id is not a UUID")]
    StoredId(#[from] uuid::Error),
    #[error("a value cannot be written as JSON")]
    Json(#[source] serde_json::Error),
    #[error("a stored URL does not parse")]
    StoredUrl(#[source] url::ParseError),
    /// The billing webhook's method ran without the layer that keeps its raw body.
    #[error("the webhook's raw body was not kept (the billing router lacks its layer)")]
    RawBodyMissing,
    /// A stored value is none the server writes (the database's checks should have refused it).
    #[error("a stored {0} is unreadable")]
    StoredValue(&'static str),
    /// A row written a moment ago cannot be read back.
    #[error("the {0} just written cannot be read back")]
    Vanished(&'static str),
}

impl contract_server::InternalError for ApiError {}

/// Whether a database error is a unique-constraint violation (a duplicate: `409`).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// Whether a database error is a foreign-key violation (the parent row is gone).
pub(crate) fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_foreign_key_violation())
}
