//! The `generation` tag: starting jobs (queued, `202` with a `Location`), reading, listing and
//! canceling them, and the model catalogue. Jobs run in [`crate::jobs`]; the provider is
//! [`crate::generation`]'s. Without `GENERATION_API_KEY` every operation answers `503`.
//!
//! `402`: each plan's `monthly_generations` (`BILLING_PLANS`) caps the jobs a user starts in a
//! calendar month (UTC; failed jobs do not count); the plan is the user's subscription's while it
//! is active or past due, Free otherwise.
//!
//! The contract cannot declare response headers: [`set_location`], a layer on the generation
//! router, adds the `Location` the start methods leave in a task-local ([`LOCATION`]).

use std::cell::RefCell;

use api_server::*;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use contract_server::RequestContext;
use futures::StreamExt;
use schemas::billing::PlanId;
use schemas::generation::*;
use uuid::Uuid;

use super::listing::List;
use super::{answer, caller};
use crate::App;
use crate::db::{on_db, sql};
use crate::error::ApiError;
use crate::jobs::{Cancel, Created, JobRow, NewJob, status_name};

const NOT_CONFIGURED: &str = "Generation is not configured on this server: set GENERATION_API_KEY (and \
                              GENERATION_BASE_URL for a provider other than OpenRouter).";
const NO_PROJECT: &str = "`project_id` names no project of yours.";
const NO_JOB: &str = "No generation job with this id.";

tokio::task_local! {
    /// Where the job a start method queued can be read.
    static LOCATION: RefCell<Option<String>>;
}

/// Adds the `Location` of a `202` (see the module docs).
pub(crate) async fn set_location(request: Request, next: Next) -> Response {
    LOCATION
        .scope(RefCell::new(None), async move {
            let mut response = next.run(request).await;
            let location = LOCATION.with(|cell| cell.borrow_mut().take());
            if response.status() == StatusCode::ACCEPTED
                && let Some(value) = location.and_then(|l| HeaderValue::from_str(&l).ok())
            {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        })
        .await
}

/// What a start method decided.
enum Started {
    Unconfigured,
    NoProject,
    OverQuota(u32),
    /// The request names a model the catalogue does not list.
    UnknownModel(String),
    Queued(Box<GenerationJob>),
}

impl App {
    /// The monthly generations of `owner`'s plan (`None`: unlimited).
    async fn monthly_limit(&self, owner: &str) -> Result<Option<u32>, ApiError> {
        let plan: Option<(Option<String>,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT plan FROM subscriptions WHERE user_id = ? AND status IN ('active', 'past_due')",
            ))
            .bind(owner)
            .fetch_optional(pool)
            .await
        })?;
        let plan = plan.and_then(|(p,)| p).as_deref().and_then(super::billing::plan_id).unwrap_or(PlanId::Free);
        let plans = &self.config.payments.plans;
        Ok(plans.iter().find(|p| p.plan.id == plan).and_then(|p| p.plan.monthly_generations))
    }

    /// Whether the model catalogue lists `model`; `true` too when no catalogue can be had (the
    /// provider unreachable and none cached): the job then tries it, and fails if the provider
    /// refuses it.
    async fn model_is_listed(&self, jobs: &crate::jobs::Jobs, model: &str) -> bool {
        match jobs.models.get(jobs.provider.as_ref(), jobs.config.models_ttl).await {
            Ok(models) => models.iter().any(|listed| listed.id == model),
            Err(error) => {
                tracing::warn!(%error, "the model catalogue cannot be fetched: the requested model is not checked");
                true
            }
        }
    }

    async fn start_job<T: serde::Serialize>(
        &self,
        context: &RequestContext,
        kind: GenerationKind,
        model: Option<&str>,
        project_id: Option<Uuid>,
        request: &T,
    ) -> Result<Started, ApiError> {
        let Some(jobs) = &self.generation else { return Ok(Started::Unconfigured) };
        let owner = caller(context);
        if let Some(project) = project_id
            && !self.owns(&owner, project).await?
        {
            return Ok(Started::NoProject);
        }
        if let Some(model) = model
            && !self.model_is_listed(jobs, model).await
        {
            return Ok(Started::UnknownModel(model.to_owned()));
        }
        let monthly_limit = self.monthly_limit(&owner).await?;
        let new = NewJob {
            owner: &owner,
            kind,
            model: model.unwrap_or(&jobs.config.default_model),
            project_id,
            request: serde_json::to_string(request).map_err(ApiError::Json)?,
            monthly_limit,
        };
        Ok(match self.create_job(new).await? {
            Created::Queued(job) => {
                let location = format!("/api/v2/generate/jobs/{}", job.id);
                let _ = LOCATION.try_with(|cell| *cell.borrow_mut() = Some(location));
                Started::Queued(job)
            }
            Created::OverQuota => Started::OverQuota(monthly_limit.unwrap_or(0)),
            Created::NoProject => Started::NoProject,
        })
    }
}

/// The answer of a start method.
macro_rules! started {
    ($response:ident, $started:expr) => {
        match $started {
            Started::Unconfigured => $response::service_unavailable(NOT_CONFIGURED),
            Started::NoProject => $response::not_found(NO_PROJECT),
            Started::OverQuota(limit) => $response::payment_required(format!(
                "Your plan's {limit} generations of this month are used up; upgrade your plan or wait for next month."
            )),
            Started::UnknownModel(model) => {
                let detail = format!("No model `{model}` in the catalogue; `GET /api/v2/generate/models` lists them.");
                let mut answer = $response::unprocessable_entity(detail);
                if let $response::UnprocessableEntity(problem) = &mut answer {
                    problem.errors.push(schemas::common::FieldError {
                        path: "/body/model".into(),
                        keyword: "enum".into(),
                        message: "must be one of the models the catalogue lists".into(),
                    });
                }
                answer
            }
            Started::Queued(job) => $response::Accepted(*job),
        }
    };
}

