//! Phase 2: the definitions schemars collected on the request side and on the response side,
//! merged into one set of named schemas.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Generators;
use crate::error::{Error, Field, RustType};
use crate::model::{NamedSchema, SCHEMA_REF_PREFIX};
use crate::schema::{self, first_difference};

/// Named schemas by name, the renames of schemars' names on each side, and the problems found.
pub(super) type Merged = (BTreeMap<String, NamedSchema>, Renames, Vec<Error>);

/// Why a 128-bit integer is refused.
pub(super) const TOO_WIDE: &str = "128-bit integers cannot travel as JSON numbers; use a 64-bit integer or a string";

/// schemars' component names on each side mapped to their final names (only those that change):
/// generic types named after their arguments ([`super::schema_names`]), and request shapes that
/// differ from the response shape renamed `<name>Input`.
#[derive(Debug, Default)]
pub(super) struct Renames {
    pub(super) request: BTreeMap<String, String>,
    pub(super) response: BTreeMap<String, String>,
}

/// Merges the request-side and response-side definitions. A type whose two shapes differ is
/// split: the response side keeps the name, the request side becomes `<name>Input`, and so does
/// every request-side type that contains it.
pub(super) fn merge(mut generators: Generators) -> Merged {
    let mut problems = Vec::new();
    let (request_names, response_names) = (generators.request_names, generators.response_names);
    let mut request = renamed(generators.request.take_definitions(false), &request_names);
    let mut response = renamed(generators.response.take_definitions(false), &response_names);
    let mut rust_names = BTreeMap::new();
    for (names, renames) in
        [(generators.response_rust_names, &response_names), (generators.request_rust_names, &request_names)]
    {
        for (name, rust) in names {
            rust_names.entry(renames.get(&name).cloned().unwrap_or(name)).or_insert(rust);
        }
    }
    for (name, value) in request.iter_mut().chain(response.iter_mut()) {
        schema::close_tuples(value);
        for pointer in schema::apply_integer_policy(value) {
            problems.push(Error::Unrenderable {
                name: name.clone(),
                rust: RustType(rust_names.get(name).cloned()),
                field: Field::from_pointer(&pointer),
                pointer,
                reason: TOO_WIDE.into(),
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
            // schemars' request name → its own name → its `Input` name, when split.
            let unrenamed: Vec<(String, String)> = renames
                .iter()
                .filter(|(from, _)| !request_names.contains_key(*from))
                .map(|(from, to)| (from.clone(), to.clone()))
                .collect();
            let request = request_names
                .into_iter()
                .map(|(from, to)| {
                    let to = renames.get(&to).cloned().unwrap_or(to);
                    (from, to)
                })
                .chain(unrenamed)
                .collect();
            return (schemas, Renames { request, response: response_names }, problems);
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

/// Definitions keyed by their new names, their references renamed too.
fn renamed(definitions: serde_json::Map<String, Value>, renames: &BTreeMap<String, String>) -> BTreeMap<String, Value> {
    definitions
        .into_iter()
        .map(|(name, value)| (renames.get(&name).cloned().unwrap_or(name), rename_refs(&value, renames)))
        .collect()
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
