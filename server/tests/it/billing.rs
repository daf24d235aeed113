//! Billing end to end: the server wired to the fake Stripe of `fake-providers` on loopback, driven
//! through the generated client; webhook deliveries are signed and posted raw (the signature
//! covers the exact bytes).

use std::time::Duration;

use api_client::types;
use fake_providers::stripe::{self, Stripe};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::payments::{PaymentsConfig, ProviderConfig, Retry, Secret, default_plans};

use crate::common::{self, TestServer};
use crate::e2e::{client, raw, register_and_login, status_of};

struct Billing {
    server: TestServer,
    stripe: Stripe,
    _fake: fake_providers::Running,
}

impl Billing {
    fn webhook(&self) -> String {
        format!("{}/api/v2/billing/webhook", self.server.base)
    }
}

/// Retries after 10 ms, 20 ms, 40 ms; one attempt may take 300 ms.
fn payments(base_url: &str, key: &str) -> PaymentsConfig {
    let mut provider = ProviderConfig::new(base_url.parse().expect("URL"), Secret::new(key));
    provider.timeout = Duration::from_millis(300);
    provider.retry = Retry { retries: 3, first_delay: Duration::from_millis(10) };
    PaymentsConfig {
        provider: Some(provider),
        webhook_secret: Some(Secret::new(stripe::WEBHOOK_SECRET)),
        plans: default_plans(),
    }
}

async fn start() -> Billing {
    let stripe = Stripe::default();
    let fake = fake_providers::serve(stripe::router(stripe.clone()), 0).await.expect("fake on loopback");
    let server = common::start_with_payments(payments(&format!("http://{}", fake.address), stripe::API_KEY)).await;
    Billing { server, stripe, _fake: fake }
}

fn key(text: &str) -> types::CreateCheckoutSessionIdempotencyKey {
    text.parse().expect("a valid key")
}

fn checkout(plan: types::PlanId) -> types::CheckoutSessionCreate {
    types::CheckoutSessionCreate {
        plan,
        interval: types::BillingInterval::Month,
        success_url: "https://app.devora.dev/billing/success".parse().expect("URL"),
        cancel_url: "https://app.devora.dev/billing".parse().expect("URL"),
    }
}

fn detail(error: &api_client::Error<types::Problem>) -> String {
    match error {
        api_client::Error::ErrorResponse(problem) => problem.detail.clone().unwrap_or_default(),
        other => panic!("not a problem: {other:?}"),
    }
}

async fn count(server: &TestServer, table: &str) -> i64 {
    common::count(server, table).await
}

fn calls_to(stripe: &Stripe, path: &str) -> Vec<stripe::Call> {
    stripe.calls().into_iter().filter(|c| c.path == path).collect()
}

#[tokio::test]
async fn the_reference_page_says_payments_are_configured() {
    let billing = start().await;
    let (_, _, html) = raw(&billing.server, reqwest::Method::GET, "/api/v2/reference", None, None).await;
    let html = html.as_str().unwrap_or_default();
    assert!(html.contains("<td>Payments (Stripe-compatible)</td><td>create_checkout_session, create_portal_session, list_invoices</td><td>configured</td>"));
    assert!(html.contains("<td>Payment webhook</td><td>billing_webhook</td><td>configured</td>"));
    assert!(
        html.contains(
            "<td>Sign-in with Google</td><td>oauth_authorize, oauth_callback</td><td>not configured (503)</td>"
        )
    );
}

