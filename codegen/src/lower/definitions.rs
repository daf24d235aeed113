//! Phase 2: the definitions schemars collected on the request side and on the response side,
//! merged into one set of named schemas.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Generators;
use crate::error::{Error, Field, RustType};
use crate::model::{NamedSchema, SCHEMA_REF_PREFIX};
use crate::schema::{self, first_difference};

/// Named schemas by name, and the request-side renames (`name` → `<name>Input`).
pub(super) type Merged = (BTreeMap<String, NamedSchema>, BTreeMap<String, String>, Vec<Error>);

/// Merges the request-side and response-side definitions. A type whose two shapes differ is
/// split: the response side keeps the name, the request side becomes `<name>Input`, and so does
/// every request-side type that contains it. Returns the request-side renames.
pub(super) fn merge(mut generators: Generators) -> Merged {
    let mut problems = Vec::new();
    let rust_names = generators.rust_names;
    let mut request = generators.request.take_definitions(false);
    let mut response = generators.response.take_definitions(false);
    for (name, value) in request.iter_mut().chain(response.iter_mut()) {
        for pointer in schema::apply_integer_policy(value) {
            problems.push(Error::Unrenderable {
                name: name.clone(),
                rust: RustType(rust_names.get(name).cloned()),
                field: Field::from_pointer(&pointer),
                pointer,
                reason: "128-bit integers cannot travel as JSON numbers; use a 64-bit integer or a string".into(),
            });
        }
    }

    // Split until no shared name has two shapes (renaming a type changes the types holding it).
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let renamed: BTreeMap<String, Value> = request
            .iter()
            .map(|(name, value)| {
                (renames.get(name).cloned().unwrap_or_else(|| name.clone()), rename_refs(value, &renames))
            })
            .collect();
        let differing: Vec<String> = renamed
            .iter()
            .filter(|(name, value)| response.get(name.as_str()).is_some_and(|other| other != *value))
            .map(|(name, _)| name.clone())
            .collect();
        if differing.is_empty() {
            let mut schemas: BTreeMap<String, NamedSchema> = BTreeMap::new();
            for (name, value) in renamed {
                let original =
                    renames.iter().find(|(_, to)| **to == name).map_or(name.as_str(), |(from, _)| from.as_str());
                let rust_type = rust_names.get(original).cloned();
                schemas.insert(name, NamedSchema { schema: value, rust_type, in_request: true, in_response: false });
            }
            for (name, value) in response {
                match schemas.get_mut(&name) {
                    Some(existing) => existing.in_response = true,
                    None => {
                        let rust_type = rust_names.get(&name).cloned();
                        schemas.insert(
                            name,
                            NamedSchema { schema: value, rust_type, in_request: false, in_response: true },
                        );
                    }
                }
            }
            return (schemas, renames, problems);
        }
        for name in differing {
            let input = format!("{name}Input");
            if request.contains_key(&input) || response.contains_key(&input) {
                let (pointer, detail) = first_difference(&request[&name], &response[&name]).unwrap_or_default();
                problems.push(Error::ShapesDiffer {
                    name: name.clone(),
                    rust: RustType(rust_names.get(&name).cloned()),
                    pointer,
                    detail,
                    input,
                });
                // Keep the response shape for both sides so lowering can go on and report more.
                request.insert(name.clone(), response[&name].clone());
            } else {
                renames.insert(name, input);
            }
        }
    }
}

/// `schema` with references to the keys of `renames` pointed at their new names.
pub(super) fn rename_refs(schema: &Value, renames: &BTreeMap<String, String>) -> Value {
    let mut schema = schema.clone();
    if renames.is_empty() {
        return schema;
    }
    schema::walk_mut(&mut schema, &mut |subschema| {
        if let Some(Value::String(reference)) = subschema.get_mut("$ref")
            && let Some(to) = schema::ref_name(reference).and_then(|name| renames.get(name))
        {
            *reference = format!("{SCHEMA_REF_PREFIX}{to}");
        }
    });
    schema
}
