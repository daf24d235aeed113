//! `types`: TypeScript types for the model's schemas and operations, lowered from JSON Schema
//! into [`Type`] trees (printed by `printer`). The validators and the client name these types.
//! Beside each string enum type `X`, its values as `XValues`, a readonly tuple whose items are `X`
//! (the module's only JavaScript).
//!
//! Mapping: `string`/`number`/`integer`/`boolean`/`null`; `const`/`enum` → literal unions;
//! `oneOf`/`anyOf` → unions (tagged enums become discriminated unions, their tag being a literal
//! property); `allOf` → intersections; arrays → `T[]`, `prefixItems` → tuples; objects → object
//! types where a required property is `name: T` and an optional one `name?: T` (correct under
//! `exactOptionalPropertyTypes`: the model only allows `null` where serde writes or reads it);
//! a map (`additionalProperties` schema without properties) → `Record<string, T>`, and properties
//! beside other keys (a flattened map) → `{ … } & Record<string, T | …>`, the index type being
//! the union of the other keys' type and every property's type (TypeScript checks declared
//! properties against the index signature). Integers are
//! `number`: the contract bounds them to ±(2^53 − 1).

use serde_json::Value;

use super::ast::{Expr, Property, Stmt, Type};
use super::operation::{Inputs, located};
use crate::model::{Location, Model, Parameter};
use crate::names::{self, Names};
use crate::schema::{Types, ref_name};

/// The TypeScript type of a JSON Schema value (references point at `#/components/schemas/`).
pub fn lower(schema: &Value) -> Type {
    let object = match schema {
        Value::Bool(true) => return Type::Keyword("unknown"),
        Value::Bool(false) => return Type::Keyword("never"),
        Value::Object(object) => object,
        _ => return Type::Keyword("unknown"),
    };
    let mut parts = Vec::new();
    if let Some(name) = object.get("$ref").and_then(Value::as_str).and_then(ref_name) {
        parts.push(Type::Named(names::ts_type(name)));
    }
    if let Some(value) = object.get("const") {
        parts.push(Type::Literal(value.clone()));
    } else if let Some(Value::Array(values)) = object.get("enum") {
        parts.push(union(values.iter().map(|v| Type::Literal(v.clone())).collect()));
    } else if let Some(types) = Types::of(schema) {
        parts.push(union(types.iter().map(|t| lower_type(t, object)).collect()));
    } else if object.contains_key("properties") || object.contains_key("additionalProperties") {
        parts.push(lower_type("object", object));
    } else if object.contains_key("items") || object.contains_key("prefixItems") {
        parts.push(lower_type("array", object));
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            parts.push(union(branches.iter().map(lower).collect()));
        }
    }
    if let Some(Value::Array(members)) = object.get("allOf") {
        parts.extend(members.iter().map(lower));
    }
    // `unknown` adds nothing to an intersection (an `allOf` member that only constrains, say).
    if parts.len() > 1 {
        parts.retain(|part| *part != Type::Keyword("unknown"));
    }
    match parts.len() {
        0 => Type::Keyword("unknown"),
        1 => parts.pop().unwrap_or(Type::Keyword("unknown")),
        _ => Type::Intersection(parts),
    }
}

fn lower_type(t: &str, object: &serde_json::Map<String, Value>) -> Type {
    match t {
        "string" => Type::Keyword("string"),
        "integer" | "number" => Type::Keyword("number"),
        "boolean" => Type::Keyword("boolean"),
        "null" => Type::Keyword("null"),
        "array" => {
            if let Some(Value::Array(prefix)) = object.get("prefixItems") {
                Type::Tuple(prefix.iter().map(lower).collect())
            } else {
                Type::Array(Box::new(object.get("items").map_or(Type::Keyword("unknown"), lower)))
            }
        }
        "object" => {
            let required: Vec<&str> = object
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let properties: Vec<Property> = object
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, schema)| Property {
                    name: name.clone(),
                    optional: !required.contains(&name.as_str()),
                    ty: lower(schema),
                    doc: doc_of(schema),
                })
                .collect();
            match object.get("additionalProperties") {
                Some(Value::Bool(false)) => Type::Object(properties),
                Some(additional) if properties.is_empty() => Type::Record(Box::new(lower(additional))),
                // Other keys (a flattened map): an index signature every declared property fits.
                Some(additional) => {
                    let types: Vec<Type> =
                        std::iter::once(lower(additional)).chain(properties.iter().map(|p| p.ty.clone())).collect();
                    let unknown = Type::Keyword("unknown");
                    let others = if types.contains(&unknown) { unknown } else { union(types) };
                    Type::Intersection(vec![Type::Object(properties), Type::Record(Box::new(others))])
                }
                None if properties.is_empty() => Type::Record(Box::new(Type::Keyword("unknown"))),
                None => Type::Object(properties),
            }
        }
        _ => Type::Keyword("unknown"),
    }
}

