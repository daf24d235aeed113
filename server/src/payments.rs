//! The payment provider: its configuration (plans, keys, retries) and [`StripeClient`], which
//! speaks Stripe's wire format (form-encoded bodies, a bearer key, `Idempotency-Key` on every
//! `POST`) with a timeout per attempt and retries with exponential backoff on `429`, `5xx` and
//! network errors, never on another `4xx`. The webhook's signature check ([`verify_signature`])
//! is here too: it guards the server, whichever provider sends events.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use contract_server::BoxFuture;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use schemas::billing::{
    BillingInterval, CheckoutSession, Invoice, InvoiceList, InvoiceStatus, PlanId, PortalSession, SubscriptionPlan,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;
use url::Url;

use crate::providers::{CheckoutRequest, PaymentProvider, ProviderError};

/// A secret from the environment: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// When a failed call is tried again: after `first_delay`, then twice as long each time, at most
/// `retries` times (defaults: 3 retries after 1 s, 2 s and 4 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    pub retries: u32,
    pub first_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { retries: 3, first_delay: Duration::from_secs(1) }
    }
}

impl Retry {
    /// The wait before retry number `attempt` (0 for the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.first_delay.saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX))
    }
}

/// A plan as configured: what the API shows, and the provider's prices for it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Plan {
    #[serde(flatten)]
    pub plan: SubscriptionPlan,
    /// The provider's price of a monthly subscription (`None`: not sold monthly, such as free).
    #[serde(default)]
    pub monthly_price_id: Option<String>,
    #[serde(default)]
    pub yearly_price_id: Option<String>,
}

impl Plan {
    /// The provider's price for `interval`.
    pub fn price_id(&self, interval: BillingInterval) -> Option<&str> {
        match interval {
            BillingInterval::Month => self.monthly_price_id.as_deref(),
            BillingInterval::Year => self.yearly_price_id.as_deref(),
        }
    }
}

/// The plans when `BILLING_PLANS` is not set: Free, Pro and Team, in euros.
pub fn default_plans() -> Vec<Plan> {
    let plan = |id, name: &str, monthly, yearly, generations, features: &[&str], prices: Option<(&str, &str)>| Plan {
        plan: SubscriptionPlan {
            id,
            name: name.into(),
            monthly_price: monthly,
            yearly_price: yearly,
            currency: "eur".into(),
            monthly_generations: generations,
            features: features.iter().map(|f| (*f).to_owned()).collect(),
        },
        monthly_price_id: prices.map(|p| p.0.to_owned()),
        yearly_price_id: prices.map(|p| p.1.to_owned()),
    };
    vec![
        plan(PlanId::Free, "Free", 0, 0, Some(20), &["Simple generation", "Public projects"], None),
        plan(
            PlanId::Pro,
            "Pro",
            1900,
            19000,
            Some(500),
            &["Agentic generation", "Private projects"],
            Some(("price_pro_monthly", "price_pro_yearly")),
        ),
        plan(
            PlanId::Team,
            "Team",
            4900,
            49000,
            None,
            &["Full-stack generation", "Private projects", "Shared billing"],
            Some(("price_team_monthly", "price_team_yearly")),
        ),
    ]
}

/// Billing's configuration: the provider, the webhook's secret, the plans.
#[derive(Clone, Debug)]
pub struct PaymentsConfig {
    /// `None` without `PAYMENTS_API_KEY`: provider-backed operations answer `503`.
    pub provider: Option<ProviderConfig>,
    /// `BILLING_WEBHOOK_SECRET`: without it, the webhook answers `503`.
    pub webhook_secret: Option<Secret>,
    /// `BILLING_PLANS`: a JSON array of plans (default [`default_plans`]), cheapest first.
    pub plans: Vec<Plan>,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        Self { provider: None, webhook_secret: None, plans: default_plans() }
    }
}

