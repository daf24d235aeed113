//! Generation end to end: the server wired to the OpenAI-compatible fake of `fake-providers` on
//! loopback, driven through the generated client; job events read with `App::job_events`.

use std::time::Duration;

use api_client::types;
use fake_providers::openai::{self, OpenAi};
use futures::StreamExt;
use reqwest::StatusCode;
use schemas::generation::{JobEvent, JobStatus as Status};
use server::generation::{GenerationConfig, GenerationProviderConfig};
use server::payments::{Retry, Secret};

use crate::common::{self, Setup, TestServer};
use crate::e2e::{client, raw, register_and_login, status_of};

struct Generation {
    server: TestServer,
    openai: OpenAi,
    fake: Option<fake_providers::Running>,
}

/// Retries after 10 ms and 20 ms; one attempt may take 3 s; queues polled every 20 ms.
fn config(base: &str) -> GenerationConfig {
    let mut provider = GenerationProviderConfig::new(base.parse().expect("URL"), Secret::new(openai::API_KEY));
    provider.timeout = Duration::from_secs(3);
    provider.retry = Retry { retries: 2, first_delay: Duration::from_millis(10) };
    GenerationConfig { provider: Some(provider), poll: Duration::from_millis(20), ..GenerationConfig::default() }
}

async fn start_with(change: impl FnOnce(&mut Setup)) -> Generation {
    let openai = OpenAi::default();
    let fake = fake_providers::serve(openai::router(openai.clone()), 0).await.expect("fake on loopback");
    let mut setup = Setup { generation: config(&format!("{}/api/v1", fake.base())), ..Setup::default() };
    change(&mut setup);
    let server = common::start_setup(setup, None).await;
    Generation { server, openai, fake: Some(fake) }
}

async fn start() -> Generation {
    start_with(|_| {}).await
}

fn simple(prompt: &str) -> types::SimpleGenerationRequest {
    types::SimpleGenerationRequest { prompt: prompt.parse().expect("prompt"), model: None, project_id: None }
}

fn detail(error: &api_client::Error<types::Problem>) -> String {
    match error {
        api_client::Error::ErrorResponse(problem) => problem.detail.clone().unwrap_or_default(),
        other => panic!("not a problem: {other:?}"),
    }
}

