//! An OpenAI-compatible model API (as OpenRouter serves it): `GET /models` and
//! `POST /chat/completions`; every call needs `Authorization: Bearer` [`API_KEY`]. Serve it under
//! any path prefix: the server's `GENERATION_BASE_URL` is the fake's base (see [`env`]).
//!
//! Answers are deterministic and echo the request: `[{model}] {first line of the system
//! message} | {the user message}`. When the system message asks for files in the server's
//! convention (it mentions `path=`), the answer also carries two fenced files: `README.md` (the
//! user message's first line as a title) and `prompt/{n}.txt` (the whole user message, `n` counting
//! the completions), so tests can assert on what each step was asked. Usage counts words: the
//! messages' for `prompt_tokens`, the answer's for `completion_tokens`. A model not in the catalogue
//! is a `404` (as OpenRouter answers it).
//!
//! Faults, for the next calls in order: [`OpenAi::fail_next`] (a status such as 500 or 429),
//! [`OpenAi::set_down`] (calls hang without an answer; the client's timeout ends them) and
//! [`OpenAi::set_delay`] (every completion waits this long first, so a job can be canceled or its
//! server stopped mid-step).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

/// The key the fake accepts.
pub const API_KEY: &str = "sk-or-fake-devora";
/// The port `cargo run -p fake-providers` serves the fake on.
pub const DEFAULT_PORT: u16 = 9104;
/// The models the fake lists and accepts; the first is the server's default.
pub const MODELS: &[(&str, &str, u32)] = &[
    ("openai/gpt-4o", "OpenAI: GPT-4o", 128_000),
    ("anthropic/claude-3.5-sonnet", "Anthropic: Claude 3.5 Sonnet", 200_000),
    ("fake/echo", "Fake: Echo", 8_192),
];

/// The server variables that point it at a fake on `address`.
pub fn env(address: SocketAddr) -> Vec<(&'static str, String)> {
    vec![("GENERATION_BASE_URL", format!("http://{address}/api/v1")), ("GENERATION_API_KEY", API_KEY.to_owned())]
}

/// One completion the fake answered (faulty calls are not recorded here, see [`OpenAi::calls`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub model: String,
    pub system: String,
    pub user: String,
}

/// The fake's state; clones share it (keep one to inject faults and read what was asked).
#[derive(Clone, Default)]
pub struct OpenAi {
    state: Arc<Mutex<Store>>,
}

#[derive(Default)]
struct Store {
    faults: VecDeque<StatusCode>,
    down: bool,
    delay: Duration,
    /// Every call received, faulty ones included: `(method, path)`.
    calls: Vec<(String, String)>,
    completions: Vec<Completion>,
}

impl OpenAi {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next `count` calls answer `status` (500, 429...) without doing anything.
    pub fn fail_next(&self, count: usize, status: u16) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.store().faults.extend(std::iter::repeat_n(status, count));
    }

    /// While down, calls hang without an answer.
    pub fn set_down(&self, down: bool) {
        self.store().down = down;
    }

    /// Every completion waits `delay` before answering.
    pub fn set_delay(&self, delay: Duration) {
        self.store().delay = delay;
    }

    /// Every call received so far, faulty ones included, as `(method, path)`.
    pub fn calls(&self) -> Vec<(String, String)> {
        self.store().calls.clone()
    }

    /// The completions answered so far, in order.
    pub fn completions(&self) -> Vec<Completion> {
        self.store().completions.clone()
    }
}

/// The fake's routes under `/api/v1` (OpenRouter's layout), sharing `openai`.
pub fn router(openai: OpenAi) -> Router {
    let api = Router::new()
        .route("/models", get(models))
        .route("/chat/completions", post(complete))
        .layer(axum::middleware::from_fn_with_state(openai.clone(), gate))
        .with_state(openai);
    Router::new().nest("/api/v1", api)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": {"code": status.as_u16(), "message": message}}))).into_response()
}

/// Records the call, then applies faults and checks the key.
async fn gate(State(openai): State<OpenAi>, request: Request, next: Next) -> Response {
    let authorized =
        request.headers().get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {API_KEY}"));
    let (down, fault) = {
        let mut store = openai.store();
        store.calls.push((request.method().to_string(), request.uri().path().to_owned()));
        (store.down, if store.down { None } else { store.faults.pop_front() })
    };
    if down {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if let Some(status) = fault {
        return error(status, "injected fault");
    }
    if !authorized {
        return error(StatusCode::UNAUTHORIZED, "No auth credentials found");
    }
    next.run(request).await
}

async fn models() -> Json<Value> {
    let data: Vec<Value> = MODELS
        .iter()
        .map(|(id, name, context)| {
            json!({"id": id, "name": name, "context_length": context, "object": "model",
                "owned_by": id.split('/').next().unwrap_or_default()})
        })
        .collect();
    Json(json!({"object": "list", "data": data}))
}

#[derive(Deserialize)]
struct ChatRequest {
    model: String,
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    role: String,
    content: String,
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

async fn complete(
    State(openai): State<OpenAi>,
    body: Result<Json<ChatRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return error(StatusCode::BAD_REQUEST, "the body is not a chat completion request");
    };
    if !MODELS.iter().any(|(id, _, _)| *id == request.model) {
        return error(StatusCode::NOT_FOUND, &format!("No endpoints found for {}.", request.model));
    }
    let delay = openai.store().delay;
    tokio::time::sleep(delay).await;
    let text_of = |role: &str| {
        request.messages.iter().filter(|m| m.role == role).map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n")
    };
    let (system, user) = (text_of("system"), text_of("user"));
    let n = {
        let mut store = openai.store();
        store.completions.push(Completion { model: request.model.clone(), system: system.clone(), user: user.clone() });
        store.completions.len()
    };
    let mut answer = format!("[{}] {} | {}", request.model, system.lines().next().unwrap_or_default(), user);
    if system.contains("path=") {
        let title = user.lines().find(|l| !l.trim().is_empty() && !l.contains('`')).unwrap_or_default();
        // A fence longer than any run of backticks in the prompt (it may quote earlier answers).
        let longest = user.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest + 1).max(3));
        answer.push_str(&format!(
            "\n\n```markdown path=README.md\n# {title}\n```\n\n{fence}text path=prompt/{n}.txt\n{user}\n{fence}\n"
        ));
    }
    let prompt_tokens: usize = request.messages.iter().map(|m| words(&m.content)).sum();
    Json(json!({
        "id": format!("gen-fake-{n}"),
        "object": "chat.completion",
        "model": request.model,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": words(&answer),
            "total_tokens": prompt_tokens + words(&answer)},
    }))
    .into_response()
}