/// How the server reaches the payment provider.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// `PAYMENTS_BASE_URL` (default [`DEFAULT_BASE_URL`]).
    pub base_url: Url,
    /// `PAYMENTS_API_KEY`, sent as a bearer token.
    pub api_key: Secret,
    /// `PAYMENTS_TIMEOUT_SECONDS` (default 10): the limit of one attempt.
    pub timeout: Duration,
    /// `PAYMENTS_MAX_RETRIES` (default 3) and `PAYMENTS_RETRY_DELAY_MS` (default 1000).
    pub retry: Retry,
}

impl ProviderConfig {
    /// A provider at `base_url` with the default timeout and retries.
    pub fn new(base_url: Url, api_key: Secret) -> Self {
        Self { base_url, api_key, timeout: Duration::from_secs(10), retry: Retry::default() }
    }
}

/// Stripe's API.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// The Stripe-compatible HTTP client.
pub struct StripeClient {
    http: reqwest::Client,
    base: Url,
    key: Secret,
    retry: Retry,
}

impl StripeClient {
    pub fn new(config: &ProviderConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).connect_timeout(config.timeout).build()?;
        Ok(Self { http, base: config.base_url.clone(), key: config.api_key.clone(), retry: config.retry })
    }

    /// One API call, retried as [`Retry`] says. A `POST` carries `idempotency_key` on every
    /// attempt, so a retry of a request the provider did apply answers the same object.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        params: &[(String, String)],
        idempotency_key: &str,
    ) -> Result<T, ProviderError> {
        let url = self.base.join(path).map_err(|e| ProviderError::Unreachable(format!("bad URL {path}: {e}")))?;
        let mut attempt = 0;
        loop {
            let mut request = self.http.request(method.clone(), url.clone()).bearer_auth(self.key.expose());
            request = if method == Method::GET {
                request.query(params)
            } else {
                request.form(params).header("Idempotency-Key", idempotency_key)
            };
            let failure = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(body) if status.is_success() => {
                            return serde_json::from_slice(&body).map_err(|e| {
                                ProviderError::Unreachable(format!("{method} {path}: unexpected answer: {e}"))
                            });
                        }
                        Ok(body) if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() => {
                            format!("{method} {path}: {status}: {}", crate::providers::error_of(&body).1)
                        }
                        Ok(body) => {
                            let (kind, message) = crate::providers::error_of(&body);
                            let reason = format!("{method} {path}: {status}: {message}");
                            return Err(match kind.as_deref() {
                                Some("idempotency_error") => ProviderError::KeyInUse(reason),
                                _ => ProviderError::Rejected(reason),
                            });
                        }
                        Err(error) => format!("{method} {path}: {status}, body unreadable: {}", error.without_url()),
                    }
                }
                Err(error) => format!("{method} {path}: {}", error.without_url()),
            };
            if attempt >= self.retry.retries {
                tracing::warn!(attempts = attempt + 1, %failure, "payment provider call failed, giving up");
                return Err(ProviderError::Unreachable(failure));
            }
            let delay = self.retry.delay(attempt);
            tracing::warn!(attempt = attempt + 1, ?delay, %failure, "payment provider call failed, retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

/// A time the provider sent (Unix seconds), if it is one both stores can hold: from 1970 to the end
/// of year 9999 (chrono reads far more, PostgreSQL's `TIMESTAMPTZ` refuses years before 4713 BC).
pub(crate) fn provider_time(seconds: i64) -> Option<DateTime<Utc>> {
    const END_OF_9999: i64 = 253_402_300_799;
    (0..=END_OF_9999).contains(&seconds).then(|| DateTime::from_timestamp(seconds, 0)).flatten()
}

fn timestamp(seconds: i64) -> Result<DateTime<Utc>, ProviderError> {
    provider_time(seconds)
        .ok_or_else(|| ProviderError::Unreachable(format!("the provider sent an invalid timestamp {seconds}")))
}

fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}

fn plan_name(plan: PlanId) -> &'static str {
    match plan {
        PlanId::Free => "free",
        PlanId::Pro => "pro",
        PlanId::Team => "team",
    }
}

