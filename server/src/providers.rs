//! The seams for the external providers of the billing and generation tags. Each provider is a
//! trait whose HTTP implementation has a configurable base URL, so that tests run it against a fake
//! server on 127.0.0.1 (`fake-providers`). Payments are served by [`crate::payments`], generation by
//! [`crate::generation`] (any OpenAI-compatible API). OAuth's seam is [`crate::oauth`].
//!
//! Payments: checkout and portal sessions, invoices. The webhook's HMAC-SHA256 signature, the
//! timestamp window and the once-only processing of event ids stay in the server (they guard the
//! server, whichever provider sends events). Generation: the model catalogue and one completion
//! per job step; jobs, queues and progress stay in the server.

use contract_server::BoxFuture;
use schemas::billing::{BillingInterval, CheckoutSession, InvoiceList, PlanId, PortalSession};
use schemas::generation::{GeneratedFile, ModelInfo, TokenUsage};
use url::Url;

/// Why a provider call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused the request (`409` or `400` to the client, depending on the operation).
    #[error("the provider refused the request: {0}")]
    Rejected(String),
    /// The provider refused an idempotency key: used with other parameters, or by a request still
    /// in progress (Stripe's `idempotency_error`). A concurrent request with the client's key is
    /// under way: a `409` to the client, never retried here.
    #[error("the provider refused the idempotency key: {0}")]
    KeyInUse(String),
    /// The provider could not be reached or failed (`502` to the client).
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
}

/// A checkout to open for a customer of the provider.
#[derive(Clone, Debug)]
pub struct CheckoutRequest<'a> {
    pub customer_id: &'a str,
    /// The server's user id, sent as `client_reference_id` and in the metadata, so that webhook
    /// events name the user.
    pub user_id: &'a str,
    /// The provider's price for `plan` and `interval` (from the configured plans).
    pub price_id: &'a str,
    pub plan: PlanId,
    pub interval: BillingInterval,
    pub success_url: &'a Url,
    pub cancel_url: &'a Url,
    /// Derived from the client's `Idempotency-Key` (and the user), passed on so that the provider
    /// answers a retry with the same session.
    pub idempotency_key: &'a str,
}

/// A payment provider (Stripe-like). [`crate::payments::StripeClient`] speaks Stripe's wire format.
pub trait PaymentProvider: Send + Sync + 'static {
    /// Creates the provider's customer of a user; the same `user_id` answers the same customer
    /// (the user id is the idempotency key), so concurrent first checkouts make one customer.
    fn create_customer<'a>(&'a self, email: &'a str, user_id: &'a str) -> BoxFuture<'a, Result<String, ProviderError>>;
    fn create_checkout_session<'a>(
        &'a self,
        request: CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<CheckoutSession, ProviderError>>;
    fn create_portal_session<'a>(
        &'a self,
        customer_id: &'a str,
        return_url: &'a Url,
    ) -> BoxFuture<'a, Result<PortalSession, ProviderError>>;
    fn list_invoices<'a>(
        &'a self,
        customer_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, Result<InvoiceList, ProviderError>>;
}

/// One step of a generation job.
#[derive(Clone, Debug)]
pub struct CompletionRequest<'a> {
    pub model: &'a str,
    pub system: &'a str,
    pub prompt: &'a str,
}

/// What a model answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub text: String,
    /// The files `text` carries, in the convention of [`crate::generation::FILE_CONVENTION`]
    /// (parsed by [`crate::generation::parse_files`]).
    pub files: Vec<GeneratedFile>,
    pub usage: TokenUsage,
}

/// An LLM provider (OpenRouter-like). [`crate::generation::OpenAiClient`] speaks the OpenAI wire
/// format. Both calls retry what can be retried; an `Err` is final.
pub trait GenerationProvider: Send + Sync + 'static {
    fn models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, ProviderError>>;
    fn complete<'a>(&'a self, request: CompletionRequest<'a>) -> BoxFuture<'a, Result<Completion, ProviderError>>;
}

/// A provider's error body, `{"error": {"type": ..., "message": ...}}` (Stripe's and OpenAI's alike): the type, if any, and the message (or a note
/// that the body is something else).
pub fn error_of(body: &[u8]) -> (Option<String>, String) {
    #[derive(serde::Deserialize)]
    struct Wrapper {
        error: Detail,
    }
    #[derive(serde::Deserialize)]
    struct Detail {
        #[serde(rename = "type")]
        kind: Option<String>,
        message: Option<String>,
    }
    match serde_json::from_slice::<Wrapper>(body) {
        Ok(Wrapper { error: Detail { kind, message } }) => (kind, message.unwrap_or_else(|| "no error message".into())),
        Err(_) => (None, "no error message".into()),
    }
}
