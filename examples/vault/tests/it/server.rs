//! The Vault API in memory: the generated traits (`vault-server`) implemented as a team would.
//! Sessions last 30 days and reset tokens 15 minutes on a clock the tests move; passwords, reset
//! tokens and API key secrets are kept only as SHA-256 digests; a key authenticates like a session
//! until it is revoked; every resource is private to its owner. Invoices come from the payment
//! provider, outside the contract: [`Vault::issue_invoice`] stands in for its webhook.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use vault::auth::{PasswordRecovery, PasswordReset, Plan, Role, Session, TokenType, User, UserCreate, UserLogin};
use vault::invoices::{Invoice, InvoicePath, InvoiceStatus};
use vault::keys::{ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPath};
use vault_server::{
    AuthError, Authenticator, BoxFuture, Core, CreateApiKeyResponse, GetInvoiceResponse, GetMeResponse,
    ListApiKeysResponse, ListInvoicesResponse, LoginResponse, Principal, RecoverResponse, RegisterResponse,
    RequestContext, ResetResponse, RevokeApiKeyResponse,
};

/// How long a session lasts (the seed's `JWT_EXPIRATION_MINUTES=43200`).
pub const SESSION_DAYS: i64 = 30;
/// How long a reset token works (the seed's `JWT_RESET_TOKEN_MINUTES=15`).
pub const RESET_MINUTES: i64 = 15;
/// What marks a bearer token as an API key.
const KEY_SCHEME: &str = "vk_";

/// A mail the server sent: the seed's next step is real SMTP, so the tests read this outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub reset_token: String,
}

struct Account {
    user: User,
    password_digest: String,
}

struct Expiring {
    user_id: Uuid,
    expires_at: DateTime<Utc>,
}

struct StoredKey {
    owner: Uuid,
    key: ApiKey,
    secret_digest: String,
}

#[derive(Default)]
struct State {
    accounts: BTreeMap<Uuid, Account>,
    by_email: HashMap<String, Uuid>,
    /// Session token → its user and expiry.
    sessions: HashMap<String, Expiring>,
    /// Digest of a reset token → its user and expiry; a used token is removed.
    resets: HashMap<String, Expiring>,
    /// In creation order.
    keys: Vec<StoredKey>,
    /// In issue order, with their owner.
    invoices: Vec<(Uuid, Invoice)>,
    outbox: Vec<Mail>,
}

/// The in-memory back end; it is its own [`Authenticator`].
pub struct Vault {
    state: Mutex<State>,
    now: Mutex<DateTime<Utc>>,
}

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

fn password_digest(user_id: Uuid, password: &str) -> String {
    digest(&[user_id.as_bytes(), password.as_bytes()])
}

/// 32 random lowercase hex digits.
fn random_hex() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The signed-in user of a bearer operation (the runtime authenticated it before the method).
fn caller(context: &RequestContext) -> Option<Uuid> {
    context.principal.as_ref().and_then(|principal| principal.id.parse().ok())
}

impl Vault {
    fn new() -> Self {
        Self { state: Mutex::default(), now: Mutex::new(Utc::now()) }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) += by;
    }

    /// The mails sent so far.
    pub fn outbox(&self) -> Vec<Mail> {
        self.state().outbox.clone()
    }

    /// An invoice for `email`'s account, as the payment provider's webhook would record it; a
    /// paid `PRO` invoice moves the account to the `PRO` plan.
    pub fn issue_invoice(&self, email: &str, plan: Plan, amount: u32, status: InvoiceStatus) -> Invoice {
        let now = self.now();
        let mut state = self.state();
        let owner = *state.by_email.get(email).unwrap_or_else(|| panic!("no account for {email}"));
        let invoice = Invoice {
            id: Uuid::new_v4(),
            number: format!("VLT-{:04}", state.invoices.len() + 1),
            plan,
            amount,
            currency: "eur".into(),
            status,
            period_start: now,
            period_end: now + Duration::days(30),
            created_at: now,
            paid_at: (status == InvoiceStatus::Paid).then_some(now),
        };
        state.invoices.push((owner, invoice.clone()));
        if status == InvoiceStatus::Paid
            && let Some(account) = state.accounts.get_mut(&owner)
        {
            account.user.plan = plan;
            account.user.updated_at = now;
        }
        invoice
    }

    fn authenticate_key(&self, secret: &str) -> Result<Principal, AuthError> {
        let now = self.now();
        let secret_digest = digest(&[secret.as_bytes()]);
        let mut state = self.state();
        let stored = state.keys.iter_mut().find(|k| k.secret_digest == secret_digest).ok_or(AuthError::Invalid)?;
        stored.key.last_used_at = Some(now);
        Ok(Principal { id: stored.owner.to_string(), roles: Vec::new() })
    }

    fn authenticate_session(&self, token: &str) -> Result<Principal, AuthError> {
        let now = self.now();
        let state = self.state();
        let session = state.sessions.get(token).ok_or(AuthError::Invalid)?;
        if now >= session.expires_at {
            return Err(AuthError::Expired);
        }
        if !state.accounts.contains_key(&session.user_id) {
            return Err(AuthError::Revoked);
        }
        Ok(Principal { id: session.user_id.to_string(), roles: Vec::new() })
    }
}