fn interval_name(interval: BillingInterval) -> &'static str {
    match interval {
        BillingInterval::Month => "month",
        BillingInterval::Year => "year",
    }
}

#[derive(Deserialize)]
struct WireCustomer {
    id: String,
}

#[derive(Deserialize)]
struct WireCheckout {
    id: String,
    url: Url,
    expires_at: i64,
}

#[derive(Deserialize)]
struct WirePortal {
    url: Url,
}

#[derive(Deserialize)]
struct WireList<T> {
    data: Vec<T>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct WireInvoice {
    id: String,
    number: Option<String>,
    status: Option<String>,
    amount_due: i64,
    amount_paid: i64,
    currency: String,
    created: i64,
    hosted_invoice_url: Option<Url>,
    invoice_pdf: Option<Url>,
}

impl WireInvoice {
    fn into_invoice(self) -> Result<Invoice, ProviderError> {
        let status = match self.status.as_deref() {
            Some("open") => InvoiceStatus::Open,
            Some("paid") => InvoiceStatus::Paid,
            Some("void") => InvoiceStatus::Void,
            Some("uncollectible") => InvoiceStatus::Uncollectible,
            _ => InvoiceStatus::Draft,
        };
        Ok(Invoice {
            id: self.id,
            number: self.number,
            status,
            amount_due: self.amount_due,
            amount_paid: self.amount_paid,
            currency: self.currency.to_ascii_lowercase(),
            created_at: timestamp(self.created)?,
            hosted_invoice_url: self.hosted_invoice_url,
            pdf_url: self.invoice_pdf,
        })
    }
}

/// A fresh idempotency key for a `POST` the client gave none for: its retries share it.
fn fresh_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl PaymentProvider for StripeClient {
    fn create_customer<'a>(&'a self, email: &'a str, user_id: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let params = [pair("email", email), pair("metadata[user_id]", user_id)];
            let key = format!("customer-{user_id}");
            let customer: WireCustomer = self.call(Method::POST, "v1/customers", &params, &key).await?;
            Ok(customer.id)
        })
    }

    fn create_checkout_session<'a>(
        &'a self,
        request: CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<CheckoutSession, ProviderError>> {
        Box::pin(async move {
            let (plan, interval) = (plan_name(request.plan), interval_name(request.interval));
            let params = [
                pair("mode", "subscription"),
                pair("customer", request.customer_id),
                pair("client_reference_id", request.user_id),
                pair("line_items[0][price]", request.price_id),
                pair("line_items[0][quantity]", "1"),
                pair("success_url", request.success_url.as_str()),
                pair("cancel_url", request.cancel_url.as_str()),
                pair("metadata[user_id]", request.user_id),
                pair("metadata[plan]", plan),
                pair("metadata[interval]", interval),
                pair("subscription_data[metadata][user_id]", request.user_id),
                pair("subscription_data[metadata][plan]", plan),
                pair("subscription_data[metadata][interval]", interval),
            ];
            let session: WireCheckout =
                self.call(Method::POST, "v1/checkout/sessions", &params, request.idempotency_key).await?;
            Ok(CheckoutSession { id: session.id, url: session.url, expires_at: timestamp(session.expires_at)? })
        })
    }

    fn create_portal_session<'a>(
        &'a self,
        customer_id: &'a str,
        return_url: &'a Url,
    ) -> BoxFuture<'a, Result<PortalSession, ProviderError>> {
        Box::pin(async move {
            let params = [pair("customer", customer_id), pair("return_url", return_url.as_str())];
            let portal: WirePortal =
                self.call(Method::POST, "v1/billing_portal/sessions", &params, &fresh_key()).await?;
            Ok(PortalSession { url: portal.url })
        })
    }

    fn list_invoices<'a>(
        &'a self,
        customer_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<InvoiceList, ProviderError>> {
        Box::pin(async move {
            let params = [pair("customer", customer_id), pair("limit", limit.to_string())];
            let list: WireList<WireInvoice> = self.call(Method::GET, "v1/invoices", &params, "").await?;
            let items = list.data.into_iter().map(WireInvoice::into_invoice).collect::<Result<Vec<_>, _>>()?;
            Ok(InvoiceList { items, has_more: list.has_more })
        })
    }
}

