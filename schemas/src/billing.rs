//! Plans, subscriptions, checkout, invoices and the payment provider's webhook.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::common::WebUrl;

/// Where a user's subscription stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Inactive,
    Active,
    Canceled,
    PastDue,
}

/// A plan one can subscribe to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanId {
    Free,
    Pro,
    Team,
}

/// How often a subscription is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    Month,
    Year,
}

/// A plan and its prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = SubscriptionPlan::example())]
pub struct SubscriptionPlan {
    pub id: PlanId,
    pub name: String,
    /// Monthly price in the smallest unit of `currency` (cents).
    pub monthly_price: u32,
    /// Yearly price in the smallest unit of `currency` (cents).
    pub yearly_price: u32,
    /// ISO 4217 code, lower case.
    #[schemars(regex(pattern = r"^[a-z]{3}$"))]
    pub currency: String,
    /// Generations a month; `null` means unlimited.
    pub monthly_generations: Option<u32>,
    pub features: Vec<String>,
}

impl SubscriptionPlan {
    fn example() -> Self {
        Self {
            id: PlanId::Pro,
            name: "Pro".into(),
            monthly_price: 1900,
            yearly_price: 19000,
            currency: "eur".into(),
            monthly_generations: Some(500),
            features: vec!["Agentic generation".into(), "Private projects".into()],
        }
    }
}

/// The signed-in user's subscription.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subscription {
    pub status: SubscriptionStatus,
    /// `null` while `status` is `inactive`.
    pub plan: Option<PlanId>,
    pub interval: Option<BillingInterval>,
    pub current_period_end: Option<DateTime<Utc>>,
    /// The subscription ends at `current_period_end` instead of renewing.
    pub cancel_at_period_end: bool,
}

/// Starts a checkout for a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = CheckoutSessionCreate::example())]
pub struct CheckoutSessionCreate {
    pub plan: PlanId,
    pub interval: BillingInterval,
    /// Where the provider sends the user after paying.
    pub success_url: WebUrl,
    /// Where the provider sends the user after giving up.
    pub cancel_url: WebUrl,
}

impl CheckoutSessionCreate {
    fn example() -> Self {
        Self {
            plan: PlanId::Pro,
            interval: BillingInterval::Month,
            success_url: WebUrl::parse("https://app.devora.dev/billing/success").expect("valid example URL"),
            cancel_url: WebUrl::parse("https://app.devora.dev/billing").expect("valid example URL"),
        }
    }
}

/// Headers of the checkout operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IdempotencyHeaders {
    /// A client-chosen key: the same key answers the same checkout session.
    #[serde(rename = "Idempotency-Key")]
    #[schemars(length(min = 8, max = 255), regex(pattern = r"^[A-Za-z0-9_.:-]+$"))]
    pub idempotency_key: String,
}

/// A hosted checkout page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Url,
    pub expires_at: DateTime<Utc>,
}

/// Opens the provider's billing portal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalSessionCreate {
    /// Where the portal sends the user back.
    pub return_url: WebUrl,
}

/// A billing portal link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PortalSession {
    pub url: Url,
}

/// Where an invoice stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
    Uncollectible,
}

/// An invoice of the signed-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Invoice {
    pub id: String,
    /// The number printed on the invoice, once finalized.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    /// In the smallest unit of `currency` (cents).
    pub amount_due: i64,
    /// In the smallest unit of `currency` (cents).
    pub amount_paid: i64,
    #[schemars(regex(pattern = r"^[a-z]{3}$"))]
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub hosted_invoice_url: Option<Url>,
    pub pdf_url: Option<Url>,
}

/// Invoices, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvoiceList {
    pub items: Vec<Invoice>,
    /// More, older invoices exist.
    pub has_more: bool,
}

/// Headers of the payment webhook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookHeaders {
    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; old timestamps are rejected.
    #[serde(rename = "Stripe-Signature")]
    #[schemars(length(min = 1, max = 1024))]
    pub stripe_signature: String,
}

/// An event sent by the payment provider. Only the fields the API reads are listed; others are allowed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookEvent {
    /// The provider's event id; an event is applied once.
    #[schemars(length(min = 1, max = 255))]
    pub id: String,
    /// Such as `checkout.session.completed` or `customer.subscription.updated`.
    #[serde(rename = "type")]
    #[schemars(length(min = 1, max = 255))]
    pub type_: String,
    /// Unix time of the event, in seconds.
    pub created: i64,
    /// The object the event is about.
    pub data: WebhookEventData,
}

/// The payload of a webhook event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookEventData {
    pub object: serde_json::Map<String, serde_json::Value>,
}

/// What became of a webhook event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    /// The event was applied now.
    Processed,
    /// The event id was seen before; nothing was done.
    AlreadyProcessed,
    /// The event type is not one the API acts on.
    Ignored,
}

/// The answer to a webhook delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookAck {
    pub status: WebhookOutcome,
}
