//! Breaking-change detection between two OpenAPI documents (3.0 or 3.1, any mix).
//!
//! Operations are matched by method and path *shape* (`/a/{id}` and `/a/{key}` are one route), so
//! renaming a path parameter is not a removal. Schemas are compared **resolved**: `$ref`s are
//! followed on both sides and structures compared, so renaming, moving or inlining a schema
//! reports nothing. Every change is judged by direction: what a request accepts may only widen,
//! what a response returns may only narrow. A schema shared by several operations yields one
//! finding that lists them all. Pure: two JSON values in, a [`Report`] out.

pub mod render;
pub mod rules;
mod schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use rules::{Level, Rule};

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

/// An operation of one document.
struct Op<'a> {
    reference: OperationRef,
    path: &'a str,
    method: &'a str,
    value: &'a Value,
    /// Parameters declared on the path item, which every operation of it shares.
    shared_parameters: &'a [Value],
}

/// What a missing `responses` or `content` map reads as.
static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> = std::sync::LazyLock::new(serde_json::Map::new);

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn operations(document: &Value) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in document.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let item = resolve(document, item);
        let shared = item.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for method in METHODS {
            if let Some(value) = item.get(*method) {
                let reference = OperationRef {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    id: value.get("operationId").and_then(Value::as_str).map(str::to_owned),
                };
                out.insert(
                    (method.to_string(), path_shape(path)),
                    Op { reference, path, method, value, shared_parameters: shared },
                );
            }
        }
    }
    out
}

/// `/a/{x}/b` → `/a/{}/b`.
fn path_shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') && s.ends_with('}') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

/// Follows `$ref`s to local JSON pointers (`#/...`) until a value without one.
pub(crate) fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..64 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else { return value };
        // The common case, without building a pointer.
        if let Some(name) = reference.strip_prefix("#/components/schemas/").filter(|n| !n.contains(['/', '~', '%'])) {
            match document.get("components").and_then(|c| c.get("schemas")).and_then(|s| s.get(name)) {
                Some(target) => {
                    value = target;
                    continue;
                }
                None => return value,
            }
        }
        match reference.strip_prefix('#') {
            Some(pointer) => match document.pointer(&unescape_fragment(pointer)) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

fn unescape_fragment(pointer: &str) -> String {
    // URI fragments may percent-encode; documents here use plain JSON pointers.
    pointer.replace("%7B", "{").replace("%7D", "}")
}

/// Appends one escaped segment to a JSON pointer.
pub(crate) fn push(pointer: &str, segment: &str) -> String {
    crate::schema::join(pointer, segment)
}

/// Where a finding is.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    pub pointer: String,
    pub rust_type: Option<String>,
    pub field: Option<String>,
}

impl Location {
    fn operation(op: &Op<'_>) -> Self {
        Self { pointer: push(&push("#/paths", op.path), op.method), rust_type: None, field: None }
    }

    fn at(&self, segment: &str) -> Self {
        Self { pointer: push(&self.pointer, segment), ..self.clone() }
    }
}

/// Collects findings, merging the same change reached from several operations.
#[derive(Default)]
pub(crate) struct Collector {
    findings: BTreeMap<(&'static str, String, String, String), Finding>,
}

impl Collector {
    pub(crate) fn add(
        &mut self,
        operation: &OperationRef,
        rule: &'static Rule,
        location: &Location,
        old: Option<Value>,
        new: Option<Value>,
        message: String,
    ) {
        let key = (rule.id, location.pointer.clone(), json_key(&old), json_key(&new));
        let finding = self.findings.entry(key).or_insert_with(|| Finding {
            rule,
            operations: Vec::new(),
            pointer: location.pointer.clone(),
            rust_type: location.rust_type.clone(),
            field: location.field.clone(),
            old,
            new,
            message,
        });
        if !finding.operations.contains(operation) {
            finding.operations.push(operation.clone());
            finding.operations.sort();
        }
    }

