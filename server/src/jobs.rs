//! Generation jobs: the queue in the database, this process's worker pool, the steps of each kind
//! of job, and the events a job's progress leaves ([`App::job_events`]).
//!
//! A job is written `queued`; any server process sharing the database may run it. A process
//! claims a job with one conditional `UPDATE … WHERE id = ? AND status = 'queued'` (so two processes
//! never both run it), at most [`GenerationConfig::concurrency`] at a time, and not while the job's
//! owner already has [`GenerationConfig::max_running_per_user`] running jobs (claims of one user
//! are serialized by a write to the user's row first, so the count is exact on PostgreSQL too).
//! Every state change is a conditional `UPDATE` from the state the writer believes in, in the same
//! transaction as the event it leaves, so a canceled job is never overwritten by its worker.
//!
//! Events: `generation_job_events(job_id, seq, event)`, `seq` = 1, 2, 3… per job (the primary key
//! refuses a duplicate). A `Progress` when the job is queued, when it starts and after each step;
//! a `Finished` with the final job, last.
//!
//! Restart: a running job's process refreshes its `heartbeat_at` every third of the lease
//! ([`GenerationConfig::lease`]). Every process, from its start and then every third of the lease,
//! re-queues running jobs whose heartbeat is older than the lease (their process stopped), from
//! the first step; a job claimed [`GenerationConfig::max_attempts`] times fails instead (`500`).
//! A process stopping gracefully re-queues its own running jobs at once ([`App::release_jobs`]).
//! Queued jobs simply wait for any process. Cancellation of a job another process runs is seen by
//! that process at its next heartbeat or step, which then stops it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use futures::Stream;
use schemas::common::Problem;
use schemas::generation::*;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::AbortHandle;
use uuid::Uuid;

use crate::App;
use crate::db::{Db, lock_key, on_db, sql};
use crate::error::{ApiError, is_foreign_key_violation};
use crate::generation::{FILE_CONVENTION, GenerationConfig, ModelCache, summary};
use crate::providers::{CompletionRequest, GenerationProvider, ProviderError};

