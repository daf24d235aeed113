//! The `billing` tag: plans from the configuration, the subscription as the provider's webhook
//! events leave it, and the provider-backed operations (checkout, portal, invoices) through
//! [`PaymentProvider`](crate::providers::PaymentProvider).
//!
//! The webhook's signature covers the raw body, which the generated handler does not hand to the
//! method (it validates and decodes the JSON). [`keep_webhook_body`], a layer on the billing router
//! only, reads the webhook's body once, gives the same bytes on to the generated handler and keeps
//! them in a task-local ([`RAW_BODY`]) for the duration of the request, where the method finds
//! them: the refusal is still the operation's declared `401`, answered by the generated code.

use api_server::*;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use contract_server::RequestContext;
use futures::StreamExt;
use schemas::billing::*;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{UserRow, answer, caller, current_user};
use crate::App;
use crate::cache::Scope;
use crate::db::{on_db, sql};
use crate::error::{ApiError, is_unique_violation};
use crate::payments::verify_signature;
use crate::providers::{CheckoutRequest, PaymentProvider, ProviderError};

/// The webhook's path.
pub(crate) const WEBHOOK_PATH: &str = "/api/v2/billing/webhook";

/// How long an applied event id is remembered (a redelivery after that would apply it again; the
/// provider retries for 3 days).
const DEDUP_DAYS: i64 = 7;

/// How many invoices one page lists.
const INVOICE_PAGE: u32 = 20;

const NOT_CONFIGURED: &str = "Payments are not configured on this server: set PAYMENTS_API_KEY (and \
                              PAYMENTS_BASE_URL for a provider other than Stripe).";
const WEBHOOK_NOT_CONFIGURED: &str =
    "The billing webhook is not configured on this server: set BILLING_WEBHOOK_SECRET.";
const UNREACHABLE: &str = "The payment provider could not be reached; nothing was changed, try again.";

tokio::task_local! {
    /// The raw body of the webhook request being handled.
    static RAW_BODY: Bytes;
}

/// Keeps the webhook's raw body for its method (see the module docs). A body over `limit` bytes,
/// or one that fails to arrive, is passed on as it came (the runtime answers `413` or `408`).
pub(crate) async fn keep_webhook_body(State(limit): State<usize>, request: Request, next: Next) -> Response {
    if request.uri().path() != WEBHOOK_PATH {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut total = 0usize;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => {
                total = total.saturating_add(chunk.len());
                chunks.push(chunk);
                if total > limit {
                    let seen = futures::stream::iter(chunks.into_iter().map(Ok::<_, axum::Error>));
                    return next.run(Request::from_parts(parts, Body::from_stream(seen.chain(stream)))).await;
                }
            }
            Err(error) => {
                let seen = chunks.into_iter().map(Ok).chain(std::iter::once(Err(error)));
                let body = Body::from_stream(futures::stream::iter(seen).chain(stream));
                return next.run(Request::from_parts(parts, body)).await;
            }
        }
    }
    let raw = Bytes::from(chunks.concat());
    RAW_BODY.scope(raw.clone(), next.run(Request::from_parts(parts, Body::from(raw)))).await
}

/// A `subscriptions` row.
#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    status: String,
    plan: Option<String>,
    billing_interval: Option<String>,
    current_period_end: Option<DateTime<Utc>>,
    cancel_at_period_end: Option<bool>,
}

/// A stored checkout session.
#[derive(sqlx::FromRow)]
struct CheckoutRow {
    request_hash: String,
    session_id: String,
    url: String,
    expires_at: DateTime<Utc>,
}

pub(crate) fn plan_id(text: &str) -> Option<PlanId> {
    match text {
        "free" => Some(PlanId::Free),
        "pro" => Some(PlanId::Pro),
        "team" => Some(PlanId::Team),
        _ => None,
    }
}

