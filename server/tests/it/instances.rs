//! Two server processes behind one PostgreSQL and one Redis, as a team runs them behind one
//! address: rate limits are counted once for both, what one writes the other reads (with the same
//! ETag), a webhook event is processed once whichever instance receives it, and both keep
//! answering when Redis dies.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fake_providers::stripe::{self, Stripe};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Cluster, SECRET, fresh_postgres_database};

/// A `server` process, killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn spawn(database_url: &str, redis_url: &str, prefix: &str, payments: &str) -> Instance {
    let port = test_services::free_port().expect("a free loopback port");
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", redis_url)
        .env("REDIS_KEY_PREFIX", prefix)
        .env("JWT_SECRET", String::from_utf8_lossy(SECRET).as_ref())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("PAYMENTS_BASE_URL", payments)
        .env("PAYMENTS_API_KEY", stripe::API_KEY)
        .env("BILLING_WEBHOOK_SECRET", stripe::WEBHOOK_SECRET)
        .env("METRICS_ENABLED", "true")
        .env("RUST_LOG", "error")
        .env_remove("ADMIN_EMAILS")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let instance = Instance { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let health = reqwest::get(format!("{}/api/v2/health", instance.base)).await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return instance;
        }
        assert!(Instant::now() < deadline, "{} did not answer within 30 s", instance.base);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().request(method, url).timeout(Duration::from_secs(10));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("an answer");
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn two_instances_share_one_postgres_and_one_redis() {
    let cluster = Cluster::get();
    let database_url = fresh_postgres_database(cluster.url()).await;
    let mut redis = test_services::Redis::start().unwrap_or_else(|e| panic!("{e:#}"));
    let stripe = Stripe::default();
    let fake = fake_providers::serve(stripe::router(stripe.clone()), 0).await.expect("fake Stripe on loopback");
    let payments = format!("http://{}", fake.address);
    let prefix = format!("instances-{}:", uuid::Uuid::new_v4().simple());
    // The first applies the migrations; the second finds them applied.
    let a = spawn(&database_url, &redis.url, &prefix, &payments).await;
    let b = spawn(&database_url, &redis.url, &prefix, &payments).await;
    let [a, b] = [&a.base, &b.base];

    let credentials = json!({"email": "ada@example.com", "password": "Sup3rSecret"});
    let (status, _, body) =
        call(reqwest::Method::POST, format!("{a}/api/v2/auth/register"), None, Some(credentials.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Five sign-ins a minute per client: the sixth is refused, whichever instance counts it.
    let mut token = String::new();
    for (n, base) in [a, b, a, b, a].into_iter().enumerate() {
        let (status, _, body) =
            call(reqwest::Method::POST, format!("{base}/api/v2/auth/login"), None, Some(credentials.clone())).await;
        assert_eq!(status, StatusCode::OK, "sign-in {} on {base}: {body}", n + 1);
        token = body["access_token"].as_str().expect("a token").to_owned();
    }
    let (status, headers, _) =
        call(reqwest::Method::POST, format!("{b}/api/v2/auth/login"), None, Some(credentials.clone())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the 6th sign-in, spread over both instances");
    assert!(headers.contains_key("retry-after"));

    // Written through one, read through the other: the same body and the same ETag.
    let (status, _, project) =
        call(reqwest::Method::POST, format!("{a}/api/v2/projects"), Some(&token), Some(json!({"name": "shared"})))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    let path = format!("/api/v2/projects/{}", project["id"].as_str().expect("an id"));
    let (status_a, headers_a, body_a) = call(reqwest::Method::GET, format!("{a}{path}"), Some(&token), None).await;
    let (status_b, headers_b, body_b) = call(reqwest::Method::GET, format!("{b}{path}"), Some(&token), None).await;
    assert_eq!((status_a, status_b), (StatusCode::OK, StatusCode::OK));
    assert_eq!(body_a, body_b);
    assert!(
        headers_a.get("etag").is_some() && headers_a.get("etag") == headers_b.get("etag"),
        "{headers_a:?} {headers_b:?}"
    );
    // The second read of A came from the Redis cache, as `/metrics` tells.
    let (_, _, again) = call(reqwest::Method::GET, format!("{a}{path}"), Some(&token), None).await;
    assert_eq!(again, body_a);
    let metrics = reqwest::get(format!("{a}/metrics")).await.expect("metrics").text().await.expect("text");
    for line in [
        "devora_requests_total{operation=\"get_project\",status=\"200\"} 2",
        "devora_requests_total{operation=\"login\",status=\"429\"} 0",
        "devora_cache_reads_total{scope=\"projects\",result=\"hit\"} 1",
        "devora_cache_reads_total{scope=\"projects\",result=\"miss\"} 1",
        "devora_request_duration_seconds_count{operation=\"get_project\"} 2",
    ] {
        let present = metrics.lines().any(|l| l == line);
        // A's sign-ins were all admitted (B refused the sixth): no 429 line at all on A.
        assert_eq!(present, !line.contains("429"), "{line}\n{metrics}");
    }
    // A change made through B is what A answers next (no stale cache on A).
    let (status, _, _) =
        call(reqwest::Method::PATCH, format!("{b}{path}"), Some(&token), Some(json!({"description": "edited on b"})))
            .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, read) = call(reqwest::Method::GET, format!("{a}{path}"), Some(&token), None).await;
    assert_eq!(read["description"], "edited on b");

    // A webhook event delivered to one and replayed to the other is processed once.
    let (_, _, me) = call(reqwest::Method::GET, format!("{a}/api/v2/auth/me"), Some(&token), None).await;
    let event = stripe::event(
        "evt_two_instances",
        "checkout.session.completed",
        stripe::unix_now(),
        json!({"client_reference_id": me["id"], "metadata": {"plan": "pro", "interval": "month"}}),
    );
    let first = stripe::send_event(&format!("{a}/api/v2/billing/webhook"), &event).await.expect("delivered");
    let replay = stripe::send_event(&format!("{b}/api/v2/billing/webhook"), &event).await.expect("delivered");
    assert_eq!((first, replay), ((200, json!({"status": "processed"})), (200, json!({"status": "already_processed"}))));
    let (_, _, me) = call(reqwest::Method::GET, format!("{b}/api/v2/auth/me"), Some(&token), None).await;
    assert_eq!(me["subscription_status"], "active", "B sees the subscription A recorded");

    // Redis dies: both keep answering (rate limits fall back to each instance's own count).
    redis.kill();
    for base in [a, b] {
        let (status, _, body) = call(reqwest::Method::GET, format!("{base}{path}"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{base} without Redis: {body}");
        let (status, _, body) = call(reqwest::Method::GET, format!("{base}/api/v2/auth/me"), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{base} without Redis: {body}");
    }
    drop(fake);
}
