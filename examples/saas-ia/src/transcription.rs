//! Transcription jobs: a YouTube video in, its transcript out, through the statuses of a job.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The YouTube URLs a job accepts: `youtube.com/watch?...v=ID` (also `www.` and `m.`),
/// `youtube.com/embed/ID`, `youtube.com/shorts/ID` and `youtu.be/ID`, where ID is the 11-character
/// video id, optionally followed by a query or fragment of printable ASCII.
///
/// Written with ASCII classes only (no `.`, `\d`, `\s` or `\w`), so that ECMA-262 (the TypeScript
/// validators, the progenitor client's `regress`) and Rust's `regex` (the server) decide alike.
pub const YOUTUBE_URL_PATTERN: &str = r"^https?://((www|m)\.)?(youtube\.com/(watch\?([A-Za-z0-9_.=%-]*&)*v=|embed/|shorts/)|youtu\.be/)[A-Za-z0-9_-]{11}([?&#][!-~]*)?$";

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TranscriptionStatus {
    /// Waiting for a worker.
    Pending,
    /// A worker is transcribing the audio.
    Processing,
    /// `text` holds the transcript.
    Completed,
    /// `error` says why.
    Failed,
}

/// A video to transcribe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = TranscriptionCreate::example())]
pub struct TranscriptionCreate {
    /// A YouTube video URL.
    #[schemars(length(max = 2048), regex(pattern = YOUTUBE_URL_PATTERN))]
    pub video_url: String,
    /// The spoken language (`en`, `fr`, `pt-BR`...), or `auto` to detect it.
    #[serde(default = "auto")]
    #[schemars(regex(pattern = r"^(auto|[a-z]{2}(-[A-Z]{2})?)$"))]
    pub language: String,
}

fn auto() -> String {
    "auto".into()
}

impl TranscriptionCreate {
    fn example() -> Self {
        Self { video_url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ".into(), language: auto() }
    }
}

/// A transcription job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transcription {
    pub id: Uuid,
    /// The account that created the job; only it can see the job.
    pub user_id: Uuid,
    pub video_url: String,
    /// As requested: a language code or `auto`.
    pub language: String,
    pub status: TranscriptionStatus,
    /// The transcript; `null` until the job is `completed`.
    pub text: Option<String>,
    /// How sure the transcriber is, from 0 to 1; `null` until the job is `completed`.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: Option<f64>,
    /// The length of the video; `null` until the job is `completed`.
    pub duration_seconds: Option<u32>,
    /// Why the job failed; `null` unless it is `failed`.
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the job reached `completed` or `failed`.
    pub completed_at: Option<DateTime<Utc>>,
}

/// Which jobs to list: newest first, `limit` of them after skipping `skip`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptionQuery {
    /// How many jobs to skip.
    #[serde(default)]
    #[schemars(range(max = 100000))]
    pub skip: u32,
    /// How many jobs a page holds.
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    /// Only the jobs in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<TranscriptionStatus>,
}

fn default_limit() -> u32 {
    20
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match the query, all pages together.
    pub total: u32,
    /// The `skip` that was applied.
    pub skip: u32,
    /// The `limit` that was applied.
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    /// Whether items remain after this page.
    pub has_more: bool,
}

/// The job a path names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobPath {
    pub job_id: Uuid,
}