/// This process's side of generation: the provider, the worker pool, the wake-ups.
pub struct Jobs {
    pub(crate) provider: Arc<dyn GenerationProvider>,
    pub(crate) config: GenerationConfig,
    pub(crate) models: ModelCache,
    /// What this process writes as `claimed_by` (random per process).
    instance: String,
    slots: Arc<Semaphore>,
    /// A job was queued or ended here: look for work.
    wake: Notify,
    /// Bumped after each event this process writes: wakes the event streams.
    events: watch::Sender<u64>,
    /// The jobs this process runs, each with the claim its task runs.
    running: Mutex<HashMap<Uuid, Running>>,
    /// The dispatcher and the keeper.
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

/// A job's task in this process.
struct Running {
    /// The claim the task runs (the job's `attempts` when it was claimed).
    attempt: i64,
    task: AbortHandle,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Jobs {
    pub fn new(provider: Arc<dyn GenerationProvider>, config: GenerationConfig) -> Self {
        Self {
            provider,
            slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
            config,
            models: ModelCache::default(),
            instance: Uuid::new_v4().to_string(),
            wake: Notify::new(),
            events: watch::channel(0).0,
            running: Mutex::new(HashMap::new()),
            tasks: Mutex::new(Vec::new()),
        }
    }

    fn bump(&self) {
        self.events.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Stops this process's workers at once, as if the process stopped: the jobs it was running
    /// stay `running` until another process finds their lease expired.
    pub fn stop(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
        for (_, running) in lock(&self.running).drain() {
            running.task.abort();
        }
    }
}

/// Starts the dispatcher and the keeper of `app`'s jobs (nothing when generation is not
/// configured).
pub(crate) fn spawn_workers(app: &Arc<App>) {
    let Some(jobs) = app.generation.clone() else { return };
    let dispatcher = tokio::spawn(dispatch(app.clone(), jobs.clone()));
    let keeper = tokio::spawn(keep(app.clone(), jobs.clone()));
    lock(&jobs.tasks).extend([dispatcher, keeper]);
}

/// A worker's slot: frees the permit and wakes the dispatcher when the job's task ends, however.
struct Slot {
    jobs: Arc<Jobs>,
    id: Uuid,
    attempt: i64,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = lock(&self.jobs.running);
        // A later claim of the same job (after this task's lease lapsed) is another task's.
        if running.get(&self.id).is_some_and(|r| r.attempt == self.attempt) {
            running.remove(&self.id);
        }
        drop(running);
        self.jobs.wake.notify_one();
    }
}

/// Claims queued jobs while slots are free, and runs each on a task of its own.
async fn dispatch(app: Arc<App>, jobs: Arc<Jobs>) {
    loop {
        let Ok(permit) = jobs.slots.clone().acquire_owned().await else { return };
        match app.claim_next(&jobs).await {
            Ok(Some(claimed)) => {
                let (id, attempt) = (claimed.id, claimed.attempt);
                let slot = Slot { jobs: jobs.clone(), id, attempt, _permit: permit };
                let task = tokio::spawn(run(app.clone(), jobs.clone(), claimed, slot));
                let mut running = lock(&jobs.running);
                if !task.is_finished() {
                    // This process claimed the job again after its own lease lapsed (a stalled
                    // heartbeat): the earlier task runs a claim that is no longer the job's.
                    if let Some(earlier) = running.insert(id, Running { attempt, task: task.abort_handle() }) {
                        earlier.task.abort();
                    }
                }
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    _ = jobs.wake.notified() => {}
                    _ = tokio::time::sleep(jobs.config.poll) => {}
                }
            }
            Err(error) => {
                drop(permit);
                tracing::error!(error = &error as &dyn std::error::Error, "claiming a generation job failed");
                tokio::time::sleep(jobs.config.poll).await;
            }
        }
    }
}

/// Every third of the lease: refreshes the heartbeat of this process's jobs, stops those it lost
/// (canceled, or re-queued elsewhere), and re-queues the jobs of processes that stopped.
async fn keep(app: Arc<App>, jobs: Arc<Jobs>) {
    let period = (jobs.config.lease / 3).max(Duration::from_millis(50));
    loop {
        if let Err(error) = app.keep_once(&jobs).await {
            tracing::error!(error = &error as &dyn std::error::Error, "keeping generation jobs failed");
        }
        tokio::time::sleep(period).await;
    }
}

/// A job this process claimed, with what it needs to run.
struct Claimed {
    id: Uuid,
    /// The job's `attempts` once claimed: which claim this is.
    attempt: i64,
    owner: String,
    kind: GenerationKind,
    model: String,
    project_id: Option<Uuid>,
    request: String,
}

/// Why a job stopped before its end.
enum Stop {
    /// The provider failed (the job fails with a `502`).
    Provider(ProviderError),
    /// The server failed (`500`).
    Server(ApiError),
    /// The job is no longer this process's (canceled, or re-queued elsewhere): nothing to write.
    Lost,
}

impl From<ApiError> for Stop {
    fn from(error: ApiError) -> Self {
        Stop::Server(error)
    }
}

impl From<sqlx::Error> for Stop {
    fn from(error: sqlx::Error) -> Self {
        Stop::Server(error.into())
    }
}

async fn run(app: Arc<App>, jobs: Arc<Jobs>, claimed: Claimed, slot: Slot) {
    let id = claimed.id;
    let claim = Claim { attempt: claimed.attempt, by: Some(&jobs.instance), stale_before: None };
    let outcome = app.execute(&jobs, &claimed).await;
    let written = match outcome {
        Ok(result) => {
            let project = claimed.project_id.map(|project| (claimed.owner.as_str(), project));
            // Whatever was written, and even if this task is aborted from here on, the owner's
            // cached projects are forgotten.
            let _stale = project.map(|_| ForgetProjects { app: app.clone(), owner: claimed.owner.clone() });
            app.finish(&jobs, id, claim, Ending::Succeeded { result, project }).await
        }
        Err(Stop::Provider(error)) => {
            tracing::warn!(job = %id, %error, "generation job failed: the model provider failed");
            let detail = match error {
                ProviderError::Unreachable(_) => {
                    "The model provider could not be reached or failed, even after retries.".to_owned()
                }
                ProviderError::Rejected(reason) | ProviderError::KeyInUse(reason) => {
                    format!("The model provider refused the request: {reason}")
                }
            };
            let problem = problem(502, detail);
            app.finish(&jobs, id, claim, Ending::Failed(&problem)).await
        }
        Err(Stop::Server(error)) => {
            tracing::error!(job = %id, error = &error as &dyn std::error::Error, "generation job failed");
            let problem = problem(500, contract_server::INTERNAL_ERROR_DETAIL.to_owned());
            app.finish(&jobs, id, claim, Ending::Failed(&problem)).await
        }
        Err(Stop::Lost) => Ok(false),
    };
    if let Err(error) = written {
        tracing::error!(job = %id, error = &error as &dyn std::error::Error, "ending a generation job failed");
    }
    drop(slot);
}

/// The claim of a running job that its ending must still find.
#[derive(Clone, Copy)]
struct Claim<'a> {
    /// The job's `attempts` when it was claimed.
    attempt: i64,
    /// Its `claimed_by`, when known.
    by: Option<&'a str>,
    /// Only while its heartbeat is older than this (the keeper's judgement, made again).
    stale_before: Option<DateTime<Utc>>,
}

/// How a job ends.
enum Ending<'a> {
    /// With its result, whose files go into the project `(owner, project)` when the job names one.
    Succeeded {
        result: GenerationResult,
        project: Option<(&'a str, Uuid)>,
    },
    Failed(&'a Problem),
}

/// Forgets an owner's cached projects when dropped, however its task ends (an abort included):
/// a job's files may have been written.
struct ForgetProjects {
    app: Arc<App>,
    owner: String,
}

impl Drop for ForgetProjects {
    fn drop(&mut self) {
        let (app, owner) = (self.app.clone(), std::mem::take(&mut self.owner));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { app.cache.invalidate(crate::cache::Scope::Projects, &owner).await });
        }
    }
}

/// The problem a failed job carries.
fn problem(status: u16, detail: String) -> Problem {
    // As the generated constructors build it (`contract::ProblemDetails` for `Problem`).
    Problem {
        type_: "about:blank".into(),
        title: contract_server::reason_phrase(status).into(),
        status,
        detail: Some(detail),
        errors: Vec::new(),
    }
}

