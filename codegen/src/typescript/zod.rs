//! `zod.ts`: one Zod 4 schema per named schema of the contract (`ProjectZod`), for applications
//! that already validate with Zod (forms, resolvers). Zod is an optional peer dependency: only this
//! module imports it, and `index.ts` does not re-export it.
//!
//! The schemas carry the JSON Schema's rules with its semantics, not Zod's: string lengths count
//! code points (the runtime's `length`), formats use the runtime's checkers, integers are any
//! integral number, `oneOf` means exactly one, and objects keep unknown members unless the schema
//! forbids them (`.strict` objects for `additionalProperties: false`). `safeParse(value).success`
//! is the verdict of the Rust validator (`tests/tests/it/agreement.rs` proves it on every type).
//! A keyword Zod cannot be given here is a generation error naming the schema, its Rust type and
//! the field: a rule is never silently loosened.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::ast::{Expr, Function, ImportClause, Key, Member, Param, Specifier, Stmt, Type};
use super::{types, validator};
use crate::error::Error;
use crate::model::{Model, NamedSchema, SCHEMA_REF_PREFIX};
use crate::names::{self, Names};

/// Keywords that carry no rule.
const ANNOTATIONS: &[&str] =
    &["title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly", "$schema"];

/// Whether a keyword carries no rule (the annotations, and extensions such as serde's markers).
fn is_annotation(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword) || keyword.starts_with("x-")
}

/// The keywords of a string schema (also allowed in the branches of its `allOf`).
const STRING_KEYWORDS: &[&str] = &["type", "minLength", "maxLength", "pattern", "format"];

/// Every keyword this emitter translates; any other is an error.
const KNOWN: &[&str] = &[
    "$ref",
    "type",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "const",
    "enum",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
];

/// `oneOf(branches)`, JSON Schema's `oneOf` for branches that may overlap: their union, refined to
/// values that exactly one branch accepts.
fn one_of_helper() -> Stmt {
    let accepted = Expr::ident("branches")
        .method(
            "filter",
            vec![Expr::arrow(
                vec![Param::untyped("branch")],
                Expr::ident("branch").method("safeParse", vec![Expr::ident("value")]).member("success"),
            )],
        )
        .member("length");
    let refined = Expr::ident("z").method("union", vec![Expr::ident("branches")]).method(
        "refine",
        vec![
            Expr::arrow(vec![Param::untyped("value")], accepted.eq(Expr::int(1))),
            Expr::str("must match exactly one schema"),
        ],
    );
    Stmt::Function(Function {
        doc: "JSON Schema's `oneOf`: the value matches exactly one of `branches`.".into(),
        is_async: false,
        generics: vec!["const T extends readonly z.ZodType[]".into()],
        name: "oneOf".into(),
        params: vec![Param::typed("branches", Type::named("T"))],
        returns: None,
        body: vec![Stmt::Return(refined)],
    })
}

/// The exported Zod schema of a TypeScript type (`ProjectZod`).
pub fn zod_name(ty: &str) -> String {
    format!("{ty}Zod")
}

/// A schema the emitter cannot express, at a field of it (`""` for the schema itself).
#[derive(Debug)]
struct Unsupported {
    field: String,
    reason: String,
}

#[derive(Default)]
struct Emitter {
    /// Schemas already declared (a reference to any other one is `z.lazy`).
    declared: BTreeSet<String>,
    /// The runtime's functions the module imports.
    runtime: BTreeSet<&'static str>,
    one_of: bool,
    /// The property names from the schema's root to where the emitter is.
    field: Vec<String>,
}

