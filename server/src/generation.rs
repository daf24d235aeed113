//! The generation provider: its configuration, [`OpenAiClient`] (any OpenAI-compatible API, such
//! as OpenRouter: `POST {base}/chat/completions` and `GET {base}/models` with a bearer key), with a
//! timeout per attempt and retries with exponential backoff on `429`, `5xx` and network errors,
//! never on another `4xx`; the model catalogue's cache ([`ModelCache`]); and the convention in
//! which a model answers with files ([`parse_files`]).
//!
//! Jobs, their queue and their events are [`crate::jobs`]'s; the trait impl is
//! `services/generation.rs`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use contract_server::BoxFuture;
use reqwest::StatusCode;
use schemas::generation::{GeneratedFile, ModelInfo, TokenUsage};
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::payments::{Retry, Secret};
use crate::providers::{Completion, CompletionRequest, GenerationProvider, ProviderError};

/// OpenRouter's API.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

/// The model a request without `model` uses when `GENERATION_DEFAULT_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o";

/// How long the model catalogue is kept (6 hours).
pub const MODELS_TTL: Duration = Duration::from_secs(6 * 3600);

/// Generation's configuration.
#[derive(Clone, Debug)]
pub struct GenerationConfig {
    /// `None` without `GENERATION_API_KEY`: every generation operation answers `503`.
    pub provider: Option<GenerationProviderConfig>,
    /// `GENERATION_DEFAULT_MODEL` (default [`DEFAULT_MODEL`]).
    pub default_model: String,
    /// `GENERATION_CONCURRENCY` (default 2): how many jobs this process runs at once.
    pub concurrency: usize,
    /// `GENERATION_MAX_RUNNING_PER_USER` (default 2): beyond it a user's jobs stay queued.
    pub max_running_per_user: u32,
    /// `GENERATION_LEASE_SECONDS` (default 60): a running job whose process has not shown signs of
    /// life for this long is re-queued (its process stopped).
    pub lease: Duration,
    /// How often a process looks for queued jobs other processes added (default 500 ms).
    pub poll: Duration,
    /// `GENERATION_MODELS_TTL_SECONDS` (default 6 hours): how long the model catalogue is kept.
    pub models_ttl: Duration,
    /// How many times a job is claimed before a process that stopped under it makes it fail
    /// (default 3).
    pub max_attempts: u32,
}

impl Default for GenerationConfig {
    fn default() -> Self {
        Self {
            provider: None,
            default_model: DEFAULT_MODEL.into(),
            concurrency: 2,
            max_running_per_user: 2,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            models_ttl: MODELS_TTL,
            max_attempts: 3,
        }
    }
}

/// How the server reaches the model provider.
#[derive(Clone, Debug)]
pub struct GenerationProviderConfig {
    /// `GENERATION_BASE_URL` (default [`DEFAULT_BASE_URL`]).
    pub base_url: Url,
    /// `GENERATION_API_KEY`, sent as a bearer token.
    pub api_key: Secret,
    /// `GENERATION_TIMEOUT_SECONDS` (default 120): the limit of one attempt.
    pub timeout: Duration,
    /// `GENERATION_MAX_RETRIES` (default 3) and `GENERATION_RETRY_DELAY_MS` (default 1000).
    pub retry: Retry,
}

impl GenerationProviderConfig {
    /// A provider at `base_url` with the default timeout and retries.
    pub fn new(base_url: Url, api_key: Secret) -> Self {
        Self { base_url, api_key, timeout: Duration::from_secs(120), retry: Retry::default() }
    }
}

/// The OpenAI-compatible HTTP client.
pub struct OpenAiClient {
    http: reqwest::Client,
    /// The base URL, with a trailing `/` so that joining keeps its path (`/api/v1/`).
    base: Url,
    key: Secret,
    retry: Retry,
}

