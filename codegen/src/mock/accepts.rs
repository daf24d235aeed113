//! Whether a value satisfies a schema, for the keywords that decide which generated value to keep:
//! types, constants, objects, arrays, string lengths (in code points) and patterns, numeric bounds,
//! `allOf`/`anyOf`/`oneOf`/`not`. Formats are not checked here (the generator only writes values
//! it knows to be valid), nor are `if`, `contains`, `patternProperties` and `dependent*`; the
//! package's own validators, run over every mock by the tests, are the judge.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::schema::{Components, Types, as_ref_name};

pub(super) fn accepts(components: &impl Components, schema: &Value, value: &Value) -> bool {
    let Some(object) = schema.as_object() else { return schema.as_bool().unwrap_or(true) };
    let get = |key: &str| object.get(key);
    if let Some(name) = as_ref_name(schema) {
        match components.schema(name) {
            Some(target) if accepts(components, target, value) => {}
            _ => return false,
        }
    }
    if Types::of(schema).is_some_and(|types| !types.iter().any(|ty| has_type(value, ty))) {
        return false;
    }
    if get("const").is_some_and(|constant| constant != value) {
        return false;
    }
    if get("enum").and_then(Value::as_array).is_some_and(|values| !values.contains(value)) {
        return false;
    }
    let all = |key: &str| get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let matching = |key: &str| all(key).iter().filter(|branch| accepts(components, branch, value)).count();
    if matching("allOf") != all("allOf").len()
        || (!all("anyOf").is_empty() && matching("anyOf") == 0)
        || (!all("oneOf").is_empty() && matching("oneOf") != 1)
        || get("not").is_some_and(|not| accepts(components, not, value))
    {
        return false;
    }
    let number = |key: &str| get(key).and_then(Value::as_f64);
    let count = |key: &str| crate::schema::count(get(key)).map(|n| n as usize);
    match value {
        Value::String(text) => {
            let length = text.chars().count();
            count("minLength").is_none_or(|min| length >= min)
                && count("maxLength").is_none_or(|max| length <= max)
                && get("pattern").and_then(Value::as_str).is_none_or(|pattern| matches(pattern, text))
        }
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            number("minimum").is_none_or(|min| n >= min)
                && number("maximum").is_none_or(|max| n <= max)
                && number("exclusiveMinimum").is_none_or(|min| n > min)
                && number("exclusiveMaximum").is_none_or(|max| n < max)
                && number("multipleOf").is_none_or(|m| (n / m).fract() == 0.0)
        }
        Value::Array(items) => {
            let prefix = all("prefixItems");
            count("minItems").is_none_or(|min| items.len() >= min)
                && count("maxItems").is_none_or(|max| items.len() <= max)
                && items.iter().zip(prefix).all(|(item, schema)| accepts(components, schema, item))
                && get("items")
                    .is_none_or(|schema| items.iter().skip(prefix.len()).all(|item| accepts(components, schema, item)))
                && (get("uniqueItems") != Some(&Value::Bool(true))
                    || items.iter().enumerate().all(|(i, item)| !items[..i].contains(item)))
        }
        Value::Object(members) => {
            let properties = get("properties").and_then(Value::as_object);
            let evaluated = get("unevaluatedProperties").map(|_| evaluated(components, schema, value));
            all("required").iter().filter_map(Value::as_str).all(|name| members.contains_key(name))
                && count("minProperties").is_none_or(|min| members.len() >= min)
                && count("maxProperties").is_none_or(|max| members.len() <= max)
                && members.iter().all(|(key, member)| match properties.and_then(|p| p.get(key)) {
                    Some(schema) => accepts(components, schema, member),
                    None => get("additionalProperties").is_none_or(|extra| accepts(components, extra, member)),
                })
                && get("unevaluatedProperties").is_none_or(|extra| {
                    members.iter().all(|(key, member)| {
                        evaluated.as_ref().is_some_and(|names| names.contains(key))
                            || accepts(components, extra, member)
                    })
                })
        }
        _ => true,
    }
}

/// The member names a schema evaluates in `value`: its `properties` (and every member when it has
/// `additionalProperties`), and those of its reference, `allOf` members and the `oneOf`/`anyOf`
/// branches that accept the value.
fn evaluated(components: &impl Components, schema: &Value, value: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Some(object) = schema.as_object() else { return names };
    if object.contains_key("additionalProperties") {
        names.extend(value.as_object().into_iter().flat_map(|members| members.keys().cloned()));
    }
    names.extend(object.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys().cloned()));
    if let Some(target) = as_ref_name(schema).and_then(|name| components.schema(name)) {
        names.extend(evaluated(components, target, value));
    }
    for (key, all) in [("allOf", true), ("oneOf", false), ("anyOf", false)] {
        for branch in object.get(key).and_then(Value::as_array).into_iter().flatten() {
            if all || accepts(components, branch, value) {
                names.extend(evaluated(components, branch, value));
            }
        }
    }
    names
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// Whether `pattern` (ECMA-262, with the `u` flag the validators use) finds a match in `text`.
pub(super) fn matches(pattern: &str, text: &str) -> bool {
    regress::Regex::with_flags(&crate::typescript::validator::unicode_safe(pattern), "u")
        .is_ok_and(|regex| regex.find(text).is_some())
}