/// `zod.ts`, or one error per schema it cannot express.
pub(crate) fn compile(model: &Model, names: &Names) -> Result<Vec<Stmt>, Vec<Error>> {
    let order = declaration_order(&model.schemas);
    let mut emitter = Emitter::default();
    let mut declarations = Vec::new();
    let mut errors = Vec::new();
    for name in order {
        let named = &model.schemas[name];
        emitter.field.clear();
        let ts = names.ts_type(name);
        match emitter.schema(&named.schema) {
            Ok(init) => {
                let doc = types::doc_of(&named.schema);
                let summary =
                    doc.lines().next().filter(|l| !l.starts_with('@')).map(|l| format!(": {l}")).unwrap_or_default();
                declarations.push(Stmt::Doc(format!("`{ts}` as a Zod schema{summary}")));
                // Declared as a schema of the contract's type: the declarations infer nothing, and
                // `tsc` checks in `src/zod.ts` that Zod's own output type is assignable to it.
                let ty = Some(Type::generic("ZodType", vec![Type::qualified("T", ts)]));
                declarations.push(
                    Stmt::Let { binding: super::ast::Binding::Const, name: zod_name(ts), ty, init: Some(init) }
                        .export(),
                );
                declarations.push(Stmt::Blank);
            }
            Err(Unsupported { field, reason }) => errors.push(Error::Zod {
                schema: name.clone(),
                rust_type: named.rust_type.clone().unwrap_or_else(|| "(no Rust path)".into()),
                field: if field.is_empty() { "(the type itself)".into() } else { format!("`{field}`") },
                reason,
            }),
        }
        emitter.declared.insert(name.clone());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = vec![
        Stmt::Comment(
            "Zod 4 schemas of the contract's types, with the JSON Schemas' rules and verdicts (zod is an\n\
             optional peer dependency: import this module as `<package>/zod`)."
                .into(),
        ),
        // The namespace import Zod's documentation advises, and its `ZodType` on its own: the
        // declarations keep type imports only.
        Stmt::Import { type_only: false, clause: ImportClause::Namespace("z".into()), from: "zod".into() },
        Stmt::Import {
            type_only: true,
            clause: ImportClause::Named(vec![Specifier { name: "ZodType".into(), type_only: false }]),
            from: "zod".into(),
        },
    ];
    if !emitter.runtime.is_empty() {
        let specifiers =
            emitter.runtime.iter().map(|name| Specifier { name: (*name).to_owned(), type_only: false }).collect();
        out.push(Stmt::Import {
            type_only: false,
            clause: ImportClause::Named(specifiers),
            from: "./runtime.js".into(),
        });
    }
    out.push(Stmt::Import { type_only: true, clause: ImportClause::Namespace("T".into()), from: "./types.js".into() });
    out.push(Stmt::Blank);
    if emitter.one_of {
        out.push(one_of_helper());
        out.push(Stmt::Blank);
    }
    out.extend(declarations);
    Ok(out)
}

/// The names `schema` refers to.
fn references(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            if let Some(name) =
                object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX))
            {
                out.push(crate::schema::unescape(name).into_owned());
            }
            object.values().for_each(|value| references(value, out));
        }
        Value::Array(items) => items.iter().for_each(|value| references(value, out)),
        _ => {}
    }
}

/// Referenced schemas before those that refer to them (by name otherwise), so that only cycles
/// need `z.lazy`.
fn declaration_order(schemas: &BTreeMap<String, NamedSchema>) -> Vec<&String> {
    fn visit<'s>(
        name: &'s String,
        schemas: &'s BTreeMap<String, NamedSchema>,
        seen: &mut BTreeSet<&'s str>,
        out: &mut Vec<&'s String>,
    ) {
        if !seen.insert(name) {
            return;
        }
        let mut refs = Vec::new();
        references(&schemas[name].schema, &mut refs);
        for reference in refs {
            if let Some((key, _)) = schemas.get_key_value(&reference) {
                visit(key, schemas, seen, out);
            }
        }
        out.push(name);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for name in schemas.keys() {
        visit(name, schemas, &mut seen, &mut out);
    }
    out
}

fn z(method: &str, arguments: Vec<Expr>) -> Expr {
    Expr::ident("z").method(method, arguments)
}

/// `(value) => body`.
fn check(body: Expr) -> Expr {
    Expr::arrow(vec![Param::untyped("value")], body)
}

fn value_expr() -> Expr {
    Expr::ident("value")
}

/// `schema.refine(test, message)`.
fn refine(schema: Expr, test: Expr, message: String) -> Expr {
    schema.method("refine", vec![test, Expr::str(message)])
}

fn regex(pattern: &str) -> Expr {
    Expr::new("RegExp", Vec::new(), vec![Expr::str(validator::unicode_safe(pattern)), Expr::str("u")])
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// The JSON Schema types `value` has.
fn types_of(value: &Value) -> &'static [&'static str] {
    match value {
        Value::Null => &["null"],
        Value::Bool(_) => &["boolean"],
        Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            &["integer", "number"]
        }
        Value::Number(_) => &["number"],
        Value::String(_) => &["string"],
        Value::Array(_) => &["array"],
        Value::Object(_) => &["object"],
    }
}