/// Polls the job until `until` holds (10 s at most).
async fn wait_for(
    api: &api_client::Client,
    id: uuid::Uuid,
    until: impl Fn(&types::GenerationJob) -> bool,
) -> types::GenerationJob {
    for _ in 0..500 {
        let job = api.get_generation_job(&id).await.expect("the job").into_inner();
        if until(&job) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let job = api.get_generation_job(&id).await.expect("the job").into_inner();
    panic!("the job never got there: {job:?}")
}

fn ended(job: &types::GenerationJob) -> bool {
    matches!(job.status, types::JobStatus::Succeeded | types::JobStatus::Failed | types::JobStatus::Canceled)
}

/// The owner of a job, as stored.
async fn owner_of(server: &TestServer, id: uuid::Uuid) -> String {
    let (owner,): (String,) = server::on_db!(&server.app.db, pool => {
        sqlx::query_as(server::db::sql(pool, "SELECT owner_id FROM generation_jobs WHERE id = ?"))
            .bind(id.to_string())
            .fetch_one(pool)
            .await
    })
    .expect("the job's owner");
    owner
}

/// Every event of a job after `after`, until the stream ends (10 s at most).
async fn events(server: &TestServer, id: uuid::Uuid, after: u64) -> Vec<(u64, JobEvent)> {
    let owner = owner_of(server, id).await;
    let stream = server.app.job_events(&owner, id, after).await.expect("events").expect("the owner's job");
    tokio::time::timeout(Duration::from_secs(10), stream.collect::<Vec<_>>()).await.expect("the stream ends")
}

fn messages(events: &[(u64, JobEvent)]) -> Vec<String> {
    events
        .iter()
        .filter_map(|(_, event)| match event {
            JobEvent::Progress { message, .. } => Some(message.clone()),
            JobEvent::Finished { .. } => None,
        })
        .collect()
}

#[tokio::test]
async fn a_simple_job_succeeds_and_its_events_tell_it_in_order() {
    let generation = start().await;
    generation.openai.set_delay(Duration::from_millis(200));
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));

    let accepted = ada.generate_simple(&simple("A landing page for a bakery")).await.expect("202");
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    let job = accepted.into_inner();
    let location = format!("/api/v2/generate/jobs/{}", job.id);
    // The Location header (the typed client keeps no headers of a 202 body: read it raw too).
    let body = r#"{"prompt": "Another page"}"#.to_owned();
    let (status, headers, other) =
        raw(&generation.server, reqwest::Method::POST, "/api/v2/generate/simple", Some(&token), Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let other_id = other["id"].as_str().expect("an id");
    assert_eq!(headers[reqwest::header::LOCATION], format!("/api/v2/generate/jobs/{other_id}").as_str());
    assert_eq!((job.status, job.progress, job.model.as_str()), (types::JobStatus::Queued, 0, "openai/gpt-4o"));
    assert!(location.ends_with(&job.id.to_string()));

    // Live: the stream starts while the job is queued or running, and ends after `Finished`.
    let live = events(&generation.server, job.id, 0).await;
    let seqs: Vec<u64> = live.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (1..=live.len() as u64).collect::<Vec<_>>(), "1, 2, 3… in order");
    assert_eq!(messages(&live), ["queued", "started", "completion"]);
    let Some((_, JobEvent::Finished { job: finished })) = live.last() else { panic!("ends with Finished: {live:?}") };
    assert_eq!(finished.status, Status::Succeeded);

    let done = ada.get_generation_job(&job.id).await.expect("the job").into_inner();
    assert_eq!((done.status, done.progress), (types::JobStatus::Succeeded, 100));
    assert_eq!(serde_json::to_value(&done).expect("json"), serde_json::to_value(&**finished).expect("json"));
    let result = done.result.expect("a result");
    assert!(result.summary.starts_with("[openai/gpt-4o] You are Devora, a code generator."), "{}", result.summary);
    assert!(result.summary.contains("A landing page for a bakery"));
    let paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"README.md") && paths.len() == 2, "{paths:?}");
    let readme = result.files.iter().find(|f| f.path == "README.md").expect("README.md");
    assert_eq!(
        (readme.content.as_str(), readme.language.as_deref()),
        ("# A landing page for a bakery\n", Some("markdown"))
    );
    assert!(result.usage.prompt_tokens > 5 && result.usage.completion_tokens > 5);

    // Resumed after a seq: the stored events that follow, then the end.
    let resumed = events(&generation.server, job.id, 2).await;
    assert_eq!(resumed.iter().map(|(s, _)| *s).collect::<Vec<_>>(), seqs[2..].to_vec());
    assert!(events(&generation.server, job.id, 99).await.is_empty(), "nothing after the last: it ended");

    // Not the owner: no such job.
    let bob = register_and_login(&generation.server, "bob@example.com").await;
    let none = generation.server.app.job_events("someone-else", job.id, 0).await.expect("no error");
    assert!(none.is_none());
    let error = client(&generation.server, Some(&bob)).get_generation_job(&job.id).await.expect_err("404");
    assert_eq!(status_of(&error), Some(StatusCode::NOT_FOUND));
}

