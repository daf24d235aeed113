//! TypeScript types for the model's schemas and operations: a small type AST, lowered from JSON
//! Schema, printed by one printer.
//!
//! Mapping: `string`/`number`/`integer`/`boolean`/`null`; `const`/`enum` → literal unions;
//! `oneOf`/`anyOf` → unions (tagged enums become discriminated unions, their tag being a literal
//! property); `allOf` → intersections; arrays → `T[]`, `prefixItems` → tuples; objects → object
//! types where a required property is `name: T` and an optional one `name?: T` (correct under
//! `exactOptionalPropertyTypes`: the model only allows `null` where serde writes or reads it);
//! a map (`additionalProperties` schema without properties) → `Record<string, T>`. Integers are
//! `number`: the contract bounds them to ±(2^53 − 1).

use serde_json::Value;

use super::names;
use super::printer::{self, Writer};
use crate::schema::ref_name;

/// A TypeScript type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Named(String),
    Keyword(&'static str),
    Literal(Value),
    Array(Box<Type>),
    Tuple(Vec<Type>),
    Union(Vec<Type>),
    Intersection(Vec<Type>),
    Object(Vec<Property>),
    Record(Box<Type>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub name: String,
    pub optional: bool,
    pub ty: Type,
    pub doc: String,
}

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
        parts.push(Type::Named(names::type_name(name)));
    }
    if let Some(value) = object.get("const") {
        parts.push(Type::Literal(value.clone()));
    } else if let Some(Value::Array(values)) = object.get("enum") {
        parts.push(union(values.iter().map(|v| Type::Literal(v.clone())).collect()));
    } else if let Some(types) = types_of(object) {
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
    match parts.len() {
        0 => Type::Keyword("unknown"),
        1 => parts.pop().unwrap_or(Type::Keyword("unknown")),
        _ => Type::Intersection(parts),
    }
}

fn types_of(object: &serde_json::Map<String, Value>) -> Option<Vec<String>> {
    match object.get("type")? {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        _ => None,
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
                Some(additional) if additional.is_object() && properties.is_empty() => {
                    Type::Record(Box::new(lower(additional)))
                }
                Some(additional) if additional.is_object() => {
                    Type::Intersection(vec![Type::Object(properties), Type::Record(Box::new(Type::Keyword("unknown")))])
                }
                _ if properties.is_empty() && object.get("additionalProperties") != Some(&Value::Bool(false)) => {
                    Type::Record(Box::new(Type::Keyword("unknown")))
                }
                _ => Type::Object(properties),
            }
        }
        _ => Type::Keyword("unknown"),
    }
}

fn union(mut types: Vec<Type>) -> Type {
    types.dedup();
    if types.len() == 1 { types.pop().unwrap_or(Type::Keyword("never")) } else { Type::Union(types) }
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

/// Prints a type at `indent` (object members one level deeper).
pub fn print(ty: &Type, indent: &str) -> String {
    match ty {
        Type::Named(name) => name.clone(),
        Type::Keyword(keyword) => (*keyword).to_owned(),
        Type::Literal(value) => match value {
            Value::Object(_) | Value::Array(_) => "unknown".to_owned(),
            other => printer::json(other),
        },
        Type::Array(item) => match item.as_ref() {
            Type::Union(_) | Type::Intersection(_) => format!("({})[]", print(item, indent)),
            _ => format!("{}[]", print(item, indent)),
        },
        Type::Tuple(items) => format!("[{}]", items.iter().map(|t| print(t, indent)).collect::<Vec<_>>().join(", ")),
        Type::Union(types) => types.iter().map(|t| print(t, indent)).collect::<Vec<_>>().join(" | "),
        Type::Intersection(types) => types
            .iter()
            .map(|t| match t {
                Type::Union(_) => format!("({})", print(t, indent)),
                _ => print(t, indent),
            })
            .collect::<Vec<_>>()
            .join(" & "),
        Type::Record(value) => format!("Record<string, {}>", print(value, indent)),
        Type::Object(properties) => {
            if properties.is_empty() {
                return "{}".to_owned();
            }
            let inner = format!("{indent}  ");
            let mut out = String::from("{\n");
            for property in properties {
                out.push_str(&printer::doc(&property.doc, &inner));
                let mark = if property.optional { "?" } else { "" };
                out.push_str(&format!(
                    "{inner}{}{mark}: {};\n",
                    printer::property_key(&property.name),
                    print(&property.ty, &inner)
                ));
            }
            out.push_str(indent);
            out.push('}');
            out
        }
    }
}

/// Writes `export interface` (plain objects) or `export type` for a named schema.
pub fn declare(writer: &mut Writer, name: &str, schema: &Value) {
    writer.raw(&printer::doc(&doc_of(schema), ""));
    match lower(schema) {
        Type::Object(properties) => {
            writer.line(format!("export interface {name} {}", print(&Type::Object(properties), "")))
        }
        other => writer.line(format!("export type {name} = {};", print(&other, ""))),
    }
    writer.line("");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check(schema: Value, want: &str) {
        assert_eq!(print(&lower(&schema), ""), want);
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