impl Emitter {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, Unsupported> {
        Err(Unsupported { field: self.field.join("."), reason: reason.into() })
    }

    fn use_runtime(&mut self, name: &'static str) -> Expr {
        self.runtime.insert(name);
        Expr::ident(name)
    }

    /// Fails on a keyword besides `allowed` and the annotations.
    fn only(&self, object: &serde_json::Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), Unsupported> {
        match object.keys().find(|k| !allowed.contains(&k.as_str()) && !is_annotation(k)) {
            Some(keyword) => self.fail(format!("`{keyword}` beside {what} has no Zod counterpart here")),
            None => Ok(()),
        }
    }

    fn schema(&mut self, schema: &Value) -> Result<Expr, Unsupported> {
        let object = match schema {
            Value::Bool(true) => return Ok(z("unknown", vec![])),
            Value::Bool(false) => return Ok(z("never", vec![])),
            Value::Object(object) => object,
            _ => return self.fail("a schema is an object or a boolean"),
        };
        if let Some(keyword) = object.keys().find(|k| !KNOWN.contains(&k.as_str()) && !is_annotation(k)) {
            return self.fail(format!("the keyword `{keyword}` has no Zod counterpart here"));
        }
        // Applicators beside other keywords: every part must hold (`z.intersection`). A string's
        // `allOf` of string keywords and its `not` of a pattern are checks of the string instead.
        let string_keywords = |b: &Value| {
            b.as_object().is_some_and(|b| b.keys().all(|k| STRING_KEYWORDS.contains(&k.as_str()) || is_annotation(k)))
        };
        let string_only = object.get("type") == Some(&Value::from("string"))
            && object
                .get("allOf")
                .and_then(Value::as_array)
                .is_none_or(|branches| branches.iter().all(string_keywords))
            && object
                .get("not")
                .is_none_or(|not| not.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("pattern")));
        let applicators: &[&str] =
            if string_only { &["$ref", "anyOf", "oneOf"] } else { &["$ref", "anyOf", "oneOf", "allOf", "not"] };
        if applicators.iter().any(|k| object.contains_key(*k)) {
            let mut rest = object.clone();
            let mut parts = Vec::new();
            for keyword in applicators {
                let Some(value) = rest.remove(*keyword) else { continue };
                match *keyword {
                    "$ref" => parts.push(self.reference(&value)?),
                    "anyOf" => parts.push(self.any_of(&value)?),
                    "oneOf" => parts.push(self.one_of(&value)?),
                    "allOf" => {
                        for branch in value.as_array().into_iter().flatten() {
                            parts.push(self.schema(branch)?);
                        }
                    }
                    _ => {
                        let not = self.schema(&value)?;
                        let test = not.method("safeParse", vec![value_expr()]).member("success");
                        parts.push(refine(
                            z("unknown", vec![]),
                            check(!test),
                            "must not match the schema of `not`".into(),
                        ));
                    }
                }
            }
            if rest.keys().any(|k| !is_annotation(k)) {
                parts.insert(0, self.schema(&Value::Object(rest))?);
            }
            let mut parts = parts.into_iter();
            let first = parts.next().unwrap_or_else(|| z("unknown", vec![]));
            return Ok(parts.fold(first, |all, part| z("intersection", vec![all, part])));
        }
        if object.contains_key("const") || object.contains_key("enum") {
            return self.literals(object);
        }
        let types: Vec<&str> = match object.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            None => return self.typeless(object),
            Some(other) => return self.fail(format!("`type` {other} is not a type")),
        };
        let nullable = types.contains(&"null");
        let mut members = Vec::new();
        for ty in types.iter().filter(|t| **t != "null") {
            members.push(match *ty {
                "boolean" => z("boolean", vec![]),
                "string" => self.string(object)?,
                "integer" => self.number(object, true)?,
                "number" => self.number(object, false)?,
                "array" => self.array(object)?,
                "object" => self.object(object)?,
                other => return self.fail(format!("unknown type `{other}`")),
            });
        }
        Ok(match (members.len(), nullable) {
            (0, _) => z("null", vec![]),
            (1, true) => members.remove(0).method("nullable", vec![]),
            (1, false) => members.remove(0),
            (_, nullable) => {
                if nullable {
                    members.push(z("null", vec![]));
                }
                z("union", vec![Expr::Array(members)])
            }
        })
    }

    /// A schema without `type`: each keyword holds for the values of its type only, as in JSON
    /// Schema (`{"required": ["a"]}` says nothing of a string).
    fn typeless(&mut self, object: &serde_json::Map<String, Value>) -> Result<Expr, Unsupported> {
        let families: [(&str, &[&str]); 4] = [
            ("string", &["minLength", "maxLength", "pattern", "format"]),
            ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
            ("array", &["items", "prefixItems", "minItems", "maxItems", "uniqueItems"]),
            (
                "object",
                &["properties", "required", "additionalProperties", "minProperties", "maxProperties", "propertyNames"],
            ),
        ];
        let mut schema = z("unknown", vec![]);
        for (ty, keywords) in families {
            let part: serde_json::Map<String, Value> = object
                .iter()
                .filter(|(k, _)| keywords.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if part.is_empty() {
                continue;
            }
            let (typed, is_type) = match ty {
                "string" => (self.string(&part)?, value_expr().type_of().ne(Expr::str("string"))),
                "number" => (self.number(&part, false)?, value_expr().type_of().ne(Expr::str("number"))),
                "array" => (self.array(&part)?, !Expr::ident("Array").method("isArray", vec![value_expr()])),
                _ => (self.object(&part)?, !self.use_runtime("isObject").call(vec![value_expr()])),
            };
            let test = is_type.or(typed.method("safeParse", vec![value_expr()]).member("success"));
            schema = refine(schema, check(test), format!("must match the {ty} keywords of the schema"));
        }
        Ok(schema)
    }

    /// `enum` and `const` (with at most a `type` that every value has).
    fn reference(&mut self, reference: &Value) -> Result<Expr, Unsupported> {
        let Some(name) = reference.as_str().and_then(|r| r.strip_prefix(SCHEMA_REF_PREFIX)) else {
            return self.fail(format!("the reference {reference} is not to a named schema"));
        };
        let name = crate::schema::unescape(name).into_owned();
        let target = Expr::ident(zod_name(&names::ts_type(&name)));
        Ok(if self.declared.contains(&name) { target } else { z("lazy", vec![Expr::arrow(vec![], target)]) })
    }

    fn literals(&mut self, object: &serde_json::Map<String, Value>) -> Result<Expr, Unsupported> {
        self.only(object, &["const", "enum", "type"], "`enum` or `const`")?;
        let values: Vec<Value> = match (object.get("const"), object.get("enum")) {
            (Some(value), None) => vec![value.clone()],
            (None, Some(Value::Array(values))) => values.clone(),
            _ => return self.fail("`enum` is an array, and not beside `const`"),
        };
        let allowed: Vec<&str> = match object.get("type") {
            None => Vec::new(),
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            Some(other) => return self.fail(format!("`type` {other} is not a type")),
        };
        if !allowed.is_empty() && values.iter().any(|v| !types_of(v).iter().any(|t| allowed.contains(t))) {
            return self.fail("an `enum` value does not have the schema's `type`");
        }
        if values.iter().all(Value::is_string) && !values.is_empty() {
            let strings = values.into_iter().map(Expr::Json).collect();
            return Ok(if object.contains_key("const") {
                z("literal", strings)
            } else {
                z("enum", vec![Expr::Array(strings)])
            });
        }
        if values.iter().all(is_scalar) {
            let mut members: Vec<Expr> = values
                .into_iter()
                .map(|v| if v.is_null() { z("null", vec![]) } else { z("literal", vec![Expr::Json(v)]) })
                .collect();
            return Ok(if members.len() == 1 { members.remove(0) } else { z("union", vec![Expr::Array(members)]) });
        }
        // Arrays and objects: JSON equality, as the validators test it.
        let equal = self.use_runtime("equal");
        let tests = values.iter().map(|v| equal.clone().call(vec![value_expr(), Expr::Json(v.clone())]));
        let test = Expr::chain(super::ast::BinaryOp::Or, tests).unwrap_or(Expr::bool(false));
        let shown: Vec<String> = values.iter().map(Value::to_string).collect();
        Ok(refine(z("unknown", vec![]), check(test), format!("must be one of {}", shown.join(", "))))
    }

    fn any_of(&mut self, branches: &Value) -> Result<Expr, Unsupported> {
        let Some(branches) = branches.as_array().filter(|b| !b.is_empty()) else {
            return self.fail("`anyOf` is a non-empty array");
        };
        let is_null =
            |b: &Value| b.get("type") == Some(&Value::from("null")) && b.as_object().is_some_and(|o| o.len() == 1);
        if branches.len() == 2
            && let Some(index) = branches.iter().position(is_null)
        {
            return Ok(self.schema(&branches[1 - index])?.method("nullable", vec![]));
        }
        let members = branches.iter().map(|b| self.schema(b)).collect::<Result<Vec<_>, _>>()?;
        Ok(z("union", vec![Expr::Array(members)]))
    }

    /// `oneOf`: a discriminated union when every branch is an object with a distinct constant in
    /// one required property; a plain union when the branches are disjoint sets of constants; else
    /// the union and a check that exactly one branch matches.
    fn one_of(&mut self, branches: &Value) -> Result<Expr, Unsupported> {
        let Some(branches) = branches.as_array().filter(|b| !b.is_empty()) else {
            return self.fail("`oneOf` is a non-empty array");
        };
        let members = branches.iter().map(|b| self.schema(b)).collect::<Result<Vec<_>, _>>()?;
        if let Some(tag) = discriminator(branches) {
            // Distinct constants of a required member: at most one branch matches. Zod's
            // discriminated union takes plain objects only (not intersections).
            let plain = branches.iter().all(|b| {
                b.as_object()
                    .is_some_and(|b| !["$ref", "anyOf", "oneOf", "allOf", "not"].iter().any(|k| b.contains_key(*k)))
            });
            return Ok(if plain {
                z("discriminatedUnion", vec![Expr::str(tag), Expr::Array(members)])
            } else {
                z("union", vec![Expr::Array(members)])
            });
        }
        let sets: Option<Vec<Vec<&Value>>> = branches.iter().map(constants).collect();
        if let Some(sets) = sets {
            let all: Vec<&Value> = sets.iter().flatten().copied().collect();
            let distinct: BTreeSet<String> = all.iter().map(|v| v.to_string()).collect();
            if distinct.len() == all.len() {
                return Ok(if members.len() == 1 {
                    members.into_iter().next().unwrap_or_else(|| z("never", vec![]))
                } else {
                    z("union", vec![Expr::Array(members)])
                });
            }
        }
        self.one_of = true;
        Ok(Expr::ident("oneOf").call(vec![Expr::Array(members)]))
    }

    fn string(&mut self, object: &serde_json::Map<String, Value>) -> Result<Expr, Unsupported> {
        let mut schema = z("string", vec![]);
        schema = self.string_checks(schema, object)?;
        if let Some(branches) = object.get("allOf") {
            for branch in branches.as_array().into_iter().flatten() {
                let Some(branch) = branch.as_object() else { return self.fail("an `allOf` branch is an object") };
                self.only(branch, STRING_KEYWORDS, "a string's `allOf`")?;
                if branch.get("type").is_some_and(|t| t != "string") {
                    return self.fail("an `allOf` branch of a string has another `type`");
                }
                schema = self.string_checks(schema, branch)?;
            }
        }
        if let Some(not) = object.get("not") {
            let pattern =
                not.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("pattern")).and_then(Value::as_str);
            let Some(pattern) = pattern else { return self.fail("`not` is expressed for a lone `pattern` only") };
            let test = regex(pattern).method("test", vec![value_expr()]);
            schema = refine(schema, check(!test), format!("must not match the pattern {pattern}"));
        }
        Ok(schema)
    }

    /// Lengths in code points (the runtime's `length`), patterns with the `u` flag, formats with
    /// the runtime's checkers (formats it does not assert are annotations, as for the validators).
    fn string_checks(
        &mut self,
        mut schema: Expr,
        object: &serde_json::Map<String, Value>,
    ) -> Result<Expr, Unsupported> {
        for (keyword, op, text) in [("minLength", ">=", "at least"), ("maxLength", "<=", "at most")] {
            if let Some(bound) = object.get(keyword) {
                let Some(bound) = bound.as_u64() else { return self.fail(format!("`{keyword}` is a count")) };
                let length = self.use_runtime("length").call(vec![value_expr()]);
                let binary = if op == ">=" { super::ast::BinaryOp::Ge } else { super::ast::BinaryOp::Le };
                let test = length.binary(binary, Expr::int(bound));
                schema = refine(schema, check(test), format!("must have {text} {bound} characters"));
            }
        }
        if let Some(pattern) = object.get("pattern") {
            let Some(pattern) = pattern.as_str() else { return self.fail("`pattern` is a string") };
            schema =
                schema.method("regex", vec![regex(pattern), Expr::str(format!("must match the pattern {pattern}"))]);
        }
        if let Some((format, checker)) =
            object.get("format").and_then(Value::as_str).and_then(validator::format_checker)
        {
            let checker = self.use_runtime(checker);
            schema = refine(schema, checker, format!("must be a valid {format}"));
        }
        Ok(schema)
    }

    /// Any number for `number`; an integral one for `integer` (not Zod's `int()`, which stops at
    /// 2^53: the schema's own bounds say where an integer ends).
    fn number(&mut self, object: &serde_json::Map<String, Value>, integer: bool) -> Result<Expr, Unsupported> {
        let mut schema = z("number", vec![]);
        if integer {
            schema = schema
                .method("refine", vec![Expr::ident("Number").member("isInteger"), Expr::str("must be an integer")]);
        }
        for (keyword, method) in
            [("minimum", "gte"), ("maximum", "lte"), ("exclusiveMinimum", "gt"), ("exclusiveMaximum", "lt")]
        {
            if let Some(bound) = object.get(keyword) {
                if !bound.is_number() {
                    return self.fail(format!("`{keyword}` is a number"));
                }
                schema = schema.method(method, vec![Expr::Json(bound.clone())]);
            }
        }
        if let Some(divisor) = object.get("multipleOf") {
            if !divisor.is_number() {
                return self.fail("`multipleOf` is a number");
            }
            let multiple_of = self.use_runtime("multipleOf").call(vec![value_expr(), Expr::Json(divisor.clone())]);
            schema = refine(schema, check(multiple_of), format!("must be a multiple of {divisor}"));
        }
        Ok(schema)
    }

    fn array(&mut self, object: &serde_json::Map<String, Value>) -> Result<Expr, Unsupported> {
        let (min, max) =
            (object.get("minItems").and_then(Value::as_u64), object.get("maxItems").and_then(Value::as_u64));
        let mut schema = if let Some(prefix) = object.get("prefixItems") {
            let prefix = prefix.as_array().cloned().unwrap_or_default();
            let exact = Some(prefix.len() as u64);
            if object.get("items") != Some(&Value::Bool(false)) || min != exact || max != exact {
                return self
                    .fail("`prefixItems` is expressed as a tuple only (`items: false`, as many items as prefixes)");
            }
            let members = prefix
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    self.field.push(index.to_string());
                    let member = self.schema(item);
                    self.field.pop();
                    member
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(self.unique(z("tuple", vec![Expr::Array(members)]), object));
        } else {
            self.field.push("[]".into());
            let items = object.get("items").map(|items| self.schema(items)).unwrap_or_else(|| Ok(z("unknown", vec![])));
            self.field.pop();
            z("array", vec![items?])
        };
        if let Some(min) = min {
            schema = schema.method("min", vec![Expr::int(min)]);
        }
        if let Some(max) = max {
            schema = schema.method("max", vec![Expr::int(max)]);
        }
        Ok(self.unique(schema, object))
    }

    fn unique(&mut self, schema: Expr, object: &serde_json::Map<String, Value>) -> Expr {
        if object.get("uniqueItems") == Some(&Value::Bool(true)) {
            let unique = self.use_runtime("unique");
            refine(schema, unique, "must not have duplicate items".into())
        } else {
            schema
        }
    }

    /// `z.strictObject` for `additionalProperties: false`, `.catchall` for a schema, otherwise
    /// `z.looseObject` (JSON Schema ignores unknown members; Zod's `z.object` would drop them).
    fn object(&mut self, object: &serde_json::Map<String, Value>) -> Result<Expr, Unsupported> {
        let required: Vec<&str> =
            object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let properties = object.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let additional = object.get("additionalProperties");
        let mut shape = Vec::new();
        for (name, property) in &properties {
            self.field.push(name.clone());
            let mut member = self.schema(property)?;
            // Without a `type` (or a constant), the schema may accept `undefined`: presence is checked.
            let anything = property
                .as_object()
                .is_some_and(|o| !["type", "$ref", "const", "enum"].iter().any(|k| o.contains_key(*k)))
                || *property == Value::Bool(true);
            if !required.contains(&name.as_str()) {
                member = member.method("exactOptional", vec![]);
            } else if anything {
                member = refine(member, check(value_expr().ne(Expr::undefined())), "is required".into());
            }
            self.field.pop();
            shape.push(Member::Property(Key::Name(name.clone()), member));
        }
        for name in required.iter().filter(|name| !properties.contains_key(**name)) {
            if additional == Some(&Value::Bool(false)) {
                self.field.push((*name).to_owned());
                return self.fail("required, but neither in `properties` nor allowed by `additionalProperties`");
            }
            let member = match additional {
                Some(schema @ Value::Object(_)) => {
                    self.field.push((*name).to_owned());
                    let member = self.schema(schema)?;
                    self.field.pop();
                    member
                }
                _ => z("unknown", vec![]),
            };
            let present = refine(member, check(value_expr().ne(Expr::undefined())), "is required".into());
            shape.push(Member::Property(Key::Name((*name).to_owned()), present));
        }
        let shape = if shape.is_empty() { Expr::object(shape) } else { Expr::ObjectLines(shape) };
        let mut schema = match additional {
            Some(Value::Bool(false)) => z("strictObject", vec![shape]),
            None | Some(Value::Bool(true)) => z("looseObject", vec![shape]),
            Some(other) => {
                self.field.push("(additional)".into());
                let rest = self.schema(other)?;
                self.field.pop();
                z("object", vec![shape]).method("catchall", vec![rest])
            }
        };
        if let Some(names) = object.get("propertyNames") {
            self.field.push("(property names)".into());
            let names = self.schema(names)?;
            self.field.pop();
            let key = Param::untyped("key");
            let each = Expr::arrow(vec![key], names.method("safeParse", vec![Expr::ident("key")]).member("success"));
            let test = Expr::ident("Object").method("keys", vec![value_expr()]).method("every", vec![each]);
            schema = refine(schema, check(test), "must have property names that match `propertyNames`".into());
        }
        for (keyword, op, text) in [("minProperties", ">=", "at least"), ("maxProperties", "<=", "at most")] {
            if let Some(bound) = object.get(keyword) {
                let Some(bound) = bound.as_u64() else { return self.fail(format!("`{keyword}` is a count")) };
                let count = Expr::ident("Object").method("keys", vec![value_expr()]).member("length");
                let binary = if op == ">=" { super::ast::BinaryOp::Ge } else { super::ast::BinaryOp::Le };
                schema = refine(
                    schema,
                    check(count.binary(binary, Expr::int(bound))),
                    format!("must have {text} {bound} properties"),
                );
            }
        }
        Ok(schema)
    }
}