    fn finish(self) -> Vec<Finding> {
        let order = |rule: &Rule| rules::ALL.iter().position(|r| r.id == rule.id).unwrap_or(usize::MAX);
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        findings.sort_by(|a, b| {
            (a.rule.level, order(a.rule), &a.pointer, &a.operations).cmp(&(
                b.rule.level,
                order(b.rule),
                &b.pointer,
                &b.operations,
            ))
        });
        findings
    }
}

fn json_key(value: &Option<Value>) -> String {
    value.as_ref().map(Value::to_string).unwrap_or_default()
}

fn compare_operation<'a>(engine: &mut schema::Engine<'a>, old: &Op<'a>, new: &Op<'a>, out: &mut Collector) {
    let (old_doc, new_doc) = (engine.old_doc, engine.new_doc);
    let op = &new.reference;
    let here = Location::operation(new);
    let (o, n) = (old.value, new.value);

    if old.reference.id != new.reference.id {
        out.add(
            op,
            rules::OPERATION_ID_CHANGED,
            &here.at("operationId"),
            old.reference.id.clone().map(Value::from),
            new.reference.id.clone().map(Value::from),
            "the operation id changed".into(),
        );
    }
    if o.get("deprecated") != Some(&Value::Bool(true)) && n.get("deprecated") == Some(&Value::Bool(true)) {
        out.add(
            op,
            rules::OPERATION_DEPRECATED,
            &here.at("deprecated"),
            None,
            Some(Value::Bool(true)),
            "the operation is deprecated".into(),
        );
    }

    // Security: an empty list (or none at all, with no document default) means public.
    let public = |doc: &Value, op: &Value| {
        let security = op.get("security").or_else(|| doc.get("security"));
        security
            .and_then(Value::as_array)
            .is_none_or(|s| s.is_empty() || s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())))
    };
    match (public(old_doc, o), public(new_doc, n)) {
        (true, false) => out.add(
            op,
            rules::SECURITY_ADDED,
            &here.at("security"),
            o.get("security").cloned(),
            n.get("security").cloned(),
            "the operation now requires credentials".into(),
        ),
        (false, true) => out.add(
            op,
            rules::SECURITY_REMOVED,
            &here.at("security"),
            o.get("security").cloned(),
            n.get("security").cloned(),
            "the operation no longer requires credentials".into(),
        ),
        _ => {}
    }
    let (old_role, new_role) = (o.get("x-required-role"), n.get("x-required-role"));
    if old_role != new_role {
        let rule = if new_role.is_some() { rules::ROLE_ADDED } else { rules::SECURITY_REMOVED };
        out.add(
            op,
            rule,
            &here.at("x-required-role"),
            old_role.cloned(),
            new_role.cloned(),
            "the required role changed".into(),
        );
    }

    let rate = |op: &Value| {
        let limit = op.pointer("/x-rate-limit/limit")?.as_f64()?;
        let window = op.pointer("/x-rate-limit/window_seconds")?.as_f64()?;
        Some(limit / window)
    };
    match (rate(o), rate(n)) {
        (Some(a), Some(b)) if b < a => out.add(
            op,
            rules::RATE_LIMIT_LOWERED,
            &here.at("x-rate-limit"),
            o.get("x-rate-limit").cloned(),
            n.get("x-rate-limit").cloned(),
            "fewer requests are allowed".into(),
        ),
        (None, Some(_)) => out.add(
            op,
            rules::RATE_LIMIT_LOWERED,
            &here.at("x-rate-limit"),
            None,
            n.get("x-rate-limit").cloned(),
            "the operation is now rate-limited".into(),
        ),
        (Some(a), Some(b)) if b > a => out.add(
            op,
            rules::RATE_LIMIT_RAISED,
            &here.at("x-rate-limit"),
            o.get("x-rate-limit").cloned(),
            n.get("x-rate-limit").cloned(),
            "more requests are allowed".into(),
        ),
        (Some(_), None) => out.add(
            op,
            rules::RATE_LIMIT_RAISED,
            &here.at("x-rate-limit"),
            o.get("x-rate-limit").cloned(),
            None,
            "the rate limit is gone".into(),
        ),
        _ => {}
    }

    compare_parameters(engine, old, new, &here, out);
    compare_request_body(engine, o, n, op, &here, out);
    compare_responses(engine, o, n, op, &here, out);
}

/// Parameters by location and name (header names ignore case); path parameters by position.
fn parameter_map<'a>(document: &'a Value, op: &Op<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut map = BTreeMap::new();
    let own = op.value.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut path_index = 0;
    let path_names: Vec<&str> =
        op.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
    for parameter in op.shared_parameters.iter().chain(own) {
        let parameter = resolve(document, parameter);
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let key = match location.as_str() {
            "header" => name.to_ascii_lowercase(),
            "path" => {
                let position = path_names.iter().position(|n| *n == name).unwrap_or_else(|| {
                    path_index += 1;
                    1000 + path_index
                });
                format!("#{position}")
            }
            _ => name.to_owned(),
        };
        map.insert((location, key), parameter);
    }
    map
}

fn compare_parameters<'a>(
    engine: &mut schema::Engine<'a>,
    old: &Op<'a>,
    new: &Op<'a>,
    here: &Location,
    out: &mut Collector,
) {
    let (old_doc, new_doc) = (engine.old_doc, engine.new_doc);
    let op = &new.reference;
    let old_params = parameter_map(old_doc, old);
    let new_params = parameter_map(new_doc, new);
    let required = |p: &Value| p.get("required") == Some(&Value::Bool(true));
    let name = |p: &Value| p.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    for (key, new_param) in &new_params {
        let location = here.at("parameters").at(&key.0).at(&name(new_param));
        match old_params.get(key) {
            None if required(new_param) => out.add(
                op,
                rules::PARAMETER_ADDED_REQUIRED,
                &location,
                None,
                Some(name(new_param).into()),
                format!("new required {} parameter `{}`", key.0, name(new_param)),
            ),
            None => out.add(
                op,
                rules::PARAMETER_ADDED,
                &location,
                None,
                Some(name(new_param).into()),
                format!("new optional {} parameter `{}`", key.0, name(new_param)),
            ),
            Some(old_param) => {
                if !required(old_param) && required(new_param) {
                    out.add(
                        op,
                        rules::PARAMETER_BECAME_REQUIRED,
                        &location,
                        Some(false.into()),
                        Some(true.into()),
                        format!("{} parameter `{}` became required", key.0, name(new_param)),
                    );
                }
                if let (Some(a), Some(b)) = (old_param.get("schema"), new_param.get("schema")) {
                    let location = Location { field: Some(name(new_param)), ..location.clone() };
                    engine.compare_root(a, b, schema::Direction::Request, &location, op, out);
                }
            }
        }
    }
    for (key, old_param) in &old_params {
        if !new_params.contains_key(key) {
            let location = here.at("parameters").at(&key.0).at(&name(old_param));
            out.add(
                op,
                rules::PARAMETER_REMOVED,
                &location,
                Some(name(old_param).into()),
                None,
                format!("{} parameter `{}` is gone", key.0, name(old_param)),
            );
        }
    }
}

