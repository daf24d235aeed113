//! Example contract: the Vault API (seed 004), written as another team would adopt the toolkit.
//! Accounts with 30-day sessions, password recovery with a 15-minute single-use token, API keys
//! whose secret is answered once (the list shows a prefix), invoices, and users with a role,
//! `emailVerified` and a `FREE`/`PRO` plan, in the camelCase JSON of the seed's tables.
//!
//! `cargo xtask generate` writes `examples/vault/openapi.yaml` and `examples/vault/generated/`; the
//! tests (`tests/it/`) implement the generated server in memory, with an injectable clock, and
//! drive it through the generated client.
//!
//! The seed lists rate limiting as a next step, so no operation has a limit.

pub mod auth;
pub mod invoices;
pub mod keys;
pub mod problem;

use contract::{Contract, Info, Operation, op};

use auth::{PasswordRecovery, PasswordReset, Session, User, UserCreate, UserLogin};
use invoices::{Invoice, InvoicePath};
use keys::{ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPath};
use problem::Problem;

/// The whole contract.
pub fn contract() -> Contract {
    Contract::new(
        Info::new("Vault API", "1.0.0")
            .description(
                "The Vault back end: accounts, password recovery, API keys and invoices.\n\nAuthenticated \
                 operations take `Authorization: Bearer <token>` with a session token or an API key. Errors are \
                 `application/problem+json` documents (RFC 9457).",
            )
            .license("MIT", "MIT"),
    )
    .server("http://127.0.0.1:8000", "A local back end")
    .problem::<Problem>()
    .tag("auth", "Accounts, sessions and password recovery.")
    .tag("apikeys", "API keys of the signed-in user.")
    .tag("invoices", "Invoices of the signed-in user.")
    .operations(auth())
    .operations(api_keys())
    .operations(invoices())
}

fn auth() -> Vec<Operation> {
    vec![
        op! {
            /// Create an account.
            ///
            /// A new account has the `USER` role, the `FREE` plan and an unverified email.
            post "/api/auth/register" => register
        }
        .tag("auth")
        .body::<UserCreate>()
        .response::<User>(201, "The new account.")
        .error(409, "An account with this email already exists."),
        op! {
            /// Sign in with a password.
            post "/api/auth/login" => login
        }
        .tag("auth")
        .body::<UserLogin>()
        .response::<Session>(200, "A session token, valid 30 days, and the account.")
        .error(401, "Wrong email or password."),
        op! {
            /// Ask for a password reset token.
            ///
            /// Always answers 202, whether or not the address has an account, so the answer tells nothing
            /// about who is registered. The token is mailed; it is valid 15 minutes and works once.
            post "/api/auth/recover" => recover
        }
        .tag("auth")
        .body::<PasswordRecovery>()
        .empty(202, "If the address has an account, a reset token was mailed."),
        op! {
            /// Set a new password with a reset token.
            ///
            /// The account's sessions end (API keys stay valid), and its email counts as verified.
            post "/api/auth/reset" => reset
        }
        .tag("auth")
        .body::<PasswordReset>()
        .empty(204, "The password was changed.")
        .error(400, "The token is unknown, used or expired."),
        op! {
            /// Get the signed-in account.
            get "/api/auth/me" => get_me
        }
        .tag("auth")
        .response::<User>(200, "The signed-in account.")
        .bearer(),
    ]
}

fn api_keys() -> Vec<Operation> {
    vec![
        op! {
            /// Create an API key.
            ///
            /// The answer is the only one that carries the secret.
            post "/api/apikeys" => create_api_key
        }
        .tag("apikeys")
        .body::<ApiKeyCreate>()
        .response::<ApiKeyCreated>(201, "The key, with its secret.")
        .bearer(),
        op! {
            /// List the signed-in user's API keys, newest first.
            get "/api/apikeys" => list_api_keys
        }
        .tag("apikeys")
        .response::<Vec<ApiKey>>(200, "The keys, with their prefixes only.")
        .bearer(),
        op! {
            /// Revoke an API key: it no longer authenticates.
            delete "/api/apikeys/{key_id}" => revoke_api_key
        }
        .tag("apikeys")
        .path::<ApiKeyPath>()
        .empty(204, "Revoked.")
        .error(404, "The signed-in user has no such key.")
        .bearer(),
    ]
}

fn invoices() -> Vec<Operation> {
    vec![
        op! {
            /// List the signed-in user's invoices, newest first.
            get "/api/invoices" => list_invoices
        }
        .tag("invoices")
        .response::<Vec<Invoice>>(200, "The invoices.")
        .bearer(),
        op! {
            /// Get an invoice.
            get "/api/invoices/{invoice_id}" => get_invoice
        }
        .tag("invoices")
        .path::<InvoicePath>()
        .response::<Invoice>(200, "The invoice.")
        .error(404, "The signed-in user has no such invoice.")
        .bearer(),
    ]
}