impl OpenAiClient {
    pub fn new(config: &GenerationProviderConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let mut base = config.base_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self { http, base, key: config.api_key.clone(), retry: config.retry })
    }

    /// One API call (`body` = `None`: a `GET`), retried as [`Retry`] says.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, ProviderError> {
        let url = self.base.join(path).map_err(|e| ProviderError::Unreachable(format!("bad URL {path}: {e}")))?;
        let method = if body.is_some() { "POST" } else { "GET" };
        let mut attempt = 0;
        loop {
            let request = match body {
                Some(body) => self.http.post(url.clone()).json(body),
                None => self.http.get(url.clone()),
            };
            let failure = match request.bearer_auth(self.key.expose()).send().await {
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(bytes) if status.is_success() => {
                            return serde_json::from_slice(&bytes).map_err(|e| {
                                ProviderError::Unreachable(format!("{method} {path}: unexpected answer: {e}"))
                            });
                        }
                        Ok(bytes) if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() => {
                            format!("{method} {path}: {status}: {}", crate::providers::error_of(&bytes).1)
                        }
                        Ok(bytes) => {
                            return Err(ProviderError::Rejected(format!(
                                "{method} {path}: {status}: {}",
                                crate::providers::error_of(&bytes).1
                            )));
                        }
                        Err(error) => format!("{method} {path}: {status}, body unreadable: {}", error.without_url()),
                    }
                }
                Err(error) => format!("{method} {path}: {}", error.without_url()),
            };
            if attempt >= self.retry.retries {
                tracing::warn!(attempts = attempt + 1, %failure, "model provider call failed, giving up");
                return Err(ProviderError::Unreachable(failure));
            }
            let delay = self.retry.delay(attempt);
            tracing::warn!(attempt = attempt + 1, ?delay, %failure, "model provider call failed, retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

#[derive(Deserialize)]
struct WireModels {
    data: Vec<WireModel>,
}

#[derive(Deserialize)]
struct WireModel {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    owned_by: Option<String>,
    #[serde(default)]
    context_length: Option<u64>,
}

#[derive(Deserialize)]
struct WireCompletion {
    choices: Vec<WireChoice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: WireMessage,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

/// Whether `id` is a model id the contract accepts as `model` (`vendor/name`, lower case).
pub fn is_model_id(id: &str) -> bool {
    let part = |text: &str, extra: &[char]| {
        let mut chars = text.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && chars.all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') || extra.contains(&c)
            })
    };
    id.len() <= 128 && id.split_once('/').is_some_and(|(vendor, name)| part(vendor, &[]) && part(name, &[':']))
}

impl GenerationProvider for OpenAiClient {
    fn models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, ProviderError>> {
        Box::pin(async move {
            let list: WireModels = self.call("models", None).await?;
            Ok(list
                .data
                .into_iter()
                .filter(|model| is_model_id(&model.id))
                .map(|model| {
                    let vendor = model.id.split_once('/').map(|(vendor, _)| vendor.to_owned()).unwrap_or_default();
                    ModelInfo {
                        name: model.name.unwrap_or_else(|| model.id.clone()),
                        provider: model.owned_by.unwrap_or(vendor),
                        context_length: model.context_length.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
                        id: model.id,
                        default: false,
                    }
                })
                .collect())
        })
    }

    fn complete<'a>(&'a self, request: CompletionRequest<'a>) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            let body = json!({
                "model": request.model,
                "messages": [
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.prompt},
                ],
            });
            let answer: WireCompletion = self.call("chat/completions", Some(&body)).await?;
            let Some(text) = answer.choices.into_iter().next().and_then(|c| c.message.content) else {
                return Err(ProviderError::Unreachable("POST chat/completions: the answer has no message".into()));
            };
            let usage = answer.usage.map_or(TokenUsage { prompt_tokens: 0, completion_tokens: 0 }, |u| TokenUsage {
                prompt_tokens: u32::try_from(u.prompt_tokens).unwrap_or(u32::MAX),
                completion_tokens: u32::try_from(u.completion_tokens).unwrap_or(u32::MAX),
            });
            let files = parse_files(&text);
            Ok(Completion { text, files, usage })
        })
    }
}

/// The model catalogue of this process: fetched at most once per TTL, and served stale while
/// the provider fails.
#[derive(Default)]
pub struct ModelCache {
    /// When the catalogue was fetched, and the catalogue.
    cached: Mutex<Option<(Instant, Vec<ModelInfo>)>>,
    /// One fetch at a time.
    fetching: tokio::sync::Mutex<()>,
}

impl ModelCache {
    fn fresh(&self, ttl: Duration) -> Option<Vec<ModelInfo>> {
        let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        cached.as_ref().filter(|(at, _)| at.elapsed() < ttl).map(|(_, models)| models.clone())
    }