fn kind_name(kind: GenerationKind) -> &'static str {
    match kind {
        GenerationKind::Simple => "simple",
        GenerationKind::Agentic => "agentic",
        GenerationKind::Fullstack => "fullstack",
    }
}

fn kind_of(text: &str) -> Option<GenerationKind> {
    Some(match text {
        "simple" => GenerationKind::Simple,
        "agentic" => GenerationKind::Agentic,
        "fullstack" => GenerationKind::Fullstack,
        _ => return None,
    })
}

pub(crate) fn status_name(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "queued",
        JobStatus::Running => "running",
        JobStatus::Succeeded => "succeeded",
        JobStatus::Failed => "failed",
        JobStatus::Canceled => "canceled",
    }
}

fn status_of(text: &str) -> Option<JobStatus> {
    Some(match text {
        "queued" => JobStatus::Queued,
        "running" => JobStatus::Running,
        "succeeded" => JobStatus::Succeeded,
        "failed" => JobStatus::Failed,
        "canceled" => JobStatus::Canceled,
        _ => return None,
    })
}

fn role_name(role: AgentRole) -> &'static str {
    match role {
        AgentRole::Architect => "architect",
        AgentRole::Developer => "developer",
        AgentRole::Reviewer => "reviewer",
        AgentRole::Tester => "tester",
    }
}

fn role_system(role: AgentRole) -> &'static str {
    match role {
        AgentRole::Architect => {
            "You are the architect of a software team. Design the solution: components, data model, API, and \
             the files to write. Improve on the previous output you are given."
        }
        AgentRole::Developer => {
            "You are the developer of a software team. Write the complete code of the solution, as files, \
             building on the previous output you are given."
        }
        AgentRole::Reviewer => {
            "You are the reviewer of a software team. Review the previous output: fix bugs and security \
             problems, and give the corrected files in full."
        }
        AgentRole::Tester => {
            "You are the tester of a software team. Write tests for the previous output, as files, and fix \
             what they would reveal."
        }
    }
}

const SIMPLE_SYSTEM: &str = "You are Devora, a code generator. Answer the request with working code and a short \
                             explanation.";

const FULLSTACK_SYSTEM: &str = "You are Devora, a full-stack application generator. Write a complete, runnable \
                                application as files: front end, back end, database schema and a README.";

/// The columns a job is shown from.
const JOB_COLUMNS: &str =
    "SELECT id, kind, status, progress, model, project_id, result, error, created_at, updated_at FROM generation_jobs";

/// Appends an event to a job: the next `seq`, decided by the primary key.
const INSERT_EVENT: &str = "INSERT INTO generation_job_events (job_id, seq, event, created_at) \
                            SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3 FROM generation_job_events WHERE job_id = ?1";

/// A `generation_jobs` row as shown.
#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    id: String,
    kind: String,
    status: String,
    progress: i64,
    model: String,
    project_id: Option<String>,
    result: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl JobRow {
    pub(crate) fn into_job(self) -> Result<GenerationJob, ApiError> {
        fn json<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Option<T>, ApiError> {
            text.map(|t| serde_json::from_str(&t)).transpose().map_err(ApiError::Json)
        }
        Ok(GenerationJob {
            id: self.id.parse()?,
            kind: kind_of(&self.kind).ok_or(ApiError::StoredValue("job kind"))?,
            status: status_of(&self.status).ok_or(ApiError::StoredValue("job status"))?,
            progress: u8::try_from(self.progress.clamp(0, 100)).unwrap_or(100),
            model: self.model,
            project_id: self.project_id.map(|p| p.parse()).transpose()?,
            result: json(self.result)?,
            error: json(self.error)?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::Json)
}

/// What a request to start a job asks for.
pub(crate) struct NewJob<'a> {
    pub owner: &'a str,
    pub kind: GenerationKind,
    pub model: &'a str,
    pub project_id: Option<Uuid>,
    /// The request body, as JSON.
    pub request: String,
    /// The owner's monthly generations (`None`: unlimited).
    pub monthly_limit: Option<u32>,
}

/// What starting a job did.
pub(crate) enum Created {
    Queued(Box<GenerationJob>),
    /// The month's generations are used up.
    OverQuota,
    /// The project was deleted meanwhile.
    NoProject,
}

/// What canceling a job did.
pub(crate) enum Cancel {
    Done(Box<GenerationJob>),
    /// The job had already ended.
    Ended,
    Missing,
}

/// The first instant of the current month (UTC).
fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).single().unwrap_or(now)
}

impl App {
    fn jobs_notify(&self) {
        if let Some(jobs) = &self.generation {
            jobs.bump();
            jobs.wake.notify_one();
        }
    }

