//! Emits one self-contained JSON Schema 2020-12 document per named type: the type at the root and
//! every type it reaches under `$defs`, references rewritten to `#/$defs/<name>` (`#` for the root).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::Model;
use crate::schema::{Bundle, Components, bundle};

pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema document of every named type, by name.
pub fn emit(model: &Model, comment: &str) -> BTreeMap<String, Value> {
    emit_with(model, comment, |document| document)
}

/// Like [`emit`], turning each document into `T` as soon as it is built (so that a caller that
/// renders text never holds every document tree at once).
pub fn emit_with<T>(model: &Model, comment: &str, mut finish: impl FnMut(Value) -> T) -> BTreeMap<String, T> {
    model.schemas.keys().map(|name| (name.clone(), finish(document(name, &model.schemas, comment)))).collect()
}

/// The standalone document of `name`.
pub fn document(name: &str, schemas: &impl Components, comment: &str) -> Value {
    let Bundle { root, defs } = bundle(schemas.schema(name).unwrap_or(&Value::Bool(true)), Some(name), schemas);
    let mut out = Map::new();
    out.insert("$schema".into(), DIALECT.into());
    out.insert("$comment".into(), comment.into());
    out.insert("title".into(), name.into());
    match root {
        Value::Object(object) => {
            for (key, value) in object {
                out.entry(key).or_insert(value);
            }
        }
        Value::Bool(true) => {}
        // `false`, or a value that is no schema: nothing is valid.
        _ => {
            out.insert("not".into(), Value::Object(Map::new()));
        }
    }
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(out)
}
