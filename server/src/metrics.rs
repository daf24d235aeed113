//! `GET /metrics` in Prometheus' text format (served when `METRICS_ENABLED=true`): requests and
//! their latency per operation, rate-limit rejections, read-cache hits and misses, and the depth
//! of the generation queue.
//!
//! Every answer is counted by one middleware around all routes: the operation is named from the
//! route's method and path template (the contract's `operationId`), or `unmatched` for answers
//! of no route (`404`, `405`). A `429` counts as a rate-limit rejection of its operation. The
//! counters live in this process: each instance of a scaled-out server is scraped on its own.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// How the read cache answered a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CacheResult {
    Hit,
    Miss,
    /// Redis is not configured or did not answer: the database answered.
    Bypass,
}

impl CacheResult {
    fn label(self) -> &'static str {
        match self {
            CacheResult::Hit => "hit",
            CacheResult::Miss => "miss",
            CacheResult::Bypass => "bypass",
        }
    }
}

#[derive(Default)]
struct Latency {
    /// Per bucket of [`BUCKETS`], the answers that took at most its bound (not cumulative).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct PerOperation {
    /// Answers by status code.
    statuses: BTreeMap<u16, u64>,
    latency: Latency,
}

/// The counters of this process (clones share them).
#[derive(Clone, Default)]
pub struct Metrics {
    operations: Arc<Mutex<BTreeMap<String, PerOperation>>>,
    cache: Arc<Mutex<BTreeMap<(&'static str, CacheResult), u64>>>,
    queue_depth: Arc<AtomicI64>,
    /// `(method, path template)` → operation id, from the contract.
    names: Arc<BTreeMap<(String, String), String>>,
}

impl Metrics {
    /// Names operations from the contract document's `paths`.
    pub fn new(document: &serde_json::Map<String, serde_json::Value>) -> Self {
        let mut names = BTreeMap::new();
        let paths = document.get("paths").and_then(|p| p.as_object()).into_iter().flatten();
        for (path, item) in paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) {
                    names.insert((method.to_uppercase(), path.clone()), id.to_owned());
                }
            }
        }
        Metrics { names: Arc::new(names), ..Metrics::default() }
    }

    /// Counts one answer of `operation`.
    pub fn record(&self, operation: &str, status: StatusCode, seconds: f64) {
        let mut operations = self.operations.lock().unwrap_or_else(|p| p.into_inner());
        let entry = match operations.get_mut(operation) {
            Some(entry) => entry,
            None => operations.entry(operation.to_owned()).or_default(),
        };
        *entry.statuses.entry(status.as_u16()).or_default() += 1;
        let latency = &mut entry.latency;
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            latency.buckets[bucket] += 1;
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// Counts one read of the cache `scope`.
    pub fn cache(&self, scope: &'static str, result: CacheResult) {
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()).entry((scope, result)).or_default() += 1;
    }

    /// Sets the number of generation jobs waiting for a worker.
    pub fn set_queue_depth(&self, depth: i64) {
        self.queue_depth.store(depth, Ordering::Relaxed);
    }

    /// The contract's operation id, the path template of a route outside the contract
    /// (`/metrics`), or `unmatched`.
    fn operation_of(&self, method: &str, template: Option<&str>) -> String {
        match template {
            Some(path) => {
                self.names.get(&(method.to_owned(), path.to_owned())).cloned().unwrap_or_else(|| path.to_owned())
            }
            None => "unmatched".to_owned(),
        }
    }

    /// The text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let operations = self.operations.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str("# HELP devora_requests_total Answers, by operation and status.\n");
        out.push_str("# TYPE devora_requests_total counter\n");
        for (operation, entry) in operations.iter() {
            for (status, count) in &entry.statuses {
                let _ = writeln!(out, "devora_requests_total{{operation=\"{operation}\",status=\"{status}\"}} {count}");
            }
        }
        out.push_str("# HELP devora_request_duration_seconds Time to answer, by operation.\n");
        out.push_str("# TYPE devora_request_duration_seconds histogram\n");
        for (operation, entry) in operations.iter() {
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(entry.latency.buckets) {
                cumulative += count;
                let _ = writeln!(
                    out,
                    "devora_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let latency = &entry.latency;
            let _ = writeln!(
                out,
                "devora_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}",
                latency.count
            );
            let _ = writeln!(out, "devora_request_duration_seconds_sum{{operation=\"{operation}\"}} {}", latency.sum);
            let _ =
                writeln!(out, "devora_request_duration_seconds_count{{operation=\"{operation}\"}} {}", latency.count);
        }
        // The 429s of every operation, counted above already.
        let rate_limited: u64 = operations.values().filter_map(|entry| entry.statuses.get(&429)).sum();
        drop(operations);
        out.push_str("# HELP devora_rate_limited_total Requests refused with 429.\n");
        out.push_str("# TYPE devora_rate_limited_total counter\n");
        let _ = writeln!(out, "devora_rate_limited_total {rate_limited}");
        out.push_str("# HELP devora_cache_reads_total Reads of the Redis read cache, by scope and result.\n");
        out.push_str("# TYPE devora_cache_reads_total counter\n");
        for ((scope, result), count) in self.cache.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ =
                writeln!(out, "devora_cache_reads_total{{scope=\"{scope}\",result=\"{}\"}} {count}", result.label());
        }
        out.push_str("# HELP devora_generation_queue_depth Generation jobs waiting for a worker.\n");
        out.push_str("# TYPE devora_generation_queue_depth gauge\n");
        let _ = writeln!(out, "devora_generation_queue_depth {}", self.queue_depth.load(Ordering::Relaxed));
        out
    }
}

