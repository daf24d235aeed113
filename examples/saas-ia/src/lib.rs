//! Example contract: the SaaS-IA transcription back end (seed 003), written as another team would
//! adopt the toolkit. Accounts with bearer tokens, transcription jobs for YouTube videos (the URL is
//! checked by a pattern the schema, the TypeScript validators, the progenitor client and the
//! server all apply), a paginated list with a status filter, health and documentation, and the
//! seed's rate-limit table on every operation.
//!
//! `cargo xtask generate` writes `examples/saas-ia/openapi.yaml` and `examples/saas-ia/generated/`;
//! the tests (`tests/it/`) implement the generated server in memory and drive it through the
//! generated client.
//!
//! Where the seed's FastAPI back end differs: sign-in reads JSON (`{email, password}`), not an
//! OAuth 2 form, because the toolkit's bodies are JSON; errors are RFC 9457 problems (the
//! runtime's one error shape), so a `429` is `{type, title, status, detail}` with `Retry-After` and
//! `X-RateLimit-*` headers rather than `{error, message, detail, retry_after}`; another user's job
//! is a `404`, not a `403`, so ids tell nothing about other accounts.

pub mod auth;
pub mod problem;
pub mod public;
pub mod transcription;

use contract::{Contract, Info, Operation, RateLimit, TypeRef, op};

use auth::{Token, User, UserCreate, UserLogin};
use problem::Problem;
use public::Health;
use transcription::{JobPath, Page, Transcription, TranscriptionCreate, TranscriptionQuery};

/// The contract version (`info.version`), which `health` answers.
pub const VERSION: &str = "1.0.0";

/// The whole contract.
pub fn contract() -> Contract {
    Contract::new(
        Info::new("SaaS-IA API", VERSION)
            .description(
                "The SaaS-IA back end: accounts and YouTube transcription jobs.\n\nEvery operation is rate-limited \
                 per user when a bearer token is sent, per client IP otherwise; past the limit the answer is `429` \
                 with `Retry-After` and `X-RateLimit-*` headers. Errors are `application/problem+json` documents \
                 (RFC 9457).",
            )
            .license("MIT", "MIT"),
    )
    .server("http://127.0.0.1:8004", "A local back end")
    .problem::<Problem>()
    .tag("auth", "Accounts and sign-in.")
    .tag("transcription", "Transcription jobs of the signed-in user.")
    .tag("public", "Health and documentation, without an account.")
    .operations(auth())
    .operations(transcription())
    .operations(public())
}

fn auth() -> Vec<Operation> {
    vec![
        op! {
            /// Create an account.
            post "/api/auth/register" => register
        }
        .tag("auth")
        .body::<UserCreate>()
        .response::<User>(201, "The new account.")
        .error(409, "An account with this email already exists.")
        .rate_limit(RateLimit::per_minute(5)),
        op! {
            /// Sign in with a password.
            ///
            /// Five attempts a minute per client, against brute force.
            post "/api/auth/login" => login
        }
        .tag("auth")
        .body::<UserLogin>()
        .response::<Token>(200, "A bearer token, valid 30 minutes.")
        .error(401, "Wrong email or password, or an inactive account.")
        .rate_limit(RateLimit::per_minute(5)),
        op! {
            /// Get the signed-in account.
            get "/api/auth/me" => get_me
        }
        .tag("auth")
        .response::<User>(200, "The signed-in account.")
        .bearer()
        .rate_limit(RateLimit::per_minute(20)),
    ]
}

fn transcription() -> Vec<Operation> {
    vec![
        op! {
            /// Start transcribing a YouTube video.
            ///
            /// The job starts `pending`; poll it with `get_transcription` until it is `completed` or `failed`.
            /// Ten a minute, to keep the transcription provider's costs in check.
            post "/api/transcription" => create_transcription
        }
        .tag("transcription")
        .body::<TranscriptionCreate>()
        .response::<Transcription>(201, "The new job, `pending`.")
        .bearer()
        .rate_limit(RateLimit::per_minute(10)),
        op! {
            /// List the signed-in user's jobs, newest first.
            get "/api/transcription" => list_transcriptions
        }
        .tag("transcription")
        .query::<TranscriptionQuery>()
        .response::<Page<Transcription>>(200, "One page of jobs.")
        .bearer()
        .rate_limit(RateLimit::per_minute(20)),
        op! {
            /// Get a job: its status and, once completed, its transcript.
            ///
            /// Thirty a minute, for polling.
            get "/api/transcription/{job_id}" => get_transcription
        }
        .tag("transcription")
        .path::<JobPath>()
        .response::<Transcription>(200, "The job.")
        .error(404, "The signed-in user has no such job.")
        .bearer()
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// Delete a job and its transcript.
            delete "/api/transcription/{job_id}" => delete_transcription
        }
        .tag("transcription")
        .path::<JobPath>()
        .empty(204, "Deleted.")
        .error(404, "The signed-in user has no such job.")
        .bearer()
        .rate_limit(RateLimit::per_minute(10)),
    ]
}

fn public() -> Vec<Operation> {
    vec![
        op! {
            /// Check that the server is up, for monitoring.
            get "/health" => health
        }
        .tag("public")
        .response::<Health>(200, "The server is up.")
        .rate_limit(RateLimit::per_minute(100)),
        op! {
            /// Read the API documentation.
            get "/docs" => docs
        }
        .tag("public")
        .response_as(200, "A self-contained HTML page.", TypeRef::of::<String>(), "text/html")
        .rate_limit(RateLimit::per_minute(50)),
    ]
}
