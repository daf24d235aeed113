//! A Stripe-like payment API: `POST /v1/customers`, `POST /v1/checkout/sessions`,
//! `POST /v1/billing_portal/sessions` (form-encoded bodies, `Idempotency-Key` honoured: the same
//! key and parameters answer the same object, other parameters a `400 idempotency_error`) and
//! `GET /v1/invoices?customer=&limit=`; every call needs `Authorization: Bearer` [`API_KEY`].
//!
//! Faults, for the next calls in order: [`Stripe::fail_next`] (a status such as 500 or 429) and
//! [`Stripe::set_down`] (calls hang without an answer, as a provider that stopped responding; the
//! client's timeout ends them). [`send_event`] delivers a signed webhook event.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Form, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// The key the fake accepts.
pub const API_KEY: &str = "sk_test_fake_devora";
/// The secret the fake signs webhook events with.
pub const WEBHOOK_SECRET: &str = "whsec_fake_devora";
/// The port `cargo run -p fake-providers` serves the fake on.
pub const DEFAULT_PORT: u16 = 9103;

/// The server variables that point it at a fake Stripe on `address`.
pub fn env(address: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("PAYMENTS_BASE_URL", format!("http://{address}")),
        ("PAYMENTS_API_KEY", API_KEY.to_owned()),
        ("BILLING_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
    ]
}

/// One call the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
}

/// The fake's state; clones share it (keep one to inject faults and read what was called).
#[derive(Clone, Default)]
pub struct Stripe {
    state: Arc<Mutex<Store>>,
}

type Params = Vec<(String, String)>;

#[derive(Default)]
struct Store {
    next_id: u64,
    customers: BTreeMap<String, Value>,
    checkout_sessions: BTreeMap<String, Value>,
    invoices: Vec<Value>,
    /// `(path, key)` → the parameters and the answer of the first call with that key.
    idempotent: BTreeMap<(String, String), (Params, Value)>,
    faults: VecDeque<StatusCode>,
    down: bool,
    calls: Vec<Call>,
}

impl Store {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_test_{:06}", self.next_id)
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"type": kind, "message": message}}))).into_response()
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `metadata[x]=y` pairs (under `prefix`) as a JSON object.
fn metadata(params: &Params, prefix: &str) -> Value {
    let map = params
        .iter()
        .filter_map(|(name, value)| {
            name.strip_prefix(prefix)?.strip_prefix('[')?.strip_suffix(']').map(|k| (k.to_owned(), json!(value)))
        })
        .collect::<serde_json::Map<_, _>>();
    Value::Object(map)
}

impl Stripe {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next `count` calls answer `status` (500, 429, 409 as a key in use...) without doing anything.
    pub fn fail_next(&self, count: usize, status: u16) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.store().faults.extend(std::iter::repeat_n(status, count));
    }

    /// While down, calls hang without an answer.
    pub fn set_down(&self, down: bool) {
        self.store().down = down;
    }

    /// Every call received so far, faulty ones included.
    pub fn calls(&self) -> Vec<Call> {
        self.store().calls.clone()
    }

    /// The customers created so far.
    pub fn customers(&self) -> Vec<Value> {
        self.store().customers.values().cloned().collect()
    }

    /// The checkout sessions created so far.
    pub fn checkout_sessions(&self) -> Vec<Value> {
        self.store().checkout_sessions.values().cloned().collect()
    }

    /// Adds an invoice of `customer`; returns its id.
    pub fn add_invoice(&self, customer: &str, amount: i64, status: &str) -> String {
        let mut store = self.store();
        let id = store.id("in");
        let number = format!("DEV-{:04}", store.invoices.len() + 1);
        let paid = if status == "paid" { amount } else { 0 };
        store.invoices.push(json!({
            "id": id, "object": "invoice", "customer": customer, "number": number, "status": status,
            "amount_due": amount, "amount_paid": paid, "currency": "eur", "created": now(),
            "hosted_invoice_url": format!("https://invoice.stripe.test/i/{id}"),
            "invoice_pdf": format!("https://invoice.stripe.test/i/{id}/pdf"),
        }));
        id
    }
}

/// The fake's routes, sharing `stripe`.
pub fn router(stripe: Stripe) -> Router {
    Router::new()
        .route("/v1/customers", post(create_customer))
        .route("/v1/checkout/sessions", post(create_checkout_session))
        .route("/v1/billing_portal/sessions", post(create_portal_session))
        .route("/v1/invoices", get(list_invoices))
        .layer(axum::middleware::from_fn_with_state(stripe.clone(), gate))
        .with_state(stripe)
}