fn interval(text: &str) -> Option<BillingInterval> {
    match text {
        "month" => Some(BillingInterval::Month),
        "year" => Some(BillingInterval::Year),
        _ => None,
    }
}

impl SubscriptionRow {
    fn into_subscription(self) -> Subscription {
        let status = super::auth::subscription_status(&self.status);
        let inactive = status == SubscriptionStatus::Inactive;
        Subscription {
            status,
            plan: if inactive { None } else { self.plan.as_deref().and_then(plan_id) },
            interval: if inactive { None } else { self.billing_interval.as_deref().and_then(interval) },
            current_period_end: if inactive { None } else { self.current_period_end },
            cancel_at_period_end: !inactive && self.cancel_at_period_end.unwrap_or(false),
        }
    }
}

/// What an event does to a subscription.
#[derive(Debug, PartialEq)]
struct Change {
    status: &'static str,
    plan: Option<&'static str>,
    interval: Option<&'static str>,
    period_end: Option<DateTime<Utc>>,
    cancel_at_period_end: Option<bool>,
    /// The provider's customer the event is about.
    customer: Option<String>,
    /// The user id the event names (`client_reference_id`, `metadata.user_id`).
    user: Option<String>,
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

fn metadata<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get("metadata").and_then(|m| m.get(key)).and_then(Value::as_str)
}

impl Change {
    /// The change an event makes, or `None` for an event type the API does not act on.
    fn of(event: &WebhookEvent, plans: &[crate::payments::Plan]) -> Option<Self> {
        let object = &event.data.object;
        let status = match event.type_.as_str() {
            "checkout.session.completed" | "invoice.paid" => "active",
            "invoice.payment_failed" => "past_due",
            "customer.subscription.deleted" => "canceled",
            "customer.subscription.created" | "customer.subscription.updated" => match text(object, "status") {
                Some("active" | "trialing") => "active",
                Some("past_due" | "unpaid") => "past_due",
                Some("canceled" | "incomplete_expired") => "canceled",
                _ => "inactive",
            },
            _ => return None,
        };
        let subscription_event = event.type_.starts_with("customer.subscription.");
        // The plan: from the metadata the checkout set, else from the subscription's price.
        let price = object
            .get("items")
            .and_then(|items| items.get("data"))
            .and_then(|data| data.get(0))
            .and_then(|item| item.get("price"))
            .and_then(|price| price.get("id"))
            .and_then(Value::as_str);
        let by_price = price.and_then(|price| {
            plans.iter().find_map(|plan| {
                [BillingInterval::Month, BillingInterval::Year]
                    .into_iter()
                    .find(|i| plan.price_id(*i) == Some(price))
                    .map(|i| (plan.plan.id, i))
            })
        });
        let plan = metadata(object, "plan").and_then(plan_id).or(by_price.map(|p| p.0)).map(|plan| match plan {
            PlanId::Free => "free",
            PlanId::Pro => "pro",
            PlanId::Team => "team",
        });
        let interval = metadata(object, "interval").and_then(interval).or(by_price.map(|p| p.1)).map(|i| match i {
            BillingInterval::Month => "month",
            BillingInterval::Year => "year",
        });
        let period_end = subscription_event
            .then(|| object.get("current_period_end").and_then(Value::as_i64))
            .flatten()
            .and_then(crate::payments::provider_time);
        let cancel_at_period_end =
            subscription_event.then(|| object.get("cancel_at_period_end").and_then(Value::as_bool)).flatten();
        let user = text(object, "client_reference_id").or(metadata(object, "user_id")).map(str::to_owned);
        Some(Self {
            status,
            plan,
            interval,
            period_end,
            cancel_at_period_end,
            customer: text(object, "customer").map(str::to_owned),
            user,
        })
    }
}

/// The SHA-256 of a request body as the server read it (its canonical JSON).
fn request_hash(body: &CheckoutSessionCreate) -> Result<String, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::Json)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