    /// The catalogue: the cached copy while fresh; otherwise the provider's, or the stale copy
    /// when the provider fails (`Err` only when nothing was ever fetched).
    pub async fn get(&self, provider: &dyn GenerationProvider, ttl: Duration) -> Result<Vec<ModelInfo>, ProviderError> {
        if let Some(models) = self.fresh(ttl) {
            return Ok(models);
        }
        let _one = self.fetching.lock().await;
        if let Some(models) = self.fresh(ttl) {
            return Ok(models);
        }
        match provider.models().await {
            Ok(models) => {
                *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), models.clone()));
                Ok(models)
            }
            Err(error) => {
                let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
                match cached.as_ref() {
                    Some((_, models)) => {
                        tracing::warn!(%error, "model catalogue refresh failed, serving the stale copy");
                        Ok(models.clone())
                    }
                    None => Err(error),
                }
            }
        }
    }
}

/// The instruction every job's system prompt ends with: how to answer with files.
pub const FILE_CONVENTION: &str = "When you produce files, write each one as a fenced code block whose \
opening fence names the language and the file's relative path, for example:\n```rust path=src/main.rs\nfn main() {}\n```\n\
Paths are relative, use `/`, and never contain `..`.";

/// The longest path a generated file may have.
const MAX_PATH: usize = 255;

/// The files of a model's answer, in the convention of [`FILE_CONVENTION`]: fenced blocks (three or
/// more backticks or tildes) whose info string names a path as `path=…` (also `file=`, `filename=`,
/// `title=`, quoted or not) or as a second word containing `/` or `.`; or, failing that, whose
/// first line is a comment `// path: …`, `# path: …` or `<!-- path: … -->`. A block without a
/// usable path is not a file; an unsafe path (absolute, `..`, `\`, control characters) neither. A
/// block left open at the end of the answer ends there. A later file with the same path replaces
/// an earlier one.
pub fn parse_files(text: &str) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some((fence, info)) = opening_fence(trimmed) else { continue };
        let mut body: Vec<&str> = Vec::new();
        for inner in lines.by_ref() {
            let t = inner.trim();
            if t.len() >= fence.len() && t.chars().all(|c| c == fence.chars().next().unwrap_or('`')) {
                break;
            }
            body.push(inner);
        }
        let (language, mut path) = info_path(info);
        if path.is_none()
            && let Some(first) = body.first()
            && let Some(named) = comment_path(first)
        {
            path = Some(named);
            body.remove(0);
        }
        let Some(path) = path.and_then(|p| safe_path(&p)) else { continue };
        let language = language.or_else(|| language_of(&path));
        let mut content = body.join("\n");
        content.push('\n');
        files.retain(|f| f.path != path);
        files.push(GeneratedFile { path, content, language });
    }
    files
}

/// The prose of an answer: its text without fenced blocks, trimmed, at most 4,000 bytes.
pub fn summary(text: &str) -> String {
    const MAX: usize = 4000;
    let mut prose: Vec<&str> = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match &fence {
            Some(open) => {
                if trimmed.len() >= open.len() && trimmed.chars().all(|c| open.starts_with(c)) {
                    fence = None;
                }
            }
            None => match opening_fence(trimmed) {
                Some((open, _)) => fence = Some(open.to_owned()),
                None => prose.push(line),
            },
        }
    }
    let mut summary = prose.join("\n").trim().to_owned();
    if summary.len() > MAX {
        let mut end = MAX;
        while !summary.is_char_boundary(end) {
            end -= 1;
        }
        summary.truncate(end);
        summary.push('…');
    }
    summary
}

/// `(fence, info string)` of an opening fence line.
fn opening_fence(line: &str) -> Option<(&str, &str)> {
    let marker = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let count = line.chars().take_while(|c| *c == marker).count();
    if count < 3 {
        return None;
    }
    let (fence, info) = line.split_at(count);
    // A backtick fence's info string has no backtick (CommonMark).
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some((fence, info.trim()))
}

