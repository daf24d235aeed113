//! The fakes check what the real providers check: a client that skips the secret, reuses a code
//! or sends the wrong PKCE verifier is refused.

use fake_providers::github::{self, GitHub};
use fake_providers::google::{self, Google};
use fake_providers::{Fault, challenge, serve};
use serde_json::Value;

const REDIRECT: &str = "http://127.0.0.1:5173/back";

/// Follows a consent URL; the code it redirects with (with state `s1`).
async fn code(url: &str) -> String {
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let answer = browser.get(url).send().await.expect("consent");
    assert_eq!(answer.status(), 302);
    let location = url::Url::parse(answer.headers()["location"].to_str().expect("location")).expect("url");
    assert!(location.as_str().starts_with(REDIRECT));
    let param = |name: &str| location.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("state").as_deref(), Some("s1"));
    param("code").expect("code")
}

async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("token endpoint");
    (answer.status().as_u16(), answer.json().await.expect("json"))
}

fn google_form<'a>(code: &'a str, secret: &'a str, verifier: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", google::CLIENT_ID),
        ("client_secret", secret),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
    ]
}

#[tokio::test]
async fn google_checks_the_secret_the_code_and_the_verifier() {
    let fake = Google::new();
    let running = serve(google::router(fake.clone()), 0).await.expect("serve");
    let base = running.base();
    let verifier = "a-verifier-of-at-least-forty-three-characters-long";
    let consent = format!(
        "{base}/o/oauth2/v2/auth?response_type=code&client_id={}&redirect_uri={REDIRECT}&scope=openid%20email&state=s1&code_challenge={}&code_challenge_method=S256",
        google::CLIENT_ID,
        challenge(verifier)
    );
    let token_url = format!("{base}/token");
    let first = code(&consent).await;
    let (status, body) = post_form(&token_url, &google_form(&first, "wrong", verifier)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    let (status, body) = post_form(&token_url, &google_form(&first, google::CLIENT_SECRET, "another")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "a wrong verifier spends the code");
    let (status, _) = post_form(&token_url, &google_form(&first, google::CLIENT_SECRET, verifier)).await;
    assert_eq!(status, 400, "the code was spent");

    let second = code(&consent).await;
    let (status, body) = post_form(&token_url, &google_form(&second, google::CLIENT_SECRET, verifier)).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().expect("token");
    let info = reqwest::Client::new().get(format!("{base}/v1/userinfo")).bearer_auth(token).send().await;
    let info: Value = info.expect("userinfo").json().await.expect("json");
    assert_eq!((info["email"].as_str(), info["email_verified"].as_bool()), (Some("ada@example.com"), Some(true)));
    assert_eq!(fake.exchanges(), 1);

    fake.set_fault(Some(Fault::ServerError));
    let (status, _) = post_form(&token_url, &google_form(&second, google::CLIENT_SECRET, verifier)).await;
    assert_eq!(status, 500);
    let address = running.address;
    drop(running);
    assert!(reqwest::Client::new().get(format!("http://{address}/token")).send().await.is_err(), "down");
}

#[tokio::test]
async fn github_refuses_with_200_and_an_error_like_github() {
    let running = serve(github::router(GitHub::new()), 0).await.expect("serve");
    let base = running.base();
    let consent = format!(
        "{base}/login/oauth/authorize?client_id={}&redirect_uri={REDIRECT}&state=s1&code_challenge={}&code_challenge_method=S256",
        github::CLIENT_ID,
        challenge("right")
    );
    let code = code(&consent).await;
    let form = [
        ("client_id", github::CLIENT_ID),
        ("client_secret", github::CLIENT_SECRET),
        ("code", code.as_str()),
        ("code_verifier", "wrong"),
    ];
    let (status, body) = post_form(&format!("{base}/login/oauth/access_token"), &form).await;
    assert_eq!((status, body["error"].as_str()), (200, Some("bad_verification_code")));
    let env = github::env(running.address);
    assert!(env.iter().any(|(name, value)| *name == "OAUTH_GITHUB_API_URL" && value.ends_with("/api")));
}
