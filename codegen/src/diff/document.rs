//! How the diff reads a document: its operations indexed by method and path shape, and the
//! `$ref`s and JSON pointers every other part of the comparison follows and builds.

use std::collections::BTreeMap;

use serde_json::Value;

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