#[tokio::test]
async fn provider_errors_are_retried_and_checkout_is_idempotent() {
    let billing = start().await;
    let token = register_and_login(&billing.server, "ada@example.com").await;
    let ada = client(&billing.server, Some(&token));

    // Two 500s, then a 429, then success: four attempts with one idempotency key.
    billing.stripe.fail_next(2, 500);
    billing.stripe.fail_next(1, 429);
    let session = ada.create_checkout_session(&key("checkout-0001"), &checkout(types::PlanId::Pro)).await;
    let session = session.expect("retried until the provider answered").into_inner();
    let customers = calls_to(&billing.stripe, "/v1/customers");
    assert_eq!(customers.len(), 4);
    assert!(customers.iter().all(|c| c.idempotency_key == customers[0].idempotency_key && c.idempotency_key.is_some()));
    assert_eq!(billing.stripe.customers().len(), 1);

    // The same key and body: the stored session, without calling the provider.
    let calls = billing.stripe.calls().len();
    let again = ada.create_checkout_session(&key("checkout-0001"), &checkout(types::PlanId::Pro)).await;
    let again = again.expect("same session").into_inner();
    assert_eq!((&again.id, &again.url, again.expires_at), (&session.id, &session.url, session.expires_at));
    assert_eq!(billing.stripe.calls().len(), calls);

    // The same key with another body: 409.
    let other = ada.create_checkout_session(&key("checkout-0001"), &checkout(types::PlanId::Team)).await;
    let error = other.expect_err("another body");
    assert_eq!(status_of(&error), Some(StatusCode::CONFLICT));
    assert!(detail(&error).contains("Idempotency-Key"), "{}", detail(&error));

    // A new key: a new session for the same customer (created once per user).
    let second = ada.create_checkout_session(&key("checkout-0002"), &checkout(types::PlanId::Team)).await;
    assert_ne!(second.expect("a second checkout").into_inner().id, session.id);
    assert_eq!(billing.stripe.customers().len(), 1);
    assert_eq!(count(&billing.server, "billing_customers").await, 1);

    // Portal and invoices for that customer.
    let portal = types::PortalSessionCreate { return_url: "https://app.devora.dev/billing".parse().expect("URL") };
    let portal = ada.create_portal_session(&portal).await.expect("portal").into_inner();
    assert!(portal.url.starts_with("https://billing.stripe.test/"));
    let customer = billing.stripe.customers()[0]["id"].as_str().expect("id").to_owned();
    billing.stripe.add_invoice(&customer, 1900, "paid");
    billing.stripe.add_invoice("cus_someone_else", 4900, "open");
    let invoices = ada.list_invoices().await.expect("invoices").into_inner();
    assert_eq!(invoices.items.len(), 1);
    assert_eq!((invoices.items[0].amount_paid, invoices.items[0].status), (1900, types::InvoiceStatus::Paid));
}

#[tokio::test]
async fn a_key_in_use_at_the_provider_is_409_not_502_and_the_key_stays_usable() {
    let billing = start().await;
    let token = register_and_login(&billing.server, "ada@example.com").await;
    let ada = client(&billing.server, Some(&token));
    ada.create_checkout_session(&key("checkout-0001"), &checkout(types::PlanId::Pro)).await.expect("a first checkout");

    // The provider says another request holds the key (a concurrent one, still in progress).
    let calls = billing.stripe.calls().len();
    billing.stripe.fail_next(1, 409);
    let busy = ada.create_checkout_session(&key("checkout-0002"), &checkout(types::PlanId::Team)).await;
    let error = busy.expect_err("the key is in use");
    assert_eq!(status_of(&error), Some(StatusCode::CONFLICT));
    assert!(detail(&error).contains("Idempotency-Key"), "{}", detail(&error));
    assert_eq!(billing.stripe.calls().len(), calls + 1, "not retried");
    assert_eq!(count(&billing.server, "checkout_sessions").await, 1, "nothing stored for the busy key");

    // Once the other request is done, the key works.
    let later = ada.create_checkout_session(&key("checkout-0002"), &checkout(types::PlanId::Team)).await;
    assert!(later.is_ok(), "{later:?}");
}