impl Authenticator for Vault {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
        Box::pin(async move {
            if token.starts_with(KEY_SCHEME) { self.authenticate_key(token) } else { self.authenticate_session(token) }
        })
    }
}

impl vault_server::Auth for Vault {
    async fn register(&self, _: RequestContext, body: UserCreate) -> RegisterResponse {
        let email = body.email.to_lowercase();
        let now = self.now();
        let mut state = self.state();
        if state.by_email.contains_key(&email) {
            return RegisterResponse::conflict(format!("{email} already has an account."));
        }
        let id = Uuid::new_v4();
        let user = User {
            id,
            email: email.clone(),
            name: body.name,
            role: Role::User,
            email_verified: false,
            plan: Plan::Free,
            created_at: now,
            updated_at: now,
        };
        state.accounts.insert(id, Account { user: user.clone(), password_digest: password_digest(id, &body.password) });
        state.by_email.insert(email, id);
        RegisterResponse::Created(user)
    }

    async fn login(&self, _: RequestContext, body: UserLogin) -> LoginResponse {
        let now = self.now();
        let mut state = self.state();
        let account = state.by_email.get(&body.email.to_lowercase()).and_then(|id| state.accounts.get(id));
        let Some(account) = account.filter(|a| a.password_digest == password_digest(a.user.id, &body.password)) else {
            return LoginResponse::unauthorized("Wrong email or password.");
        };
        let user = account.user.clone();
        let token = random_hex();
        state
            .sessions
            .insert(token.clone(), Expiring { user_id: user.id, expires_at: now + Duration::days(SESSION_DAYS) });
        let expires_in = (SESSION_DAYS * 24 * 3600) as u32;
        LoginResponse::Ok(Session { access_token: token, token_type: TokenType::Bearer, expires_in, user })
    }

    async fn recover(&self, _: RequestContext, body: PasswordRecovery) -> RecoverResponse {
        let email = body.email.to_lowercase();
        let now = self.now();
        let mut state = self.state();
        if let Some(&user_id) = state.by_email.get(&email) {
            let token = random_hex();
            let expires_at = now + Duration::minutes(RESET_MINUTES);
            state.resets.insert(digest(&[token.as_bytes()]), Expiring { user_id, expires_at });
            state.outbox.push(Mail { to: email, reset_token: token });
        }
        RecoverResponse::Accepted
    }

    async fn reset(&self, _: RequestContext, body: PasswordReset) -> ResetResponse {
        let now = self.now();
        let mut state = self.state();
        let Some(reset) = state.resets.remove(&digest(&[body.token.as_bytes()])) else {
            return ResetResponse::bad_request("This reset token is unknown or was used.");
        };
        if now >= reset.expires_at {
            return ResetResponse::bad_request("This reset token has expired: ask for a new one.");
        }
        let user_id = reset.user_id;
        let Some(account) = state.accounts.get_mut(&user_id) else {
            return ResetResponse::bad_request("The account of this reset token is gone.");
        };
        account.password_digest = password_digest(user_id, &body.password);
        account.user.email_verified = true;
        account.user.updated_at = now;
        state.sessions.retain(|_, session| session.user_id != user_id);
        state.resets.retain(|_, other| other.user_id != user_id);
        ResetResponse::NoContent
    }

