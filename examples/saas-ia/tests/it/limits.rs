//! The seed's rate-limit table: declared on every operation of the contract, and counted by the
//! generated server per user when a token is sent, per client address otherwise.

use std::collections::BTreeMap;

use contract::RateLimit;
use reqwest::StatusCode;
use serde_json::json;

use crate::server::{Limits, start};

/// The table of the seed's README ("Limites par Endpoint"), per minute.
const TABLE: [(&str, u32); 9] = [
    ("register", 5),
    ("login", 5),
    ("get_me", 20),
    ("create_transcription", 10),
    ("get_transcription", 30),
    ("list_transcriptions", 20),
    ("delete_transcription", 10),
    ("health", 100),
    ("docs", 50),
];

#[test]
fn every_operation_has_the_seeds_limit() {
    let declared: BTreeMap<String, Option<RateLimit>> =
        saas_ia::contract().operations.iter().map(|op| (op.id.to_string(), op.rate_limit)).collect();
    let expected: BTreeMap<String, Option<RateLimit>> =
        TABLE.iter().map(|(id, count)| ((*id).to_owned(), Some(RateLimit::per_minute(*count)))).collect();
    assert_eq!(declared, expected);
}

#[tokio::test]
async fn the_sixth_login_in_a_minute_is_refused() {
    let server = start(Limits::Contract).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/auth/login", server.base);
    let wrong = json!({"email": "test@example.com", "password": "wrong"});
    for attempt in 1..=5 {
        let answer = http.post(&url).json(&wrong).send().await.expect("login");
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert_eq!(answer.headers()["x-ratelimit-remaining"], (5 - attempt).to_string().as_str());
    }
    let refused = http.post(&url).json(&wrong).send().await.expect("login");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"].to_str().expect("ASCII").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let problem: serde_json::Value = refused.json().await.expect("problem");
    assert_eq!((problem["status"].as_u64(), problem["title"].as_str()), (Some(429), Some("Too Many Requests")));
}

/// "Chaque utilisateur a sa propre limite": a user who spent their `get_me` budget does not spend
/// another's.
#[tokio::test]
async fn signed_in_users_have_their_own_budget() {
    let server = start(Limits::Contract).await;
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        let credentials = json!({"email": email, "password": "Test123!"});
        let registered = http.post(format!("{}/api/auth/register", server.base)).json(&credentials).send().await;
        assert_eq!(registered.expect("register").status(), StatusCode::CREATED);
        let token: serde_json::Value = http
            .post(format!("{}/api/auth/login", server.base))
            .json(&credentials)
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("token");
        tokens.push(token["access_token"].as_str().expect("a token").to_owned());
    }
    let me = |token: &str| http.get(format!("{}/api/auth/me", server.base)).bearer_auth(token).send();
    for _ in 0..20 {
        assert_eq!(me(&tokens[0]).await.expect("me").status(), StatusCode::OK);
    }
    assert_eq!(me(&tokens[0]).await.expect("me").status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(me(&tokens[1]).await.expect("me").status(), StatusCode::OK, "bob's budget is his own");
}
