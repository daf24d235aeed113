//! The SaaS-IA back end in memory: the generated traits (`saas-ia-server`) implemented as a team
//! would, with accounts, bearer tokens valid 30 minutes on a clock the tests move, jobs private to
//! their owner, and the seed's MOCK transcriber as a worker the tests run step by step.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use saas_ia::auth::{Token, TokenType, User, UserCreate, UserLogin};
use saas_ia::public::{Health, HealthStatus, TranscriberMode};
use saas_ia::transcription::{
    JobPath, Page, Transcription, TranscriptionCreate, TranscriptionQuery, TranscriptionStatus,
};
use saas_ia_server::{
    AuthError, Authenticator, BoxFuture, Core, CreateTranscriptionResponse, DeleteTranscriptionResponse, DocsResponse,
    GetMeResponse, GetTranscriptionResponse, HealthResponse, ListTranscriptionsResponse, LoginResponse, Principal,
    RegisterResponse, RequestContext,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a sign-in lasts (the seed's `ACCESS_TOKEN_EXPIRE_MINUTES=30`).
const TOKEN_MINUTES: i64 = 30;

/// The documentation page: the contract itself, escaped into a self-contained page.
fn docs_page() -> String {
    let yaml = include_str!("../../openapi.yaml").replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>SaaS-IA API</title></head>\n<body><pre>{yaml}</pre></body></html>\n"
    )
}

struct Account {
    user: User,
    /// SHA-256 of the user id and the password: the password itself is never kept.
    password_digest: String,
}

struct Session {
    user_id: Uuid,
    expires_at: DateTime<Utc>,
}

#[derive(Default)]
struct State {
    accounts: BTreeMap<Uuid, Account>,
    by_email: HashMap<String, Uuid>,
    sessions: HashMap<String, Session>,
    /// Jobs in creation order.
    jobs: Vec<Transcription>,
}

/// The in-memory back end; it is its own [`Authenticator`].
pub struct SaasIa {
    state: Mutex<State>,
    now: Mutex<DateTime<Utc>>,
}

impl SaasIa {
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

    /// One step of the MOCK transcriber for every unfinished job: `pending` becomes `processing`,
    /// `processing` becomes `completed` with a canned transcript.
    pub fn work(&self) {
        let now = self.now();
        for job in &mut self.state().jobs {
            match job.status {
                TranscriptionStatus::Pending => job.status = TranscriptionStatus::Processing,
                TranscriptionStatus::Processing => {
                    job.status = TranscriptionStatus::Completed;
                    job.text = Some(format!("Transcript of {} (MOCK mode).", job.video_url));
                    job.confidence = Some(0.95);
                    job.duration_seconds = Some(212);
                    job.completed_at = Some(now);
                }
                TranscriptionStatus::Completed | TranscriptionStatus::Failed => continue,
            }
            job.updated_at = now;
        }
    }
}

fn digest(user_id: Uuid, password: &str) -> String {
    hex::encode(Sha256::new().chain_update(user_id.as_bytes()).chain_update(password.as_bytes()).finalize())
}

/// The signed-in user of a bearer operation (the runtime authenticated it before the method).
fn caller(context: &RequestContext) -> Option<Uuid> {
    context.principal.as_ref().and_then(|principal| principal.id.parse().ok())
}

impl Authenticator for SaasIa {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
        Box::pin(async move {
            let now = self.now();
            let state = self.state();
            let session = state.sessions.get(token).ok_or(AuthError::Invalid)?;
            if now >= session.expires_at {
                return Err(AuthError::Expired);
            }
            match state.accounts.get(&session.user_id) {
                Some(account) if account.user.is_active => {
                    Ok(Principal { id: session.user_id.to_string(), roles: Vec::new() })
                }
                _ => Err(AuthError::Revoked),
            }
        })
    }
}

impl saas_ia_server::Auth for SaasIa {
    async fn register(&self, _: RequestContext, body: UserCreate) -> RegisterResponse {
        let email = body.email.to_lowercase();
        let mut state = self.state();
        if state.by_email.contains_key(&email) {
            return RegisterResponse::conflict(format!("{email} already has an account."));
        }
        let id = Uuid::new_v4();
        let user =
            User { id, email: email.clone(), full_name: body.full_name, is_active: true, created_at: self.now() };
        state.accounts.insert(id, Account { user: user.clone(), password_digest: digest(id, &body.password) });
        state.by_email.insert(email, id);
        RegisterResponse::Created(user)
    }

    async fn login(&self, _: RequestContext, body: UserLogin) -> LoginResponse {
        let mut state = self.state();
        let account = state.by_email.get(&body.email.to_lowercase()).and_then(|id| state.accounts.get(id));
        let Some(account) = account.filter(|a| a.password_digest == digest(a.user.id, &body.password)) else {
            return LoginResponse::unauthorized("Wrong email or password.");
        };
        if !account.user.is_active {
            return LoginResponse::unauthorized("This account is inactive.");
        }
        let session = Session { user_id: account.user.id, expires_at: self.now() + Duration::minutes(TOKEN_MINUTES) };
        let token = Uuid::new_v4().simple().to_string();
        state.sessions.insert(token.clone(), session);
        LoginResponse::Ok(Token { access_token: token, token_type: TokenType::Bearer })
    }

