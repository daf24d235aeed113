//! Phase 5: schema names, and every schema test-rendered in OpenAPI 3.0 so that emitters cannot fail.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Field, Language, RustType};
use crate::model::{NamedSchema, Operation};
use crate::rust_client::typify_names;
use crate::schema::as_ref_name;
use crate::schema30;

/// Invalid schema names (collisions are found earlier, from schemars' ids), and schemas (named or inline bodies) OpenAPI 3.0 cannot render.
pub(super) fn check_schemas(schemas: &BTreeMap<String, NamedSchema>, operations: &[Operation]) -> Vec<Error> {
    let mut found = Vec::new();
    for name in schemas.keys() {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            found.push(Error::InvalidSchemaName { name: name.clone() });
        }
    }
    for (name, named) in schemas {
        let rust = RustType(named.rust_type.clone());
        if typify_names::type_name(name) == "String" {
            found.push(Error::NameClash {
                language: Language::Rust,
                name: "String".into(),
                first: "the standard library's `String`, which the Rust client uses".into(),
                second: format!("schema `{name}`{rust}"),
            });
        }
        client_names(name, &rust, &named.schema, &mut found);
        if let Err(problems) = schema30::downgrade(&named.schema) {
            for problem in problems {
                found.push(Error::Unrenderable {
                    name: name.clone(),
                    rust: RustType(named.rust_type.clone()),
                    field: Field::from_pointer(&problem.pointer),
                    pointer: problem.pointer,
                    reason: problem.reason,
                });
            }
        }
    }
    for operation in operations {
        let inline = operation
            .body
            .iter()
            .map(|b| &b.body)
            .chain(operation.responses.iter().filter_map(|r| r.body.as_ref()))
            .filter(|b| as_ref_name(&b.schema).is_none());
        for body in inline {
            if let Err(problems) = schema30::downgrade(&body.schema) {
                for problem in problems {
                    found.push(Error::Unrenderable {
                        name: format!("body of `{}`", operation.id),
                        rust: RustType(Some(body.rust_type.clone())),
                        field: Field::from_pointer(&problem.pointer),
                        pointer: problem.pointer,
                        reason: problem.reason,
                    });
                }
            }
        }
    }
    found
}

/// The fields and enum values of `schema` (the schema `name`) that the Rust client (progenitor,
/// through typify) would give one name: two fields of one name do not compile, and two variants of
/// one name make progenitor panic.
fn client_names(name: &str, rust: &RustType, schema: &Value, found: &mut Vec<Error>) {
    crate::schema::walk(schema, &mut String::new(), &mut |subschema, pointer| {
        let mut refuse = |reason: String| {
            found.push(Error::Unrenderable {
                name: name.to_owned(),
                rust: rust.clone(),
                pointer: if pointer.is_empty() { "/".to_owned() } else { pointer.to_owned() },
                field: Field::from_pointer(pointer),
                reason,
            });
        };
        if let Some(Value::Object(properties)) = subschema.get("properties") {
            let fields: Vec<&str> = properties.keys().map(String::as_str).collect();
            let names: Vec<String> = fields.iter().map(|f| typify_names::field(f)).collect();
            for (rust_name, sharing) in typify_names::clashes(&fields, &names) {
                refuse(format!(
                    "the Rust client would name the fields {} all `{rust_name}`; rename all but one",
                    quoted(&sharing)
                ));
            }
        }
        if let Some(Value::Array(values)) = subschema.get("enum") {
            let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            for (rust_name, sharing) in typify_names::variant_clashes(&values).unwrap_or_default() {
                refuse(format!(
                    "the Rust client would name the values {} all `{rust_name}`; rename all but one",
                    quoted(&sharing)
                ));
            }
        }
    });
}

fn quoted(items: &[&str]) -> String {
    items.iter().map(|item| format!("{item:?}")).collect::<Vec<_>>().join(", ")
}
