//! The assertion keywords, one emitter per group: `type`, `const`/`enum`, string, number, array and
//! object keywords. Each adds its checks to the function body under a guard on the value's type,
//! with the messages and `(path, keyword)` pairs of the Rust `jsonschema` crate.

use std::ops::Not;

use serde_json::Value;

use super::CompileError;
use super::compile::{Compiler, add, declare_extra, failed, id, record_extra, stop};
use super::patterns::{char_range, format_checker};
use super::registry::Location;
use crate::schema::{Types, count, escape};
use crate::typescript::ast::{BinaryOp, Block, Expr, Iteration, Member, Param, Stmt, Type};
use crate::typescript::printer::PROTOTYPE_NAMES;

/// A condition that is true when property `name` is absent from object `x`.
fn absent(name: &str) -> Expr {
    if PROTOTYPE_NAMES.contains(&name) {
        id("has").call(vec![id("x"), Expr::str(name)]).not()
    } else {
        id("x").index(Expr::str(name)).eq(Expr::undefined())
    }
}

/// `!(absent)`: property `name` is present.
fn present(name: &str) -> Expr {
    absent(name).paren().not()
}

/// `x.length`.
fn length() -> Expr {
    id("x").member("length")
}

/// `"/" + i`: the path segment of item `i`.
fn item_segment() -> Expr {
    Expr::str("/").plus(id("i"))
}

/// `typeof x === "<name>"`.
fn type_is(name: &str) -> Expr {
    id("x").type_of().eq(Expr::str(name))
}

/// `!(a || b || ...)`; `!(false)` for no alternatives.
fn none_of(alternatives: Vec<Expr>) -> Expr {
    Expr::chain(BinaryOp::Or, alternatives).unwrap_or(Expr::bool(false)).paren().not()
}

impl Compiler<'_, '_> {
    /// `"/" + esc(k)`: the path segment of property `k`.
    fn key_segment(&mut self) -> Expr {
        let esc = self.use_runtime("esc");
        Expr::str("/").plus(id(esc).call(vec![id("k")]))
    }

    pub(super) fn emit_type(&mut self, schema: &Value, out: &mut Vec<Stmt>) {
        let Some(types) = Types::of(schema) else { return };
        let mut conditions = Vec::new();
        for t in types.iter() {
            conditions.push(match t {
                "string" | "number" | "boolean" => type_is(t),
                "integer" => id("Number").method("isInteger", vec![id("x")]),
                "null" => id("x").eq(Expr::Json(Value::Null)),
                "array" => id("Array").method("isArray", vec![id("x")]),
                "object" => id(self.use_runtime("isObject")).call(vec![id("x")]),
                _ => Expr::bool(false),
            });
        }
        let names: Vec<&str> = types.iter().collect();
        let message = Expr::str(format!("must be {}", names.join(" or ")));
        out.push(self.fail_if(none_of(conditions), "type", message));
    }

    pub(super) fn emit_enum(&mut self, schema: &Value, out: &mut Vec<Stmt>) {
        if let Some(value) = schema.get("const") {
            let condition = if value.is_object() || value.is_array() {
                let equal = self.use_runtime("equal");
                let constant = self.constant("c", Expr::Json(value.clone()));
                id(equal).call(vec![id("x"), id(&constant)]).not()
            } else {
                id("x").ne(Expr::Json(value.clone()))
            };
            out.push(self.fail_if(condition, "const", Expr::str(format!("must be {value}"))));
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let primitive = values.iter().all(|v| !v.is_object() && !v.is_array());
            let condition = if values.is_empty() {
                Expr::bool(true)
            } else if primitive && values.len() <= 6 {
                let differs = values.iter().map(|v| id("x").ne(Expr::Json(v.clone())));
                Expr::chain(BinaryOp::And, differs).unwrap_or(Expr::bool(true))
            } else if primitive {
                let items = Expr::Array(values.iter().cloned().map(Expr::Json).collect());
                let set = Expr::new("Set", vec![Type::Keyword("unknown")], vec![items]);
                let constant = self.constant("c", set);
                id(&constant).method("has", vec![id("x")]).not()
            } else {
                let equal = self.use_runtime("equal");
                let constant = self.constant("c", Expr::Json(Value::Array(values.clone())));
                let same = Expr::arrow(
                    vec![Param::typed("y", Type::Keyword("unknown"))],
                    id(equal).call(vec![id("x"), id("y")]),
                );
                id(&constant).method("some", vec![same]).not()
            };
            let shown: Vec<String> = values.iter().map(Value::to_string).collect();
            let message = Expr::str(format!("must be one of {}", shown.join(", ")));
            out.push(self.fail_if(condition, "enum", message));
        }
    }

