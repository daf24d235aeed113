//! Breaking-change detection between two OpenAPI documents (3.0 or 3.1, any mix).
//!
//! Operations are matched by method and path *shape* (`/a/{id}` and `/a/{key}` are one route), so
//! renaming a path parameter is not a removal. Schemas are compared **resolved**: `$ref`s are
//! followed on both sides and structures compared, so renaming, moving or inlining a schema
//! reports nothing. Every change is judged by direction: what a request accepts may only widen,
//! what a response returns may only narrow. A schema shared by several operations yields one
//! finding that lists them all. Pure: two JSON values in, a [`Report`] out.

mod collector;
mod document;
mod facts;
mod keywords;
mod operations;
pub mod render;
pub mod rules;
mod schema;

use serde_json::Value;

pub use rules::{Level, Rule};

use collector::{Collector, Location};
use document::operations;
use operations::compare_operation;

/// An operation a finding affects.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationRef {
    pub method: String,
    pub path: String,
    pub id: Option<String>,
}

impl std::fmt::Display for OperationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        Ok(())
    }
}

/// One change, judged by a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Every operation that reaches the change, sorted.
    pub operations: Vec<OperationRef>,
    /// Where in the *old* document (the new one for additions), as a JSON pointer fragment.
    pub pointer: String,
    /// The Rust type of the schema the change is in, when the document names it (`x-rust-path`).
    pub rust_type: Option<String>,
    /// The property the change is in, if any.
    pub field: Option<String>,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// What changed, in words.
    pub message: String,
}

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub old_version: String,
    pub new_version: String,
    /// Sorted by level, then catalog order, then pointer.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.rule.level == level).count()
    }

    /// The major part of `info.version` went up (`1.4.0` → `2.0.0`): breaking changes are announced.
    pub fn major_bumped(&self) -> bool {
        match (major(&self.old_version), major(&self.new_version)) {
            (Some(old), Some(new)) => new > old,
            _ => false,
        }
    }

    /// Whether the report should fail a build that tolerates nothing at or above `threshold`.
    pub fn fails(&self, threshold: Option<Level>) -> bool {
        match threshold {
            None => false,
            Some(_) if self.major_bumped() => false,
            Some(threshold) => self.findings.iter().any(|f| f.rule.level <= threshold),
        }
    }
}

fn major(version: &str) -> Option<u64> {
    version.trim_start_matches('v').split('.').next()?.parse().ok()
}

/// Why two documents cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("the {side} document is not OpenAPI 3.0 or 3.1: {reason}")]
    NotOpenApi { side: &'static str, reason: String },
}

/// Compares two OpenAPI documents.
pub fn diff(old: &Value, new: &Value) -> Result<Report, DiffError> {
    let old_version = check_document(old, "old")?;
    let new_version = check_document(new, "new")?;
    let (old, new) = (&document::normalized(old), &document::normalized(new));
    let mut collector = Collector::default();
    let mut engine = schema::Engine::new(old, new);
    let old_ops = operations(old);
    let new_ops = operations(new);
    for (key, old_op) in &old_ops {
        match new_ops.get(key) {
            Some(new_op) => compare_operation(&mut engine, old_op, new_op, &mut collector),
            None => {
                let rule = if old_op.value.get("deprecated") == Some(&Value::Bool(true)) {
                    rules::DEPRECATED_OPERATION_REMOVED
                } else {
                    rules::OPERATION_REMOVED
                };
                collector.add(
                    &old_op.reference,
                    rule,
                    &Location::operation(old_op),
                    None,
                    None,
                    "the operation is gone".into(),
                );
            }
        }
    }
    for (key, new_op) in &new_ops {
        if !old_ops.contains_key(key) {
            collector.add(
                &new_op.reference,
                rules::OPERATION_ADDED,
                &Location::operation(new_op),
                None,
                None,
                "a new operation".into(),
            );
        }
    }
    Ok(Report { old_version, new_version, findings: collector.finish() })
}

fn check_document(document: &Value, side: &'static str) -> Result<String, DiffError> {
    let not = |reason: &str| DiffError::NotOpenApi { side, reason: reason.into() };
    let version = document.get("openapi").and_then(Value::as_str).ok_or_else(|| not("it has no `openapi` field"))?;
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(not(&format!("its version is {version}")));
    }
    if !document.get("paths").is_none_or(Value::is_object) {
        return Err(not("`paths` is not an object"));
    }
    Ok(document.pointer("/info/version").and_then(Value::as_str).unwrap_or_default().to_owned())
}