#[tokio::test]
async fn a_provider_refusal_is_not_retried() {
    let stripe = Stripe::default();
    let fake = fake_providers::serve(stripe::router(stripe.clone()), 0).await.expect("fake on loopback");
    let server = common::start_with_payments(payments(&format!("http://{}", fake.address), "sk_wrong")).await;
    let token = register_and_login(&server, "ada@example.com").await;
    let result =
        client(&server, Some(&token)).create_checkout_session(&key("refused-01"), &checkout(types::PlanId::Pro)).await;
    assert_eq!(status_of(&result.expect_err("401 at the provider")), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(stripe.calls().len(), 1, "a 4xx other than 429 is final");
}

#[tokio::test]
async fn a_provider_that_is_down_is_502_and_nothing_is_half_written() {
    let billing = start().await;
    let token = register_and_login(&billing.server, "ada@example.com").await;
    let ada = client(&billing.server, Some(&token));

    billing.stripe.set_down(true);
    let down = ada.create_checkout_session(&key("checkout-down"), &checkout(types::PlanId::Pro)).await;
    let error = down.expect_err("down");
    assert_eq!(status_of(&error), Some(StatusCode::BAD_GATEWAY));
    assert!(detail(&error).contains("nothing was changed"));
    assert_eq!(calls_to(&billing.stripe, "/v1/customers").len(), 4, "timed out, retried three times");
    assert_eq!(count(&billing.server, "billing_customers").await, 0);
    assert_eq!(count(&billing.server, "checkout_sessions").await, 0);

    // Back up: the same key now opens the session.
    billing.stripe.set_down(false);
    let up = ada.create_checkout_session(&key("checkout-down"), &checkout(types::PlanId::Pro)).await;
    up.expect("the provider answers again");
    assert_eq!(count(&billing.server, "checkout_sessions").await, 1);

    // Nothing listening at all (connection refused): 502 as well.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address");
    let server = common::start_with_payments(payments(&format!("http://{closed}"), stripe::API_KEY)).await;
    let token = register_and_login(&server, "bob@example.com").await;
    let refused =
        client(&server, Some(&token)).create_checkout_session(&key("refused-02"), &checkout(types::PlanId::Pro)).await;
    assert_eq!(status_of(&refused.expect_err("refused")), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(count(&server, "billing_customers").await, 0);
}

#[tokio::test]
async fn webhook_signatures_are_checked_on_the_raw_body() {
    let billing = start().await;
    let event = stripe::event("evt_sig", "invoice.paid", stripe::unix_now(), json!({"customer": "cus_nobody"}));
    // Not compact JSON: the signature covers these exact bytes, not a re-serialization.
    let payload = serde_json::to_vec_pretty(&event).expect("json");
    let now = stripe::unix_now();
    let deliver = |signature: String| {
        let (url, payload) = (billing.webhook(), payload.clone());
        async move { stripe::deliver(&url, &signature, &payload).await.expect("delivered") }
    };

    let (status, problem) = deliver(stripe::signature(&["whsec_wrong"], now, &payload)).await;
    assert_eq!(status, 401);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("no `v1` signature matches")), "{problem}");
    let (status, problem) = deliver(stripe::signature(&[stripe::WEBHOOK_SECRET], now - 301, &payload)).await;
    assert_eq!(status, 401);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("300 seconds")), "{problem}");
    let (status, _) = deliver(format!("v1={}", "00".repeat(32))).await;
    assert_eq!(status, 401, "no timestamp");
    let tampered = stripe::signature(&[stripe::WEBHOOK_SECRET], now, &serde_json::to_vec(&event).expect("json"));
    assert_eq!(deliver(tampered).await.0, 401, "signed bytes differ from the body");

    // Rotation: an old secret's signature beside the current one.
    let (status, ack) = deliver(stripe::signature(&["whsec_old", stripe::WEBHOOK_SECRET], now, &payload)).await;
    assert_eq!((status, ack["status"].as_str()), (200, Some("ignored")), "{ack}");
}

#[tokio::test]
async fn replays_are_already_processed_even_when_concurrent() {
    let billing = start().await;
    let token = register_and_login(&billing.server, "ada@example.com").await;
    let me = client(&billing.server, Some(&token)).get_me().await.expect("me").into_inner();
    let completed = stripe::event(
        "evt_once",
        "checkout.session.completed",
        stripe::unix_now(),
        json!({"client_reference_id": me.id.to_string(), "metadata": {"plan": "pro", "interval": "month"}}),
    );
    // A dedup record older than 7 days is cleaned up by the next insert.
    server::on_db!(&billing.server.app.db, pool => {
        sqlx::query(server::db::sql(pool, "INSERT INTO webhook_events (event_id, received_at) VALUES ('evt_ancient', ?)"))
            .bind(chrono::Utc::now() - chrono::Duration::days(8))
            .execute(pool)
            .await
            .map(|_| ())
    })
    .expect("an old record");
    let first = stripe::send_event(&billing.webhook(), &completed).await.expect("delivered");
    assert_eq!(first, (200, json!({"status": "processed"})));
    let replay = stripe::send_event(&billing.webhook(), &completed).await.expect("delivered");
    assert_eq!(replay, (200, json!({"status": "already_processed"})));

    let concurrent = stripe::event(
        "evt_concurrent",
        "invoice.payment_failed",
        stripe::unix_now() + 1,
        json!({"client_reference_id": me.id.to_string()}),
    );
    let url = billing.webhook();
    let deliveries = (0..8).map(|_| stripe::send_event(&url, &concurrent));
    let outcomes: Vec<Value> = futures::future::join_all(deliveries)
        .await
        .into_iter()
        .map(|r| {
            let (status, body) = r.expect("delivered");
            assert_eq!(status, 200, "{body}");
            body["status"].clone()
        })
        .collect();
    assert_eq!(outcomes.iter().filter(|s| *s == "processed").count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|s| *s == "already_processed").count(), 7, "{outcomes:?}");
    assert_eq!(count(&billing.server, "webhook_events").await, 2, "the 8-day-old record is gone");
}