    pub(super) fn emit_string(&mut self, schema: &Value, out: &mut Vec<Stmt>) -> Result<(), CompileError> {
        let min = count(schema.get("minLength"));
        let max = count(schema.get("maxLength"));
        let pattern = schema.get("pattern").and_then(Value::as_str);
        let format = schema
            .get("format")
            .and_then(Value::as_str)
            .filter(|_| self.options.assert_formats)
            .and_then(format_checker);
        if min.is_none() && max.is_none() && pattern.is_none() && format.is_none() {
            return Ok(());
        }
        let mut body = Vec::new();
        if let Some(min) = min {
            let code_points = self.use_runtime("length");
            // Code points never outnumber code units, and are at least half of them.
            let short = length().lt(Expr::int(min)).or(length()
                .lt(Expr::int(min.saturating_mul(2)))
                .and(id(code_points).call(vec![id("x")]).lt(Expr::int(min))));
            let message = Expr::str(format!("must have at least {min} characters"));
            body.push(self.fail_if(short, "minLength", message));
        }
        if let Some(max) = max {
            let code_points = self.use_runtime("length");
            let long = length().gt(Expr::int(max)).and(id(code_points).call(vec![id("x")]).gt(Expr::int(max)));
            let message = Expr::str(format!("must have at most {max} characters"));
            body.push(self.fail_if(long, "maxLength", message));
        }
        if let Some(pattern) = pattern {
            let matches = match char_range(pattern) {
                // A scan of the code units beats a call of the regex engine on short strings.
                Some((from, to)) => id(self.use_runtime("hasCharIn")).call(vec![
                    id("x"),
                    Expr::int(u64::from(from)),
                    Expr::int(u64::from(to)),
                ]),
                None => id(&self.regex(pattern)?).method("test", vec![id("x")]),
            };
            let message = Expr::str(format!("must match the pattern {pattern}"));
            body.push(self.fail_if(matches.not(), "pattern", message));
        }
        if let Some((name, checker)) = format {
            let checker = self.use_runtime(checker);
            let message = Expr::str(format!("must be a valid {name}"));
            body.push(self.fail_if(id(checker).call(vec![id("x")]).not(), "format", message));
        }
        out.push(Stmt::if_then(type_is("string"), body));
        Ok(())
    }

    pub(super) fn emit_number(&mut self, schema: &Value, out: &mut Vec<Stmt>) {
        let checks = [
            ("minimum", BinaryOp::Lt, "must be at least"),
            ("maximum", BinaryOp::Gt, "must be at most"),
            ("exclusiveMinimum", BinaryOp::Le, "must be greater than"),
            ("exclusiveMaximum", BinaryOp::Ge, "must be less than"),
        ];
        let present: Vec<(&str, BinaryOp, &str, &Value)> = checks
            .into_iter()
            .filter_map(|(k, op, text)| schema.get(k).filter(|v| v.is_number()).map(|v| (k, op, text, v)))
            .collect();
        let multiple = schema.get("multipleOf").filter(|v| v.is_number());
        if present.is_empty() && multiple.is_none() {
            return;
        }
        let mut body = Vec::new();
        for (keyword, op, text, value) in present {
            let outside = id("x").binary(op, Expr::Json(value.clone()));
            body.push(self.fail_if(outside, keyword, Expr::str(format!("{text} {value}"))));
        }
        if let Some(value) = multiple {
            let multiple_of = self.use_runtime("multipleOf");
            let test = id(multiple_of).call(vec![id("x"), Expr::Json(value.clone())]).not();
            body.push(self.fail_if(test, "multipleOf", Expr::str(format!("must be a multiple of {value}"))));
        }
        out.push(Stmt::if_then(type_is("number"), body));
    }

