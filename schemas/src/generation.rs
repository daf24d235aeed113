//! Code generation jobs. Each request starts an asynchronous job, polled by id.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::common::{Pagination, Problem};

/// A model identifier as the model catalogue lists it, such as `openai/gpt-4o`.
const MODEL_PATTERN: &str = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._:-]*$";

/// One prompt, one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = SimpleGenerationRequest::example())]
pub struct SimpleGenerationRequest {
    #[schemars(length(min = 1, max = 20000))]
    pub prompt: String,
    /// A model from `GET /api/v2/generate/models` (another is a `422` while the catalogue can be
    /// fetched); the default model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 128), regex(pattern = MODEL_PATTERN))]
    pub model: Option<String>,
    /// Writes the generated files into this project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
}

impl SimpleGenerationRequest {
    fn example() -> Self {
        Self { prompt: "A landing page for a bakery".into(), model: Some("openai/gpt-4o".into()), project_id: None }
    }
}

/// An agent of an agentic run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentRole {
    Architect,
    Developer,
    Reviewer,
    Tester,
}

/// Several agents iterate on a prompt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = AgenticRequest::example())]
pub struct AgenticRequest {
    #[schemars(length(min = 1, max = 20000))]
    pub prompt: String,
    /// A model from `GET /api/v2/generate/models` (another is a `422` while the catalogue can be
    /// fetched); the default model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 128), regex(pattern = MODEL_PATTERN))]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    /// The agents to involve, each once.
    #[schemars(length(min = 1, max = 4), extend("uniqueItems" = true))]
    pub agents: Vec<AgentRole>,
    /// Review rounds before the job ends.
    #[serde(default = "default_iterations")]
    #[schemars(range(min = 1, max = 10))]
    pub max_iterations: u8,
}

fn default_iterations() -> u8 {
    3
}

impl AgenticRequest {
    fn example() -> Self {
        Self {
            prompt: "A todo app with tags".into(),
            model: None,
            project_id: None,
            agents: vec![AgentRole::Architect, AgentRole::Developer, AgentRole::Reviewer],
            max_iterations: 3,
        }
    }
}

/// Front-end frameworks a full-stack job can target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrontendFramework {
    React,
    Nextjs,
    Vue,
    Svelte,
}

/// Back-end frameworks a full-stack job can target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackendFramework {
    Fastapi,
    Express,
    Axum,
}

/// Databases a full-stack job can target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    Postgresql,
    Sqlite,
    Mongodb,
}

/// A whole application: front end, back end and database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = FullStackRequest::example())]
pub struct FullStackRequest {
    #[schemars(length(min = 1, max = 20000))]
    pub prompt: String,
    /// A model from `GET /api/v2/generate/models` (another is a `422` while the catalogue can be
    /// fetched); the default model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 128), regex(pattern = MODEL_PATTERN))]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    pub frontend: FrontendFramework,
    pub backend: BackendFramework,
    pub database: DatabaseKind,
    /// Features to include, such as `auth` or `payments`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20), inner(length(min = 1, max = 64)))]
    pub features: Vec<String>,
}

impl FullStackRequest {
    fn example() -> Self {
        Self {
            prompt: "A booking system for a yoga studio".into(),
            model: None,
            project_id: None,
            frontend: FrontendFramework::Nextjs,
            backend: BackendFramework::Axum,
            database: DatabaseKind::Postgresql,
            features: vec!["auth".into(), "payments".into()],
        }
    }
}

/// The kind of a generation job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GenerationKind {
    Simple,
    Agentic,
    Fullstack,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// Canceled by its owner before it ended.
    Canceled,
}

impl JobStatus {
    /// Whether the job has ended (nothing will change it any more).
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Canceled)
    }
}

/// A file a job produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GeneratedFile {
    /// Relative path inside the generated project, with `/` separators.
    pub path: String,
    pub content: String,
    pub language: Option<String>,
}

/// Tokens a job consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenUsage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

/// What a finished job produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GenerationResult {
    pub summary: String,
    pub files: Vec<GeneratedFile>,
    pub usage: TokenUsage,
}

/// A generation job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = GenerationJob::example())]
pub struct GenerationJob {
    pub id: Uuid,
    pub kind: GenerationKind,
    pub status: JobStatus,
    /// Percent done.
    #[schemars(range(max = 100))]
    pub progress: u8,
    pub model: String,
    pub project_id: Option<Uuid>,
    /// Set once `status` is `succeeded`.
    pub result: Option<GenerationResult>,
    /// Why the job failed, set once `status` is `failed`: `502` when the model provider failed or
    /// could not be reached, `500` when the server did.
    pub error: Option<Problem>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl GenerationJob {
    fn example() -> Self {
        let at: DateTime<Utc> = "2026-03-10T08:00:00Z".parse().expect("valid example date");
        Self {
            id: Uuid::from_u128(0x5e2a_9b7c_1f3d_4e6a_8b0c_2d4e_6f8a_0b1c),
            kind: GenerationKind::Agentic,
            status: JobStatus::Running,
            progress: 40,
            model: "openai/gpt-4o".into(),
            project_id: None,
            result: None,
            error: None,
            created_at: at,
            updated_at: at,
        }
    }
}

/// Path of the operations on one job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobPath {
    pub job_id: Uuid,
}

/// A model the generation endpoints accept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelInfo {
    /// Pass this as `model`.
    pub id: String,
    pub name: String,
    pub provider: String,
    /// The largest prompt plus answer, in tokens.
    pub context_length: u32,
    /// The model used when a request names none.
    pub default: bool,
}

/// The model catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelList {
    pub models: Vec<ModelInfo>,
}

/// Filters of the job list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JobListQuery {
    #[serde(flatten)]
    pub pagination: Pagination,
    /// Keeps the jobs in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<JobStatus>,
}

/// What the event stream of a job tells, in order. The stream ends after `finished`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobEvent {
    /// The job's state or progress changed.
    Progress {
        status: JobStatus,
        /// Percent done.
        #[schemars(range(max = 100))]
        progress: u8,
        /// What the job is doing, such as `developer, round 2 of 3`.
        message: String,
    },
    /// The job ended (succeeded, failed or canceled): the job as `GET /api/v2/generate/jobs/{job_id}`
    /// now answers it.
    Finished { job: Box<GenerationJob> },
}
