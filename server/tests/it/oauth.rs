//! Sign-in with Google and GitHub, end to end: the generated client asks the server for a consent
//! URL, the test follows it on a fake provider (`fake-providers`) as a browser would, and hands
//! the code back to the server's callback; the server trades it at the fake's token endpoint
//! (with the PKCE verifier) and reads the identity there.

use api_client::types::{self, OAuthProvider};
use fake_providers::github::{GitHub, GitHubEmail, GitHubUser};
use fake_providers::google::{Google, GoogleUser};
use fake_providers::{Fault, Running};
use reqwest::StatusCode;

use crate::common::{self, TestServer as Server};
use crate::e2e::{client, status_of, user};

/// Where the providers send the user back (the front end's page; nothing listens there).
const REDIRECT_URL: &str = "http://127.0.0.1:5173/oauth/callback";

/// Both fakes, served, and a server whose providers point at them.
struct World {
    server: Server,
    google: Google,
    github: GitHub,
    google_running: Option<Running>,
    _github_running: Running,
}

async fn start() -> World {
    let (google, github) = (Google::new(), GitHub::new());
    let google_running =
        fake_providers::serve(fake_providers::google::router(google.clone()), 0).await.expect("google");
    let github_running =
        fake_providers::serve(fake_providers::github::router(github.clone()), 0).await.expect("github");
    let mut vars = fake_providers::google::env(google_running.address);
    vars.extend(fake_providers::github::env(github_running.address));
    vars.push(("OAUTH_REDIRECT_URL", REDIRECT_URL.into()));
    // The server reads the variables `fake-providers` prints, as `main` would.
    let config = server::config::OAuthConfig::from_lookup(|name| {
        vars.iter().find(|(n, _)| *n == name).map(|(_, value)| value.clone())
    })
    .expect("the fakes' variables are a valid configuration");
    let providers = server::oauth::Providers::from_config(&config).expect("the providers' HTTP client");
    let server = common::start_with_providers(providers).await;
    World { server, google, github, google_running: Some(google_running), _github_running: github_running }
}

/// Follows a consent URL as a browser would: the fake signs in at once and redirects to
/// `REDIRECT_URL` with `code` and `state`.
async fn consent(url: &str) -> (String, String) {
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let answer = browser.get(url).send().await.expect("consent page");
    assert_eq!(answer.status(), StatusCode::FOUND, "{url}: {:?}", answer.text().await);
    let location = answer.headers()[reqwest::header::LOCATION].to_str().expect("location").to_owned();
    let back = url::Url::parse(&location).expect("redirect URL");
    assert!(location.starts_with(REDIRECT_URL), "sent back to the front end: {location}");
    let param = |name: &str| back.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    (param("code").expect("code"), param("state").expect("state"))
}

fn callback(code: &str, state: &str) -> types::OAuthCallback {
    types::OAuthCallback { code: code.parse().expect("code"), state: state.parse().expect("state") }
}

/// Asks for a consent URL and follows it: the code and state for the callback.
async fn authorize(server: &Server, provider: OAuthProvider) -> (String, String) {
    let started = client(server, None).oauth_authorize(provider).await.expect("authorize").into_inner();
    let (code, state) = consent(&started.authorization_url).await;
    assert_eq!(state, started.state, "the provider hands the state back");
    (code, state)
}

type Answer = Result<progenitor_client::ResponseValue<types::TokenResponse>, api_client::Error<types::Problem>>;

/// A whole sign-in.
async fn sign_in(server: &Server, provider: OAuthProvider) -> Answer {
    let (code, state) = authorize(server, provider).await;
    client(server, None).oauth_callback(provider, &callback(&code, &state)).await
}

/// The status and detail of a refused call.
fn problem(answer: Answer) -> (Option<StatusCode>, String) {
    let error = answer.expect_err("refused");
    let status = status_of(&error);
    let api_client::Error::ErrorResponse(problem) = error else { panic!("a problem body, not {error:?}") };
    (status, problem.into_inner().detail.unwrap_or_default())
}