/// Reads an event stream to its end through the generated client (10 s at most): each event's id
/// and data.
async fn read_stream(api: &api_client::Client, id: uuid::Uuid, last_event_id: Option<&str>) -> Vec<(u64, JobEvent)> {
    let response = api.stream_generation_job(&id, last_event_id).await.expect("the stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE].to_str().expect("ascii").to_owned();
    assert_eq!(content_type, "text/event-stream");
    let mut body = response.into_inner().into_inner();
    let mut text = Vec::new();
    let read = async {
        while let Some(chunk) = body.next().await {
            text.extend_from_slice(&chunk.expect("a chunk"));
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.expect("the stream ends after Finished");
    let text = String::from_utf8(text).expect("UTF-8");
    text.split("\n\n")
        .filter(|block| block.lines().any(|l| l.starts_with("data:")))
        .map(|block| {
            let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).expect(name);
            let seq = field("id:").parse().expect("a numeric id");
            (seq, serde_json::from_str(field("data:")).expect("a JobEvent"))
        })
        .collect()
}

#[tokio::test]
async fn the_event_stream_tells_a_job_from_start_to_end_and_resumes_after_last_event_id() {
    let generation = start().await;
    generation.openai.set_delay(Duration::from_millis(300));
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let job = ada.generate_simple(&simple("A bakery")).await.expect("202").into_inner();

    // Opened while the job waits: every event as it happens, then the end.
    let live = read_stream(&ada, job.id, None).await;
    assert_eq!(live.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(), (1..=live.len() as u64).collect::<Vec<_>>());
    assert_eq!(messages(&live), ["queued", "started", "completion"]);
    let Some((_, JobEvent::Finished { job: finished })) = live.last() else { panic!("ends with Finished: {live:?}") };
    assert_eq!(finished.status, Status::Succeeded);
    assert_eq!(live, events(&generation.server, job.id, 0).await, "the wire tells what the store holds");

    // Reconnecting with the last id received: only what followed.
    let resumed = read_stream(&ada, job.id, Some("2")).await;
    assert_eq!(resumed, live[2..].to_vec());
    // An id this server never wrote replays everything: nothing is lost.
    assert_eq!(read_stream(&ada, job.id, Some("not-a-seq")).await, live);

    let bob = register_and_login(&generation.server, "bob@example.com").await;
    let error = client(&generation.server, Some(&bob)).stream_generation_job(&job.id, None).await.map(|_| ());
    assert_eq!(status_of(&error.expect_err("404")), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn agentic_rounds_build_each_prompt_on_the_previous_output() {
    let generation = start().await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let request = types::AgenticRequest {
        prompt: "A todo app with tags".parse().expect("prompt"),
        model: Some("anthropic/claude-3.5-sonnet".parse().expect("model")),
        project_id: None,
        agents: vec![types::AgentRole::Architect, types::AgentRole::Developer],
        max_iterations: std::num::NonZeroU8::new(2).expect("2"),
    };
    let job = ada.generate_agentic(&request).await.expect("202").into_inner();
    let done = wait_for(&ada, job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");

    let asked = generation.openai.completions();
    assert_eq!(asked.len(), 4, "two agents, two rounds");
    assert!(asked.iter().all(|c| c.model == "anthropic/claude-3.5-sonnet"));
    assert!(asked[0].system.starts_with("You are the architect") && asked[0].user.contains("Round 1 of 2"));
    assert!(asked[0].user.contains("You are the first"));
    assert!(asked[1].system.starts_with("You are the developer"));
    assert!(asked[1].user.contains("The architect wrote:\n\n[anthropic/claude-3.5-sonnet] You are the architect"));
    assert!(asked[2].user.contains("Round 2 of 2") && asked[2].user.contains("The developer wrote:"));
    assert!(asked[3].system.starts_with("You are the developer"));

    let result = done.result.expect("a result");
    // Summed usage: the fake counts words of the messages it was sent.
    let words =
        |c: &openai::Completion| (c.system.split_whitespace().count() + c.user.split_whitespace().count()) as u32;
    assert_eq!(result.usage.prompt_tokens, asked.iter().map(words).sum::<u32>());
    // Files of every step, a later one replacing an earlier one of the same path.
    let mut paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["README.md", "prompt/1.txt", "prompt/2.txt", "prompt/3.txt", "prompt/4.txt"]);

    let events = events(&generation.server, job.id, 0).await;
    assert_eq!(
        messages(&events),
        [
            "queued",
            "started",
            "architect, round 1 of 2",
            "developer, round 1 of 2",
            "architect, round 2 of 2",
            "developer, round 2 of 2"
        ]
    );
    let percents: Vec<u8> = events
        .iter()
        .filter_map(|(_, e)| match e {
            JobEvent::Progress { progress, status: Status::Running, .. } => Some(*progress),
            _ => None,
        })
        .collect();
    assert_eq!(percents, [0, 25, 50, 75, 99]);
}

#[tokio::test]
async fn fullstack_files_are_written_into_the_project() {
    let generation = start().await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let project = types::ProjectCreate {
        name: "yoga".parse().expect("name"),
        description: None,
        github_repo_url: None,
        vercel_url: None,
    };
    let project = ada.create_project(&project).await.expect("project").into_inner();
    // Read once before the job: cached (with Redis), and forgotten when the job writes.
    assert!(ada.get_project(&project.id, None).await.expect("project").into_inner().files.is_empty());
    let mut request = types::FullStackRequest {
        prompt: "A booking system for a yoga studio".parse().expect("prompt"),
        model: None,
        project_id: Some(project.id),
        frontend: types::FrontendFramework::Nextjs,
        backend: types::BackendFramework::Axum,
        database: types::DatabaseKind::Postgresql,
        features: vec!["auth".parse().expect("feature"), "payments".parse().expect("feature")],
    };
    let job = ada.generate_fullstack(&request).await.expect("202").into_inner();
    assert_eq!(job.project_id, Some(project.id));
    let done = wait_for(&ada, job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
    let asked = generation.openai.completions();
    assert!(asked[0].system.contains("path="), "the file convention is asked for");
    assert!(asked[0].user.starts_with(
        "Front end: nextjs. Back end: axum. Database: postgresql. Features: auth, payments.\n\nA booking system"
    ));
    let files = done.result.expect("result").files;
    assert_eq!(files.len(), 2);
    // In the project: each path with `/` as `__`.
    let name = |n: &str| -> types::FileName { n.parse().expect("file name") };
    let readme = ada.get_file(&project.id, &name("README.md"), None).await.expect("written").into_inner();
    assert_eq!(
        readme.content,
        "# Front end: nextjs. Back end: axum. Database: postgresql. Features: auth, payments.\n"
    );
    let prompt = ada.get_file(&project.id, &name("prompt__1.txt"), None).await.expect("written").into_inner();
    assert!(prompt.content.contains("A booking system for a yoga studio"));
    let listed = ada.get_project(&project.id, None).await.expect("project").into_inner().files;
    assert_eq!(listed.len(), 2, "the project as read again lists the files: {listed:?}");

    // Another user's project, or none: 404, and no job.
    let bob = client(&generation.server, Some(&register_and_login(&generation.server, "bob@example.com").await));
    let error = bob.generate_fullstack(&request).await.expect_err("not bob's project");
    assert_eq!(status_of(&error), Some(StatusCode::NOT_FOUND));
    request.project_id = Some(uuid::Uuid::new_v4());
    let error = ada.generate_fullstack(&request).await.expect_err("no such project");
    assert_eq!(status_of(&error), Some(StatusCode::NOT_FOUND));
    assert_eq!(common::count(&generation.server, "generation_jobs").await, 1);
}

/// A project deleted while its job runs: the job still succeeds, with its files in the result and
/// a note that none went into the project (the job's ending locks the project's row, so a delete
/// either waits for the files or comes first).
#[tokio::test]
async fn a_project_deleted_while_its_job_runs_gets_no_files_and_the_result_says_so() {
    let generation = start().await;
    generation.openai.set_delay(Duration::from_millis(400));
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let project = types::ProjectCreate {
        name: "gone".parse().expect("name"),
        description: None,
        github_repo_url: None,
        vercel_url: None,
    };
    let project = ada.create_project(&project).await.expect("project").into_inner();
    let request = types::FullStackRequest {
        prompt: "A shop".parse().expect("prompt"),
        model: None,
        project_id: Some(project.id),
        frontend: types::FrontendFramework::Nextjs,
        backend: types::BackendFramework::Axum,
        database: types::DatabaseKind::Postgresql,
        features: Vec::new(),
    };
    let job = ada.generate_fullstack(&request).await.expect("202").into_inner();
    // Once claimed (a job whose project goes before that has none: `project_id` becomes null).
    wait_for(&ada, job.id, |job| job.status == types::JobStatus::Running).await;
    ada.delete_project(&project.id).await.expect("deleted");
    let done = wait_for(&ada, job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
    let result = done.result.expect("result");
    assert_eq!(result.files.len(), 2);
    assert!(
        result.summary.ends_with("The project no longer exists: no file was written into it."),
        "{}",
        result.summary
    );
    assert_eq!(common::count(&generation.server, "files").await, 0);
}

#[tokio::test]
async fn provider_errors_are_retried_then_the_job_fails_with_a_problem() {
    let mut generation = start().await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));

    // A 500 and a 429, then success: three attempts of one completion.
    generation.openai.fail_next(1, 500);
    generation.openai.fail_next(1, 429);
    let job = ada.generate_simple(&simple("retried")).await.expect("202").into_inner();
    let done = wait_for(&ada, job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
    let posts = |openai: &OpenAi| openai.calls().iter().filter(|(m, _)| m == "POST").count();
    assert_eq!(posts(&generation.openai), 3);

    // Failing past the retries: the job fails with a 502 problem.
    generation.openai.fail_next(3, 503);
    let job = ada.generate_simple(&simple("failing")).await.expect("202").into_inner();
    let failed = wait_for(&ada, job.id, ended).await;
    assert_eq!(failed.status, types::JobStatus::Failed);
    assert!(failed.result.is_none());
    let problem = failed.error.expect("a problem");
    assert_eq!(problem.status, 502);
    assert!(problem.detail.unwrap_or_default().contains("could not be reached"));

    // The provider down (connections refused): failed too.
    drop(generation.fake.take());
    let job = ada.generate_simple(&simple("down")).await.expect("202").into_inner();
    let down = wait_for(&ada, job.id, ended).await;
    assert_eq!((down.status, down.error.map(|p| p.status)), (types::JobStatus::Failed, Some(502)));

    // A refusal (a model the provider does not serve; requests are checked against the catalogue,
    // the operator's default is not): not retried, the job fails with a 502.
    let refusing = start_with(|setup| setup.generation.default_model = "acme/nothing".into()).await;
    let token = register_and_login(&refusing.server, "ada@example.com").await;
    let ada = client(&refusing.server, Some(&token));
    let job = ada.generate_simple(&simple("unknown model")).await.expect("202").into_inner();
    let refused = wait_for(&ada, job.id, ended).await;
    assert_eq!(refused.status, types::JobStatus::Failed);
    assert!(refused.error.expect("problem").detail.unwrap_or_default().contains("refused"));
    assert_eq!(posts(&refusing.openai), 1);
}

#[tokio::test]
async fn queued_and_running_jobs_are_canceled_and_ended_ones_are_409() {
    let generation = start_with(|setup| setup.generation.max_running_per_user = 1).await;
    generation.openai.set_delay(Duration::from_millis(800));
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));

    let first = ada.generate_simple(&simple("first")).await.expect("202").into_inner();
    let second = ada.generate_simple(&simple("second")).await.expect("202").into_inner();
    wait_for(&ada, first.id, |j| j.status == types::JobStatus::Running).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // One running job per user: the second waits.
    let waiting = ada.get_generation_job(&second.id).await.expect("job").into_inner();
    assert_eq!(waiting.status, types::JobStatus::Queued);

    let canceled = ada.cancel_generation_job(&second.id).await.expect("canceled").into_inner();
    assert_eq!(canceled.status, types::JobStatus::Canceled);
    let canceled = ada.cancel_generation_job(&first.id).await.expect("canceled while running").into_inner();
    assert_eq!(canceled.status, types::JobStatus::Canceled);
    // The worker was stopped: the job stays canceled, the second prompt was never sent.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let first_now = ada.get_generation_job(&first.id).await.expect("job").into_inner();
    assert_eq!((first_now.status, first_now.result.is_none()), (types::JobStatus::Canceled, true));
    assert!(generation.openai.completions().iter().all(|c| !c.user.contains("second")));
    let events = events(&generation.server, first.id, 0).await;
    let Some((_, JobEvent::Finished { job })) = events.last() else { panic!("{events:?}") };
    assert_eq!(job.status, Status::Canceled);

    let error = ada.cancel_generation_job(&first.id).await.expect_err("already ended");
    assert_eq!(status_of(&error), Some(StatusCode::CONFLICT));
    assert_eq!(detail(&error), "The job has already ended.");
    let error = ada.cancel_generation_job(&uuid::Uuid::new_v4()).await.expect_err("no such job");
    assert_eq!(status_of(&error), Some(StatusCode::NOT_FOUND));

    // A finished job is 409 too.
    generation.openai.set_delay(Duration::ZERO);
    let third = ada.generate_simple(&simple("third")).await.expect("202").into_inner();
    wait_for(&ada, third.id, ended).await;
    let error = ada.cancel_generation_job(&third.id).await.expect_err("succeeded");
    assert_eq!(status_of(&error), Some(StatusCode::CONFLICT));
}

#[tokio::test]
async fn jobs_are_listed_newest_first_filtered_and_paged() {
    let generation = start().await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let mut ids = Vec::new();
    for n in 0..3 {
        let job = ada.generate_simple(&simple(&format!("job {n}"))).await.expect("202").into_inner();
        wait_for(&ada, job.id, ended).await;
        ids.push(job.id);
    }
    generation.openai.set_down(true);
    let last = ada.generate_simple(&simple("canceled")).await.expect("202").into_inner();
    ada.cancel_generation_job(&last.id).await.expect("canceled");
    ids.push(last.id);

    let page = |n: u32| std::num::NonZeroU32::new(n);
    let all = ada.list_generation_jobs(None, None, None).await.expect("list").into_inner();
    assert_eq!(all.total, 4);
    assert_eq!(all.items.iter().map(|j| j.id).collect::<Vec<_>>(), ids.iter().rev().copied().collect::<Vec<_>>());
    let succeeded =
        ada.list_generation_jobs(None, None, Some(types::JobStatus::Succeeded)).await.expect("list").into_inner();
    assert_eq!(succeeded.total, 3);
    assert!(succeeded.items.iter().all(|j| j.status == types::JobStatus::Succeeded));
    let canceled =
        ada.list_generation_jobs(None, None, Some(types::JobStatus::Canceled)).await.expect("list").into_inner();
    assert_eq!(canceled.items.iter().map(|j| j.id).collect::<Vec<_>>(), [last.id]);
    let second = ada.list_generation_jobs(page(2), page(3), None).await.expect("page 2").into_inner();
    assert_eq!((second.page.get(), second.per_page.get(), second.total), (2, 3, 4));
    assert_eq!(second.items.iter().map(|j| j.id).collect::<Vec<_>>(), [ids[0]]);

    let bob = client(&generation.server, Some(&register_and_login(&generation.server, "bob@example.com").await));
    assert_eq!(bob.list_generation_jobs(None, None, None).await.expect("list").into_inner().total, 0);
}

#[tokio::test]
async fn the_model_catalogue_is_cached_and_served_stale_while_the_provider_fails() {
    let generation = start_with(|setup| setup.generation.models_ttl = Duration::from_millis(300)).await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let gets = |openai: &OpenAi| openai.calls().iter().filter(|(m, p)| m == "GET" && p.ends_with("/models")).count();

    let first = ada.list_models(None).await.expect("models");
    assert!(first.headers().contains_key(reqwest::header::ETAG));
    let models = first.into_inner().models;
    assert_eq!(
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["openai/gpt-4o", "anthropic/claude-3.5-sonnet", "fake/echo"]
    );
    assert_eq!(models.iter().filter(|m| m.default).map(|m| m.id.as_str()).collect::<Vec<_>>(), ["openai/gpt-4o"]);
    assert_eq!((models[1].provider.as_str(), models[1].context_length), ("anthropic", 200_000));
    ada.list_models(None).await.expect("cached");
    assert_eq!(gets(&generation.openai), 1, "served from the cache");

    // Expired, and the provider failing: the stale copy, after a refresh was tried.
    tokio::time::sleep(Duration::from_millis(350)).await;
    generation.openai.fail_next(3, 500);
    let stale = ada.list_models(None).await.expect("stale copy").into_inner();
    assert_eq!(stale.models.len(), 3);
    assert_eq!(gets(&generation.openai), 4, "one refresh, retried twice");

    // Nothing cached and the provider failing: 502.
    let fresh = start().await;
    fresh.openai.fail_next(3, 500);
    let token = register_and_login(&fresh.server, "ada@example.com").await;
    let error = client(&fresh.server, Some(&token)).list_models(None).await.expect_err("nothing cached");
    assert_eq!(status_of(&error), Some(StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn the_monthly_generations_of_the_plan_are_a_quota() {
    let generation = start_with(|setup| {
        for plan in &mut setup.payments.plans {
            if plan.plan.id == schemas::billing::PlanId::Free {
                plan.plan.monthly_generations = Some(2);
            }
        }
    })
    .await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    // A failed job does not count.
    generation.openai.fail_next(3, 500);
    let failed = ada.generate_simple(&simple("fails")).await.expect("202").into_inner();
    assert_eq!(wait_for(&ada, failed.id, ended).await.status, types::JobStatus::Failed);
    ada.generate_simple(&simple("one")).await.expect("first of two");
    ada.generate_simple(&simple("two")).await.expect("second of two");
    let error = ada.generate_simple(&simple("three")).await.expect_err("used up");
    assert_eq!(status_of(&error), Some(StatusCode::PAYMENT_REQUIRED));
    assert!(detail(&error).contains("2 generations"), "{}", detail(&error));
}

/// Twelve generations asked at once against a quota of two: two are accepted, whatever the
/// engine (on PostgreSQL two concurrent counts would both see room without the owner's lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_generations_stop_at_the_monthly_quota() {
    let generation = start_with(|setup| {
        for plan in &mut setup.payments.plans {
            if plan.plan.id == schemas::billing::PlanId::Free {
                plan.plan.monthly_generations = Some(2);
            }
        }
    })
    .await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(12));
    let asks = (0..12).map(|n| {
        let (ada, barrier) = (ada.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            ada.generate_simple(&simple(&format!("prompt {n}"))).await.map(|_| ()).map_err(|e| status_of(&e))
        })
    });
    let answers = futures::future::join_all(asks).await;
    let accepted = answers.iter().filter(|answer| matches!(answer, Ok(Ok(())))).count();
    let refused = answers.iter().filter(|answer| matches!(answer, Ok(Err(Some(StatusCode::PAYMENT_REQUIRED))))).count();
    assert_eq!((accepted, refused), (2, 10), "{answers:?}");
}

/// A model the catalogue does not list is a `422` naming `/body/model`, and no job; while no
/// catalogue can be had (the provider down, none cached), the request is taken as it is.
#[tokio::test]
async fn a_model_outside_the_catalogue_is_a_422_naming_the_field() {
    let generation = start().await;
    let token = register_and_login(&generation.server, "ada@example.com").await;
    let ada = client(&generation.server, Some(&token));
    let with_model = |model: &str| types::SimpleGenerationRequest {
        prompt: "x".parse().expect("prompt"),
        model: Some(model.parse().expect("model")),
        project_id: None,
    };
    let error = ada.generate_simple(&with_model("openai/gpt-99")).await.expect_err("unknown model");
    assert_eq!(status_of(&error), Some(StatusCode::UNPROCESSABLE_ENTITY));
    let api_client::Error::ErrorResponse(problem) = &error else { panic!("{error:?}") };
    assert_eq!(problem.errors.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["/body/model"]);
    assert!(detail(&error).contains("openai/gpt-99"), "{}", detail(&error));
    assert_eq!(common::count(&generation.server, "generation_jobs").await, 0);
    ada.generate_simple(&with_model("anthropic/claude-3.5-sonnet")).await.expect("a listed model");

    let mut unchecked = start().await;
    // The provider gone (connections refused): no catalogue, at once.
    drop(unchecked.fake.take());
    let token = register_and_login(&unchecked.server, "ada@example.com").await;
    let ada = client(&unchecked.server, Some(&token));
    ada.generate_simple(&with_model("openai/gpt-99")).await.expect("no catalogue: taken as it is");
}

#[tokio::test]
async fn without_a_key_every_generation_operation_is_503_naming_it() {
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let ada = client(&server, Some(&token));
    let id = uuid::Uuid::new_v4();
    let errors = [
        ada.generate_simple(&simple("x")).await.expect_err("503"),
        ada.get_generation_job(&id).await.expect_err("503"),
        ada.list_generation_jobs(None, None, None).await.expect_err("503"),
        ada.cancel_generation_job(&id).await.expect_err("503"),
        ada.list_models(None).await.expect_err("503"),
        ada.stream_generation_job(&id, None).await.map(|_| ()).expect_err("503"),
    ];
    for error in &errors {
        assert_eq!(status_of(error), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(detail(error).contains("GENERATION_API_KEY"), "{}", detail(error));
    }
    let (_, _, html) = raw(&server, reqwest::Method::GET, "/api/v2/reference", None, None).await;
    assert!(html.as_str().unwrap_or_default().contains("<td>Generation (OpenAI-compatible, such as OpenRouter)</td>"));
    assert!(html.as_str().unwrap_or_default().contains("list_models</td><td>not configured (503)</td>"));
}

#[tokio::test]
async fn a_job_whose_server_stopped_is_requeued_and_finished_by_the_next() {
    let lease = |setup: &mut Setup| setup.generation.lease = Duration::from_millis(600);
    let first = start_with(lease).await;
    first.openai.set_delay(Duration::from_millis(1500));
    let token = register_and_login(&first.server, "ada@example.com").await;
    let ada = client(&first.server, Some(&token));
    let job = ada.generate_simple(&simple("survives a restart")).await.expect("202").into_inner();
    wait_for(&ada, job.id, |j| j.status == types::JobStatus::Running).await;

    // The first server stops mid-step (its workers die with it); another starts on its database.
    first.server.app.generation.as_ref().expect("configured").stop();
    first.openai.set_delay(Duration::from_millis(50));
    let mut setup = Setup {
        generation: config(&format!("{}/api/v1", first.fake.as_ref().expect("fake").base())),
        ..Setup::default()
    };
    lease(&mut setup);
    let second = common::start_setup(setup, Some(&first.server)).await;
    let ada_again = client(&second, Some(&token));
    let done = wait_for(&ada_again, job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
    let events = events(&second, job.id, 0).await;
    assert_eq!(
        messages(&events),
        ["queued", "started", "re-queued: the server running it stopped", "started (attempt 2)", "completion"]
    );
}

#[tokio::test]
async fn a_server_stopping_gracefully_puts_its_jobs_back_in_the_queue_at_once() {
    // The lease is the default minute: only the release can make the job run again in time.
    let first = start().await;
    first.openai.set_delay(Duration::from_millis(1500));
    let token = register_and_login(&first.server, "ada@example.com").await;
    let ada = client(&first.server, Some(&token));
    let job = ada.generate_simple(&simple("released")).await.expect("202").into_inner();
    wait_for(&ada, job.id, |j| j.status == types::JobStatus::Running).await;

    assert_eq!(first.server.app.release_jobs().await.expect("released"), 1);
    let queued = ada.get_generation_job(&job.id).await.expect("job").into_inner();
    assert_eq!(queued.status, types::JobStatus::Queued);
    first.openai.set_delay(Duration::ZERO);
    let setup = Setup {
        generation: config(&format!("{}/api/v1", first.fake.as_ref().expect("fake").base())),
        ..Setup::default()
    };
    let second = common::start_setup(setup, Some(&first.server)).await;
    let done = wait_for(&client(&second, Some(&token)), job.id, ended).await;
    assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
    let events = events(&second, job.id, 0).await;
    // The released claim is not counted as an attempt.
    assert_eq!(
        messages(&events),
        ["queued", "started", "re-queued: the server running it is stopping", "started", "completion"]
    );
}

#[tokio::test]
async fn two_servers_sharing_a_database_run_each_job_once() {
    let first = start().await;
    first.openai.set_delay(Duration::from_millis(100));
    let base = format!("{}/api/v1", first.fake.as_ref().expect("fake").base());
    let second =
        common::start_setup(Setup { generation: config(&base), ..Setup::default() }, Some(&first.server)).await;
    let mut jobs = Vec::new();
    for (n, email) in ["ada@example.com", "bob@example.com", "eve@example.com"].into_iter().enumerate() {
        let token = register_and_login(&first.server, email).await;
        // Each user starts jobs on both servers.
        for server in [&first.server, &second, &first.server] {
            let api = client(server, Some(&token));
            let job = api.generate_simple(&simple(&format!("user {n} job {}", jobs.len()))).await.expect("202");
            jobs.push((token.clone(), job.into_inner().id));
        }
    }
    for (token, id) in &jobs {
        let done = wait_for(&client(&second, Some(token)), *id, ended).await;
        assert_eq!(done.status, types::JobStatus::Succeeded, "{done:?}");
        let events = events(&first.server, *id, 0).await;
        assert_eq!(messages(&events), ["queued", "started", "completion"], "claimed once");
    }
    assert_eq!(first.openai.completions().len(), jobs.len(), "no job ran twice");
}

#[tokio::test]
async fn a_job_canceled_through_another_server_is_stopped_by_the_one_running_it() {
    // A lease of seconds: on a loaded machine a keeper may be late by more than a short lease, and
    // the job would be re-queued as if its server had stopped (CI saw it with 600 ms). The fake
    // answers after `delay`, so once that has passed only a dropped call leaves no completion.
    let lease = |setup: &mut Setup| setup.generation.lease = Duration::from_secs(4);
    let delay = Duration::from_secs(6);
    let first = start_with(lease).await;
    first.openai.set_delay(delay);
    let token = register_and_login(&first.server, "ada@example.com").await;
    let ada = client(&first.server, Some(&token));
    let job = ada.generate_simple(&simple("stopped elsewhere")).await.expect("202").into_inner();
    wait_for(&ada, job.id, |j| j.status == types::JobStatus::Running).await;
    let running = tokio::time::Instant::now();

    let base = format!("{}/api/v1", first.fake.as_ref().expect("fake").base());
    let mut setup = Setup { generation: config(&base), ..Setup::default() };
    lease(&mut setup);
    let second = common::start_setup(setup, Some(&first.server)).await;
    let canceled = client(&second, Some(&token)).cancel_generation_job(&job.id).await.expect("canceled");
    assert_eq!(canceled.into_inner().status, types::JobStatus::Canceled);
    // The first server sees the cancellation and drops the call in flight: when the fake would
    // have answered it, nothing has completed.
    tokio::time::sleep_until(running + delay + Duration::from_millis(500)).await;
    assert!(first.openai.completions().is_empty(), "{:?}", first.openai.completions());
    let events = events(&second, job.id, 0).await;
    assert_eq!(messages(&events), ["queued", "started"]);
    assert_eq!(ada.get_generation_job(&job.id).await.expect("job").into_inner().status, types::JobStatus::Canceled);
}