    /// Writes a job `queued`, with its first event, unless the owner's month is used up: the
    /// count and the insert are one statement, run under the owner's lock ([`lock_key`]) so that
    /// concurrent requests cannot both see room.
    pub(crate) async fn create_job(&self, new: NewJob<'_>) -> Result<Created, ApiError> {
        let id = Uuid::new_v4().to_string();
        let now = Utc::now();
        let limit = new.monthly_limit.map_or(i64::MAX, i64::from);
        let event = to_json(&JobEvent::Progress { status: JobStatus::Queued, progress: 0, message: "queued".into() })?;
        let project = new.project_id.map(|p| p.to_string());
        let text = format!("{JOB_COLUMNS} WHERE id = ?");
        let quota_key = format!("generation_jobs:{}", new.owner);
        let inserted: Result<Option<JobRow>, sqlx::Error> = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            lock_key(pool, &mut tx, &quota_key).await?;
            let inserted = sqlx::query(sql(
                pool,
                "INSERT INTO generation_jobs (id, owner_id, kind, status, progress, model, project_id, request, \
                 attempts, created_at, updated_at) SELECT ?1, ?2, ?3, 'queued', 0, ?4, ?5, ?6, 0, ?7, ?7 \
                 WHERE (SELECT COUNT(*) FROM generation_jobs WHERE owner_id = ?2 AND created_at >= ?8 \
                 AND status <> 'failed') < ?9",
            ))
            .bind(&id)
            .bind(new.owner)
            .bind(kind_name(new.kind))
            .bind(new.model)
            .bind(&project)
            .bind(&new.request)
            .bind(now)
            .bind(month_start(now))
            .bind(limit)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Ok(None);
            }
            sqlx::query(sql(pool, INSERT_EVENT)).bind(&id).bind(&event).bind(now).execute(&mut *tx).await?;
            // Read as written: once committed, a worker of any process may claim it at once.
            let row: JobRow = sqlx::query_as(sql(pool, text)).bind(&id).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(row))
        }.await);
        let row = match inserted {
            Ok(Some(row)) => row,
            Ok(None) => return Ok(Created::OverQuota),
            Err(error) if is_foreign_key_violation(&error) => return Ok(Created::NoProject),
            Err(error) => return Err(error.into()),
        };
        self.jobs_notify();
        Ok(Created::Queued(Box::new(row.into_job()?)))
    }

    /// A job of `owner`.
    pub(crate) async fn job(&self, owner: &str, id: Uuid) -> Result<Option<GenerationJob>, ApiError> {
        let text = format!("{JOB_COLUMNS} WHERE id = ? AND owner_id = ?");
        let row: Option<JobRow> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(pool, text)).bind(id.to_string()).bind(owner).fetch_optional(pool).await
        })?;
        row.map(JobRow::into_job).transpose()
    }

    /// Cancels a job of `owner` that has not ended: at once in the database (with its `Finished`
    /// event); a worker of this process is stopped now, one of another process at its next step
    /// or heartbeat.
    pub(crate) async fn cancel_job(&self, owner: &str, id: Uuid) -> Result<Cancel, ApiError> {
        let now = Utc::now();
        let key = id.to_string();
        let text = format!("{JOB_COLUMNS} WHERE id = ?");
        let canceled: Option<GenerationJob> = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET status = 'canceled', updated_at = ? WHERE id = ? AND owner_id = ? \
                 AND status IN ('queued', 'running')",
            ))
            .bind(now)
            .bind(&key)
            .bind(owner)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok::<_, ApiError>(None);
            }
            let row: JobRow = sqlx::query_as(sql(pool, text)).bind(&key).fetch_one(&mut *tx).await?;
            let job = row.into_job()?;
            let event = to_json(&JobEvent::Finished { job: Box::new(job.clone()) })?;
            sqlx::query(sql(pool, INSERT_EVENT)).bind(&key).bind(&event).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(job))
        }.await)?;
        let Some(job) = canceled else {
            return Ok(match self.job(owner, id).await? {
                Some(_) => Cancel::Ended,
                None => Cancel::Missing,
            });
        };
        if let Some(jobs) = &self.generation
            && let Some(running) = lock(&jobs.running).remove(&id)
        {
            running.task.abort();
        }
        self.jobs_notify();
        Ok(Cancel::Done(Box::new(job)))
    }

    /// Claims the oldest queued job whose owner is under the running limit.
    async fn claim_next(&self, jobs: &Jobs) -> Result<Option<Claimed>, ApiError> {
        let limit = i64::from(jobs.config.max_running_per_user);
        let candidates: Vec<(String,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT j.id FROM generation_jobs j WHERE j.status = 'queued' AND (SELECT COUNT(*) FROM \
                 generation_jobs r WHERE r.owner_id = j.owner_id AND r.status = 'running') < ? \
                 ORDER BY j.created_at, j.id LIMIT 8",
            ))
            .bind(limit)
            .fetch_all(pool)
            .await
        })?;
        for (id,) in candidates {
            if let Some(claimed) = self.claim(jobs, &id, limit).await? {
                return Ok(Some(claimed));
            }
        }
        Ok(None)
    }

    /// Claims one job if it is still queued and its owner under the limit.
    async fn claim(&self, jobs: &Jobs, id: &str, limit: i64) -> Result<Option<Claimed>, ApiError> {
        let now = Utc::now();
        type Row = (String, String, String, Option<String>, String, i64);
        let row: Option<Row> = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            // Serializes the claims of one user (a row lock on PostgreSQL, the write lock on SQLite).
            sqlx::query(sql(
                pool,
                "UPDATE users SET disabled = disabled WHERE id = (SELECT owner_id FROM generation_jobs WHERE id = ?)",
            ))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let claimed = sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET status = 'running', claimed_by = ?1, heartbeat_at = ?2, updated_at = ?2, \
                 attempts = attempts + 1 WHERE id = ?3 AND status = 'queued' AND (SELECT COUNT(*) FROM \
                 generation_jobs r WHERE r.owner_id = generation_jobs.owner_id AND r.status = 'running') < ?4",
            ))
            .bind(&jobs.instance)
            .bind(now)
            .bind(id)
            .bind(limit)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok::<_, sqlx::Error>(None);
            }
            let row: Row = sqlx::query_as(sql(
                pool,
                "SELECT owner_id, kind, model, project_id, request, attempts FROM generation_jobs WHERE id = ?",
            ))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let message = if row.5 > 1 { format!("started (attempt {})", row.5) } else { "started".to_owned() };
            let event = JobEvent::Progress { status: JobStatus::Running, progress: 0, message };
            let event = serde_json::to_string(&event).unwrap_or_default();
            sqlx::query(sql(pool, INSERT_EVENT)).bind(id).bind(&event).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(row))
        }.await)?;
        let Some((owner, kind, model, project_id, request, attempt)) = row else { return Ok(None) };
        jobs.bump();
        Ok(Some(Claimed {
            id: id.parse()?,
            attempt,
            owner,
            kind: kind_of(&kind).ok_or(ApiError::StoredValue("job kind"))?,
            model,
            project_id: project_id.map(|p| p.parse()).transpose()?,
            request,
        }))
    }

    /// Records a step's progress, if the job is still this claim's (`false`: it is not).
    async fn progress(&self, jobs: &Jobs, job: &Claimed, percent: u8, message: String) -> Result<bool, ApiError> {
        let now = Utc::now();
        let key = job.id.to_string();
        let event = to_json(&JobEvent::Progress { status: JobStatus::Running, progress: percent, message })?;
        let ours = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET progress = ?1, updated_at = ?2, heartbeat_at = ?2 WHERE id = ?3 \
                 AND status = 'running' AND claimed_by = ?4 AND attempts = ?5",
            ))
            .bind(i64::from(percent))
            .bind(now)
            .bind(&key)
            .bind(&jobs.instance)
            .bind(job.attempt)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok::<_, sqlx::Error>(false);
            }
            sqlx::query(sql(pool, INSERT_EVENT)).bind(&key).bind(&event).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await)?;
        if ours {
            jobs.bump();
        }
        Ok(ours)
    }

    /// Ends a running job with its `Finished` event if `claim` still holds it; `false` when it
    /// does not (canceled, ended, re-queued or claimed again). A succeeded job's files are written
    /// into its project in the same transaction, after the job's row is locked: a cancel or a
    /// takeover either comes first (and no file is written) or waits and finds the job ended.
    async fn finish(&self, jobs: &Jobs, id: Uuid, claim: Claim<'_>, ending: Ending<'_>) -> Result<bool, ApiError> {
        let now = Utc::now();
        let key = id.to_string();
        let (status, mut result, error, project) = match ending {
            Ending::Succeeded { result, project } => (JobStatus::Succeeded, Some(result), None, project),
            Ending::Failed(problem) => (JobStatus::Failed, None, Some(to_json(problem)?), None),
        };
        let (files, skipped) = result.as_ref().map(|r| fitting(&r.files)).unwrap_or_default();
        let text = format!("{JOB_COLUMNS} WHERE id = ?");
        let done = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            let held = sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET updated_at = updated_at WHERE id = ?1 AND status = 'running' \
                 AND attempts = ?2 AND (?3 IS NULL OR claimed_by = ?3) AND (?4 IS NULL OR heartbeat_at < ?4)",
            ))
            .bind(&key)
            .bind(claim.attempt)
            .bind(claim.by)
            .bind(claim.stale_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if held == 0 {
                return Ok::<_, ApiError>(false);
            }
            let mut note = String::new();
            if let (Some(written), Some((owner, project))) = (result.as_ref(), project) {
                let project = project.to_string();
                // The project's row locked: its deletion waits for the files, or came first.
                let found = sqlx::query(sql(pool, "UPDATE projects SET updated_at = updated_at WHERE id = ? AND owner_id = ?"))
                    .bind(&project)
                    .bind(owner)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                note = if found == 0 {
                    "The project no longer exists: no file was written into it.".to_owned()
                } else {
                    for (name, index) in &files {
                        let file = &written.files[*index];
                        sqlx::query(sql(pool, crate::services::projects::UPSERT_FILE))
                            .bind(&project)
                            .bind(name)
                            .bind(&file.content)
                            .bind(file.language.as_deref())
                            .bind(file.content.len() as i64)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    if !files.is_empty() {
                        sqlx::query(sql(pool, crate::services::projects::TOUCH_PROJECT)).bind(now).bind(&project).execute(&mut *tx).await?;
                    }
                    skipped_note(&skipped)
                };
            }
            if let Some(result) = result.as_mut().filter(|_| !note.is_empty()) {
                result.summary.push_str("\n\n");
                result.summary.push_str(&note);
            }
            let result = result.as_ref().map(to_json).transpose()?;
            sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET status = ?1, progress = CASE WHEN ?1 = 'succeeded' THEN 100 ELSE progress END, \
                 result = ?2, error = ?3, updated_at = ?4 WHERE id = ?5",
            ))
            .bind(status_name(status))
            .bind(&result)
            .bind(&error)
            .bind(now)
            .bind(&key)
            .execute(&mut *tx)
            .await?;
            let row: JobRow = sqlx::query_as(sql(pool, text)).bind(&key).fetch_one(&mut *tx).await?;
            let event = to_json(&JobEvent::Finished { job: Box::new(row.into_job()?) })?;
            sqlx::query(sql(pool, INSERT_EVENT)).bind(&key).bind(&event).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await)?;
        if done {
            jobs.bump();
        }
        Ok(done)
    }

    /// One round of [`keep`].
    async fn keep_once(&self, jobs: &Jobs) -> Result<(), ApiError> {
        let now = Utc::now();
        // The jobs this process's tasks run now; a job claimed after this snapshot is not judged.
        let local: Vec<String> = lock(&jobs.running).keys().map(Uuid::to_string).collect();
        if !local.is_empty() {
            let marks = vec!["?"; local.len()].join(", ");
            let beat = format!(
                "UPDATE generation_jobs SET heartbeat_at = ? WHERE claimed_by = ? AND status = 'running' AND id IN ({marks})"
            );
            let lost_text = format!(
                "SELECT id FROM generation_jobs WHERE id IN ({marks}) AND (status <> 'running' OR claimed_by IS NULL \
                 OR claimed_by <> ?)"
            );
            let lost: Vec<(String,)> = on_db!(&self.db, pool => async {
                let mut query = sqlx::query(sql(pool, beat)).bind(now).bind(&jobs.instance);
                for id in &local {
                    query = query.bind(id);
                }
                query.execute(pool).await?;
                let mut query = sqlx::query_as(sql(pool, lost_text));
                for id in &local {
                    query = query.bind(id);
                }
                query.bind(&jobs.instance).fetch_all(pool).await
            }.await)?;
            // Jobs this process runs that are no longer its own: canceled, or taken over.
            let mut running = lock(&jobs.running);
            for (id,) in lost {
                if let Some(lost) = id.parse().ok().and_then(|id: Uuid| running.remove(&id)) {
                    tracing::info!(job = %id, "generation job no longer ours, stopped");
                    lost.task.abort();
                }
            }
        }
        let lease = chrono::Duration::from_std(jobs.config.lease).unwrap_or(chrono::Duration::MAX);
        let stale_before = now - lease;
        let stale: Vec<(String, Option<String>, i64)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT id, claimed_by, attempts FROM generation_jobs WHERE status = 'running' AND heartbeat_at < ?",
            ))
            .bind(stale_before)
            .fetch_all(pool)
            .await
        })?;
        for (id, claimer, attempts) in stale {
            let id: Uuid = id.parse()?;
            if attempts >= i64::from(jobs.config.max_attempts) {
                let detail = format!("The server stopped while running this job {attempts} times; it was not retried.");
                let problem = problem(500, detail);
                // Judged again as it ends: a heartbeat that lands meanwhile keeps the job running.
                let claim = Claim { attempt: attempts, by: claimer.as_deref(), stale_before: Some(stale_before) };
                self.finish(jobs, id, claim, Ending::Failed(&problem)).await?;
                tracing::warn!(job = %id, attempts, "generation job failed: its servers kept stopping");
            } else if self.requeue(jobs, id, Some(stale_before), None).await? {
                tracing::warn!(job = %id, "generation job re-queued: the server running it stopped");
            }
        }
        Ok(())
    }

    /// Puts a running job back in the queue: one whose heartbeat is older than `stale_before`,
    /// or (`claimer` given) one this process releases as it stops, whose claim then does not
    /// count as an attempt.
    async fn requeue(
        &self,
        jobs: &Jobs,
        id: Uuid,
        stale_before: Option<DateTime<Utc>>,
        claimer: Option<&str>,
    ) -> Result<bool, ApiError> {
        let now = Utc::now();
        let key = id.to_string();
        let message = if claimer.is_some() {
            "re-queued: the server running it is stopping"
        } else {
            "re-queued: the server running it stopped"
        };
        let event = to_json(&JobEvent::Progress { status: JobStatus::Queued, progress: 0, message: message.into() })?;
        let requeued = on_db!(&self.db, pool => async {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(sql(
                pool,
                "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, progress = 0, updated_at = ?1, \
                 attempts = attempts - CASE WHEN ?4 IS NULL THEN 0 ELSE 1 END \
                 WHERE id = ?2 AND status = 'running' AND (?3 IS NULL OR heartbeat_at < ?3) \
                 AND (?4 IS NULL OR claimed_by = ?4)",
            ))
            .bind(now)
            .bind(&key)
            .bind(stale_before)
            .bind(claimer)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok::<_, sqlx::Error>(false);
            }
            sqlx::query(sql(pool, INSERT_EVENT)).bind(&key).bind(&event).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }.await)?;
        if requeued {
            jobs.bump();
            jobs.wake.notify_one();
        }
        Ok(requeued)
    }

    /// For a graceful stop: stops this process's workers and puts the jobs they were running back
    /// in the queue at once (another process, or this one's next start, runs them from the
    /// start); returns how many. Without it, they wait for their lease to expire.
    pub async fn release_jobs(&self) -> Result<usize, ApiError> {
        let Some(jobs) = &self.generation else { return Ok(0) };
        jobs.stop();
        let ours: Vec<(String,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(pool, "SELECT id FROM generation_jobs WHERE claimed_by = ? AND status = 'running'"))
                .bind(&jobs.instance)
                .fetch_all(pool)
                .await
        })?;
        let mut released = 0;
        for (id,) in ours {
            if self.requeue(jobs, id.parse()?, None, Some(&jobs.instance)).await? {
                released += 1;
            }
        }
        Ok(released)
    }

    /// Runs a claimed job's steps; its result, or why it stopped.
    async fn execute(&self, jobs: &Jobs, job: &Claimed) -> Result<GenerationResult, Stop> {
        let mut done = Done {
            steps: 0,
            total: 1,
            usage: TokenUsage { prompt_tokens: 0, completion_tokens: 0 },
            files: Vec::new(),
        };
        let last = match job.kind {
            GenerationKind::Simple => {
                let request: SimpleGenerationRequest = serde_json::from_str(&job.request).map_err(ApiError::Json)?;
                let system = format!("{SIMPLE_SYSTEM}\n\n{FILE_CONVENTION}");
                self.step(jobs, job, &mut done, "completion".into(), &system, &request.prompt).await?
            }
            GenerationKind::Fullstack => {
                let request: FullStackRequest = serde_json::from_str(&job.request).map_err(ApiError::Json)?;
                let features =
                    if request.features.is_empty() { "none".to_owned() } else { request.features.join(", ") };
                let prompt = format!(
                    "Front end: {}. Back end: {}. Database: {}. Features: {features}.\n\n{}",
                    wire_name(&request.frontend),
                    wire_name(&request.backend),
                    wire_name(&request.database),
                    request.prompt
                );
                let system = format!("{FULLSTACK_SYSTEM}\n\n{FILE_CONVENTION}");
                self.step(jobs, job, &mut done, "files written".into(), &system, &prompt).await?
            }
            GenerationKind::Agentic => {
                let request: AgenticRequest = serde_json::from_str(&job.request).map_err(ApiError::Json)?;
                let rounds = request.max_iterations.max(1);
                done.total = request.agents.len() * usize::from(rounds);
                let mut previous: Option<(AgentRole, String)> = None;
                for round in 1..=rounds {
                    for &role in &request.agents {
                        let context = match &previous {
                            None => "You are the first to work on it.".to_owned(),
                            Some((by, text)) => format!("The {} wrote:\n\n{}", role_name(*by), last_text(text)),
                        };
                        let prompt = format!("Task:\n{}\n\nRound {round} of {rounds}. {context}", request.prompt);
                        let system = format!("{}\n\n{FILE_CONVENTION}", role_system(role));
                        let label = format!("{}, round {round} of {rounds}", role_name(role));
                        let text = self.step(jobs, job, &mut done, label, &system, &prompt).await?;
                        previous = Some((role, text));
                    }
                }
                previous.map(|(_, text)| text).unwrap_or_default()
            }
        };
        // The files go into the project as the job ends (`finish`).
        Ok(GenerationResult { summary: summary(&last), files: done.files, usage: done.usage })
    }

    /// One completion of a job: its usage and files added to `done`, then its progress recorded
    /// (`Stop::Lost` if the job is no longer this process's); returns the answer's text.
    async fn step(
        &self,
        jobs: &Jobs,
        job: &Claimed,
        done: &mut Done,
        label: String,
        system: &str,
        prompt: &str,
    ) -> Result<String, Stop> {
        let completion = jobs
            .provider
            .complete(CompletionRequest { model: &job.model, system, prompt })
            .await
            .map_err(Stop::Provider)?;
        done.usage.prompt_tokens = done.usage.prompt_tokens.saturating_add(completion.usage.prompt_tokens);
        done.usage.completion_tokens = done.usage.completion_tokens.saturating_add(completion.usage.completion_tokens);
        for file in completion.files {
            done.files.retain(|f| f.path != file.path);
            done.files.push(file);
        }
        done.steps += 1;
        let percent = u8::try_from((done.steps * 100 / done.total.max(1)).min(99)).unwrap_or(99);
        if !self.progress(jobs, job, percent, label).await? {
            return Err(Stop::Lost);
        }
        Ok(completion.text)
    }
}