impl App {
    /// The provider's customer of `user`, created (once) if missing. `Ok(Err(_))`: the provider
    /// failed, and nothing was stored.
    async fn customer_of(
        &self,
        provider: &dyn PaymentProvider,
        user: &UserRow,
    ) -> Result<Result<String, ProviderError>, ApiError> {
        let stored = || async {
            on_db!(&self.db, pool => {
                sqlx::query_as::<_, (String,)>(sql(pool, "SELECT customer_id FROM billing_customers WHERE user_id = ?"))
                    .bind(&user.id)
                    .fetch_optional(pool)
                    .await
            })
        };
        if let Some((id,)) = stored().await? {
            return Ok(Ok(id));
        }
        let id = match provider.create_customer(&user.email, &user.id).await {
            Ok(id) => id,
            Err(error) => return Ok(Err(error)),
        };
        on_db!(&self.db, pool => {
            sqlx::query(sql(
                pool,
                "INSERT INTO billing_customers (user_id, customer_id, created_at) VALUES (?, ?, ?) \
                 ON CONFLICT (user_id) DO NOTHING",
            ))
            .bind(&user.id)
            .bind(&id)
            .bind(Utc::now())
            .execute(pool)
            .await.map(|done| done.rows_affected())
        })?;
        Ok(Ok(stored().await?.ok_or(ApiError::Vanished("billing customer"))?.0))
    }