#[tokio::test]
async fn the_subscription_follows_events_and_older_ones_never_win() {
    let billing = start().await;
    let token = register_and_login(&billing.server, "ada@example.com").await;
    let ada = client(&billing.server, Some(&token));
    let inactive = ada.get_subscription().await.expect("subscription").into_inner();
    assert_eq!((inactive.status, inactive.plan), (types::SubscriptionStatus::Inactive, None));

    // A checkout makes the customer; events name it.
    ada.create_checkout_session(&key("checkout-0003"), &checkout(types::PlanId::Pro)).await.expect("checkout");
    let customer = billing.stripe.customers()[0]["id"].as_str().expect("id").to_owned();
    let t = stripe::unix_now();
    let send = |id: &str, kind: &str, created: i64, object: Value| {
        let (url, event) = (billing.webhook(), stripe::event(id, kind, created, object));
        async move { stripe::send_event(&url, &event).await.expect("delivered") }
    };
    let state = || async {
        let subscription = ada.get_subscription().await.expect("subscription").into_inner();
        let me = ada.get_me().await.expect("me").into_inner();
        assert_eq!(subscription.status, me.subscription_status, "one state, two views");
        subscription
    };

    let object = json!({"customer": customer, "metadata": {"plan": "pro", "interval": "month"}});
    assert_eq!(send("evt_1", "checkout.session.completed", t, object).await.0, 200);
    let active = state().await;
    assert_eq!((active.status, active.plan), (types::SubscriptionStatus::Active, Some(types::PlanId::Pro)));

    // Newer: renewal fails, then the subscription is updated to cancel at period end.
    send("evt_3", "invoice.payment_failed", t + 20, json!({"customer": customer})).await;
    assert_eq!(state().await.status, types::SubscriptionStatus::PastDue);
    let updated = json!({"customer": customer, "status": "active", "cancel_at_period_end": true,
        "current_period_end": t + 30 * 86400, "items": {"data": [{"price": {"id": "price_team_yearly"}}]}});
    send("evt_4", "customer.subscription.updated", t + 30, updated).await;
    let renewed = state().await;
    assert_eq!((renewed.status, renewed.plan), (types::SubscriptionStatus::Active, Some(types::PlanId::Team)));
    assert_eq!(renewed.interval, Some(types::BillingInterval::Year));
    assert!(renewed.cancel_at_period_end);
    assert!(renewed.current_period_end.is_some());

    // Older events arrive late: recorded, but the newer state stands.
    let (status, ack) = send("evt_2", "customer.subscription.deleted", t + 10, json!({"customer": customer})).await;
    assert_eq!((status, ack["status"].as_str()), (200, Some("processed")));
    assert_eq!(state().await.status, types::SubscriptionStatus::Active);

    send("evt_5", "customer.subscription.deleted", t + 40, json!({"customer": customer})).await;
    assert_eq!(state().await.status, types::SubscriptionStatus::Canceled);
    send("evt_6", "invoice.paid", t + 50, json!({"customer": customer})).await;
    assert_eq!(state().await.status, types::SubscriptionStatus::Active);

    // An active subscription cannot check out again.
    let again = ada.create_checkout_session(&key("checkout-0004"), &checkout(types::PlanId::Pro)).await;
    assert_eq!(status_of(&again.expect_err("active")), Some(StatusCode::CONFLICT));
}

#[tokio::test]
async fn unconfigured_billing_is_503_naming_the_variables() {
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let ada = client(&server, Some(&token));

    let plans = ada.list_plans(None).await.expect("plans work without a provider").into_inner();
    assert_eq!(
        plans.iter().map(|p| p.id).collect::<Vec<_>>(),
        [types::PlanId::Free, types::PlanId::Pro, types::PlanId::Team]
    );
    let subscription = ada.get_subscription().await.expect("subscription").into_inner();
    assert_eq!(subscription.status, types::SubscriptionStatus::Inactive);

    let checkout = ada.create_checkout_session(&key("checkout-0005"), &checkout(types::PlanId::Pro)).await;
    let portal = ada
        .create_portal_session(&types::PortalSessionCreate { return_url: "https://a.dev/".parse().expect("URL") })
        .await;
    let invoices = ada.list_invoices().await;
    for error in [checkout.map(|_| ()), portal.map(|_| ()), invoices.map(|_| ())].map(|r| r.expect_err("503")) {
        assert_eq!(status_of(&error), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(detail(&error).contains("PAYMENTS_API_KEY"), "{}", detail(&error));
    }
    let event = stripe::event("evt_x", "invoice.paid", stripe::unix_now(), json!({}));
    let payload = event.to_string().into_bytes();
    let signature = stripe::signature(&[stripe::WEBHOOK_SECRET], stripe::unix_now(), &payload);
    let (status, problem) =
        stripe::deliver(&format!("{}/api/v2/billing/webhook", server.base), &signature, &payload).await.expect("sent");
    assert_eq!(status, 503);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("BILLING_WEBHOOK_SECRET")), "{problem}");
}
