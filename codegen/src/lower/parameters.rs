//! Phase 3: parameter structs spread into parameters (scalars, or arrays of scalars in the query).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Pending;
use super::definitions::{Renames, rename_refs};
use crate::error::Error;
use crate::model::{Location, NamedSchema, Operation, Parameter, Parameters};
use crate::schema::{self, Types, as_ref_name};

/// Finishes a pending operation once the definitions are merged: references renamed on both
/// sides, each parameter struct spread into its parameters.
pub(super) fn spread(
    pending: Pending,
    renames: &Renames,
    schemas: &BTreeMap<String, NamedSchema>,
) -> (Operation, Vec<Error>) {
    let Pending { mut operation, params } = pending;
    let mut problems = Vec::new();
    if let Some(body) = &mut operation.body {
        body.body.schema = rename_refs(&body.body.schema, &renames.request);
    }
    for body in operation.responses.iter_mut().filter_map(|response| response.body.as_mut()) {
        body.schema = rename_refs(&body.schema, &renames.response);
    }
    for (location, rust_type, schema) in params {
        let schema = rename_refs(&schema, &renames.request);
        let lowered = lower_parameters(&operation, location, &rust_type, &schema, schemas, &mut problems);
        match location {
            Location::Path => operation.path_params = lowered,
            Location::Query => operation.query = lowered,
            Location::Header => operation.headers = lowered,
        }
    }
    (operation, problems)
}

fn lower_parameters(
    operation: &Operation,
    location: Location,
    rust_type: &str,
    schema: &Value,
    schemas: &BTreeMap<String, NamedSchema>,
    problems: &mut Vec<Error>,
) -> Option<Parameters> {
    let where_ = location.as_str();
    let not_object = |reason: &str| Error::ParamsNotObject {
        operation: operation.id.clone(),
        location: where_,
        rust_type: rust_type.to_owned(),
        reason: reason.to_owned(),
    };
    let resolved = resolve(schema, schemas);
    let Some(object) = resolved.as_object() else {
        problems.push(not_object("its schema is not an object"));
        return None;
    };
    if object.contains_key("oneOf") || object.contains_key("anyOf") {
        problems.push(not_object("an enum cannot be spread into parameters"));
        return None;
    }
    let (properties, required) = collect_properties(object, schemas);
    if properties.is_empty() {
        problems.push(not_object("it has no fields"));
        return None;
    }
    let mut params = Vec::new();
    for (name, property) in properties {
        let mut property = property.clone();
        schema::apply_integer_policy(&mut property);
        let mut description = None;
        let mut deprecated = false;
        if let Some(object) = property.as_object_mut() {
            description = object.shift_remove("description").and_then(|d| d.as_str().map(str::to_owned));
            deprecated = object.shift_remove("deprecated").is_some_and(|d| d == true);
        }
        let property = strip_null(property);
        if let Err(reason) = check_parameter_schema(&property, location, schemas) {
            problems.push(Error::UnsupportedParam {
                operation: operation.id.clone(),
                location: where_,
                field: name.clone(),
                rust_type: rust_type.to_owned(),
                reason,
            });
        }
        let is_required = required.contains(&name);
        if location == Location::Path && !is_required {
            problems.push(Error::OptionalPathParam {
                operation: operation.id.clone(),
                field: name.clone(),
                rust_type: rust_type.to_owned(),
            });
        }
        params.push(Parameter { name, location, required: is_required, description, deprecated, schema: property });
    }
    Some(Parameters { rust_type: rust_type.to_owned(), params })
}

/// Follows one `$ref` to a component schema, if `schema` is one.
fn resolve<'a>(schema: &'a Value, schemas: &'a BTreeMap<String, NamedSchema>) -> &'a Value {
    as_ref_name(schema).and_then(|name| schemas.get(name)).map(|named| &named.schema).unwrap_or(schema)
}

/// The properties and required names of an object schema, including those of `allOf` members
/// (what `#[serde(flatten)]` of a struct produces).
fn collect_properties<'a>(
    object: &'a Map<String, Value>,
    schemas: &'a BTreeMap<String, NamedSchema>,
) -> (Vec<(String, &'a Value)>, BTreeSet<String>) {
    let mut properties = Vec::new();
    let mut required = BTreeSet::new();
    if let Some(Value::Object(own)) = object.get("properties") {
        properties.extend(own.iter().map(|(k, v)| (k.clone(), v)));
    }
    if let Some(Value::Array(names)) = object.get("required") {
        required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::Array(members)) = object.get("allOf") {
        for member in members {
            if let Some(member) = resolve(member, schemas).as_object() {
                let (more, more_required) = collect_properties(member, schemas);
                properties.extend(more);
                required.extend(more_required);
            }
        }
    }
    (properties, required)
}

/// Removes the `null` alternative of an `Option` field: a parameter is absent, never null.
pub(super) fn strip_null(mut schema: Value) -> Value {
    if let Some(object) = schema.as_object_mut() {
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let single = types[0].clone();
                object.insert("type".into(), single);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                let kept: Vec<Value> = branches.iter().filter(|b| !schema::is_null_type(b)).cloned().collect();
                if kept.len() == 1 && branches.len() == 2 {
                    object.shift_remove(keyword);
                    let single = kept.into_iter().next().unwrap_or_default();
                    if let Value::Object(branch) = single {
                        for (key, value) in branch {
                            object.entry(key).or_insert(value);
                        }
                    }
                }
            }
        }
        if let Some(Value::Array(values)) = object.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
    schema
}

/// Parameters are scalars, or (in the query) arrays of scalars.
fn check_parameter_schema(
    schema: &Value,
    location: Location,
    schemas: &BTreeMap<String, NamedSchema>,
) -> Result<(), String> {
    let resolved = resolve(schema, schemas);
    let types: Vec<&str> = match Types::of(resolved) {
        Some(types) => types.iter().collect(),
        None if resolved.get("enum").is_some() || resolved.get("const").is_some() => vec!["string"],
        // A unit enum whose variants carry doc comments: a `oneOf` of documented constants.
        None if let Some(types) = Types::of_constants(resolved) => types.iter().collect(),
        None => return Err("its schema has no `type`; parameters must be strings, numbers, booleans or enums".into()),
    };
    for t in types {
        match t {
            "string" | "integer" | "number" | "boolean" | "null" => {}
            "array" if location == Location::Query => {
                let items = resolved.get("items").ok_or("an array parameter needs an item type")?;
                check_parameter_schema(items, Location::Header, schemas).map_err(|e| format!("its items: {e}"))?;
            }
            other => return Err(format!("type `{other}` cannot be a {} parameter", location.as_str())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_null_of_options() {
        assert_eq!(strip_null(serde_json::json!({"type": ["string", "null"]})), serde_json::json!({"type": "string"}));
        assert_eq!(
            strip_null(serde_json::json!({"anyOf": [{"$ref": "#/components/schemas/R"}, {"type": "null"}]})),
            serde_json::json!({"$ref": "#/components/schemas/R"})
        );
    }
}
