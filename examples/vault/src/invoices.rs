//! Invoices of the signed-in user, as the payment provider (Stripe) issued them.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Plan;

/// Where an invoice is, as Stripe spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Uncollectible,
    Void,
}

/// An invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub id: Uuid,
    /// The number printed on the invoice.
    #[schemars(length(min = 1, max = 64))]
    pub number: String,
    /// The plan billed.
    pub plan: Plan,
    /// The total in the currency's smallest unit (cents).
    pub amount: u32,
    /// An ISO 4217 code, lowercase as Stripe writes it.
    #[schemars(regex(pattern = r"^[a-z]{3}$"))]
    pub currency: String,
    pub status: InvoiceStatus,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// `null` until the invoice is paid.
    pub paid_at: Option<DateTime<Utc>>,
}

/// The invoice a path names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvoicePath {
    pub invoice_id: Uuid,
}