fn compare_request_body<'a>(
    engine: &mut schema::Engine<'a>,
    o: &'a Value,
    n: &'a Value,
    op: &OperationRef,
    here: &Location,
    out: &mut Collector,
) {
    let (old_doc, new_doc) = (engine.old_doc, engine.new_doc);
    let old_body = o.get("requestBody").map(|b| resolve(old_doc, b));
    let new_body = n.get("requestBody").map(|b| resolve(new_doc, b));
    let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
    let location = here.at("requestBody");
    match (old_body, new_body) {
        (None, Some(body)) if required(body) => out.add(
            op,
            rules::REQUEST_BODY_ADDED_REQUIRED,
            &location,
            None,
            Some(true.into()),
            "the operation now requires a body".into(),
        ),
        (Some(old_body), Some(new_body)) => {
            if !required(old_body) && required(new_body) {
                out.add(
                    op,
                    rules::REQUEST_BODY_BECAME_REQUIRED,
                    &location,
                    Some(false.into()),
                    Some(true.into()),
                    "the body became required".into(),
                );
            }
            compare_content(engine, old_body, new_body, schema::Direction::Request, op, &location, out);
        }
        _ => {}
    }
}

fn compare_responses<'a>(
    engine: &mut schema::Engine<'a>,
    o: &'a Value,
    n: &'a Value,
    op: &OperationRef,
    here: &Location,
    out: &mut Collector,
) {
    let (old_doc, new_doc) = (engine.old_doc, engine.new_doc);
    let old_responses = o.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
    let new_responses = n.get("responses").and_then(Value::as_object).unwrap_or(&EMPTY);
    let is_success = |status: &str| status.starts_with('2');
    let statuses: BTreeSet<&String> = old_responses.keys().chain(new_responses.keys()).collect();
    for status in statuses {
        let location = here.at("responses").at(status);
        match (old_responses.get(status), new_responses.get(status)) {
            (Some(_), None) if is_success(status) => out.add(
                op,
                rules::SUCCESS_STATUS_REMOVED,
                &location,
                Some(status.as_str().into()),
                None,
                format!("status {status} is no longer answered"),
            ),
            (None, Some(_)) if is_success(status) => out.add(
                op,
                rules::STATUS_ADDED,
                &location,
                None,
                Some(status.as_str().into()),
                format!("status {status} is new"),
            ),
            (Some(_), None) | (None, Some(_)) if status.starts_with('4') || status.starts_with('5') => {
                let (old, new) = if old_responses.contains_key(status) {
                    (Some(status.as_str().into()), None)
                } else {
                    (None, Some(status.as_str().into()))
                };
                out.add(
                    op,
                    rules::ERROR_STATUS_CHANGED,
                    &location,
                    old,
                    new,
                    format!("error status {status} was added or removed"),
                )
            }
            (Some(a), Some(b)) => {
                let (a, b) = (resolve(old_doc, a), resolve(new_doc, b));
                compare_content(engine, a, b, schema::Direction::Response, op, &location, out);
            }
            _ => {}
        }
    }
}

fn compare_content<'a>(
    engine: &mut schema::Engine<'a>,
    old: &'a Value,
    new: &'a Value,
    direction: schema::Direction,
    op: &OperationRef,
    here: &Location,
    out: &mut Collector,
) {
    let old_content = old.get("content").and_then(Value::as_object).unwrap_or(&EMPTY);
    let new_content = new.get("content").and_then(Value::as_object).unwrap_or(&EMPTY);
    for (media, old_media) in old_content {
        let location = here.at("content").at(media);
        match new_content.get(media) {
            None => {
                let rule = match direction {
                    schema::Direction::Request => rules::REQUEST_MEDIA_TYPE_REMOVED,
                    schema::Direction::Response => rules::RESPONSE_MEDIA_TYPE_REMOVED,
                };
                out.add(op, rule, &location, Some(media.as_str().into()), None, format!("media type {media} is gone"));
            }
            Some(new_media) => {
                if let (Some(a), Some(b)) = (old_media.get("schema"), new_media.get("schema")) {
                    engine.compare_root(a, b, direction, &location.at("schema"), op, out);
                }
            }
        }
    }
}