/// The union of `types`, each once, in order.
fn union(types: Vec<Type>) -> Type {
    let mut once: Vec<Type> = Vec::with_capacity(types.len());
    for ty in types {
        if !once.contains(&ty) {
            once.push(ty);
        }
    }
    if once.len() == 1 { once.pop().unwrap_or(Type::Keyword("never")) } else { Type::Union(once) }
}

/// The JSDoc text of a schema: its description, then tags for what a type cannot say.
pub fn doc_of(schema: &Value) -> String {
    let Some(object) = schema.as_object() else { return String::new() };
    let mut lines = Vec::new();
    if let Some(description) = object.get("description").and_then(Value::as_str) {
        lines.push(description.to_owned());
    }
    let mut tags = Vec::new();
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        tags.push(format!("@format {format}"));
    }
    for keyword in [
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "default",
    ] {
        if let Some(value) = object.get(keyword) {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            tags.push(format!("@{keyword} {shown}"));
        }
    }
    if let Some(Value::Array(all)) = object.get("allOf") {
        for member in all {
            if let (Some(pattern), Some(description)) =
                (member.get("pattern").and_then(Value::as_str), member.get("description").and_then(Value::as_str))
            {
                tags.push(format!("@pattern {pattern} ({description})"));
            }
        }
    }
    if object.get("deprecated") == Some(&Value::Bool(true)) {
        tags.push("@deprecated".into());
    }
    if object.get("writeOnly") == Some(&Value::Bool(true)) {
        tags.push("@writeOnly".into());
    }
    if !tags.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(tags);
    }
    lines.join("\n")
}

/// The values of a string enum, in order: a schema whose type is a union of string literals.
pub fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let members = match lower(schema) {
        Type::Union(members) => members,
        literal @ Type::Literal(_) => vec![literal],
        _ => return None,
    };
    members
        .into_iter()
        .map(|member| match member {
            Type::Literal(Value::String(value)) => Some(value),
            _ => None,
        })
        .collect()
}

/// `export const XValues: readonly ["a", "b"] = ["a", "b"];` for the string enum `X`.
fn enum_values(name: &str, values: Vec<String>) -> [Stmt; 3] {
    let ty = Type::Readonly(Box::new(Type::Tuple(values.iter().map(|v| Type::Literal(v.as_str().into())).collect())));
    let array = Expr::Array(values.into_iter().map(Expr::Str).collect());
    [
        Stmt::Doc(format!("The values of `{name}`, in the contract's order (the options of a `<select>`, say).")),
        Stmt::const_typed(&names::ts_enum_values(name), ty, array).export(),
        Stmt::Blank,
    ]
}

/// The declaration of a named schema: `export interface` for a plain object, `export type`
/// otherwise, after its JSDoc and before a blank line.
pub fn declare(name: &str, schema: &Value) -> [Stmt; 3] {
    let declaration = match lower(schema) {
        Type::Object(members) => Stmt::Interface { name: name.to_owned(), members },
        ty => Stmt::TypeAlias { name: name.to_owned(), ty },
    };
    [Stmt::Doc(doc_of(schema)), declaration.export(), Stmt::Blank]
}

