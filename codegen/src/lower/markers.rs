//! Phase 1b: what serde reads and writes that schemars cannot see, stated by the contract with
//! markers and turned into schema here, per direction.
//!
//! schemars ignores `#[serde(other)]` and `#[serde(alias)]`, and gives `Option<Option<T>>` the
//! schema of `Option<T>`. A contract states those with `#[schemars(extend("x-serde-…" = …))]`
//! next to the serde attribute; this phase rewrites the schema of each direction and removes the
//! markers, so none reaches an artifact:
//! - `"x-serde-other" = true` on the `#[serde(other)]` unit variant: a request may carry any tag
//!   but the other variants' (serde reads it as that variant); a response carries its own name.
//! - `"x-serde-alias" = ["old", …]` on a field with `#[serde(alias = "old")]`: a request carries
//!   exactly one of the names (at most one if the field may be absent); a response the field's name.
//! - `"x-serde-writes-null" = true` on an `Option<Option<T>>` field with
//!   `skip_serializing_if = "Option::is_none"`: serde leaves out `None` and writes `null` for
//!   `Some(None)`.
//!
//! And the rule that needs the last marker: in what serde writes, a property that may be left
//! out is never `null` (`Option` with `skip_serializing_if` is absent or a value), unless marked.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::parameters::strip_null;
use crate::schema::{self, SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS};

pub(super) const OTHER: &str = "x-serde-other";
pub(super) const ALIAS: &str = "x-serde-alias";
pub(super) const WRITES_NULL: &str = "x-serde-writes-null";

/// The direction a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    /// What serde reads (request bodies and parameters).
    Request,
    /// What serde writes (responses).
    Response,
}

/// A marker that cannot be applied: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Misplaced {
    pub pointer: String,
    pub reason: String,
}

/// Applies and removes every marker of `schema` for `side`, and (responses) drops the `null` of
/// properties that may be left out. Returns the markers that could not be applied.
pub(super) fn apply(schema: &mut Value, side: Side) -> Vec<Misplaced> {
    let mut found = Vec::new();
    visit(schema, &mut String::new(), side, &mut found);
    // Whatever is left was not where its rule looks for it (or is no marker this phase knows).
    schema::walk(schema, &mut String::new(), &mut |subschema, pointer| {
        for key in subschema.as_object().into_iter().flat_map(|o| o.keys()) {
            if key.starts_with("x-serde-") {
                found.push(Misplaced { pointer: pointer.to_owned(), reason: misplaced(key) });
            }
        }
    });
    let mut seen = BTreeSet::new();
    found.retain(|m| seen.insert((m.pointer.clone(), m.reason.clone())));
    found
}

fn misplaced(key: &str) -> String {
    match key {
        OTHER => format!(
            "`{OTHER}` marks the `#[serde(other)]` unit variant of an enum: a string tag, or an object variant with its tag"
        ),
        ALIAS => format!("`{ALIAS}` marks a field of a struct (`#[serde(alias = ...)]`)"),
        WRITES_NULL => {
            format!("`{WRITES_NULL}` marks an `Option<Option<T>>` field with `skip_serializing_if` of a struct")
        }
        other => format!("unknown marker `{other}`; the markers are `{OTHER}`, `{ALIAS}` and `{WRITES_NULL}`"),
    }
}

/// Children first, then the variants and properties of this schema.
fn visit(schema: &mut Value, pointer: &mut String, side: Side, found: &mut Vec<Misplaced>) {
    let Some(object) = schema.as_object_mut() else { return };
    for (key, value) in object.iter_mut() {
        let len = pointer.len();
        schema::push(pointer, key);
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            visit(value, pointer, side, found);
        } else if SCHEMA_ARRAY_KEYWORDS.contains(&key.as_str()) {
            for (index, item) in value.as_array_mut().into_iter().flatten().enumerate() {
                let len = pointer.len();
                schema::push(pointer, &index.to_string());
                visit(item, pointer, side, found);
                pointer.truncate(len);
            }
        } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str()) {
            for (name, item) in value.as_object_mut().into_iter().flatten() {
                let len = pointer.len();
                schema::push(pointer, name);
                visit(item, pointer, side, found);
                pointer.truncate(len);
            }
        }
        pointer.truncate(len);
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(keyword) {
            let at = schema::join(pointer, keyword);
            other_variant(branches, &at, side, found);
        }
    }
    for (field, reason) in aliases(object, side).into_iter().chain(omitted(object, side)) {
        let at = schema::join(&schema::join(pointer, "properties"), &field);
        found.push(Misplaced { pointer: at, reason });
    }
}