    async fn get_me(&self, context: RequestContext) -> GetMeResponse {
        match caller(&context).and_then(|id| self.state().accounts.get(&id).map(|a| a.user.clone())) {
            Some(user) => GetMeResponse::Ok(user),
            None => GetMeResponse::unauthorized("The account behind the token is gone."),
        }
    }
}

impl vault_server::Apikeys for Vault {
    async fn create_api_key(&self, context: RequestContext, body: ApiKeyCreate) -> CreateApiKeyResponse {
        let Some(owner) = caller(&context) else {
            return CreateApiKeyResponse::unauthorized("Sign in first.");
        };
        let secret = format!("{KEY_SCHEME}{}", random_hex());
        let prefix = secret[..KEY_SCHEME.len() + 8].to_owned();
        let key = ApiKey { id: Uuid::new_v4(), name: body.name, prefix, created_at: self.now(), last_used_at: None };
        let created = ApiKeyCreated {
            id: key.id,
            name: key.name.clone(),
            prefix: key.prefix.clone(),
            key: secret.clone(),
            created_at: key.created_at,
        };
        self.state().keys.push(StoredKey { owner, key, secret_digest: digest(&[secret.as_bytes()]) });
        CreateApiKeyResponse::Created(created)
    }

    async fn list_api_keys(&self, context: RequestContext) -> ListApiKeysResponse {
        let owner = caller(&context);
        let keys = self.state().keys.iter().rev().filter(|k| Some(k.owner) == owner).map(|k| k.key.clone()).collect();
        ListApiKeysResponse::Ok(keys)
    }

    async fn revoke_api_key(&self, context: RequestContext, path: ApiKeyPath) -> RevokeApiKeyResponse {
        let owner = caller(&context);
        let mut state = self.state();
        match state.keys.iter().position(|k| k.key.id == path.key_id && Some(k.owner) == owner) {
            Some(index) => {
                state.keys.remove(index);
                RevokeApiKeyResponse::NoContent
            }
            None => RevokeApiKeyResponse::not_found(format!("You have no API key {}.", path.key_id)),
        }
    }
}

impl vault_server::Invoices for Vault {
    async fn list_invoices(&self, context: RequestContext) -> ListInvoicesResponse {
        let owner = caller(&context);
        let invoices =
            self.state().invoices.iter().rev().filter(|(o, _)| Some(*o) == owner).map(|(_, i)| i.clone()).collect();
        ListInvoicesResponse::Ok(invoices)
    }

    async fn get_invoice(&self, context: RequestContext, path: InvoicePath) -> GetInvoiceResponse {
        let owner = caller(&context);
        match self.state().invoices.iter().find(|(o, i)| i.id == path.invoice_id && Some(*o) == owner) {
            Some((_, invoice)) => GetInvoiceResponse::Ok(invoice.clone()),
            None => GetInvoiceResponse::not_found(format!("You have no invoice {}.", path.invoice_id)),
        }
    }
}

/// A server on an ephemeral loopback port.
pub struct TestServer {
    pub base: String,
    pub app: Arc<Vault>,
}

impl TestServer {
    /// The generated client, sending `token` (a session token or an API key) when there is one.
    pub fn client(&self, token: Option<&str>) -> vault_client::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header value"));
        }
        let http = reqwest::Client::builder().default_headers(headers).build().expect("http client");
        vault_client::Client::new_with_client(&self.base, http)
    }
}

pub async fn start() -> TestServer {
    let app = Arc::new(Vault::new());
    let core = Arc::new(Core::new(app.clone(), 64 * 1024));
    let router = axum::Router::new()
        .merge(vault_server::auth_router(app.clone(), core.clone()).expect("the auth specs compile"))
        .merge(vault_server::apikeys_router(app.clone(), core.clone()).expect("the apikeys specs compile"))
        .merge(vault_server::invoices_router(app.clone(), core).expect("the invoices specs compile"))
        .fallback(contract_server::not_found);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    TestServer { base: format!("http://{address}"), app }
}
