//! What a schema says, read once into [`Facts`]: references followed, `allOf` merged, a single
//! non-null `oneOf`/`anyOf` branch unwrapped, and the OpenAPI 3.0 spellings (`nullable`, boolean
//! exclusive bounds, lookahead-joined patterns) made the same as 2020-12, so the comparison never
//! has to care which flavour a document is written in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::document::resolve;

#[cfg(test)]
mod tests {
    #[test]
    fn lookahead_patterns_split_into_their_parts() {
        assert_eq!(super::split_lookaheads("^(?=[\\s\\S]*(?:[A-Z]))(?=[\\s\\S]*(?:a(b)c))"), vec!["[A-Z]", "a(b)c"]);
        assert_eq!(super::split_lookaheads("^[a-z]+$"), vec!["^[a-z]+$"]);
        assert_eq!(super::split_lookaheads("^(?=[\\s\\S]*(?:[)]))x"), vec!["^(?=[\\s\\S]*(?:[)]))x"]);
    }
}

/// What a schema says, with OpenAPI 3.0 and 2020-12 spellings made one.
#[derive(Default)]
pub(super) struct Facts<'a> {
    /// The component the facts come from, when one reference supplied them.
    pub(super) component: Option<String>,
    /// `None`: any type.
    pub(super) types: Option<BTreeSet<String>>,
    pub(super) nullable: bool,
    pub(super) enumeration: Option<Vec<Value>>,
    pub(super) properties: Vec<(String, &'a Value)>,
    pub(super) required: BTreeSet<String>,
    /// `Some(false)` closed, `Some(schema)` a map, `None` open.
    pub(super) additional: Option<&'a Value>,
    pub(super) items: Option<&'a Value>,
    /// What a string's content is (`contentSchema`: an event stream's JSON `data`).
    pub(super) content_schema: Option<&'a Value>,
    pub(super) variants: Vec<&'a Value>,
    pub(super) bounds: BTreeMap<&'static str, f64>,
    /// Every `pattern` that applies (from `allOf` members too); all must match.
    pub(super) patterns: BTreeSet<String>,
    pub(super) format: Option<&'a str>,
    pub(super) unique: bool,
    /// Every `not` that applies (from `allOf` members too), as JSON text: what is refused.
    pub(super) nots: BTreeSet<String>,
}

pub(super) const LOWER_BOUNDS: &[&str] = &["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
const UPPER_BOUNDS: &[&str] = &["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];

fn is_null_schema(schema: &Value) -> bool {
    crate::schema::is_null_type(schema) || schema.get("enum").is_some_and(|e| e == &Value::Array(vec![Value::Null]))
}

/// Reads the facts of `schema` (whose own `$ref`, if any, is already resolved) in `document`.
pub(super) fn facts<'a>(document: &'a Value, schema: &'a Value) -> Facts<'a> {
    let mut facts = Facts::default();
    add_facts(document, schema, &mut facts, 0);
    if facts.types.is_none() && !facts.variants.is_empty() {
        // A union without a `type` of its own is of its branches' types: `oneOf` of two objects
        // that becomes a string changed type, it did not narrow from "any type".
        facts.types = union_types(document, &facts.variants, 0);
    }
    if let Some(types) = &mut facts.types {
        if facts.nullable {
            types.insert("null".into());
        }
        if types.contains("number") {
            types.remove("integer");
        }
    }
    if let Some(values) = &mut facts.enumeration
        && values.iter().any(Value::is_null)
    {
        facts.nullable = true;
        values.retain(|v| !v.is_null());
        if let Some(types) = &mut facts.types {
            types.insert("null".into());
        }
    }
    facts
}

fn add_facts<'a>(document: &'a Value, schema: &'a Value, facts: &mut Facts<'a>, depth: usize) {
    if let Some(name) = component_name(schema) {
        facts.component.get_or_insert(name);
    }
    let schema = resolve(document, schema);
    let Some(object) = schema.as_object() else { return };
    if depth > 16 {
        return;
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        facts.nullable = true;
    }
    if let Some(types) = crate::schema::Types::of(schema) {
        intersect_types(facts, types.iter().map(str::to_owned).collect());
    }
    if let Some(value) = object.get("const") {
        facts.enumeration = Some(vec![value.clone()]);
    } else if let Some(Value::Array(values)) = object.get("enum") {
        facts.enumeration = Some(values.clone());
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (name, property) in properties {
            if !facts.properties.iter().any(|(n, _)| n == name) {
                facts.properties.push((name.clone(), property));
            }
        }
    }
    if let Some(Value::Array(names)) = object.get("required") {
        facts.required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for keyword in ["additionalProperties", "unevaluatedProperties"] {
        if let Some(value) = object.get(keyword)
            && value != &Value::Bool(true)
            && value.as_object().is_none_or(|o| !o.is_empty())
        {
            facts.additional.get_or_insert(value);
        }
    }
    if let Some(items) = object.get("items") {
        facts.items.get_or_insert(items);
    }
    if let Some(content) = object.get("contentSchema") {
        facts.content_schema.get_or_insert(content);
    }
    for keyword in LOWER_BOUNDS.iter().chain(UPPER_BOUNDS).chain(&["multipleOf"]) {
        if let Some(number) = object.get(*keyword).and_then(Value::as_f64) {
            facts.bounds.insert(keyword, number);
        }
    }
    // OpenAPI 3.0: boolean exclusive bounds qualify minimum/maximum.
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if object.get(flag) == Some(&Value::Bool(true))
            && let Some(value) = facts.bounds.remove(bound)
        {
            facts
                .bounds
                .insert(if flag == "exclusiveMinimum" { "exclusiveMinimum" } else { "exclusiveMaximum" }, value);
        }
    }
    if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
        facts.patterns.extend(split_lookaheads(pattern));
    }
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        facts.format.get_or_insert(format);
    }
    if object.get("uniqueItems") == Some(&Value::Bool(true)) {
        facts.unique = true;
    }
    if let Some(not) = object.get("not") {
        facts.nots.insert(resolve(document, not).to_string());
    }
    if let Some(Value::Array(members)) = object.get("allOf") {
        for member in members {
            add_facts(document, member, facts, depth + 1);
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            let kept: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(resolve(document, b))).collect();
            if kept.len() < branches.len() {
                facts.nullable = true;
            }
            if kept.len() == 1 {
                add_facts(document, kept[0], facts, depth + 1);
            } else {
                facts.variants.extend(kept);
            }
        }
    }
}

