//! End to end through the generated Rust client (progenitor): register → login → create → list →
//! get → delete, with the job's statuses, pagination, ownership, duplicates, missing tokens and
//! token expiry along the way.

use chrono::Duration;
use reqwest::StatusCode;
use saas_ia_client::types;

use crate::server::{Limits, TestServer, start};

fn account(email: &str, password: &str) -> types::UserCreate {
    types::UserCreate {
        email: email.parse().expect("email"),
        password: password.parse().expect("password"),
        full_name: None,
    }
}

fn login(email: &str, password: &str) -> types::UserLogin {
    types::UserLogin { email: email.parse().expect("email"), password: password.parse().expect("password") }
}

fn video(url: &str) -> types::TranscriptionCreate {
    types::TranscriptionCreate {
        video_url: url.parse().expect("a YouTube URL"),
        language: "en".parse().expect("language"),
    }
}

fn status_of<T>(result: Result<T, saas_ia_client::Error<types::Problem>>) -> Option<StatusCode> {
    result.err().and_then(|error| error.status())
}

async fn sign_in(server: &TestServer, email: &str) -> String {
    let anonymous = server.client(None);
    anonymous.register(&account(email, "Test123!")).await.expect("register");
    anonymous.login(&login(email, "Test123!")).await.expect("login").into_inner().access_token
}

#[tokio::test]
async fn register_login_create_list_get_delete() {
    let server = start(Limits::Contract).await;
    let anonymous = server.client(None);

    let created = anonymous.register(&account("Ada@Example.com", "Test123!")).await.expect("register");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        (created.email.as_str(), created.full_name.as_deref(), created.is_active),
        ("ada@example.com", None, true)
    );
    let again = anonymous.register(&account("ada@example.com", "Other123!")).await;
    assert_eq!(status_of(again), Some(StatusCode::CONFLICT), "one account per address, whatever its case");

    let wrong = anonymous.login(&login("ada@example.com", "Wrong123!")).await;
    assert_eq!(status_of(wrong), Some(StatusCode::UNAUTHORIZED));
    let token = anonymous.login(&login("ada@example.com", "Test123!")).await.expect("login").into_inner();
    assert_eq!(token.token_type, types::TokenType::Bearer);
    let ada = server.client(Some(&token.access_token));
    assert_eq!(ada.get_me().await.expect("me").into_inner().id, created.id);

    let url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
    assert_eq!(status_of(anonymous.create_transcription(&video(url)).await), Some(StatusCode::UNAUTHORIZED));
    let job = ada.create_transcription(&video(url)).await.expect("create");
    assert_eq!(job.status(), StatusCode::CREATED);
    assert_eq!((job.status, job.user_id, job.text.as_deref()), (types::TranscriptionStatus::Pending, created.id, None));

    // The MOCK worker moves the job on; polling sees each status.
    server.app.work();
    let polled = ada.get_transcription(&job.id).await.expect("get").into_inner();
    assert_eq!(polled.status, types::TranscriptionStatus::Processing);
    server.app.work();
    let done = ada.get_transcription(&job.id).await.expect("get").into_inner();
    assert_eq!(done.status, types::TranscriptionStatus::Completed);
    assert_eq!(done.text.as_deref(), Some(format!("Transcript of {url} (MOCK mode).").as_str()));
    assert!(done.completed_at.is_some() && done.confidence == Some(0.95));

    // Two more jobs: newest first, in pages; the status filter.
    let second = ada.create_transcription(&video("https://youtu.be/aaaaaaaaaaa")).await.expect("create").into_inner();
    let third = ada.create_transcription(&video("https://youtu.be/bbbbbbbbbbb")).await.expect("create").into_inner();
    let first_page =
        ada.list_transcriptions(std::num::NonZeroU32::new(2), None, None).await.expect("list").into_inner();
    let ids: Vec<_> = first_page.items.iter().map(|j| j.id).collect();
    assert_eq!((ids, first_page.total, first_page.has_more), (vec![third.id, second.id], 3, true));
    let last_page =
        ada.list_transcriptions(std::num::NonZeroU32::new(2), Some(2), None).await.expect("list").into_inner();
    assert_eq!((last_page.items.len(), last_page.items[0].id, last_page.has_more), (1, job.id, false));
    let completed = ada
        .list_transcriptions(None, None, Some(types::TranscriptionStatus::Completed))
        .await
        .expect("list")
        .into_inner();
    assert_eq!((completed.total, completed.limit.get()), (1, 20), "the default limit is 20");

    // Another account sees none of it.
    let bob = server.client(Some(&sign_in(&server, "bob@example.com").await));
    assert_eq!(status_of(bob.get_transcription(&job.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(status_of(bob.delete_transcription(&job.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(bob.list_transcriptions(None, None, None).await.expect("list").into_inner().total, 0);

    let deleted = ada.delete_transcription(&job.id).await.expect("delete");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(status_of(ada.get_transcription(&job.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(status_of(ada.delete_transcription(&job.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(ada.list_transcriptions(None, None, None).await.expect("list").into_inner().total, 2);

    // Tokens last 30 minutes.
    server.app.advance(Duration::minutes(29));
    ada.get_me().await.expect("a 29-minute-old token works");
    server.app.advance(Duration::minutes(1));
    assert_eq!(status_of(ada.get_me().await), Some(StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn health_and_docs_are_public() {
    let server = start(Limits::Contract).await;
    let anonymous = server.client(None);
    let health = anonymous.health().await.expect("health").into_inner();
    assert_eq!((health.status, health.version.as_str()), (types::HealthStatus::Healthy, saas_ia::VERSION));
    assert_eq!(health.transcriber, types::TranscriberMode::Mock);

    let docs = reqwest::get(format!("{}/docs", server.base)).await.expect("docs");
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.headers()["content-type"].to_str().expect("ASCII").starts_with("text/html"));
    let page = docs.text().await.expect("text");
    assert!(page.contains("<title>SaaS-IA API</title>") && page.contains("/api/transcription/{job_id}:"), "{page}");
    assert!(page.contains("Bearer &lt;token&gt;"), "the contract's text is escaped");
}