async fn users(server: &Server) -> i64 {
    crate::common::count(server, "users").await
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).expect("a URL");
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn google_sign_in_creates_the_account_then_signs_it_in_again() {
    let world = start().await;
    let started = client(&world.server, None).oauth_authorize(OAuthProvider::Google).await.expect("authorize");
    let url = &started.authorization_url;
    assert_eq!(query_param(url, "scope").as_deref(), Some("openid email profile"));
    assert_eq!(query_param(url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query_param(url, "redirect_uri").as_deref(), Some(REDIRECT_URL));
    assert_eq!(query_param(url, "client_id").as_deref(), Some(fake_providers::google::CLIENT_ID));
    assert!(!url.contains(fake_providers::google::CLIENT_SECRET), "no secret in the URL");

    let (code, state) = consent(url).await;
    let pair = client(&world.server, None).oauth_callback(OAuthProvider::Google, &callback(&code, &state)).await;
    let pair = pair.expect("signed in").into_inner();
    assert_eq!(pair.user.email, "ada@example.com");
    assert_eq!(pair.user.full_name.as_deref(), Some("Ada Lovelace"));
    let me = client(&world.server, Some(&pair.access_token)).get_me().await.expect("the token works");
    assert_eq!(me.id, pair.user.id);

    let again = sign_in(&world.server, OAuthProvider::Google).await.expect("signed in again").into_inner();
    assert_eq!(again.user.id, pair.user.id, "the same account");
    assert_eq!(users(&world.server).await, 1);
}

#[tokio::test]
async fn github_sign_in_uses_the_primary_verified_address() {
    let world = start().await;
    world.github.sign_in_as(GitHubUser {
        id: 1,
        login: "grace".into(),
        name: Some("Grace Hopper".into()),
        emails: vec![
            GitHubEmail { email: "old@example.com".into(), primary: false, verified: true },
            GitHubEmail { email: "unverified@example.com".into(), primary: false, verified: false },
            GitHubEmail { email: "grace@example.com".into(), primary: true, verified: true },
        ],
    });
    let started = client(&world.server, None).oauth_authorize(OAuthProvider::Github).await.expect("authorize");
    assert_eq!(query_param(&started.authorization_url, "scope").as_deref(), Some("read:user user:email"));
    assert_eq!(query_param(&started.authorization_url, "code_challenge_method").as_deref(), Some("S256"));

    let pair = sign_in(&world.server, OAuthProvider::Github).await.expect("signed in").into_inner();
    assert_eq!(pair.user.email, "grace@example.com");
    assert_eq!(pair.user.full_name.as_deref(), Some("Grace Hopper"));
    client(&world.server, Some(&pair.access_token)).get_me().await.expect("the token works");
}

#[tokio::test]
async fn a_state_works_once_for_its_provider_before_it_expires() {
    let world = start().await;
    let anonymous = client(&world.server, None);
    let (code, state) = authorize(&world.server, OAuthProvider::Google).await;
    anonymous.oauth_callback(OAuthProvider::Google, &callback(&code, &state)).await.expect("first use");
    let (status, detail) = problem(anonymous.oauth_callback(OAuthProvider::Google, &callback(&code, &state)).await);
    assert_eq!((status, detail.as_str()), (Some(StatusCode::BAD_REQUEST), "The state is unknown, used or expired."));

    // A state made for Google does not finish a GitHub sign-in (and is spent by the attempt).
    let (code, state) = authorize(&world.server, OAuthProvider::Google).await;
    let (status, _) = problem(anonymous.oauth_callback(OAuthProvider::Github, &callback(&code, &state)).await);
    assert_eq!(status, Some(StatusCode::BAD_REQUEST));

    // A forged state.
    let forged = format!("st_{}", "0".repeat(64));
    let (status, _) = problem(anonymous.oauth_callback(OAuthProvider::Google, &callback("a-code", &forged)).await);
    assert_eq!(status, Some(StatusCode::BAD_REQUEST));

    // An expired one: its lifetime is fixed (10 minutes), so the clock is moved in the database.
    let (code, state) = authorize(&world.server, OAuthProvider::Google).await;
    server::on_db!(&world.server.app.db, pool => {
        sqlx::query(server::db::sql(pool, "UPDATE oauth_states SET expires_at = ? WHERE used_at IS NULL"))
            .bind(chrono::Utc::now() - chrono::Duration::seconds(1))
            .execute(pool)
            .await
            .map(|_| ())
    })
    .expect("expire");
    let (status, detail) = problem(anonymous.oauth_callback(OAuthProvider::Google, &callback(&code, &state)).await);
    assert_eq!((status, detail.as_str()), (Some(StatusCode::BAD_REQUEST), "The state is unknown, used or expired."));
    assert_eq!(world.google.exchanges(), 1, "only the first sign-in reached the token endpoint");
}

#[tokio::test]
async fn a_code_from_another_sign_in_fails_the_pkce_check() {
    let world = start().await;
    for provider in [OAuthProvider::Google, OAuthProvider::Github] {
        // An attacker's code (from their own consent) injected with the victim's state: the
        // server sends the victim's verifier, which does not match the code's challenge.
        let (attacker_code, _) = authorize(&world.server, provider).await;
        let (_, victim_state) = authorize(&world.server, provider).await;
        let injected = callback(&attacker_code, &victim_state);
        let (status, detail) = problem(client(&world.server, None).oauth_callback(provider, &injected).await);
        assert_eq!(status, Some(StatusCode::BAD_REQUEST), "{provider:?}: {detail}");
        assert!(detail.starts_with("The provider refused the sign-in"), "{detail}");
    }
    assert_eq!(users(&world.server).await, 0);
    assert_eq!((world.google.exchanges(), world.github.exchanges()), (0, 0));
}

#[tokio::test]
async fn an_unverified_google_address_is_refused() {
    let world = start().await;
    world.google.sign_in_as(GoogleUser { email_verified: false, ..GoogleUser::verified("eve@example.com", "Eve") });
    let (status, detail) = problem(sign_in(&world.server, OAuthProvider::Google).await);
    assert_eq!(status, Some(StatusCode::BAD_REQUEST));
    assert!(detail.contains("not verified"), "{detail}");
    assert_eq!(users(&world.server).await, 0);
}

#[tokio::test]
async fn a_github_account_without_a_primary_verified_address_is_refused() {
    let world = start().await;
    let emails = vec![
        GitHubEmail { email: "primary@example.com".into(), primary: true, verified: false },
        GitHubEmail { email: "other@example.com".into(), primary: false, verified: true },
    ];
    world.github.sign_in_as(GitHubUser { id: 2, login: "eve".into(), name: None, emails });
    let (status, detail) = problem(sign_in(&world.server, OAuthProvider::Github).await);
    assert_eq!(status, Some(StatusCode::BAD_REQUEST));
    assert!(detail.contains("no primary verified email"), "{detail}");

    world.github.sign_in_as(GitHubUser { id: 3, login: "nobody".into(), name: None, emails: vec![] });
    let (status, _) = problem(sign_in(&world.server, OAuthProvider::Github).await);
    assert_eq!(status, Some(StatusCode::BAD_REQUEST));
    assert_eq!(users(&world.server).await, 0);
}

#[tokio::test]
async fn a_verified_address_links_to_the_existing_account() {
    let world = start().await;
    let registered = client(&world.server, None).register(&user("ada@example.com", "Sup3rSecret")).await;
    let registered = registered.expect("register").into_inner();
    // Google says ADA@…: addresses compare without case.
    world.google.sign_in_as(GoogleUser::verified("ADA@example.com", "Ada"));
    let google = sign_in(&world.server, OAuthProvider::Google).await.expect("google").into_inner();
    world.github.sign_in_as(GitHubUser::verified("ada", "ada@example.com"));
    let github = sign_in(&world.server, OAuthProvider::Github).await.expect("github").into_inner();
    assert_eq!((google.user.id, github.user.id), (registered.id, registered.id));
    assert_eq!(users(&world.server).await, 1);
    // The password still works.
    let login = types::UserLogin {
        email: "ada@example.com".parse().expect("email"),
        password: "Sup3rSecret".parse().expect("password"),
    };
    client(&world.server, None).login(&login).await.expect("password sign-in");
}

#[tokio::test]
async fn a_disabled_account_is_refused() {
    let world = start().await;
    let first = sign_in(&world.server, OAuthProvider::Github).await.expect("signed in").into_inner();
    server::on_db!(&world.server.app.db, pool => {
        sqlx::query(server::db::sql(pool, "UPDATE users SET disabled = TRUE WHERE id = ?"))
            .bind(first.user.id.to_string())
            .execute(pool)
            .await
            .map(|_| ())
    })
    .expect("disable");
    let (status, detail) = problem(sign_in(&world.server, OAuthProvider::Github).await);
    assert_eq!((status, detail.as_str()), (Some(StatusCode::BAD_REQUEST), "The account is disabled."));
}

#[tokio::test]
async fn a_failing_or_unreachable_provider_is_a_502_and_creates_nothing() {
    let mut world = start().await;
    for (fault, provider) in [
        (Fault::ServerError, OAuthProvider::Google),
        (Fault::IdentityServerError, OAuthProvider::Google),
        (Fault::ServerError, OAuthProvider::Github),
        (Fault::IdentityServerError, OAuthProvider::Github),
    ] {
        world.google.set_fault(Some(fault));
        world.github.set_fault(Some(fault));
        let (status, detail) = problem(sign_in(&world.server, provider).await);
        assert_eq!(status, Some(StatusCode::BAD_GATEWAY), "{fault:?} {provider:?}");
        assert_eq!(detail, "The sign-in provider cannot be reached; try again later.", "no internal detail");
    }
    assert_eq!(users(&world.server).await, 0);

    // Down: the consent page worked, then the provider went away before the callback.
    world.google.set_fault(None);
    let (code, state) = authorize(&world.server, OAuthProvider::Google).await;
    drop(world.google_running.take());
    let answer = client(&world.server, None).oauth_callback(OAuthProvider::Google, &callback(&code, &state)).await;
    assert_eq!(problem(answer).0, Some(StatusCode::BAD_GATEWAY));
    assert_eq!(users(&world.server).await, 0);
}

#[tokio::test]
async fn an_unconfigured_provider_is_a_503_naming_the_variables() {
    let server = common::start().await;
    let anonymous = client(&server, None);
    for (provider, id) in
        [(OAuthProvider::Google, "OAUTH_GOOGLE_CLIENT_ID"), (OAuthProvider::Github, "OAUTH_GITHUB_CLIENT_ID")]
    {
        let (status, detail) = match anonymous.oauth_authorize(provider).await {
            Err(api_client::Error::ErrorResponse(problem)) => (problem.status(), problem.into_inner().detail),
            other => panic!("a problem, not {other:?}"),
        };
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let detail = detail.unwrap_or_default();
        assert!(detail.contains(id) && detail.contains("OAUTH_REDIRECT_URL"), "{detail}");
        let (status, detail) =
            problem(anonymous.oauth_callback(provider, &callback("a-code", &format!("st_{}", "0".repeat(64)))).await);
        assert_eq!(status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(detail.contains(&id.replace("_ID", "_SECRET")), "{detail}");
    }
}