impl Generation for App {
    async fn generate_simple(&self, context: RequestContext, body: SimpleGenerationRequest) -> GenerateSimpleResponse {
        answer(async {
            let started =
                self.start_job(&context, GenerationKind::Simple, body.model.as_deref(), body.project_id, &body).await?;
            Ok(started!(GenerateSimpleResponse, started))
        })
        .await
    }

    async fn generate_agentic(&self, context: RequestContext, body: AgenticRequest) -> GenerateAgenticResponse {
        answer(async {
            let started = self
                .start_job(&context, GenerationKind::Agentic, body.model.as_deref(), body.project_id, &body)
                .await?;
            Ok(started!(GenerateAgenticResponse, started))
        })
        .await
    }

    async fn generate_fullstack(&self, context: RequestContext, body: FullStackRequest) -> GenerateFullstackResponse {
        answer(async {
            let kind = GenerationKind::Fullstack;
            let started = self.start_job(&context, kind, body.model.as_deref(), body.project_id, &body).await?;
            Ok(started!(GenerateFullstackResponse, started))
        })
        .await
    }

    async fn get_generation_job(&self, context: RequestContext, path: JobPath) -> GetGenerationJobResponse {
        answer(async {
            if self.generation.is_none() {
                return Ok(GetGenerationJobResponse::service_unavailable(NOT_CONFIGURED));
            }
            Ok(match self.job(&caller(&context), path.job_id).await? {
                Some(job) => GetGenerationJobResponse::Ok(job),
                None => GetGenerationJobResponse::not_found(NO_JOB),
            })
        })
        .await
    }

    async fn list_generation_jobs(&self, context: RequestContext, query: JobListQuery) -> ListGenerationJobsResponse {
        answer(async {
            if self.generation.is_none() {
                return Ok(ListGenerationJobsResponse::service_unavailable(NOT_CONFIGURED));
            }
            let (rows, page) = List::new(
                "SELECT id, kind, status, progress, model, project_id, result, error, created_at, updated_at \
                 FROM generation_jobs",
                "WHERE owner_id = ?1 AND (?2 IS NULL OR status = ?2)",
                "ORDER BY created_at DESC, id DESC",
            )
            .bind(caller(&context))
            .bind(query.status.map(status_name))
            .fetch_page::<JobRow>(&self.db, &query.pagination)
            .await?;
            let jobs = rows.into_iter().map(JobRow::into_job).collect::<Result<Vec<_>, _>>()?;
            Ok(ListGenerationJobsResponse::Ok(page.with(jobs)))
        })
        .await
    }

    async fn cancel_generation_job(&self, context: RequestContext, path: JobPath) -> CancelGenerationJobResponse {
        answer(async {
            if self.generation.is_none() {
                return Ok(CancelGenerationJobResponse::service_unavailable(NOT_CONFIGURED));
            }
            Ok(match self.cancel_job(&caller(&context), path.job_id).await? {
                Cancel::Done(job) => CancelGenerationJobResponse::Ok(*job),
                Cancel::Ended => CancelGenerationJobResponse::conflict("The job has already ended."),
                Cancel::Missing => CancelGenerationJobResponse::not_found(NO_JOB),
            })
        })
        .await
    }

    /// The job's events after `Last-Event-ID` (the `seq` of the last event the client received); an
    /// id this server did not write (not a number) replays the stream from its start, so nothing
    /// is lost.
    async fn stream_generation_job(
        &self,
        context: RequestContext,
        path: JobPath,
        last_event_id: Option<String>,
    ) -> StreamGenerationJobResponse {
        answer(async {
            if self.generation.is_none() {
                return Ok(StreamGenerationJobResponse::service_unavailable(NOT_CONFIGURED));
            }
            let after = last_event_id.and_then(|id| id.trim().parse::<u64>().ok()).unwrap_or(0);
            Ok(match self.job_events(&caller(&context), path.job_id, after).await? {
                Some(events) => StreamGenerationJobResponse::Ok(contract_server::EventStream::new(
                    events.map(|(seq, event)| contract_server::Event::new(Some(seq.to_string()), event)),
                )),
                None => StreamGenerationJobResponse::not_found(NO_JOB),
            })
        })
        .await
    }

    async fn list_models(&self, _: RequestContext) -> ListModelsResponse {
        answer(async {
            let Some(jobs) = &self.generation else {
                return Ok(ListModelsResponse::service_unavailable(NOT_CONFIGURED));
            };
            Ok(match jobs.models.get(jobs.provider.as_ref(), jobs.config.models_ttl).await {
                Ok(mut models) => {
                    for model in &mut models {
                        model.default = model.id == jobs.config.default_model;
                    }
                    ListModelsResponse::Ok(ModelList { models })
                }
                Err(error) => {
                    tracing::warn!(%error, "the model catalogue cannot be fetched and none is cached");
                    ListModelsResponse::bad_gateway(
                        "The model provider could not be reached and no model catalogue is cached; try again.",
                    )
                }
            })
        })
        .await
    }
}