/// `x-serde-other` on a branch of the variants of an enum.
fn other_variant(branches: &mut [Value], pointer: &str, side: Side, found: &mut Vec<Misplaced>) {
    let Some(index) = branches.iter().position(|b| b.get(OTHER).is_some()) else { return };
    if let Some(object) = branches[index].as_object_mut() {
        object.shift_remove(OTHER);
    }
    if side == Side::Response {
        return;
    }
    let at = schema::join(pointer, &index.to_string());
    let tag = match branches[index].get("const") {
        Some(Value::String(_)) => None,
        _ => {
            let tags: Vec<String> = branches[index]
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, property)| property.get("const").is_some_and(Value::is_string))
                .map(|(name, _)| name.clone())
                .collect();
            match <[String; 1]>::try_from(tags) {
                Ok([tag]) => Some(tag),
                Err(_) => {
                    found.push(Misplaced { pointer: at, reason: misplaced(OTHER) });
                    return;
                }
            }
        }
    };
    let known: Vec<Value> = branches
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, branch)| match &tag {
            None => branch,
            Some(tag) => branch.pointer(&format!("/properties/{}", schema::escape(tag))).unwrap_or(&Value::Null),
        })
        .flat_map(|tag_schema| match (tag_schema.get("const"), tag_schema.get("enum")) {
            (Some(value), _) => vec![value.clone()],
            (None, Some(Value::Array(values))) => values.clone(),
            _ => Vec::new(),
        })
        .filter(Value::is_string)
        .collect();
    let target = match &tag {
        None => &mut branches[index],
        Some(tag) => match branches[index].pointer_mut(&format!("/properties/{}", schema::escape(tag))) {
            Some(target) => target,
            None => return,
        },
    };
    if let Some(object) = target.as_object_mut() {
        object.shift_remove("const");
        object.insert("type".into(), "string".into());
        if !known.is_empty() {
            object.insert("not".into(), json!({ "enum": known }));
        }
    }
}

/// `x-serde-alias` on the properties of an object: on the request side each alias is a property
/// of its own, and exactly one name (at most one for a field that may be absent) is present.
/// Returns the fields whose marker cannot be applied, with why.
fn aliases(object: &mut Map<String, Value>, side: Side) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let Some(Value::Object(properties)) = object.get_mut("properties") else { return problems };
    let mut aliased: Vec<(String, Vec<String>)> = Vec::new();
    for (name, property) in properties.iter_mut() {
        let Some(marker) = property.as_object_mut().and_then(|p| p.shift_remove(ALIAS)) else { continue };
        let names: Option<Vec<String>> = marker.as_array().and_then(|list| {
            list.iter().map(|n| n.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().filter(|l| !l.is_empty())
        });
        match names {
            Some(names) => aliased.push((name.clone(), names)),
            None => problems.push((name.clone(), format!("`{ALIAS}` must be a list of names, as in `[\"old_name\"]`"))),
        }
    }
    let taken: Vec<(String, String)> = aliased
        .iter()
        .flat_map(|(name, names)| names.iter().map(move |alias| (name, alias)))
        .filter(|(_, alias)| properties.contains_key(*alias))
        .map(|(name, alias)| (name.clone(), format!("alias `{alias}` is already the name of a field")))
        .collect();
    if !taken.is_empty() {
        problems.extend(taken);
        return problems;
    }
    if side == Side::Response || aliased.is_empty() {
        return problems;
    }
    for (name, names) in &aliased {
        let property = properties[name].clone();
        for alias in names {
            properties.insert(alias.clone(), property.clone());
        }
    }
    let required: Vec<String> = match object.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let mut constraints = Vec::new();
    for (name, names) in &aliased {
        let all: Vec<&String> = std::iter::once(name).chain(names).collect();
        constraints.push(if required.contains(name) {
            json!({ "oneOf": all.iter().map(|n| json!({ "required": [n] })).collect::<Vec<_>>() })
        } else {
            let pairs: Vec<Value> = all
                .iter()
                .enumerate()
                .flat_map(|(i, a)| all[i + 1..].iter().map(move |b| json!({ "required": [a, b] })))
                .collect();
            json!({ "not": { "anyOf": pairs } })
        });
    }
    let still: Vec<Value> =
        required.iter().filter(|n| !aliased.iter().any(|(name, _)| name == *n)).map(|n| json!(n)).collect();
    if still.is_empty() {
        object.shift_remove("required");
    } else {
        object.insert("required".into(), Value::Array(still));
    }
    match object.entry("allOf").or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(all_of) => all_of.extend(constraints),
        _ => problems.push((aliased[0].0.clone(), "the struct's `allOf` is not a list of schemas".into())),
    }
    problems
}

/// In what serde writes, a property that may be left out is never `null`, unless marked
/// `x-serde-writes-null`; the marker is removed on both sides. Returns the fields marked in vain.
fn omitted(object: &mut Map<String, Value>, side: Side) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let required: BTreeSet<String> = match object.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => BTreeSet::new(),
    };
    let Some(Value::Object(properties)) = object.get_mut("properties") else { return problems };
    for (name, property) in properties.iter_mut() {
        let marked = property.as_object_mut().and_then(|p| p.shift_remove(WRITES_NULL)).is_some();
        if side == Side::Request {
            continue;
        }
        if marked && required.contains(name) {
            problems.push((
                name.clone(),
                format!(
                    "serde always writes this field, so `{WRITES_NULL}` says nothing; it marks an `Option<Option<T>>` with `skip_serializing_if`"
                ),
            ));
        } else if !marked && !required.contains(name) {
            *property = strip_null(std::mem::take(property));
        }
    }
    problems
}