/// The language and path an info string names.
fn info_path(info: &str) -> (Option<String>, Option<String>) {
    let mut language = None;
    let mut path = None;
    for (index, word) in info.split_whitespace().enumerate() {
        if let Some((key, value)) = word.split_once('=') {
            if matches!(key, "path" | "file" | "filename" | "title") {
                path = Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned());
            }
        } else if index == 0 && !word.contains('/') && !word.contains('.') {
            // A language as project files store it (`^[a-z0-9+#-]{1,32}$`), or none.
            let word = word.to_ascii_lowercase();
            let valid = word.len() <= 32
                && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '#' | '-'));
            language = valid.then_some(word);
        } else if path.is_none() && (word.contains('/') || word.contains('.')) {
            path = Some(word.trim_matches(|c| c == '"' || c == '\'').to_owned());
        }
    }
    (language.filter(|l| !l.is_empty()), path)
}

/// The path a first-line comment names.
fn comment_path(line: &str) -> Option<String> {
    let t = line.trim();
    let rest = t
        .strip_prefix("//")
        .or_else(|| t.strip_prefix('#'))
        .or_else(|| t.strip_prefix("<!--").map(|r| r.trim_end_matches("-->")))?
        .trim();
    let rest = rest.strip_prefix("path:").or_else(|| rest.strip_prefix("file:"))?;
    Some(rest.trim().to_owned())
}

/// `path` made relative and checked: `None` when it could leave the project.
fn safe_path(path: &str) -> Option<String> {
    let path = path.trim().trim_start_matches("./");
    if path.is_empty()
        || path.len() > MAX_PATH
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains(':')
        || path.chars().any(char::is_control)
        || path.split('/').any(|part| part.is_empty() || part == "." || part == "..")
    {
        return None;
    }
    Some(path.to_owned())
}

/// The language of a file, from its extension.
fn language_of(path: &str) -> Option<String> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    let language = match extension.as_str() {
        "rs" => "rust",
        "ts" | "tsx" => "typescript",
        "js" | "jsx" | "mjs" => "javascript",
        "py" => "python",
        "sql" => "sql",
        "md" => "markdown",
        "json" => "json",
        "toml" => "toml",
        "yaml" | "yml" => "yaml",
        "html" => "html",
        "css" => "css",
        "vue" => "vue",
        "svelte" => "svelte",
        "sh" => "shell",
        _ => return None,
    };
    Some(language.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<(String, String, Option<String>)> {
        parse_files(text).into_iter().map(|f| (f.path, f.content, f.language)).collect()
    }

    #[test]
    fn files_are_parsed_from_fenced_blocks() {
        let answer = "Here you go.\n\n```rust path=src/main.rs\nfn main() {}\n```\n\
            Some prose.\n~~~~ \"web/index.html\"\n<p>```</p>\n~~~~\n\
            ```ts\n// path: app/api.ts\nexport {};\n```\n\
            ```\nno path: not a file\n```\n\
            ```sh path=../escape.sh\nrm -rf /\n```\n\
            ```text file='notes/a.txt'\nfirst\n```\n```text path=notes/a.txt\nsecond\n```\n\
            ```python path=./tail.py\nprint('left open')";
        assert_eq!(
            paths(answer),
            vec![
                ("src/main.rs".into(), "fn main() {}\n".into(), Some("rust".into())),
                ("web/index.html".into(), "<p>```</p>\n".into(), Some("html".into())),
                ("app/api.ts".into(), "export {};\n".into(), Some("ts".into())),
                ("notes/a.txt".into(), "second\n".into(), Some("text".into())),
                ("tail.py".into(), "print('left open')\n".into(), Some("python".into())),
            ]
        );
    }

    #[test]
    fn summaries_leave_code_out() {
        assert_eq!(summary("Intro.\n```rust path=a.rs\nfn a() {}\n```\nOutro."), "Intro.\nOutro.");
        assert_eq!(summary("```\nonly code\n```"), "");
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for path in ["/etc/passwd", "a/../b", "a\\b", "C:/x", "a//b", "", "a/./b"] {
            assert_eq!(safe_path(path), None, "{path}");
        }
        assert_eq!(safe_path("./a/b.rs").as_deref(), Some("a/b.rs"));
    }

    #[test]
    fn model_ids() {
        assert!(is_model_id("openai/gpt-4o"));
        assert!(is_model_id("meta-llama/llama-3.1-8b-instruct:free"));
        assert!(!is_model_id("gpt-4o"));
        assert!(!is_model_id("OpenAI/gpt-4o"));
        assert!(!is_model_id("openai/:free"));
    }
}