/// `types`: one declaration per named schema (and the values of each string enum), then per
/// operation its parameters, what a call sends and the answers by status.
pub(super) fn emit(model: &Model, names: &Names) -> Vec<Stmt> {
    let mut out = vec![
        Stmt::Comment(
            "Types of the contract's schemas and operations. Integers are `number`: the contract bounds\n\
             them to ±(2^53 - 1), which JavaScript numbers hold exactly."
                .into(),
        ),
        Stmt::Blank,
    ];
    for (name, named) in &model.schemas {
        out.extend(declare(names.ts_type(name), &named.schema));
        if let Some(values) = string_enum(&named.schema) {
            out.extend(enum_values(names.ts_type(name), values));
        }
    }
    for operation in &model.operations {
        let prefix = names.ts_prefix(operation);
        let title = format!("`{}` ({} {})", operation.id, operation.method.as_str().to_uppercase(), operation.path);
        let inputs = Inputs::of(operation);
        let mut interface = |suffix: &str, doc: String, members: Vec<Property>| {
            out.push(Stmt::Doc(doc));
            out.push(Stmt::Interface { name: format!("{prefix}{suffix}"), members }.export());
            out.push(Stmt::Blank);
        };
        if inputs.path {
            let members = parameters(&located(operation, Location::Path));
            interface("PathParams", format!("Path parameters of {title}."), members);
        }
        if inputs.query.is_some() {
            let members = parameters(&located(operation, Location::Query));
            interface("Query", format!("Query parameters of {title}."), members);
        }
        if inputs.headers.is_some() {
            let mut members = parameters(&located(operation, Location::Header));
            if operation.etag {
                members.push(Property {
                    name: "If-None-Match".into(),
                    optional: true,
                    ty: Type::Keyword("string"),
                    doc:
                        "The `ETag` of a representation the client holds; the answer is `304` when it is still current."
                            .into(),
                });
            }
            interface("Headers", format!("Request headers of {title}."), members);
        }
        let part =
            |name: &str, optional: bool, ty: Type| Property { name: name.into(), optional, ty, doc: String::new() };
        let mut request = Vec::new();
        if inputs.path {
            request.push(part("path", false, Type::named(format!("{prefix}PathParams"))));
        }
        if let Some(required) = inputs.query {
            request.push(part("query", !required, Type::named(format!("{prefix}Query"))));
        }
        if let Some(required) = inputs.headers {
            request.push(part("headers", !required, Type::named(format!("{prefix}Headers"))));
        }
        if let (Some(required), Some(body)) = (inputs.body, &operation.body) {
            request.push(part("body", !required, body_type(&body.body.schema, &body.body.media_type)));
        }
        if !request.is_empty() {
            interface("Request", format!("What a call of {title} sends."), request);
        }
        let answer = |status: Type, body: Type| {
            Type::Row(vec![
                part("status", false, status),
                part("body", false, body),
                part("headers", false, Type::named("Headers")),
            ])
        };
        let mut members: Vec<Type> = operation
            .responses
            .iter()
            .map(|response| {
                let body =
                    response.body.as_ref().map_or(Type::Keyword("undefined"), |b| body_type(&b.schema, &b.media_type));
                answer(Type::Literal(response.status.into()), body)
            })
            .collect();
        if operation.etag {
            members.push(answer(Type::Literal(304.into()), Type::Keyword("undefined")));
        }
        if !operation.errors.is_empty() {
            let statuses = operation.errors.iter().map(|e| Type::Literal(e.status.into())).collect();
            members.push(answer(Type::Union(statuses), Type::named(names.ts_type(&model.problem).to_owned())));
        }
        out.push(Stmt::Doc(format!("The answers of {title}, by status.")));
        out.push(Stmt::UnionAlias { name: format!("{prefix}Response"), members }.export());
        out.push(Stmt::Blank);
    }
    out
}

/// The members of a parameters type (`PathParams`, `Query`, `Headers`).
fn parameters(parameters: &[&Parameter]) -> Vec<Property> {
    parameters
        .iter()
        .map(|p| Property {
            name: p.name.clone(),
            optional: !p.required,
            ty: lower(&p.schema),
            doc: [p.description.clone().unwrap_or_default(), doc_of(&p.schema)]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n"),
        })
        .collect()
}

/// The type of a request or response body: its schema's for JSON, `string` otherwise.
/// An event stream's is the `AsyncIterable` of its events that the client's method answers.
pub(super) fn body_type(schema: &Value, media_type: &str) -> Type {
    if media_type == contract::EVENT_STREAM {
        Type::generic("AsyncIterable", vec![lower(schema)])
    } else if media_type.contains("json") {
        lower(schema)
    } else {
        Type::Keyword("string")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typescript::printer::print_type;
    use serde_json::json;

    #[track_caller]
    fn check(schema: Value, want: &str) {
        assert_eq!(print_type(&lower(&schema), ""), want);
    }

    #[test]
    fn table() {
        check(json!({"type": ["string", "null"]}), "string | null");
        check(json!({"type": "string", "enum": ["a", "b"]}), "\"a\" | \"b\"");
        check(json!({"$ref": "#/components/schemas/A"}), "A");
        check(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}), "A | null");
        check(json!({"type": "array", "items": {"type": ["integer", "null"]}}), "(number | null)[]");
        check(json!({"type": "object", "additionalProperties": {"type": "boolean"}}), "Record<string, boolean>");
        check(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}), "[string, number]");
        check(
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b-c": {"type": "integer"}}, "required": ["a"]}),
            "{\n  a: string;\n  \"b-c\"?: number;\n}",
        );
        check(
            json!({"oneOf": [{"type": "object", "properties": {"t": {"const": "x"}}, "required": ["t"]}, {"type": "string", "const": "y"}]}),
            "{\n  t: \"x\";\n} | \"y\"",
        );
        check(json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}), "A & B");
        check(json!(true), "unknown");
        check(json!({}), "unknown");
    }

    #[test]
    fn docs() {
        assert_eq!(
            doc_of(&json!({"description": "A name.", "minLength": 1, "format": "email", "deprecated": true})),
            "A name.\n\n@format email\n@minLength 1\n@deprecated"
        );
    }
}
