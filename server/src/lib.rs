//! The Devora API v2 server: implements the generated traits (`api-server`) on SQLite or
//! PostgreSQL ([`db`]), with Redis for what several instances share when configured
//! ([`shared_store`], [`cache`]).
//!
//! Mounted tags: auth, projects, generation, billing, admin, meta. OAuth answers `503` until a
//! provider is configured ([`oauth::Providers`]), billing's provider-backed operations until
//! `PAYMENTS_API_KEY` is set ([`payments`]), and every generation operation until
//! `GENERATION_API_KEY` is set ([`generation`]). Generation jobs are queued in the database and run
//! by a bounded worker pool of each server process ([`jobs`]); their progress events are read with
//! [`App::job_events`].

pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
mod docs;
pub mod error;
pub mod generation;
pub mod jobs;
pub mod mailer;
pub mod metrics;
pub mod oauth;
pub mod payments;
pub mod providers;
pub mod roles;
pub mod serve;
mod services;
pub mod sessions;
pub mod shared_store;
pub mod single_use;
mod swagger;
pub mod throttle;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::http::{HeaderValue, header};
use contract_server::Core;
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::Config;
pub use db::Db;
pub use error::ApiError;
pub use serve::{ConnectionLimits, serve};

/// The contract document the server serves.
pub const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// Everything the handlers share.
pub struct App {
    pub db: Db,
    pub tokens: Arc<auth::Tokens>,
    pub authenticator: Arc<auth::DbAuthenticator>,
    pub mailer: Arc<dyn mailer::Mailer>,
    pub providers: oauth::Providers,
    /// The payment provider (`None` until `PAYMENTS_API_KEY` is set).
    pub payments: Option<Arc<dyn providers::PaymentProvider>>,
    /// Generation's provider and this process's job workers (`None` until `GENERATION_API_KEY`
    /// is set).
    pub generation: Option<Arc<jobs::Jobs>>,
    pub config: Config,
    pub login_throttle: throttle::LoginThrottle,
    /// Redis, when `REDIS_URL` is set.
    pub shared: Option<shared_store::SharedStore>,
    /// The read cache (bypassed without Redis).
    pub cache: cache::Cache,
    /// What `GET /metrics` tells.
    pub metrics: metrics::Metrics,
    started: Instant,
    openapi_json: serde_json::Map<String, serde_json::Value>,
    /// The reference page (`GET /api/v2/reference`).
    reference_html: String,
    /// The Swagger UI page (`GET /api/v2/docs`).
    swagger_html: String,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] db::OpenError),
    #[error("the embedded openapi.yaml does not parse")]
    ContractDocument(#[source] serde_yaml::Error),
    #[error("the embedded openapi.yaml is not a YAML mapping")]
    ContractShape,
    #[error("the payment provider's HTTP client cannot be built")]
    PaymentsClient(#[source] reqwest::Error),
    #[error("the model provider's HTTP client cannot be built")]
    GenerationClient(#[source] reqwest::Error),
    #[error(transparent)]
    Redis(#[from] shared_store::InvalidRedisUrl),
    #[error("the routers cannot be built")]
    Router(#[source] contract_server::SpecError),
    #[error(transparent)]
    Swagger(#[from] swagger::AssetError),
}

/// Reads a project of `owner` with its file summaries: the read `get_project` does, for the load
/// benchmark's hand-written baseline.
pub async fn read_project(
    app: &App,
    owner: &str,
    id: uuid::Uuid,
) -> Result<Option<schemas::projects::Project>, ApiError> {
    app.project(owner, id).await
}

/// Builds the application: the database, the routers of the mounted tags, the fallbacks.
pub async fn build(
    config: Config,
    mailer: Option<Arc<dyn mailer::Mailer>>,
    providers: oauth::Providers,
) -> Result<(Router, Arc<App>), StartError> {
    let db = Db::open(&config.database_url, config.database_connections).await?;
    let tokens = Arc::new(auth::Tokens::new(&config.jwt_secret, config.access_token_seconds));
    let authenticator = Arc::new(auth::DbAuthenticator::new(tokens.clone(), db.clone()));
    let mailer = mailer.unwrap_or_else(|| Arc::new(mailer::OutboxMailer { db: db.clone() }));
    let document: serde_json::Value = serde_yaml::from_str(OPENAPI_YAML).map_err(StartError::ContractDocument)?;
    let serde_json::Value::Object(openapi_json) = document else { return Err(StartError::ContractShape) };
    let payments = match &config.payments.provider {
        Some(provider) => Some(Arc::new(payments::StripeClient::new(provider).map_err(StartError::PaymentsClient)?)
            as Arc<dyn providers::PaymentProvider>),
        None => None,
    };
    let generation = match &config.generation.provider {
        Some(provider) => {
            let client = generation::OpenAiClient::new(provider).map_err(StartError::GenerationClient)?;
            Some(Arc::new(jobs::Jobs::new(Arc::new(client), config.generation.clone())))
        }
        None => None,
    };
    let statuses = provider_statuses(&config, &providers, payments.is_some(), generation.is_some());
    let reference_html = docs::render(&openapi_json, &statuses);
    let title = openapi_json.get("info").and_then(|info| info.get("title")).and_then(|title| title.as_str());
    let swagger_html = swagger::page(title.unwrap_or_default());
    let swagger_assets = Arc::new(swagger::Assets::load()?);
    let shared = match &config.redis_url {
        Some(url) => Some(shared_store::SharedStore::connect(url, &config.redis_key_prefix).await?),
        None => None,
    };
    let login_throttle = match &shared {
        Some(shared) => throttle::LoginThrottle::shared(shared.clone()),
        None => throttle::LoginThrottle::default(),
    };
    let metrics = metrics::Metrics::new(&openapi_json);
    let cache = cache::Cache::new(shared.clone(), metrics.clone());
    let app = Arc::new(App {
        db,
        tokens,
        authenticator: authenticator.clone(),
        mailer,
        providers,
        payments,
        generation,
        config: config.clone(),
        login_throttle,
        shared: shared.clone(),
        cache,
        metrics: metrics.clone(),
        started: Instant::now(),
        openapi_json,
        reference_html,
        swagger_html,
    });
    jobs::spawn_workers(&app);
    let core = Core::new(authenticator, config.body_limit)
        .with_response_validation(config.response_validation)
        .with_trusted_proxies(config.trusted_proxies.clone())
        // On both engines alike: PostgreSQL's text cannot hold NUL, so no input may.
        .refusing_nul()
        // `Location` is written by the generation router's own layer (`services::generation`).
        .with_cors(contract_server::Cors::new(config.cors_origins.clone()).expose(["Location"]));
    let core = Arc::new(match shared {
        Some(shared) => {
            core.with_limiter(Arc::new(shared_store::RedisRateLimiter::new(shared, config.rate_limit_when_redis_down)))
        }
        None => core,
    });
    let contract = StartError::Router;
    let mut router = Router::new();
    if config.metrics {
        let app = app.clone();
        let scrape = move || async move {
            // The queue is the database's (every process's jobs): counted at each scrape.
            match app.queued_jobs().await {
                Ok(depth) => app.metrics.set_queue_depth(depth),
                Err(error) => tracing::warn!(%error, "the generation queue cannot be counted for /metrics"),
            }
            metrics::serve(axum::extract::State(app.metrics.clone())).await
        };
        router = router.route("/metrics", axum::routing::get(scrape));
    }
    let router = router
        .merge(api_server::auth_router(app.clone(), core.clone()).map_err(contract)?)
        .merge(api_server::projects_router(app.clone(), core.clone()).map_err(contract)?)
        .merge(
            api_server::generation_router(app.clone(), core.clone())
                .map_err(contract)?
                .layer(axum::middleware::from_fn(services::generation::set_location)),
        )
        .merge(
            api_server::billing_router(app.clone(), core.clone())
                .map_err(contract)?
                .layer(axum::middleware::from_fn_with_state(config.body_limit, services::billing::keep_webhook_body)),
        )
        .merge(api_server::admin_router(app.clone(), core.clone()).map_err(contract)?)
        .merge(api_server::meta_router(app.clone(), core.clone()).map_err(contract)?)
        // Swagger UI's files, beside its page (outside the contract, as `/metrics`).
        .route(swagger::ASSETS_ROUTE, swagger_assets.route())
        .fallback_service(contract_server::fallback(&core));
    // Counting takes a lock per answer: only when someone reads the counts.
    let router = match config.metrics {
        true => router.layer(axum::middleware::from_fn_with_state(metrics, metrics::count)),
        false => router,
    };
    let router = router
        // Every answer: browsers must not guess a media type, nor send the page's address on.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(axum::middleware::from_fn(content_security_policy))
        // A 5xx is logged at WARN here: a client can bring some about at will (a `503` for a provider
        // that is not configured), and the server's own faults are logged at ERROR where they happen
        // (an `ApiError` with its request id, a response that breaks the contract).
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::WARN)),
        );
    Ok((router, app))
}

/// Which providers are configured, for the reference page.
fn provider_statuses(
    config: &Config,
    oauth: &oauth::Providers,
    payments: bool,
    generation: bool,
) -> Vec<docs::ProviderStatus> {
    use schemas::auth::OAuthProvider;
    let sign_in = |provider: OAuthProvider, name: &'static str| docs::ProviderStatus {
        name,
        serves: "oauth_authorize, oauth_callback",
        configured: oauth.get(provider).is_some(),
        variables: oauth::variables(provider).to_vec(),
    };
    vec![
        sign_in(OAuthProvider::Google, "Sign-in with Google"),
        sign_in(OAuthProvider::Github, "Sign-in with GitHub"),
        docs::ProviderStatus {
            name: "Payments (Stripe-compatible)",
            serves: "create_checkout_session, create_portal_session, list_invoices",
            configured: payments,
            variables: vec!["PAYMENTS_API_KEY", "PAYMENTS_BASE_URL"],
        },
        docs::ProviderStatus {
            name: "Payment webhook",
            serves: "billing_webhook",
            configured: config.payments.webhook_secret.is_some(),
            variables: vec!["BILLING_WEBHOOK_SECRET"],
        },
        docs::ProviderStatus {
            name: "Generation (OpenAI-compatible, such as OpenRouter)",
            serves: "generate_simple, generate_agentic, generate_fullstack, get_generation_job, \
                     list_generation_jobs, cancel_generation_job, list_models",
            configured: generation,
            variables: vec!["GENERATION_API_KEY", "GENERATION_BASE_URL"],
        },
    ]
}

/// What the documents of a page served from the reference page may do: nothing but its own inline style
/// (no script, no frame around it, no form, no base).
pub const DOCS_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// An HTML answer gets [`DOCS_CSP`] (the reference page), or Swagger UI's own policy at its path
/// ([`swagger::SWAGGER_CSP`]: its scripts and styles from this server, calls to this server only).
async fn content_security_policy(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let swagger = request.uri().path() == swagger::DOCS_PATH;
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html {
        let policy = if swagger { swagger::SWAGGER_CSP } else { DOCS_CSP };
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    }
    response
}