/// Records the call, then applies faults and checks the key.
async fn gate(State(stripe): State<Stripe>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let call = Call {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        idempotency_key: headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned),
    };
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {API_KEY}"));
    let (down, fault) = {
        let mut store = stripe.store();
        store.calls.push(call);
        (store.down, if store.down { None } else { store.faults.pop_front() })
    };
    if down {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if let Some(status) = fault {
        let kind = match status {
            StatusCode::TOO_MANY_REQUESTS => "rate_limit_error",
            // What Stripe answers while another request with the same key is in progress.
            StatusCode::CONFLICT => "idempotency_error",
            _ => "api_error",
        };
        return error(status, kind, "injected fault");
    }
    if !authorized {
        return error(StatusCode::UNAUTHORIZED, "invalid_request_error", "Invalid API Key provided.");
    }
    next.run(request).await
}

/// Answers a repeated key with the first answer, or refuses other parameters; otherwise runs
/// `create` and remembers its answer.
fn idempotent(
    stripe: &Stripe,
    path: &str,
    headers: &HeaderMap,
    params: Params,
    create: impl FnOnce(&mut Store, &Params) -> Result<Value, Refusal>,
) -> Response {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut store = stripe.store();
    if let Some(key) = &key
        && let Some((first, answer)) = store.idempotent.get(&(path.to_owned(), key.clone()))
    {
        return if *first == params {
            Json(answer.clone()).into_response()
        } else {
            error(
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            )
        };
    }
    match create(&mut store, &params) {
        Ok(answer) => {
            if let Some(key) = key {
                store.idempotent.insert((path.to_owned(), key), (params, answer.clone()));
            }
            Json(answer).into_response()
        }
        Err(Refusal(message)) => error(StatusCode::BAD_REQUEST, "invalid_request_error", &message),
    }
}

/// A `400 invalid_request_error` with its message.
struct Refusal(String);

fn missing(name: &str) -> Refusal {
    Refusal(format!("Missing required param: {name}."))
}

async fn create_customer(State(stripe): State<Stripe>, headers: HeaderMap, Form(params): Form<Params>) -> Response {
    idempotent(&stripe, "/v1/customers", &headers, params, |store, params| {
        let id = store.id("cus");
        let customer = json!({
            "id": id, "object": "customer", "email": param(params, "email"),
            "metadata": metadata(params, "metadata"), "created": now(),
        });
        store.customers.insert(id, customer.clone());
        Ok(customer)
    })
}

async fn create_checkout_session(
    State(stripe): State<Stripe>,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Response {
    idempotent(&stripe, "/v1/checkout/sessions", &headers, params, |store, params| {
        let customer = param(params, "customer").ok_or_else(|| missing("customer"))?;
        if !store.customers.contains_key(customer) {
            return Err(Refusal("No such customer.".into()));
        }
        let price = param(params, "line_items[0][price]").ok_or_else(|| missing("line_items[0][price]"))?;
        let success_url = param(params, "success_url").ok_or_else(|| missing("success_url"))?;
        let id = store.id("cs");
        let session = json!({
            "id": id, "object": "checkout.session", "mode": param(params, "mode"), "customer": customer,
            "client_reference_id": param(params, "client_reference_id"), "price": price,
            "success_url": success_url, "cancel_url": param(params, "cancel_url"),
            "metadata": metadata(params, "metadata"),
            "url": format!("https://checkout.stripe.test/c/pay/{id}"), "expires_at": now() + 24 * 3600,
            "status": "open",
        });
        store.checkout_sessions.insert(id, session.clone());
        Ok(session)
    })
}

async fn create_portal_session(
    State(stripe): State<Stripe>,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Response {
    idempotent(&stripe, "/v1/billing_portal/sessions", &headers, params, |store, params| {
        let customer = param(params, "customer").ok_or_else(|| missing("customer"))?;
        if !store.customers.contains_key(customer) {
            return Err(Refusal("No such customer.".into()));
        }
        let id = store.id("bps");
        Ok(json!({
            "id": id, "object": "billing_portal.session", "customer": customer,
            "return_url": param(params, "return_url"), "url": format!("https://billing.stripe.test/p/session/{id}"),
        }))
    })
}

async fn list_invoices(State(stripe): State<Stripe>, Query(params): Query<Params>) -> Response {
    let customer = param(&params, "customer");
    let limit = param(&params, "limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(10).clamp(1, 100);
    let store = stripe.store();
    let mine: Vec<&Value> =
        store.invoices.iter().rev().filter(|i| customer.is_none() || i["customer"].as_str() == customer).collect();
    let data: Vec<Value> = mine.iter().take(limit).map(|i| (*i).clone()).collect();
    Json(json!({"object": "list", "data": data, "has_more": mine.len() > limit})).into_response()
}

/// An event as Stripe sends it: `{id, object: "event", type, created, data: {object}}`.
pub fn event(id: &str, kind: &str, created: i64, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "created": created, "data": {"object": object}})
}

/// The `Stripe-Signature` header of `payload` signed at `timestamp` with each of `secrets` (more
/// than one while a secret rotates).
pub fn signature(secrets: &[&str], timestamp: i64, payload: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        // HMAC takes keys of any length.
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
            mac.update(format!("{timestamp}.").as_bytes());
            mac.update(payload);
            header.push_str(&format!(",v1={}", hex::encode(mac.finalize().into_bytes())));
        }
    }
    header
}