    async fn get_me(&self, context: RequestContext) -> GetMeResponse {
        match caller(&context).and_then(|id| self.state().accounts.get(&id).map(|a| a.user.clone())) {
            Some(user) => GetMeResponse::Ok(user),
            None => GetMeResponse::unauthorized("The account behind the token is gone."),
        }
    }
}

impl saas_ia_server::Transcription for SaasIa {
    async fn create_transcription(
        &self,
        context: RequestContext,
        body: TranscriptionCreate,
    ) -> CreateTranscriptionResponse {
        let Some(user_id) = caller(&context) else {
            return CreateTranscriptionResponse::unauthorized("Sign in first.");
        };
        let now = self.now();
        let job = Transcription {
            id: Uuid::new_v4(),
            user_id,
            video_url: body.video_url,
            language: body.language,
            status: TranscriptionStatus::Pending,
            text: None,
            confidence: None,
            duration_seconds: None,
            error: None,
            created_at: now,
            updated_at: now,
            completed_at: None,
        };
        self.state().jobs.push(job.clone());
        CreateTranscriptionResponse::Created(job)
    }

    async fn list_transcriptions(
        &self,
        context: RequestContext,
        query: TranscriptionQuery,
    ) -> ListTranscriptionsResponse {
        let Some(user_id) = caller(&context) else {
            return ListTranscriptionsResponse::unauthorized("Sign in first.");
        };
        let state = self.state();
        let mine: Vec<&Transcription> = state
            .jobs
            .iter()
            .rev()
            .filter(|job| job.user_id == user_id && query.status.is_none_or(|status| job.status == status))
            .collect();
        let total = mine.len() as u32;
        let items: Vec<Transcription> =
            mine.into_iter().skip(query.skip as usize).take(query.limit as usize).cloned().collect();
        let has_more = query.skip.saturating_add(query.limit) < total;
        ListTranscriptionsResponse::Ok(Page { items, total, skip: query.skip, limit: query.limit, has_more })
    }

    async fn get_transcription(&self, context: RequestContext, path: JobPath) -> GetTranscriptionResponse {
        let owner = caller(&context);
        match self.state().jobs.iter().find(|job| job.id == path.job_id && Some(job.user_id) == owner) {
            Some(job) => GetTranscriptionResponse::Ok(job.clone()),
            None => GetTranscriptionResponse::not_found(format!("You have no job {}.", path.job_id)),
        }
    }

    async fn delete_transcription(&self, context: RequestContext, path: JobPath) -> DeleteTranscriptionResponse {
        let owner = caller(&context);
        let mut state = self.state();
        match state.jobs.iter().position(|job| job.id == path.job_id && Some(job.user_id) == owner) {
            Some(index) => {
                state.jobs.remove(index);
                DeleteTranscriptionResponse::NoContent
            }
            None => DeleteTranscriptionResponse::not_found(format!("You have no job {}.", path.job_id)),
        }
    }
}

impl saas_ia_server::Public for SaasIa {
    async fn health(&self, _: RequestContext) -> HealthResponse {
        HealthResponse::Ok(Health {
            status: HealthStatus::Healthy,
            version: saas_ia::VERSION.into(),
            transcriber: TranscriberMode::Mock,
        })
    }

    async fn docs(&self, _: RequestContext) -> DocsResponse {
        DocsResponse::Ok(docs_page())
    }
}

/// Admits every request: for tests that send more than an operation's limit on purpose.
struct NoLimits;

impl contract_server::RateLimiter for NoLimits {
    fn admit<'a>(
        &'a self,
        _: &'static str,
        _: contract_server::Caller<'a>,
        limit: contract_server::RateLimit,
    ) -> contract_server::Admit<'a> {
        contract_server::Admit::ready(Ok(contract_server::Admission {
            limit: limit.requests,
            remaining: limit.requests,
            reset: 60,
        }))
    }
}

/// Whether the server counts the contract's rate limits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Limits {
    Contract,
    Off,
}

/// A server on an ephemeral loopback port.
pub struct TestServer {
    pub base: String,
    pub app: Arc<SaasIa>,
}

impl TestServer {
    /// The generated client, sending `token` when there is one.
    pub fn client(&self, token: Option<&str>) -> saas_ia_client::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header value"));
        }
        let http = reqwest::Client::builder().default_headers(headers).build().expect("http client");
        saas_ia_client::Client::new_with_client(&self.base, http)
    }
}

pub async fn start(limits: Limits) -> TestServer {
    let app = Arc::new(SaasIa::new());
    let mut core = Core::new(app.clone(), 64 * 1024);
    if limits == Limits::Off {
        core = core.with_limiter(Arc::new(NoLimits));
    }
    let core = Arc::new(core);
    let router = axum::Router::new()
        .merge(saas_ia_server::auth_router(app.clone(), core.clone()).expect("the auth specs compile"))
        .merge(
            saas_ia_server::transcription_router(app.clone(), core.clone()).expect("the transcription specs compile"),
        )
        .merge(saas_ia_server::public_router(app.clone(), core).expect("the public specs compile"))
        .fallback(contract_server::not_found);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    TestServer { base: format!("http://{address}"), app }
}