/// The files of a result that fit a project (each path's `/` as `__`, since a project's file names
/// are flat; within the limits of `put_file`), as (name, index), and the paths of those that do not.
fn fitting(files: &[GeneratedFile]) -> (Vec<(String, usize)>, Vec<String>) {
    let mut fits = Vec::new();
    let mut skipped = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let name = project_file_name(&file.path);
        if schemas::projects::FileName::allows(&name)
            && file.content.len() <= schemas::projects::FileUpsert::MAX_CONTENT_BYTES
        {
            fits.push((name, index));
        } else {
            skipped.push(file.path.clone());
        }
    }
    (fits, skipped)
}

/// The result's note on the files not written (none: empty).
fn skipped_note(skipped: &[String]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!("Not written into the project (name or size over its limits): {}.", skipped.join(", "))
    }
}

/// The project file a generated file is written to: its path with `/` as `__`.
pub fn project_file_name(path: &str) -> String {
    path.replace('/', "__")
}

/// The last answer, shortened for the next agent's prompt.
fn last_text(text: &str) -> String {
    const MAX: usize = 12_000;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[…]", &text[..end])
}

/// The wire name of one of the request's enums (`nextjs`), for prompts.
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// What a job's steps have produced so far.
struct Done {
    steps: usize,
    total: usize,
    usage: TokenUsage,
    files: Vec<GeneratedFile>,
}

