//! Rewrites a JSON Schema 2020-12 value as an OpenAPI 3.0 Schema Object.
//!
//! | 2020-12 | OpenAPI 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T`, `nullable: true` |
//! | `type: [A, B]` | `anyOf` of each type |
//! | `anyOf`/`oneOf` of one schema and `{type: null}` | that schema with `nullable: true` |
//! | `anyOf`/`oneOf` of several and `{type: null}` | the same, the null branch `{enum: [null], nullable: true}` |
//! | `const: v` | `enum: [v]` |
//! | `examples: [a, ...]` | `example: a` |
//! | numeric `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` (same for maximum) |
//! | `$ref` beside other keywords | `allOf: [{$ref}]` beside them (3.0 ignores `$ref` siblings) |
//! | `true` / `false` | `{}` / `{not: {}}` |
//! | `prefixItems: [A, B]` (a tuple) | `items: {anyOf: [A, B]}` (each distinct item schema once); the bounds stay |
//!
//! Assertions 3.0 lacks (`unevaluatedProperties`, `patternProperties`, `propertyNames`,
//! `dependentRequired`, `dependentSchemas`, `contains`, `if`/`then`/`else`, ...) are dropped:
//! the 3.0 rendering accepts a superset of what the contract accepts. A tuple is such a superset
//! too: an array of any of its item types, of its exact length (`minItems` = `maxItems`). Keywords
//! that would change the *shape* (`$defs`, `$id`, `$anchor`, `$dynamicRef`) cannot be rendered and
//! are reported as errors.

use serde_json::{Map, Value, json};

use crate::schema::push;

/// Keywords dropped from 3.0 output (assertions or annotations 3.0 does not have).
const DROPPED: &[&str] = &[
    "$schema",
    "$comment",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

/// Keywords that change the meaning so much that dropping them would be wrong.
const UNRENDERABLE: &[(&str, &str)] = &[
    ("$defs", "nested `$defs` have no OpenAPI 3.0 form"),
    ("$id", "`$id` has no OpenAPI 3.0 form"),
    ("$anchor", "`$anchor` has no OpenAPI 3.0 form"),
    ("$dynamicRef", "`$dynamicRef` has no OpenAPI 3.0 form"),
    ("$dynamicAnchor", "`$dynamicAnchor` has no OpenAPI 3.0 form"),
];

/// A schema that cannot be rendered: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unrenderable {
    pub pointer: String,
    pub reason: String,
}

/// Converts `schema`, or lists every place that cannot be converted.
pub fn downgrade(schema: &Value) -> Result<Value, Vec<Unrenderable>> {
    let mut problems = Vec::new();
    let converted = convert(schema, &mut String::new(), &mut problems);
    if problems.is_empty() { Ok(converted) } else { Err(problems) }
}

