//! The comparison of one operation matched in both documents: its id, deprecation, security, role
//! and rate limit, then its parameters, request body and responses, whose schemas go to the
//! schema engine.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::collector::{Collector, Location};
use super::document::{Op, resolve};
use super::{OperationRef, rules, schema};

/// What a missing `responses` or `content` map reads as.
static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> = std::sync::LazyLock::new(serde_json::Map::new);

pub(super) fn compare_operation<'a>(engine: &mut schema::Engine<'a>, old: &Op<'a>, new: &Op<'a>, out: &mut Collector) {
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