    pub(super) fn emit_array(
        &mut self,
        location: &Location,
        schema: &Value,
        out: &mut Vec<Stmt>,
    ) -> Result<(), CompileError> {
        let prefix = schema.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
        let keywords = ["minItems", "maxItems", "uniqueItems", "prefixItems", "items", "contains"];
        if !keywords.iter().any(|k| schema.get(*k).is_some()) {
            return Ok(());
        }
        let mut body = Vec::new();
        if let Some(min) = count(schema.get("minItems")) {
            let message = Expr::str(format!("must have at least {min} items"));
            body.push(self.fail_if(length().lt(Expr::int(min)), "minItems", message));
        }
        if let Some(max) = count(schema.get("maxItems")) {
            let message = Expr::str(format!("must have at most {max} items"));
            body.push(self.fail_if(length().gt(Expr::int(max)), "maxItems", message));
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            let unique = self.use_runtime("unique");
            let test = id(unique).call(vec![id("x")]).not();
            body.push(self.fail_if(test, "uniqueItems", Expr::str("must not have duplicate items")));
        }
        for index in 0..prefix {
            let item = id("x").index(Expr::int(index as u64));
            let segments = ["prefixItems", &index.to_string()];
            let check = self.check_part(location, &segments, item, Expr::str(format!("/{index}")))?;
            body.push(Stmt::if_then(length().gt(Expr::int(index as u64)), check));
        }
        // `for (let i = <prefix>; i < x.length; i++) { ... }`
        let past_prefix = |each: Vec<Stmt>| Stmt::For {
            init: Box::new(Stmt::let_("i", Expr::int(prefix as u64))),
            test: id("i").lt(length()),
            update: id("i").increment(),
            body: Block::Lines(each),
        };
        if let Some(items) = schema.get("items") {
            if items == &Value::Bool(false) {
                // Like the Rust crate: one error per item past the prefix.
                let error = Expr::object(vec![
                    Member::property("path", item_segment()),
                    Member::property("keyword", Expr::str("falseSchema")),
                    Member::property("message", Expr::str("no item is allowed here")),
                ]);
                body.push(past_prefix(vec![stop(), failed(), id("e").method("push", vec![error]).stmt()]));
            } else if items != &Value::Bool(true) {
                let check = self.check_part(location, &["items"], id("x").index(id("i")), item_segment())?;
                body.push(past_prefix(check));
            }
        }
        if schema.get("contains").is_some() {
            let function = self.sub(location, &["contains"]);
            let min = count(schema.get("minContains")).unwrap_or(1);
            let max = count(schema.get("maxContains"));
            body.push(Stmt::let_("matches", Expr::int(0)));
            let test = self.test(&function, id("y"), Expr::undefined());
            let counted = Stmt::if_inline(test, id("matches").increment().stmt());
            body.push(Stmt::for_each("y", Iteration::Of, id("x"), Block::Inline(vec![counted])));
            let message = Expr::str(format!("must contain at least {min} matching items"));
            body.push(self.fail_if(id("matches").lt(Expr::int(min)), "contains", message));
            if let Some(max) = max {
                let message = Expr::str(format!("must contain at most {max} matching items"));
                body.push(self.fail_if(id("matches").gt(Expr::int(max)), "contains", message));
            }
        }
        out.push(Stmt::if_then(id("Array").method("isArray", vec![id("x")]), body));
        Ok(())
    }