fn convert(schema: &Value, pointer: &mut String, problems: &mut Vec<Unrenderable>) -> Value {
    let object = match schema {
        Value::Bool(true) => return json!({}),
        Value::Bool(false) => return json!({ "not": {} }),
        Value::Object(object) => object,
        other => {
            problems.push(Unrenderable { pointer: pointer.clone(), reason: format!("`{other}` is not a schema") });
            return json!({});
        }
    };
    let mut out = Map::new();
    let mut nullable = false;
    for (key, value) in object {
        let len = pointer.len();
        push(pointer, key);
        match key.as_str() {
            k if DROPPED.contains(&k) => {}
            k if UNRENDERABLE.iter().any(|(name, _)| *name == k) => {
                let reason = UNRENDERABLE.iter().find(|(name, _)| *name == k).map(|(_, r)| *r).unwrap_or_default();
                problems.push(Unrenderable { pointer: pointer.clone(), reason: reason.to_owned() });
            }
            "type" => match value {
                Value::Array(types) => {
                    let mut kept: Vec<&Value> = Vec::new();
                    for t in types {
                        if t == "null" {
                            nullable = true;
                        } else {
                            kept.push(t);
                        }
                    }
                    match kept.as_slice() {
                        [] => {
                            out.insert("enum".into(), json!([null]));
                        }
                        [single] => {
                            out.insert("type".into(), (*single).clone());
                        }
                        several => {
                            let branches: Vec<Value> = several.iter().map(|t| json!({ "type": t })).collect();
                            out.insert("anyOf".into(), Value::Array(branches));
                        }
                    }
                }
                Value::String(t) if t == "null" => {
                    nullable = true;
                    out.insert("enum".into(), json!([null]));
                }
                other => {
                    out.insert("type".into(), other.clone());
                }
            },
            "const" => {
                if value.is_null() {
                    nullable = true;
                }
                out.insert("enum".into(), json!([value]));
            }
            "enum" => {
                if value.as_array().is_some_and(|values| values.iter().any(Value::is_null)) {
                    nullable = true;
                }
                out.insert("enum".into(), value.clone());
            }
            "examples" => {
                if let Some(first) = value.as_array().and_then(|values| values.first()) {
                    out.insert("example".into(), first.clone());
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let bound = if key == "exclusiveMinimum" { "minimum" } else { "maximum" };
                if let Some(number) = value.as_f64() {
                    let tighter = match object.get(bound).and_then(Value::as_f64) {
                        Some(inclusive) if key == "exclusiveMinimum" => number >= inclusive,
                        Some(inclusive) => number <= inclusive,
                        None => true,
                    };
                    if tighter {
                        out.insert(bound.into(), value.clone());
                        out.insert(key.clone(), Value::Bool(true));
                    }
                }
            }
            "minimum" | "maximum" => {
                // An exclusive bound of the same side that is tighter wins (see above).
                let exclusive = if key == "minimum" { "exclusiveMinimum" } else { "exclusiveMaximum" };
                let shadowed = match (object.get(exclusive).and_then(Value::as_f64), value.as_f64()) {
                    (Some(ex), Some(inclusive)) if key == "minimum" => ex >= inclusive,
                    (Some(ex), Some(inclusive)) => ex <= inclusive,
                    _ => false,
                };
                if !shadowed {
                    out.insert(key.clone(), value.clone());
                }
            }
            "anyOf" | "oneOf" => {
                let branches = value.as_array().map(Vec::as_slice).unwrap_or_default();
                let is_null = |branch: &&Value| {
                    crate::schema::is_null_type(branch) && branch.as_object().is_some_and(|o| o.len() == 1)
                };
                let mut kept = Vec::new();
                // Only an `Option` (one other branch) folds its `null` into `nullable`: typify
                // renders a nullable union of several as a newtype named like its own content.
                let option = branches.iter().filter(|b| !is_null(b)).count() == 1;
                for (index, branch) in branches.iter().enumerate() {
                    if option && is_null(&branch) {
                        nullable = true;
                        continue;
                    }
                    let len = pointer.len();
                    push(pointer, &index.to_string());
                    kept.push(convert(branch, pointer, problems));
                    pointer.truncate(len);
                }
                if kept.len() == 1 && kept.len() < branches.len() {
                    // `Option<T>`: inline the one branch (a `$ref` stays under allOf below).
                    let single = kept.pop().unwrap_or_default();
                    merge_single(&mut out, single);
                } else if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            }
            "allOf" => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                let converted: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let len = pointer.len();
                        push(pointer, &index.to_string());
                        let c = convert(item, pointer, problems);
                        pointer.truncate(len);
                        c
                    })
                    .collect();
                append_all_of(&mut out, converted);
            }
            "prefixItems" => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                let mut branches: Vec<Value> = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    push(pointer, &index.to_string());
                    let converted = convert(item, pointer, problems);
                    pointer.truncate(len);
                    if !branches.contains(&converted) {
                        branches.push(converted);
                    }
                }
                // Items past the prefix, when the tuple is open, may be anything `items` allows.
                match object.get("items") {
                    Some(Value::Bool(false)) => {}
                    Some(rest @ Value::Object(_)) => {
                        let mut at = pointer[..len].to_owned();
                        push(&mut at, "items");
                        let converted = convert(rest, &mut at, problems);
                        if !branches.contains(&converted) {
                            branches.push(converted);
                        }
                    }
                    _ => branches.push(json!({})),
                }
                let items = match branches.len() {
                    1 => branches.pop().unwrap_or_default(),
                    _ if branches.contains(&json!({})) => json!({}),
                    _ => json!({ "anyOf": branches }),
                };
                out.insert("items".into(), items);
            }
            "items" if object.contains_key("prefixItems") => {}
            "items" | "additionalProperties" | "not" => {
                if key == "additionalProperties" && value.is_boolean() {
                    out.insert(key.clone(), value.clone());
                } else {
                    out.insert(key.clone(), convert(value, pointer, problems));
                }
            }
            "properties" => {
                let mut properties = Map::new();
                for (name, property) in value.as_object().into_iter().flatten() {
                    let len = pointer.len();
                    push(pointer, name);
                    properties.insert(name.clone(), convert(property, pointer, problems));
                    pointer.truncate(len);
                }
                out.insert(key.clone(), Value::Object(properties));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
        pointer.truncate(len);
    }
    merge_patterns(&mut out);
    if out.contains_key("$ref") && out.len() > 1 {
        // OpenAPI 3.0 ignores the siblings of `$ref`; move the reference under allOf.
        let reference = out.shift_remove("$ref").unwrap_or_default();
        append_all_of(&mut out, vec![json!({ "$ref": reference })]);
    }
    if nullable {
        if out.contains_key("$ref") {
            let reference = out.shift_remove("$ref").unwrap_or_default();
            append_all_of(&mut out, vec![json!({ "$ref": reference })]);
        }
        out.insert("nullable".into(), Value::Bool(true));
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.iter().any(Value::is_null)
        {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

/// An `allOf` whose members only hold `pattern`s (and descriptions) becomes one `pattern` of
/// lookaheads: `^(?=[\s\S]*(?:P1))(?=[\s\S]*(?:P2))`, which matches exactly when every `Pi`
/// matches somewhere, as each unanchored `pattern` does. typify merges such an `allOf` into
/// lookaheads at one position, which no string satisfies; this form keeps the meaning.
fn merge_patterns(out: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = out.get("allOf") else { return };
    let pattern_only = |m: &Value| {
        m.as_object()
            .is_some_and(|o| o.contains_key("pattern") && o.keys().all(|k| k == "pattern" || k == "description"))
    };
    if members.is_empty() || !members.iter().all(pattern_only) {
        return;
    }
    let mut patterns: Vec<String> = out.get("pattern").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
    patterns.extend(members.iter().filter_map(|m| m.get("pattern").and_then(Value::as_str).map(str::to_owned)));
    let combined: String = patterns.iter().map(|p| format!("(?=[\\s\\S]*(?:{p}))")).collect();
    out.shift_remove("allOf");
    out.insert("pattern".into(), Value::String(format!("^{combined}")));
}

/// Merges the one non-null branch of an `Option` into the schema that held the `anyOf`.
fn merge_single(out: &mut Map<String, Value>, single: Value) {
    match single {
        Value::Object(branch) if branch.contains_key("$ref") => append_all_of(out, vec![Value::Object(branch)]),
        Value::Object(branch) => {
            for (key, value) in branch {
                if key == "allOf" {
                    append_all_of(out, value.as_array().cloned().unwrap_or_default());
                } else {
                    out.entry(key).or_insert(value);
                }
            }
        }
        other => append_all_of(out, vec![other]),
    }
}

fn append_all_of(out: &mut Map<String, Value>, items: Vec<Value>) {
    match out.get_mut("allOf") {
        Some(Value::Array(existing)) => existing.extend(items),
        _ => {
            out.insert("allOf".into(), Value::Array(items));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(given: Value, want: Value) {
        assert_eq!(downgrade(&given).expect("renderable"), want);
    }

    #[test]
    fn nullable_type_array() {
        check(
            json!({"type": ["string", "null"], "format": "uri"}),
            json!({"type": "string", "format": "uri", "nullable": true}),
        );
    }

    #[test]
    fn option_of_ref() {
        check(
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}),
        );
    }

    #[test]
    fn null_branch_of_a_union_stays_a_branch() {
        check(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"enum": [null], "nullable": true}]}),
        );
    }

    #[test]
    fn ref_with_siblings() {
        check(
            json!({"$ref": "#/components/schemas/A", "description": "x"}),
            json!({"description": "x", "allOf": [{"$ref": "#/components/schemas/A"}]}),
        );
    }

    #[test]
    fn const_and_examples() {
        check(json!({"const": "a", "examples": [1, 2]}), json!({"enum": ["a"], "example": 1}));
    }

    #[test]
    fn exclusive_bounds() {
        check(json!({"exclusiveMinimum": 0, "minimum": -5}), json!({"minimum": 0, "exclusiveMinimum": true}));
        check(json!({"exclusiveMaximum": 10, "maximum": 5}), json!({"maximum": 5}));
    }

    #[test]
    fn several_types() {
        check(
            json!({"type": ["string", "integer", "null"]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}),
        );
    }

    #[test]
    fn nullable_enum_gets_null() {
        check(
            json!({"type": ["string", "null"], "enum": ["a", "b"]}),
            json!({"type": "string", "enum": ["a", "b", null], "nullable": true}),
        );
    }

    #[test]
    fn tuples_become_arrays_of_their_item_types() {
        check(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}, {"type": "string"}], "items": false, "minItems": 3, "maxItems": 3}),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}, "minItems": 3, "maxItems": 3}),
        );
        check(
            json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}], "items": false}),
            json!({"type": "array", "items": {"type": "integer"}}),
        );
        check(
            json!({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}}),
            json!({"items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}),
        );
        check(json!({"prefixItems": [{"type": "integer"}]}), json!({"items": {}}));
    }

    #[test]
    fn nested_definitions_cannot_be_rendered() {
        let problems = downgrade(&json!({"properties": {"pair": {"$defs": {}}}})).unwrap_err();
        assert_eq!(
            problems,
            vec![Unrenderable { pointer: "/properties/pair/$defs".into(), reason: UNRENDERABLE[0].1.into() }]
        );
    }

    #[test]
    fn pattern_only_all_of_becomes_one_pattern() {
        check(
            json!({"type": "string", "allOf": [{"pattern": "[A-Z]", "description": "upper"}, {"pattern": "[0-9]"}]}),
            json!({"type": "string", "pattern": "^(?=[\\s\\S]*(?:[A-Z]))(?=[\\s\\S]*(?:[0-9]))"}),
        );
    }

    #[test]
    fn dropped_assertions() {
        check(json!({"type": "object", "unevaluatedProperties": false, "$comment": "x"}), json!({"type": "object"}));
    }
}