    async fn stored_customer(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row = on_db!(&self.db, pool => {
            sqlx::query_as::<_, (String,)>(sql(pool, "SELECT customer_id FROM billing_customers WHERE user_id = ?"))
                .bind(user_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }

    async fn stored_checkout(&self, user_id: &str, key: &str) -> Result<Option<CheckoutRow>, sqlx::Error> {
        on_db!(&self.db, pool => {
            sqlx::query_as::<_, CheckoutRow>(sql(
                pool,
                "SELECT request_hash, session_id, url, expires_at FROM checkout_sessions \
                 WHERE user_id = ? AND idempotency_key = ?",
            ))
            .bind(user_id)
            .bind(key)
            .fetch_optional(pool)
            .await
        })
    }

    /// The stored answer to a checkout key: the same session for the same body, `409` otherwise.
    fn replay(row: CheckoutRow, hash: &str) -> Result<CreateCheckoutSessionResponse, ApiError> {
        if row.request_hash != hash {
            return Ok(CreateCheckoutSessionResponse::conflict(
                "This Idempotency-Key was used with another body; use a new key for another checkout.",
            ));
        }
        let url = row.url.parse().map_err(ApiError::StoredUrl)?;
        Ok(CreateCheckoutSessionResponse::Created(CheckoutSession {
            id: row.session_id,
            url,
            expires_at: row.expires_at,
        }))
    }

    async fn subscription_status(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row = on_db!(&self.db, pool => {
            sqlx::query_as::<_, (String,)>(sql(pool, "SELECT status FROM subscriptions WHERE user_id = ?"))
                .bind(user_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }

    /// Applies a signed event once; an event that names no known customer or user is recorded and
    /// `ignored`.
    async fn apply_event(&self, event: &WebhookEvent, change: &Change) -> Result<WebhookOutcome, ApiError> {
        let now = Utc::now();
        on_db!(&self.db, pool => {
        let mut tx = pool.begin().await?;
        // The insert decides: of concurrent deliveries of one id, exactly one gets past it.
        let inserted = sqlx::query(sql(pool, "INSERT INTO webhook_events (event_id, received_at) VALUES (?, ?)"))
            .bind(&event.id)
            .bind(now)
            .execute(&mut *tx)
            .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => return Ok(WebhookOutcome::AlreadyProcessed),
            Err(error) => return Err(error.into()),
            Ok(_) => {}
        }
        sqlx::query(sql(pool, "DELETE FROM webhook_events WHERE received_at < ?"))
            .bind(now - chrono::Duration::days(DEDUP_DAYS))
            .execute(&mut *tx)
            .await?;
        let by_customer = match &change.customer {
            Some(customer) => {
                sqlx::query_as::<_, (String,)>(sql(pool, "SELECT user_id FROM billing_customers WHERE customer_id = ?"))
                    .bind(customer)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let user = match (by_customer, &change.user) {
            (Some((user,)), _) => Some(user),
            (None, Some(hint)) => sqlx::query_as::<_, (String,)>(sql(pool, "SELECT id FROM users WHERE id = ?"))
                .bind(hint)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.0),
            (None, None) => None,
        };
        let Some(user) = user else {
            tracing::warn!(event = %event.id, kind = %event.type_, "webhook event names no known customer or user");
            tx.commit().await?;
            return Ok(WebhookOutcome::Ignored);
        };
        // An event older than the one that set the row does not overwrite it.
        sqlx::query(sql(
            pool,
            "INSERT INTO subscriptions (user_id, status, plan, billing_interval, current_period_end, \
             cancel_at_period_end, event_created) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, \
             plan = COALESCE(excluded.plan, subscriptions.plan), \
             billing_interval = COALESCE(excluded.billing_interval, subscriptions.billing_interval), \
             current_period_end = COALESCE(excluded.current_period_end, subscriptions.current_period_end), \
             cancel_at_period_end = COALESCE(excluded.cancel_at_period_end, subscriptions.cancel_at_period_end), \
             event_created = excluded.event_created \
             WHERE excluded.event_created >= subscriptions.event_created",
        ))
        .bind(&user)
        .bind(change.status)
        .bind(change.plan)
        .bind(change.interval)
        .bind(change.period_end)
        .bind(change.cancel_at_period_end)
        .bind(event.created)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql(
            pool,
            "UPDATE users SET subscription_status = (SELECT status FROM subscriptions WHERE user_id = ?) WHERE id = ?",
        ))
        .bind(&user)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.cache.invalidate(Scope::Subscription, &user).await;
        self.cache.invalidate(Scope::Profile, &user).await;
        Ok(WebhookOutcome::Processed)
        })
    }
}

impl Billing for App {
    async fn list_plans(&self, _: RequestContext) -> ListPlansResponse {
        ListPlansResponse::Ok(self.config.payments.plans.iter().map(|p| p.plan.clone()).collect())
    }

    async fn get_subscription(&self, context: RequestContext) -> GetSubscriptionResponse {
        answer(async {
            let user = caller(&context);
            let subscription = self.cache.read(Scope::Subscription, &user, "current", async {
                let row = on_db!(&self.db, pool => {
                    sqlx::query_as::<_, SubscriptionRow>(sql(
                        pool,
                        "SELECT status, plan, billing_interval, current_period_end, cancel_at_period_end \
                         FROM subscriptions WHERE user_id = ?",
                    ))
                    .bind(&user)
                    .fetch_optional(pool)
                    .await
                })?;
                let inactive = Subscription {
                    status: SubscriptionStatus::Inactive,
                    plan: None,
                    interval: None,
                    current_period_end: None,
                    cancel_at_period_end: false,
                };
                Ok(row.map_or(inactive, SubscriptionRow::into_subscription))
            });
            Ok(GetSubscriptionResponse::Ok(subscription.await?))
        })
        .await
    }

    async fn create_checkout_session(
        &self,
        context: RequestContext,
        headers: IdempotencyHeaders,
        body: CheckoutSessionCreate,
    ) -> CreateCheckoutSessionResponse {
        answer(async {
            let Some(provider) = self.payments.as_deref() else {
                return Ok(CreateCheckoutSessionResponse::service_unavailable(NOT_CONFIGURED));
            };
            let user_id = caller(&context);
            let key = &headers.idempotency_key;
            let hash = request_hash(&body)?;
            if let Some(row) = self.stored_checkout(&user_id, key).await? {
                return Self::replay(row, &hash);
            }
            if self.subscription_status(&user_id).await?.as_deref() == Some("active") {
                return Ok(CreateCheckoutSessionResponse::conflict(
                    "You already have an active subscription; change it in the billing portal.",
                ));
            }
            let plan = self.config.payments.plans.iter().find(|p| p.plan.id == body.plan);
            let Some(price_id) = plan.and_then(|p| p.price_id(body.interval)) else {
                return Ok(CreateCheckoutSessionResponse::unprocessable_entity(
                    "This plan is not sold at this interval on this server.",
                ));
            };
            let user = current_user(self, &user_id).await?.ok_or(ApiError::Vanished("user"))?;
            let customer = match self.customer_of(provider, &user).await? {
                Ok(customer) => customer,
                Err(error) => return Ok(provider_failed(error, CreateCheckoutSessionResponse::bad_gateway)),
            };
            // The provider's key is per user: two users' keys never meet there.
            let provider_key = hex::encode(Sha256::digest(format!("{user_id}\n{key}")));
            let request = CheckoutRequest {
                customer_id: &customer,
                user_id: &user_id,
                price_id,
                plan: body.plan,
                interval: body.interval,
                success_url: body.success_url.as_url(),
                cancel_url: body.cancel_url.as_url(),
                idempotency_key: &provider_key,
            };
            let session = match provider.create_checkout_session(request).await {
                Ok(session) => session,
                // Another request with this key got to the provider first: its stored answer if it
                // has finished (the same session for the same body, `409` for another), else `409`.
                Err(ProviderError::KeyInUse(reason)) => {
                    tracing::info!(%reason, "checkout key in use by a concurrent request");
                    return match self.stored_checkout(&user_id, key).await? {
                        Some(row) => Self::replay(row, &hash),
                        None => Ok(CreateCheckoutSessionResponse::conflict(
                            "Another checkout request with this Idempotency-Key is in progress or was sent with \
                             another body: retry this one later, or use a new key for another checkout.",
                        )),
                    };
                }
                Err(error) => return Ok(provider_failed(error, CreateCheckoutSessionResponse::bad_gateway)),
            };
            // A concurrent request with the same key may have stored its session first: that one
            // is the answer (the provider answered both with one session for one body).
            on_db!(&self.db, pool => {
                sqlx::query(sql(
                    pool,
                    "INSERT INTO checkout_sessions (user_id, idempotency_key, request_hash, session_id, url, expires_at, \
                     created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, idempotency_key) DO NOTHING",
                ))
                .bind(&user_id)
                .bind(key)
                .bind(&hash)
                .bind(&session.id)
                .bind(session.url.as_str())
                .bind(session.expires_at)
                .bind(Utc::now())
                .execute(pool)
                .await.map(|done| done.rows_affected())
            })?;
            let row = self.stored_checkout(&user_id, key).await?.ok_or(ApiError::Vanished("checkout session"))?;
            Self::replay(row, &hash)
        })
        .await
    }

    async fn create_portal_session(
        &self,
        context: RequestContext,
        body: PortalSessionCreate,
    ) -> CreatePortalSessionResponse {
        answer(async {
            let Some(provider) = self.payments.as_deref() else {
                return Ok(CreatePortalSessionResponse::service_unavailable(NOT_CONFIGURED));
            };
            let Some(customer) = self.stored_customer(&caller(&context)).await? else {
                return Ok(CreatePortalSessionResponse::conflict(
                    "You have no billing account yet: start a checkout first.",
                ));
            };
            Ok(match provider.create_portal_session(&customer, body.return_url.as_url()).await {
                Ok(portal) => CreatePortalSessionResponse::Created(portal),
                Err(error) => provider_failed(error, CreatePortalSessionResponse::bad_gateway),
            })
        })
        .await
    }

    async fn list_invoices(&self, context: RequestContext) -> ListInvoicesResponse {
        answer(async {
            let Some(provider) = self.payments.as_deref() else {
                return Ok(ListInvoicesResponse::service_unavailable(NOT_CONFIGURED));
            };
            let Some(customer) = self.stored_customer(&caller(&context)).await? else {
                return Ok(ListInvoicesResponse::Ok(InvoiceList { items: Vec::new(), has_more: false }));
            };
            Ok(match provider.list_invoices(&customer, INVOICE_PAGE).await {
                Ok(list) => ListInvoicesResponse::Ok(list),
                Err(error) => provider_failed(error, ListInvoicesResponse::bad_gateway),
            })
        })
        .await
    }

    async fn billing_webhook(
        &self,
        _: RequestContext,
        headers: WebhookHeaders,
        event: WebhookEvent,
    ) -> BillingWebhookResponse {
        answer(async {
            let Some(secret) = &self.config.payments.webhook_secret else {
                return Ok(BillingWebhookResponse::service_unavailable(WEBHOOK_NOT_CONFIGURED));
            };
            let raw = RAW_BODY.try_with(Bytes::clone).map_err(|_| ApiError::RawBodyMissing)?;
            if let Err(error) =
                verify_signature(&headers.stripe_signature, &raw, secret.expose(), Utc::now().timestamp())
            {
                tracing::warn!(reason = %error, "webhook delivery refused");
                return Ok(BillingWebhookResponse::unauthorized(format!("Bad Stripe-Signature: {error}.")));
            }
            let status = match Change::of(&event, &self.config.payments.plans) {
                Some(change) => self.apply_event(&event, &change).await?,
                None => WebhookOutcome::Ignored,
            };
            Ok(BillingWebhookResponse::Ok(WebhookAck { status }))
        })
        .await
    }
}

/// The `502` of a provider that failed or refused (logged at WARN: the provider's fault, or its
/// configuration's, never the client's).
fn provider_failed<R>(error: ProviderError, bad_gateway: fn(String) -> R) -> R {
    tracing::warn!(%error, "payment provider call failed");
    match error {
        ProviderError::Unreachable(_) => bad_gateway(UNREACHABLE.into()),
        ProviderError::Rejected(_) | ProviderError::KeyInUse(_) => {
            bad_gateway("The payment provider refused the request; nothing was changed.".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, object: Value) -> WebhookEvent {
        serde_json::from_value(serde_json::json!({"id": "evt", "type": kind, "created": 1, "data": {"object": object}}))
            .expect("an event")
    }

    #[test]
    fn events_become_changes() {
        let plans = crate::payments::default_plans();
        let change = |kind, object| Change::of(&event(kind, object), &plans);
        let completed = change(
            "checkout.session.completed",
            serde_json::json!({"customer": "cus_1", "client_reference_id": "u1", "metadata": {"plan": "pro", "interval": "year"}}),
        )
        .expect("acted on");
        assert_eq!((completed.status, completed.plan, completed.interval), ("active", Some("pro"), Some("year")));
        assert_eq!((completed.customer.as_deref(), completed.user.as_deref()), (Some("cus_1"), Some("u1")));
        let updated = change(
            "customer.subscription.updated",
            serde_json::json!({"customer": "cus_1", "status": "past_due", "cancel_at_period_end": true,
                "current_period_end": 1_900_000_000,
                "items": {"data": [{"price": {"id": "price_team_monthly"}}]}}),
        )
        .expect("acted on");
        assert_eq!((updated.status, updated.plan, updated.interval), ("past_due", Some("team"), Some("month")));
        assert_eq!(updated.cancel_at_period_end, Some(true));
        assert!(updated.period_end.is_some());
        assert_eq!(change("invoice.payment_failed", serde_json::json!({})).map(|c| c.status), Some("past_due"));
        assert_eq!(change("customer.subscription.deleted", serde_json::json!({})).map(|c| c.status), Some("canceled"));
        assert_eq!(change("charge.refunded", serde_json::json!({})), None);
    }
}
