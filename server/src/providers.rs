//! The seams for the external providers of the billing and generation tags, which are not mounted
//! yet (a separate issue). Each provider is a trait with a real HTTP implementation to come, whose
//! base URL is configurable so that tests run it against a fake server on 127.0.0.1. OAuth's seam
//! is [`crate::oauth`].
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
    /// The provider could not be reached or failed (`502` to the client).
    #[error("the provider cannot be reached: {0}")]
    Unreachable(String),
}

/// A checkout to open.
#[derive(Clone, Debug)]
pub struct CheckoutRequest<'a> {
    pub customer_email: &'a str,
    pub plan: PlanId,
    pub interval: BillingInterval,
    pub success_url: &'a Url,
    pub cancel_url: &'a Url,
    /// The client's `Idempotency-Key`, passed on so that the provider answers a retry with the
    /// same session.
    pub idempotency_key: &'a str,
}

/// A payment provider (Stripe-like).
pub trait PaymentProvider: Send + Sync + 'static {
    fn create_checkout_session<'a>(
        &'a self,
        request: CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<CheckoutSession, ProviderError>>;
    fn create_portal_session<'a>(
        &'a self,
        customer_email: &'a str,
        return_url: &'a Url,
    ) -> BoxFuture<'a, Result<PortalSession, ProviderError>>;
    fn list_invoices<'a>(
        &'a self,
        customer_email: &'a str,
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
    pub files: Vec<GeneratedFile>,
    pub usage: TokenUsage,
}

/// An LLM provider (OpenRouter-like).
pub trait GenerationProvider: Send + Sync + 'static {
    fn models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, ProviderError>>;
    fn complete<'a>(&'a self, request: CompletionRequest<'a>) -> BoxFuture<'a, Result<Completion, ProviderError>>;
}