/// Posts `payload` to `url` with `Stripe-Signature: signature`; answers the status and JSON body.
pub async fn deliver(url: &str, signature: &str, payload: &[u8]) -> Result<(u16, Value), reqwest::Error> {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(payload.to_vec())
        .send()
        .await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

/// Sends `event` to `url`, signed now with [`WEBHOOK_SECRET`].
pub async fn send_event(url: &str, event: &Value) -> Result<(u16, Value), reqwest::Error> {
    let payload = event.to_string().into_bytes();
    deliver(url, &signature(&[WEBHOOK_SECRET], now(), &payload), &payload).await
}

/// The current Unix time, in seconds (what [`send_event`] signs with).
pub fn unix_now() -> i64 {
    now()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn started() -> (Stripe, crate::Running, reqwest::Client) {
        let stripe = Stripe::default();
        let running = crate::serve(router(stripe.clone()), 0).await.expect("bind loopback");
        (stripe, running, reqwest::Client::new())
    }

    async fn post(
        client: &reqwest::Client,
        running: &crate::Running,
        path: &str,
        key: &str,
        body: &str,
    ) -> (u16, Value) {
        let response = client
            .post(format!("http://{}{path}", running.address))
            .bearer_auth(API_KEY)
            .header("idempotency-key", key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .expect("answer");
        (response.status().as_u16(), response.json().await.expect("json"))
    }

    #[tokio::test]
    async fn idempotency_faults_and_keys() {
        let (stripe, running, client) = started().await;
        let (status, first) = post(&client, &running, "/v1/customers", "k1", "email=a%40b.c").await;
        assert_eq!(status, 200);
        let (_, again) = post(&client, &running, "/v1/customers", "k1", "email=a%40b.c").await;
        assert_eq!(first, again, "same key, same parameters: same customer");
        let (status, refused) = post(&client, &running, "/v1/customers", "k1", "email=x%40b.c").await;
        assert_eq!((status, refused["error"]["type"].as_str()), (400, Some("idempotency_error")));
        assert_eq!(stripe.customers().len(), 1);

        stripe.fail_next(1, 500);
        stripe.fail_next(1, 429);
        assert_eq!(post(&client, &running, "/v1/customers", "k2", "email=b%40b.c").await.0, 500);
        assert_eq!(post(&client, &running, "/v1/customers", "k2", "email=b%40b.c").await.0, 429);
        assert_eq!(post(&client, &running, "/v1/customers", "k2", "email=b%40b.c").await.0, 200);

        let unauthorized =
            client.get(format!("http://{}/v1/invoices", running.address)).send().await.expect("answer").status();
        assert_eq!(unauthorized.as_u16(), 401);
        assert_eq!(stripe.calls().len(), 7);
    }

    #[test]
    fn signatures_cover_timestamp_and_payload() {
        let one = signature(&["s"], 10, b"{}");
        assert!(one.starts_with("t=10,v1="));
        assert_ne!(one, signature(&["s"], 11, b"{}"));
        assert_eq!(signature(&["a", "b"], 10, b"{}").matches("v1=").count(), 2);
        let address: SocketAddr = "127.0.0.1:9103".parse().expect("address");
        assert_eq!(env(address)[0], ("PAYMENTS_BASE_URL", "http://127.0.0.1:9103".to_owned()));
    }
}