/// The property every branch has as a required string constant, distinct in each, if any.
fn discriminator(branches: &[Value]) -> Option<String> {
    let first = branches.first()?.get("properties")?.as_object()?;
    first
        .keys()
        .find(|tag| {
            let mut seen = BTreeSet::new();
            branches.iter().all(|branch| {
                let is_object = branch.get("type") == Some(&Value::from("object"));
                let required = branch
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.contains(&Value::from(tag.as_str())));
                let constant = branch
                    .pointer(&format!("/properties/{}", crate::schema::escape(tag)))
                    .and_then(|p| p.get("const"))
                    .and_then(Value::as_str);
                is_object && required && constant.is_some_and(|c| seen.insert(c.to_owned()))
            })
        })
        .cloned()
}

/// The values a branch made only of `enum`/`const` (and `type`) accepts.
fn constants(branch: &Value) -> Option<Vec<&Value>> {
    let object = branch.as_object()?;
    if object.keys().any(|k| !matches!(k.as_str(), "enum" | "const" | "type") && !is_annotation(k)) {
        return None;
    }
    match (object.get("const"), object.get("enum")) {
        (Some(value), None) => Some(vec![value]),
        (None, Some(Value::Array(values))) => Some(values.iter().collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typescript::printer::print_expr;
    use serde_json::json;

    /// The Zod expression of `schema`, where `Declared` is a schema declared before it.
    fn zod(schema: Value) -> Result<String, String> {
        let mut emitter = Emitter::default();
        emitter.declared.insert("Declared".into());
        emitter.schema(&schema).map(|expr| print_expr(&expr)).map_err(|e| format!("{}: {}", e.field, e.reason))
    }

    #[track_caller]
    fn check(schema: Value, want: &str) {
        assert_eq!(zod(schema).as_deref(), Ok(want));
    }

    #[test]
    fn nullable_optional_and_deny_unknown_fields() {
        check(
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "integer", "minimum": 1}},
                "required": ["a"]
            }),
            "z.strictObject({\n  a: z.string().nullable(),\n  b: z.number().refine(Number.isInteger, \"must be an integer\").gte(1).exactOptional(),\n})",
        );
        // Unknown members are kept (and accepted) unless the schema forbids them.
        check(json!({"type": "object", "properties": {}}), "z.looseObject({})");
        check(
            json!({"anyOf": [{"$ref": "#/components/schemas/Declared"}, {"type": "null"}]}),
            "DeclaredZod.nullable()",
        );
        // A required member any value satisfies must still be present.
        check(
            json!({"type": "object", "properties": {"x": {}}, "required": ["x"]}),
            "z.looseObject({\n  x: z.unknown().refine((value) => value !== undefined, \"is required\"),\n})",
        );
    }

    #[test]
    fn one_of_is_exactly_one() {
        let tagged = json!({"oneOf": [
            {"type": "object", "properties": {"t": {"const": "a"}}, "required": ["t"]},
            {"type": "object", "properties": {"t": {"const": "b"}, "n": {"type": "boolean"}}, "required": ["t"]}
        ]});
        check(
            tagged,
            "z.discriminatedUnion(\"t\", [z.looseObject({\n  t: z.literal(\"a\"),\n}), z.looseObject({\n  t: z.literal(\"b\"),\n  n: z.boolean().exactOptional(),\n})])",
        );
        // Disjoint constants: at most one branch can match, a union says it all.
        check(
            json!({"oneOf": [{"enum": ["a", "b"]}, {"const": "c"}]}),
            "z.union([z.enum([\"a\", \"b\"]), z.literal(\"c\")])",
        );
        // Overlapping branches: the union, then exactly one.
        check(
            json!({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]}),
            "oneOf([z.number().refine(Number.isInteger, \"must be an integer\"), z.number().gte(0)])",
        );
    }

    #[test]
    fn references_to_later_schemas_are_lazy() {
        check(json!({"$ref": "#/components/schemas/Declared"}), "DeclaredZod");
        check(
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}),
            "z.array(z.lazy(() => TreeZod))",
        );
    }

    #[test]
    fn strings_count_code_points_and_use_the_runtimes_checkers() {
        check(
            json!({"type": "string", "minLength": 2, "format": "email", "allOf": [{"pattern": "[a-z]"}], "not": {"pattern": "x"}}),
            "z.string().refine((value) => length(value) >= 2, \"must have at least 2 characters\").refine(isEmail, \"must be a valid email\").regex(new RegExp(\"[a-z]\", \"u\"), \"must match the pattern [a-z]\").refine((value) => !new RegExp(\"x\", \"u\").test(value), \"must not match the pattern x\")",
        );
        // Formats the runtime does not assert are annotations, as for the validators.
        check(
            json!({"type": "integer", "format": "uint8", "maximum": 255}),
            "z.number().refine(Number.isInteger, \"must be an integer\").lte(255)",
        );
    }

    #[test]
    fn what_zod_cannot_express_names_the_field() {
        let schema =
            json!({"type": "object", "properties": {"tags": {"type": "object", "patternProperties": {"^x": {}}}}});
        assert_eq!(zod(schema), Err("tags: the keyword `patternProperties` has no Zod counterpart here".to_owned()));
        let schema = json!({"type": "array", "prefixItems": [{"type": "integer"}]});
        assert_eq!(
            zod(schema),
            Err(": `prefixItems` is expressed as a tuple only (`items: false`, as many items as prefixes)".to_owned())
        );
    }
}