/// The middleware counting every answer.
pub async fn count(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let template = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let response = next.run(request).await;
    let operation = metrics.operation_of(&method, template.as_deref());
    metrics.record(&operation, response.status(), started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn serve(State(metrics): State<Metrics>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], metrics.render()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_counted_per_operation_in_cumulative_buckets() {
        let document =
            serde_json::json!({"paths": {"/api/v2/projects/{project_id}": {"get": {"operationId": "get_project"}}}});
        let metrics = Metrics::new(document.as_object().expect("an object"));
        let operation = metrics.operation_of("GET", Some("/api/v2/projects/{project_id}"));
        assert_eq!(operation, "get_project");
        assert_eq!(metrics.operation_of("GET", Some("/metrics")), "/metrics");
        assert_eq!(metrics.operation_of("GET", None), "unmatched");
        metrics.record(&operation, StatusCode::OK, 0.002);
        metrics.record(&operation, StatusCode::OK, 0.3);
        metrics.record(&operation, StatusCode::TOO_MANY_REQUESTS, 0.0001);
        metrics.cache("projects", CacheResult::Hit);
        metrics.set_queue_depth(3);
        let text = metrics.render();
        for line in [
            "devora_requests_total{operation=\"get_project\",status=\"200\"} 2",
            "devora_requests_total{operation=\"get_project\",status=\"429\"} 1",
            "devora_request_duration_seconds_bucket{operation=\"get_project\",le=\"0.001\"} 1",
            "devora_request_duration_seconds_bucket{operation=\"get_project\",le=\"0.0025\"} 2",
            "devora_request_duration_seconds_bucket{operation=\"get_project\",le=\"0.25\"} 2",
            "devora_request_duration_seconds_bucket{operation=\"get_project\",le=\"0.5\"} 3",
            "devora_request_duration_seconds_bucket{operation=\"get_project\",le=\"+Inf\"} 3",
            "devora_request_duration_seconds_count{operation=\"get_project\"} 3",
            "devora_rate_limited_total 1",
            "devora_cache_reads_total{scope=\"projects\",result=\"hit\"} 1",
            "devora_generation_queue_depth 3",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
        }
    }
}