/// What a stream of events holds between two polls.
struct Cursor {
    db: Db,
    job: String,
    after: u64,
    buffer: VecDeque<(u64, JobEvent)>,
    wake: Option<watch::Receiver<u64>>,
    poll: Duration,
    done: bool,
}

/// Events of `job` after `after` (at most 100), and whether none will come (the job has ended, its
/// `Finished` written with its final state, or it was deleted).
async fn read_events(db: &Db, job: &str, after: u64) -> Result<Read, sqlx::Error> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    // The status first: once it is final, every event (`Finished` included, written in the same
    // transaction) is committed, so the read that follows sees them all.
    let status: Option<(String,)> = on_db!(db, pool => {
        sqlx::query_as(sql(pool, "SELECT status FROM generation_jobs WHERE id = ?")).bind(job).fetch_optional(pool).await
    })?;
    let ended = status.is_none_or(|(status,)| status_of(&status).is_none_or(JobStatus::is_final));
    let rows: Vec<(i64, String)> = on_db!(db, pool => {
        sqlx::query_as(sql(
            pool,
            "SELECT seq, event FROM generation_job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT 100",
        ))
        .bind(job)
        .bind(after)
        .fetch_all(pool)
        .await
    })?;
    let over = ended && rows.is_empty();
    let last = rows.last().map(|(seq, _)| u64::try_from(*seq).unwrap_or(0));
    let mut events = Vec::with_capacity(rows.len());
    for (seq, text) in rows {
        match serde_json::from_str::<JobEvent>(&text) {
            Ok(event) => events.push((u64::try_from(seq).unwrap_or(0), event)),
            Err(error) => tracing::error!(job, seq, %error, "a stored job event is unreadable, skipped"),
        }
    }
    Ok(Read { events, last, over })
}