    pub(super) fn emit_object_keywords(
        &mut self,
        location: &Location,
        schema: &Value,
        ev: Option<&str>,
        out: &mut Vec<Stmt>,
    ) -> Result<(), CompileError> {
        let keywords = [
            "required",
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
            "dependentRequired",
            "dependentSchemas",
        ];
        if !keywords.iter().any(|k| schema.get(*k).is_some()) {
            return Ok(());
        }
        let is_object = self.use_runtime("isObject");
        let has = self.use_runtime("has");
        let mut body = Vec::new();
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            body.push(self.fail_missing(absent(name), name, Expr::str(format!("must have property {name}"))));
        }
        let properties: Vec<(String, Value)> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (name, property) in &properties {
            if property == &Value::Bool(true) {
                continue;
            }
            let access = id("x").index(Expr::str(name));
            let segment = Expr::str(format!("/{}", escape(name)));
            let check = self.check_part(location, &["properties", name], access, segment)?;
            body.push(Stmt::if_then(present(name), check));
        }
        if let Some(ev) = ev {
            for (name, _) in &properties {
                body.push(Stmt::if_inline(id(ev).and(present(name)), add(ev, Expr::str(name))));
            }
        }
        let patterns: Vec<(String, Value)> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let additional = schema.get("additionalProperties");
        let names_schema = schema.get("propertyNames");
        if !patterns.is_empty()
            || additional.is_some_and(|a| a != &Value::Bool(true))
            || names_schema.is_some()
            || (ev.is_some() && additional.is_some())
        {
            let closed = additional == Some(&Value::Bool(false));
            if closed {
                body.push(declare_extra());
            }
            let names_false = names_schema == Some(&Value::Bool(false));
            if names_false {
                body.push(Stmt::let_("named", Expr::bool(false)));
            }
            let mut each = Vec::new();
            if let Some(names) = names_schema {
                if names == &Value::Bool(false) {
                    each.push(stop());
                    each.push(id("named").assign(Expr::bool(true)).stmt());
                } else {
                    let function = self.sub(location, &["propertyNames"]);
                    let test = self.test(&function, id("k"), Expr::undefined());
                    let message = Expr::str("has an invalid property name: ").plus(id("k"));
                    each.push(self.fail_if(test.not(), "propertyNames", message));
                }
            }
            if !patterns.is_empty() || additional.is_some() {
                if !patterns.is_empty() {
                    each.push(Stmt::let_("matched", Expr::bool(false)));
                }
                for (pattern, _) in &patterns {
                    let regex = self.regex(pattern)?;
                    let segment = self.key_segment();
                    let value = id("x").index(id("k"));
                    let mut matched = vec![id("matched").assign(Expr::bool(true)).stmt()];
                    matched.extend(self.check_part(location, &["patternProperties", pattern], value, segment)?);
                    if let Some(ev) = ev {
                        matched.push(Stmt::if_inline(id(ev), add(ev, id("k"))));
                    }
                    each.push(Stmt::if_then(id(&regex).method("test", vec![id("k")]), matched));
                }
                if let Some(additional) = additional {
                    let known = properties.iter().map(|(k, _)| id("k").eq(Expr::str(k))).collect();
                    let mut other = Vec::new();
                    if closed {
                        other.push(stop());
                        other.push(record_extra());
                    } else if additional != &Value::Bool(true) {
                        let segment = self.key_segment();
                        let value = id("x").index(id("k"));
                        other.extend(self.check_part(location, &["additionalProperties"], value, segment)?);
                    }
                    if let Some(ev) = ev {
                        other.push(Stmt::if_inline(id(ev), add(ev, id("k"))));
                    }
                    let unmatched =
                        if patterns.is_empty() { none_of(known) } else { id("matched").not().and(none_of(known)) };
                    each.push(Stmt::if_then(unmatched, other));
                }
            }
            body.push(Stmt::for_each("k", Iteration::In, id("x"), Block::Lines(each)));
            if names_false {
                // Like the Rust crate: `propertyNames: false` is one `falseSchema` error.
                body.push(Stmt::if_then(id("named"), self.fail("falseSchema", Expr::str("no property is allowed"))));
            }
            if closed {
                // Like the Rust crate: one error naming the extras; a bare `additionalProperties:
                // false` (no `properties`, no `patternProperties`) is a `falseSchema` error.
                let keyword =
                    if properties.is_empty() && patterns.is_empty() { "falseSchema" } else { "additionalProperties" };
                let message = Expr::str("must not have additional properties: ")
                    .plus(id("extra").method("join", vec![Expr::str(", ")]));
                body.push(self.fail_if(id("extra"), keyword, message));
            }
        }
        let min = count(schema.get("minProperties"));
        let max = count(schema.get("maxProperties"));
        if min.is_some() || max.is_some() {
            body.push(Stmt::let_("count", Expr::int(0)));
            let counted = Stmt::if_inline(id(has).call(vec![id("x"), id("k")]), id("count").increment().stmt());
            body.push(Stmt::for_each("k", Iteration::In, id("x"), Block::Inline(vec![counted])));
            if let Some(min) = min {
                let message = Expr::str(format!("must have at least {min} properties"));
                body.push(self.fail_if(id("count").lt(Expr::int(min)), "minProperties", message));
            }
            if let Some(max) = max {
                let message = Expr::str(format!("must have at most {max} properties"));
                body.push(self.fail_if(id("count").gt(Expr::int(max)), "maxProperties", message));
            }
        }
        for (name, required) in schema.get("dependentRequired").and_then(Value::as_object).into_iter().flatten() {
            for other in required.as_array().into_iter().flatten().filter_map(Value::as_str) {
                let message = Expr::str(format!("must have property {other} when {name} is present"));
                body.push(self.fail_missing(present(name).and(absent(other)), other, message));
            }
        }
        let dependent: Vec<String> = schema
            .get("dependentSchemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for name in dependent {
            let function = self.sub(location, &["dependentSchemas", &name]);
            let call = self.call(&function, id("x"), id(ev.unwrap_or("undefined")));
            body.push(Stmt::if_then(present(&name), vec![self.check_call(call)]));
        }
        out.push(Stmt::if_then(id(is_object).call(vec![id("x")]), body));
        Ok(())
    }
}