/// The types the branches of a union take together; `None` (any type) when a branch says none.
fn union_types(document: &Value, branches: &[&Value], depth: usize) -> Option<BTreeSet<String>> {
    let mut union = BTreeSet::new();
    for branch in branches {
        let mut facts = Facts::default();
        add_facts(document, branch, &mut facts, depth + 1);
        let types = match facts.types {
            Some(types) => types,
            None if !facts.variants.is_empty() && depth < 8 => union_types(document, &facts.variants, depth + 1)?,
            None => return None,
        };
        union.extend(types);
        if facts.nullable {
            union.insert("null".to_owned());
        }
    }
    Some(union)
}

fn intersect_types(facts: &mut Facts<'_>, types: BTreeSet<String>) {
    facts.types = Some(match facts.types.take() {
        Some(existing) => existing.intersection(&types).cloned().collect(),
        None => types,
    });
}

/// The parts of a pattern of the form `^(?=[\s\S]*(?:P1))(?=[\s\S]*(?:P2))…` (how the OpenAPI 3.0
/// rendering writes several patterns that must all match), or the pattern itself.
fn split_lookaheads(pattern: &str) -> Vec<String> {
    const OPEN: &str = "(?=[\\s\\S]*(?:";
    let Some(mut rest) = pattern.strip_prefix('^') else { return vec![pattern.to_owned()] };
    let mut parts = Vec::new();
    while let Some(inner) = rest.strip_prefix(OPEN) {
        // Find the `)` closing `(?:`, skipping escapes and character classes.
        let bytes = inner.as_bytes();
        let (mut depth, mut i, mut class) = (0usize, 0usize, false);
        let end = loop {
            match bytes.get(i) {
                None => return vec![pattern.to_owned()],
                Some(b'\\') => i += 1,
                Some(b'[') if !class => class = true,
                Some(b']') if class => class = false,
                Some(b'(') if !class => depth += 1,
                Some(b')') if !class && depth == 0 => break i,
                Some(b')') if !class => depth -= 1,
                _ => {}
            }
            i += 1;
        };
        parts.push(inner[..end].to_owned());
        match inner[end..].strip_prefix("))") {
            Some(after) => rest = after,
            None => return vec![pattern.to_owned()],
        }
    }
    if rest.is_empty() && !parts.is_empty() { parts } else { vec![pattern.to_owned()] }
}

fn component_name(schema: &Value) -> Option<String> {
    let reference = schema.get("$ref")?.as_str()?;
    let name = reference.strip_prefix("#/components/schemas/").or_else(|| reference.strip_prefix("#/$defs/"))?;
    Some(crate::schema::unescape(name).into_owned())
}