/// What [`read_events`] read.
struct Read {
    events: Vec<(u64, JobEvent)>,
    /// The last `seq` read (an unreadable event is skipped, not read again).
    last: Option<u64>,
    /// No event will come.
    over: bool,
}

impl App {
    /// The events of a job of `owner` after `after_seq` (`None`: no such job of that owner):
    /// first those stored, then those to come, each with its `seq`; the stream ends after
    /// `Finished` (at once when `after_seq` is past it, or if the job is deleted). New events are seen at once when this process writes
    /// them, and within the poll interval (500 ms) when another process does.
    /// How many generation jobs wait for a worker (all processes'), for `/metrics`.
    pub async fn queued_jobs(&self) -> Result<i64, sqlx::Error> {
        let (count,): (i64,) = on_db!(&self.db, pool => {
            sqlx::query_as(sql(pool, "SELECT COUNT(*) FROM generation_jobs WHERE status = 'queued'"))
                .fetch_one(pool)
                .await
        })?;
        Ok(count)
    }

    pub async fn job_events(
        &self,
        owner: &str,
        job_id: Uuid,
        after_seq: u64,
    ) -> Result<Option<impl Stream<Item = (u64, JobEvent)> + Send + 'static>, ApiError> {
        let found: Option<(i32,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(pool, "SELECT 1 FROM generation_jobs WHERE id = ? AND owner_id = ?"))
                .bind(job_id.to_string())
                .bind(owner)
                .fetch_optional(pool)
                .await
        })?;
        if found.is_none() {
            return Ok(None);
        }
        let cursor = Cursor {
            db: self.db.clone(),
            job: job_id.to_string(),
            after: after_seq,
            buffer: VecDeque::new(),
            wake: self.generation.as_ref().map(|jobs| jobs.events.subscribe()),
            poll: self.generation.as_ref().map_or(Duration::from_millis(500), |jobs| jobs.config.poll),
            done: false,
        };
        Ok(Some(futures::stream::unfold(cursor, |mut cursor| async move {
            loop {
                if cursor.done {
                    return None;
                }
                if let Some((seq, event)) = cursor.buffer.pop_front() {
                    cursor.after = seq;
                    cursor.done = matches!(event, JobEvent::Finished { .. });
                    return Some(((seq, event), cursor));
                }
                if let Some(wake) = &mut cursor.wake {
                    wake.borrow_and_update();
                }
                match read_events(&cursor.db, &cursor.job, cursor.after).await {
                    Ok(Read { over: true, .. }) => return None,
                    Ok(Read { events, last: Some(last), .. }) => {
                        // Events are yielded from the buffer; `after` moves past skipped ones too.
                        if events.is_empty() {
                            cursor.after = last;
                        }
                        cursor.buffer.extend(events);
                        if !cursor.buffer.is_empty() {
                            continue;
                        }
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::error!(error = &error as &dyn std::error::Error, "reading job events failed")
                    }
                }
                let poll = cursor.poll;
                match &mut cursor.wake {
                    Some(wake) => {
                        let changed = tokio::select! {
                            changed = wake.changed() => changed.is_ok(),
                            _ = tokio::time::sleep(poll) => true,
                        };
                        if !changed {
                            cursor.wake = None;
                        }
                    }
                    None => tokio::time::sleep(poll).await,
                }
            }
        })))
    }
}
