//! Phase 5: schema names, and every schema test-rendered in OpenAPI 3.0 so that emitters cannot fail.

use std::collections::BTreeMap;

use crate::error::{Error, Field, RustType};
use crate::model::{NamedSchema, Operation};
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
