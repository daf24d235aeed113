//! How the diff reads a document: its operations indexed by method and path shape, the `$ref`s
//! and JSON pointers every other part of the comparison follows and builds, and the spellings of
//! one meaning brought to one form ([`normalized`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::OperationRef;

/// An operation of one document.
pub(super) struct Op<'a> {
    pub(super) reference: OperationRef,
    pub(super) path: &'a str,
    pub(super) method: &'a str,
    pub(super) value: &'a Value,
    /// Parameters declared on the path item, which every operation of it shares.
    pub(super) shared_parameters: &'a [Value],
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub(super) fn operations(document: &Value) -> BTreeMap<(String, String), Op<'_>> {
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
pub(super) fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
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

/// Keywords a branch of a choice of constants may carry besides its value: annotations, and a
/// `type` that the value already implies.
const CONSTANT_BRANCH: &[&str] = &["const", "enum", "type", "title", "description", "deprecated", "$comment"];

/// Values that are data, not schemas: never rewritten.
const DATA: &[&str] = &["example", "examples", "default", "const", "enum"];

/// `document` with one spelling per meaning, so that re-spelling a schema reports nothing: a
/// `oneOf`/`anyOf` whose every branch is one constant (schemars writes a unit enum so when its
/// variants have doc comments) becomes the `enum` of those constants.
pub(super) fn normalized(document: &Value) -> Value {
    let mut document = document.clone();
    normalize(&mut document);
    document
}

fn normalize(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if !DATA.contains(&key.as_str()) {
                    normalize(child);
                }
            }
            constants_to_enum(object);
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}

fn constants_to_enum(object: &mut Map<String, Value>) {
    if object.contains_key("enum") || object.contains_key("const") {
        return;
    }
    let Some(keyword) = ["oneOf", "anyOf"].into_iter().find(|k| object.contains_key(*k)) else { return };
    let Some(Value::Array(branches)) = object.get(keyword) else { return };
    let mut values = Vec::new();
    for branch in branches {
        let Some(branch) = branch.as_object() else { return };
        if !branch.keys().all(|k| CONSTANT_BRANCH.contains(&k.as_str())) {
            return;
        }
        match (branch.get("const"), branch.get("enum")) {
            (Some(value), None) => values.push(value.clone()),
            (None, Some(Value::Array(one))) if one.len() == 1 => values.push(one[0].clone()),
            _ => return,
        }
    }
    let Some(types) = crate::schema::Types::of_constant_branches(branches) else { return };
    let mut types: Vec<Value> = types.iter().map(|t| Value::String(t.to_owned())).collect();
    object.shift_remove(keyword);
    object.insert("enum".into(), Value::Array(values));
    if !object.contains_key("type") {
        let t = if types.len() == 1 { types.remove(0) } else { Value::Array(types) };
        object.insert("type".into(), t);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::normalized;

    #[test]
    fn a_choice_of_documented_constants_is_an_enum() {
        let documented = json!({"description": "Where a job is.", "oneOf": [
            {"type": "string", "const": "pending", "description": "Waiting."},
            {"type": "string", "enum": ["done"], "description": "Done."}
        ]});
        assert_eq!(
            normalized(&documented),
            json!({"description": "Where a job is.", "enum": ["pending", "done"], "type": "string"})
        );
        let mixed = json!({"anyOf": [{"const": 1}, {"const": "a"}]});
        assert_eq!(normalized(&mixed), json!({"enum": [1, "a"], "type": ["integer", "string"]}));
        for kept in [
            json!({"oneOf": [{"const": "a"}, {"type": "object"}]}),
            json!({"oneOf": [{"const": "a", "minLength": 3}]}),
            json!({"example": {"oneOf": [{"const": "a"}]}}),
        ] {
            assert_eq!(normalized(&kept), kept, "not a choice of constants");
        }
    }
}