/// Why a webhook delivery's `Stripe-Signature` is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header has no `t=` timestamp")]
    NoTimestamp,
    #[error("the Stripe-Signature header has no `v1=` signature")]
    NoSignature,
    #[error("the signature's timestamp is more than {tolerance} seconds away from now")]
    Stale { tolerance: i64 },
    #[error("no `v1` signature matches the body")]
    Mismatch,
}

/// How far a webhook's timestamp may be from now, in seconds.
pub const SIGNATURE_TOLERANCE: i64 = 300;

/// Checks `header` (`t=<unix>,v1=<hex>[,v1=<hex>…]`) against the raw `payload`: one `v1` must be
/// the HMAC-SHA256 of `"<t>.<payload>"` under `secret` (several are sent while a secret rotates),
/// compared in constant time, and `t` must be within [`SIGNATURE_TOLERANCE`] of `now`.
pub fn verify_signature(header: &str, payload: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    if now.abs_diff(timestamp) > SIGNATURE_TOLERANCE.unsigned_abs() {
        return Err(SignatureError::Stale { tolerance: SIGNATURE_TOLERANCE });
    }
    let mac = signed(secret, timestamp, payload).map_err(|_| SignatureError::Mismatch)?;
    // `verify_slice` compares in constant time; every candidate is checked.
    let matches = signatures.iter().fold(false, |found, candidate| mac.clone().verify_slice(candidate).is_ok() | found);
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// The HMAC of `"<timestamp>.<payload>"`, before finalization.
fn signed(secret: &str, timestamp: i64, payload: &[u8]) -> Result<Hmac<Sha256>, hmac::digest::InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    Ok(mac)
}

#[cfg(test)]
mod tests {
    #[test]
    fn provider_times_are_those_both_stores_hold() {
        assert_eq!(super::provider_time(0).map(|t| t.to_rfc3339()), Some("1970-01-01T00:00:00+00:00".into()));
        assert!(super::provider_time(253_402_300_799).is_some());
        assert_eq!(super::provider_time(253_402_300_800), None);
        assert_eq!(super::provider_time(-1), None);
        assert_eq!(super::provider_time(i64::MIN), None);
    }

    use super::*;

    fn sign(secret: &str, t: i64, payload: &[u8]) -> String {
        hex::encode(signed(secret, t, payload).expect("any key length").finalize().into_bytes())
    }

    #[test]
    fn signatures() {
        let body = br#"{"id":"evt_1"}"#;
        let good = sign("whsec", 1000, body);
        let other = sign("old", 1000, body);
        let check = |header: &str, now| verify_signature(header, body, "whsec", now);
        assert_eq!(check(&format!("t=1000,v1={good}"), 1000), Ok(()));
        assert_eq!(check(&format!("t=1000,v1={other},v1={good}"), 1200), Ok(()), "rotation: one match is enough");
        assert_eq!(check(&format!("t=1000,v1={other}"), 1000), Err(SignatureError::Mismatch));
        assert_eq!(check(&format!("t=1000,v1={good}"), 1301), Err(SignatureError::Stale { tolerance: 300 }));
        assert_eq!(check(&format!("v1={good}"), 1000), Err(SignatureError::NoTimestamp));
        assert_eq!(check("t=1000,v0=abc", 1000), Err(SignatureError::NoSignature));
        assert_eq!(check(&format!("t=1001,v1={good}"), 1000), Err(SignatureError::Mismatch), "t is signed");
    }

    #[test]
    fn backoff_doubles() {
        let retry = Retry::default();
        let delays: Vec<u64> = (0..3).map(|a| retry.delay(a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4]);
        assert_eq!(retry.delay(40), Duration::from_secs(u64::from(u32::MAX)), "saturates");
    }
}
