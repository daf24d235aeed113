//! Deterministic values of JSON Schemas: what the TypeScript package's mocks (`msw.ts`) answer by
//! default. A schema's first example is taken when it has one (at any depth: a field whose type has
//! an example gets that example); otherwise a value is built from the keywords:
//!
//! - `const` and `enum`: the constant, the first value;
//! - composition: the schema's own keywords, its `$ref` and each `allOf` member give parts merged
//!   into one value (objects' members joined: a struct with a flattened member); then `oneOf`
//!   takes the first branch whose merged value matches exactly one branch, `anyOf` the first that
//!   satisfies the whole schema (so a nullable reference is the referenced type, or `null` when
//!   that type recurses);
//! - objects: the required properties and the optional ones that can be built (an optional member
//!   that would recurse is left out), `minProperties` filled from `additionalProperties`;
//! - arrays: one item (or `minItems` items) when an item can be built, else an empty array;
//! - strings: the format's sample (`date-time`, `email`, `uuid`, `uri`...), else a string read off
//!   `pattern` (with the `allOf` patterns: each, or theirs joined; `not` checked), else `"string"`, cut or padded to the
//!   lengths (counted in code points);
//! - numbers: 1 moved into the bounds, then up to a multiple of `multipleOf`.
//!
//! Every value is checked against its schema ([`accepts`]) before it is kept; what cannot be built
//! (a pattern with a lookaround, contradictory bounds, a required member that recurses) is a
//! [`NoValue`] naming the named schema and the JSON pointer in it, and lowering reports it as
//! [`crate::Error::NoMockValue`]: the fix is an example on the type.

mod accepts;
mod pattern;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::{Error, Field, RustType};
use crate::model::{ErrorResponse, Mocks, Model};
use crate::schema::{Components, Types, as_ref_name, join, ref_to};
use crate::typescript::validator::format_sample;

/// Why no value could be built, and where: the named schema (`None` for the root when it is not a
/// reference) and the JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoValue {
    pub schema: Option<String>,
    pub pointer: String,
    pub reason: String,
}

/// A value of `schema` (which may reference `components`), the same on every run.
pub fn value(components: &impl Components, schema: &Value) -> Result<Value, NoValue> {
    let mut generator = Generator { components, stack: Vec::new() };
    generator.value(schema, &At { schema: None, pointer: String::new() })
}

/// The mocks' default answers of every operation ([`crate::model::Mocks`]), or what stops them. A
/// problem document answers with its own status in `status` and the response's description in
/// `detail` when the problem schema has those members and accepts them.
pub(crate) fn lower(model: &Model) -> (Mocks, Vec<Error>) {
    let mut mocks = Mocks::new();
    let mut errors: Vec<Error> = Vec::new();
    let mut report = |failure: NoValue, rust_type: &str| {
        let (name, rust) = match failure.schema {
            Some(name) => {
                let rust = model.schemas.get(&name).and_then(|named| named.rust_type.clone());
                (name, rust)
            }
            None => (rust_type.to_owned(), Some(rust_type.to_owned())),
        };
        let error = Error::NoMockValue {
            field: Field::from_pointer(&failure.pointer),
            name,
            rust: RustType(rust),
            pointer: failure.pointer,
            reason: failure.reason,
        };
        if !errors.contains(&error) {
            errors.push(error);
        }
    };
    // Without a problem type lowering reports `MissingProblemType`; the errors answer nothing then.
    let problem_schema = ref_to(&model.problem);
    let problem = if model.schemas.contains_key(&model.problem) {
        value(&model.schemas, &problem_schema).map_err(|failure| report(failure, &model.problem)).ok()
    } else {
        None
    };
    for operation in &model.operations {
        let mut bodies = BTreeMap::new();
        for response in &operation.responses {
            let Some(body) = &response.body else { continue };
            match value(&model.schemas, &body.schema) {
                Ok(value) => drop(bodies.insert(response.status, value)),
                Err(failure) => report(failure, &body.rust_type),
            }
        }
        if let Some(problem) = &problem {
            for error in &operation.errors {
                bodies.insert(error.status, problem_of(model, &problem_schema, problem, error));
            }
        }
        mocks.insert(operation.id.clone(), bodies);
    }
    (mocks, errors)
}

/// The members of a problem document RFC 9457 defines; the others are extensions.
const PROBLEM_MEMBERS: [&str; 5] = ["type", "title", "status", "detail", "instance"];

/// The problem answered with `error`'s status, from the problem's value (its example, usually for
/// one status): its `status`; for an `about:blank` type, the status's reason phrase as `title`;
/// the response's description as `detail`; and, when the example was of another status, without
/// the optional extension members (they describe that status). Each change is kept only when
/// the schema accepts it.
fn problem_of(model: &Model, schema: &Value, problem: &Value, error: &ErrorResponse) -> Value {
    let mut answer = problem.clone();
    let mut change = |edit: &dyn Fn(&mut Map<String, Value>)| {
        let mut changed = answer.clone();
        if let Some(object) = changed.as_object_mut() {
            edit(object);
        }
        if accepts(&model.schemas, schema, &changed) {
            answer = changed;
        }
    };
    let status = json!(error.status);
    if problem.get("status") != Some(&status) {
        change(&|object| object.retain(|key, _| PROBLEM_MEMBERS.contains(&key.as_str())));
    }
    let about_blank = problem.get("type").is_none_or(|ty| ty == "about:blank");
    for (member, value) in [
        ("status", Some(status.clone())),
        ("title", about_blank.then(|| json!(contract::reason_phrase(error.status)))),
        ("detail", Some(json!(error.description))),
    ] {
        if let Some(value) = value {
            change(&|object| {
                if object.contains_key(member) {
                    object.insert(member.to_owned(), value.clone());
                }
            });
        }
    }
    answer
}

/// Whether `value` satisfies `schema` (for the keywords listed in [`accepts`]).
pub fn accepts(components: &impl Components, schema: &Value, value: &Value) -> bool {
    accepts::accepts(components, schema, value)
}

/// Where the generator is: the named schema it is in, and the pointer inside it.
#[derive(Clone)]
struct At {
    schema: Option<String>,
    pointer: String,
}

impl At {
    fn join(&self, segment: &str) -> Self {
        Self { schema: self.schema.clone(), pointer: join(&self.pointer, segment) }
    }

    fn fail(&self, reason: impl Into<String>) -> NoValue {
        NoValue { schema: self.schema.clone(), pointer: self.pointer.clone(), reason: reason.into() }
    }
}

struct Generator<'a, C> {
    components: &'a C,
    /// The named schemas being built, outermost first (a reference to one of them recurses).
    stack: Vec<String>,
}

impl<C: Components> Generator<'_, C> {
    fn value(&mut self, schema: &Value, at: &At) -> Result<Value, NoValue> {
        let value = self.build(schema, at)?;
        if self.accepts(schema, &value) {
            Ok(value)
        } else {
            Err(at.fail(format!("the value built, `{value}`, does not satisfy the schema")))
        }
    }

    fn accepts(&self, schema: &Value, value: &Value) -> bool {
        accepts::accepts(self.components, schema, value)
    }

    fn build(&mut self, schema: &Value, at: &At) -> Result<Value, NoValue> {
        let object = match schema {
            Value::Bool(true) => return Ok(Value::Null),
            Value::Object(object) => object,
            _ => return Err(at.fail("no value satisfies `false`")),
        };
        let get = |key: &str| object.get(key);
        let list = |key: &str| get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();

        for example in list("examples").iter().chain(get("example")) {
            if self.accepts(schema, example) {
                return Ok(example.clone());
            }
        }
        if let Some(constant) = get("const") {
            return Ok(constant.clone());
        }
        if get("enum").is_some() {
            return list("enum")
                .iter()
                .find(|value| self.accepts(schema, value))
                .cloned()
                .ok_or_else(|| at.fail("no value of `enum` satisfies the schema"));
        }

        // The parts every value has: the schema's own keywords, the reference, each `allOf` member
        // (objects merged: a flattened struct is its own members and its parts').
        let mut parts = Vec::new();
        let own: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| !COMPOSITION.contains(&key.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if has_own_type(&own) || (as_ref_name(schema).is_none() && list("allOf").is_empty() && !has_choice(object)) {
            // A string's `allOf` patterns are read together with its own.
            let patterns: Vec<&str> =
                list("allOf").iter().filter_map(|member| member.get("pattern").and_then(Value::as_str)).collect();
            parts.push(self.typed(&own, &patterns, at)?);
        }
        if let Some(name) = as_ref_name(schema) {
            parts.push(self.reference(name, at)?);
        }
        for (index, member) in list("allOf").iter().enumerate() {
            parts.push(self.value(member, &at.join("allOf").join(&index.to_string()))?);
        }
        let fixed = parts.into_iter().reduce(merge);

        // Then one branch of `oneOf` (matching exactly one) or of `anyOf`.
        for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
            let branches = list(key);
            if branches.is_empty() {
                continue;
            }
            let mut last = None;
            for (index, branch) in branches.iter().enumerate() {
                match self.value(branch, &at.join(key).join(&index.to_string())) {
                    Ok(value) => {
                        let value = match &fixed {
                            Some(fixed) => merge(fixed.clone(), value),
                            None => value,
                        };
                        // `accepts` holds `oneOf` to exactly one branch, `anyOf` to one at least.
                        if self.accepts(schema, &value) {
                            return Ok(value);
                        }
                    }
                    Err(error) => last = Some(error),
                }
            }
            return Err(last.unwrap_or_else(|| {
                at.fail(if exactly_one {
                    "no branch of `oneOf` gives a value that matches exactly one branch"
                } else {
                    "no branch of `anyOf` gives a value that satisfies the schema"
                })
            }));
        }
        Ok(fixed.unwrap_or(Value::Null))
    }

    /// A value of the schema's own keywords (`type` and those of one), the first type that works.
    fn typed(&mut self, object: &Map<String, Value>, patterns: &[&str], at: &At) -> Result<Value, NoValue> {
        let schema = Value::Object(object.clone());
        let mut last = None;
        for ty in types_of(&schema) {
            let value = match ty {
                "null" => Ok(Value::Null),
                "boolean" => Ok(Value::Bool(true)),
                "integer" | "number" => number(object, ty == "integer", at),
                "string" => self.string(object, patterns, at),
                "array" => self.array(object, at),
                "object" => self.object(object, at),
                other => Err(at.fail(format!("unknown type `{other}`"))),
            };
            match value {
                Ok(value) if self.accepts(&schema, &value) => return Ok(value),
                Ok(value) => last = Some(at.fail(format!("the value built, `{value}`, does not satisfy the schema"))),
                Err(error) => last = Some(error),
            }
        }
        Err(last.unwrap_or_else(|| at.fail("the schema allows no type")))
    }

    fn reference(&mut self, name: &str, at: &At) -> Result<Value, NoValue> {
        if self.stack.iter().any(|n| n == name) {
            return Err(at.fail(format!(
                "`{name}` contains itself here, with no way out such as an optional member or an empty array"
            )));
        }
        let Some(target) = self.components.schema(name) else {
            return Err(at.fail(format!("`{name}` is not a named schema")));
        };
        self.stack.push(name.to_owned());
        let value = self.value(target, &At { schema: Some(name.to_owned()), pointer: String::new() });
        self.stack.pop();
        value
    }

    fn string(&mut self, object: &Map<String, Value>, also: &[&str], at: &At) -> Result<Value, NoValue> {
        let count = |key: &str| crate::schema::count(object.get(key)).map(|n| n as usize);
        let (min, max) = (count("minLength").unwrap_or(0), count("maxLength"));
        let fits = |text: &str| {
            let length = text.chars().count();
            length >= min && max.is_none_or(|max| length <= max)
        };
        let patterns: Vec<&str> =
            object.get("pattern").and_then(Value::as_str).into_iter().chain(also.iter().copied()).collect();
        let valid = |text: &str| fits(text) && patterns.iter().all(|p| accepts::matches(p, text));

        if let Some(sample) = object.get("format").and_then(Value::as_str).and_then(format_sample) {
            return if valid(sample) {
                Ok(json!(sample))
            } else {
                Err(at.fail(format!("the format's sample `{sample}` breaks the lengths or the pattern")))
            };
        }
        let mut candidates = Vec::new();
        let mut firsts = Vec::new();
        for pattern in &patterns {
            let read = pattern::candidates(pattern)
                .map_err(|reason| at.fail(format!("no string can be read off the pattern `{pattern}`: {reason}")))?;
            firsts.extend(read.first().cloned());
            candidates.extend(read);
        }
        // Several patterns that each ask for a character (a digit, a capital...): their strings
        // joined, in both orders.
        if firsts.len() > 1 {
            candidates.push(firsts.concat());
            candidates.push(firsts.iter().rev().cloned().collect());
        }
        // Too short for `minLength`: the last character repeated (right for unanchored patterns;
        // the check below throws out the others).
        let padded: Vec<String> = candidates
            .iter()
            .filter_map(|text| {
                let last = text.chars().last()?;
                let missing = min.checked_sub(text.chars().count()).filter(|n| *n > 0)?;
                Some(text.chars().chain(std::iter::repeat_n(last, missing)).collect())
            })
            .collect();
        candidates.extend(padded);
        if patterns.is_empty() {
            let target = max.map_or(min.max(6), |max| min.max(6).min(max));
            let text: String = "string".chars().chain(std::iter::repeat('x')).take(target).collect();
            candidates.push(text);
        }
        candidates
            .into_iter()
            .find(|text| valid(text))
            .map(Value::String)
            .ok_or_else(|| at.fail("no string read off the pattern has the allowed length"))
    }

    fn array(&mut self, object: &Map<String, Value>, at: &At) -> Result<Value, NoValue> {
        let count = |key: &str| crate::schema::count(object.get(key)).map(|n| n as usize);
        let mut items = Vec::new();
        let prefix = object.get("prefixItems").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (index, schema) in prefix.iter().enumerate() {
            items.push(self.value(schema, &at.join("prefixItems").join(&index.to_string()))?);
        }
        let (min, max) = (count("minItems").unwrap_or(0), count("maxItems"));
        let wanted = min.max(items.len() + 1).min(max.unwrap_or(usize::MAX));
        if let Some(schema) = object.get("items").filter(|_| items.len() < wanted) {
            match self.value(schema, &at.join("items")) {
                Ok(item) => {
                    if object.get("uniqueItems") == Some(&Value::Bool(true)) && wanted - items.len() > 1 {
                        return Err(at.fail("`uniqueItems` with `minItems` above 1 needs an example"));
                    }
                    items.resize(wanted, item);
                }
                Err(error) if items.len() >= min => drop(error),
                Err(error) => return Err(error),
            }
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self, object: &Map<String, Value>, at: &At) -> Result<Value, NoValue> {
        let required: Vec<&str> =
            object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut members = Map::new();
        let mut optional = Map::new();
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, schema) in properties {
                let value = self.value(schema, &at.join("properties").join(name));
                match value {
                    Ok(value) if required.contains(&name.as_str()) => drop(members.insert(name.clone(), value)),
                    Ok(value) => drop(optional.insert(name.clone(), value)),
                    Err(error) if required.contains(&name.as_str()) => return Err(error),
                    Err(_) => {}
                }
            }
        }
        if let Some(name) = required.iter().find(|name| !members.contains_key(**name)) {
            let extra = object.get("additionalProperties").filter(|extra| extra.is_object());
            let schema = extra.ok_or_else(|| at.fail(format!("required `{name}` is not a declared property")))?;
            let value = self.value(schema, &at.join("additionalProperties"))?;
            members.insert((*name).to_owned(), value);
        }
        let min = crate::schema::count(object.get("minProperties")).unwrap_or(0) as usize;
        // With the optional members first; without them when they break the schema together.
        let mut with_optional = members.clone();
        with_optional.extend(optional);
        for mut members in [with_optional, members] {
            let mut index = 0;
            while members.len() < min {
                let Some(extra) = object.get("additionalProperties").filter(|extra| extra.is_object()) else {
                    return Err(at.fail("`minProperties` needs more members than the declared ones"));
                };
                index += 1;
                let value = self.value(extra, &at.join("additionalProperties"))?;
                members.insert(format!("key{index}"), value);
            }
            let value = Value::Object(members);
            if self.accepts(&Value::Object(object.clone()), &value) {
                return Ok(value);
            }
        }
        Err(at.fail("no object built from the declared members satisfies the schema"))
    }
}

/// The keywords that compose a schema of others.
const COMPOSITION: [&str; 5] = ["$ref", "allOf", "oneOf", "anyOf", "not"];

/// Whether a schema chooses among branches.
fn has_choice(object: &Map<String, Value>) -> bool {
    object.contains_key("oneOf") || object.contains_key("anyOf")
}

/// Two parts of one value: objects merged (the second's members last), else the first that is not
/// `null`.
fn merge(first: Value, second: Value) -> Value {
    match (first, second) {
        (Value::Object(mut first), Value::Object(second)) => {
            first.extend(second);
            Value::Object(first)
        }
        (Value::Null, second) => second,
        (first, _) => first,
    }
}

/// Whether a schema says what it is by itself (a type, or the keywords of one).
fn has_own_type(object: &Map<String, Value>) -> bool {
    ["type", "properties", "items", "prefixItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum"]
        .iter()
        .any(|key| object.contains_key(*key))
}

/// The types to try, in order: the listed ones with `null` last; the ones the keywords imply when
/// there is no `type`; `null` for a schema without constraints.
fn types_of(schema: &Value) -> Vec<&'static str> {
    let empty = Map::new();
    let object = schema.as_object().unwrap_or(&empty);
    const ALL: [&str; 7] = ["object", "array", "string", "integer", "number", "boolean", "null"];
    let listed: Vec<&str> = match Types::of(schema) {
        Some(types) => types.iter().collect(),
        None => {
            let implied = |keys: &[&str]| keys.iter().any(|key| object.contains_key(*key));
            let mut types = Vec::new();
            if implied(&["properties", "required", "additionalProperties", "minProperties"]) {
                types.push("object");
            }
            if implied(&["items", "prefixItems", "minItems"]) {
                types.push("array");
            }
            if implied(&["pattern", "format", "minLength", "maxLength"]) {
                types.push("string");
            }
            if implied(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
                types.push("number");
            }
            types.push("null");
            types
        }
    };
    ALL.into_iter()
        .filter(|ty| listed.contains(ty) && *ty != "null")
        .chain(listed.contains(&"null").then_some("null"))
        .collect()
}

/// 1, moved into the bounds, then up to the next multiple of `multipleOf`.
fn number(object: &Map<String, Value>, integer: bool, at: &At) -> Result<Value, NoValue> {
    let bound = |key: &str| object.get(key).and_then(Value::as_f64);
    let step = if integer { 1.0 } else { 0.5 };
    let low = match (bound("minimum"), bound("exclusiveMinimum")) {
        (Some(min), Some(ex)) => Some(min.max(ex + step)),
        (min, ex) => min.or(ex.map(|ex| ex + step)),
    };
    let high = match (bound("maximum"), bound("exclusiveMaximum")) {
        (Some(max), Some(ex)) => Some(max.min(ex - step)),
        (max, ex) => max.or(ex.map(|ex| ex - step)),
    };
    let low = if integer { low.map(f64::ceil) } else { low };
    let high = if integer { high.map(f64::floor) } else { high };
    let mut n = 1.0_f64;
    if let Some(low) = low {
        n = n.max(low);
    }
    if let Some(high) = high {
        n = n.min(high);
    }
    if let Some(m) = bound("multipleOf").filter(|m| *m > 0.0) {
        n = (n / m).ceil() * m;
    }
    if low.is_some_and(|low| n < low) || high.is_some_and(|high| n > high) {
        return Err(at.fail("no number satisfies the bounds and `multipleOf`"));
    }
    Ok(if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 { json!(n as i64) } else { json!(n) })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::{NoValue, accepts, value};

    fn check(schema: Value) -> Value {
        let components = BTreeMap::<String, Value>::new();
        let built = value(&components, &schema).unwrap_or_else(|e| panic!("{schema}: {e:?}"));
        assert!(accepts(&components, &schema, &built), "{schema}: {built}");
        built
    }

    fn fails(components: &BTreeMap<String, Value>, schema: Value) -> NoValue {
        value(components, &schema).expect_err("no value")
    }

    #[test]
    fn examples_constants_and_enums_come_first() {
        assert_eq!(check(json!({"type": "string", "examples": ["main.rs"]})), json!("main.rs"));
        assert_eq!(check(json!({"type": "string", "maxLength": 2, "examples": ["toolong", "ok"]})), json!("ok"));
        assert_eq!(check(json!({"const": "agentic"})), json!("agentic"));
        assert_eq!(check(json!({"type": "string", "enum": ["free", "pro"]})), json!("free"));
    }

    #[test]
    fn strings_follow_formats_patterns_and_lengths_in_code_points() {
        assert_eq!(check(json!({"type": "string", "format": "uuid"})), json!("00000000-0000-4000-8000-000000000000"));
        assert_eq!(check(json!({"type": "string", "pattern": "^vk_[0-9a-f]{8}$"})), json!("vk_aaaaaaaa"));
        assert_eq!(check(json!({"type": "string", "pattern": "^[a-z][a-z-]*$", "minLength": 4})), json!("aaaa"));
        assert_eq!(check(json!({"type": "string", "minLength": 8})), json!("stringxx"));
        assert_eq!(check(json!({"type": "string", "maxLength": 3})), json!("str"));
        // A count written as a decimal is the same count, as the validators read it.
        assert_eq!(check(json!({"type": "string", "minLength": 8.0})), json!("stringxx"));
        assert_eq!(check(json!({"type": "array", "items": {"type": "integer"}, "minItems": 2.0})), json!([1, 1]));
        let components = BTreeMap::<String, Value>::new();
        assert!(!accepts(&components, &json!({"type": "string", "maxLength": 2.0}), &json!("abc")));
        let all =
            json!({"type": "string", "allOf": [{"pattern": "[0-9]"}, {"pattern": "[A-Z]"}], "pattern": "^[A-Z0-9]+$"});
        assert_eq!(check(all), json!("00A"));
        let password = json!({"type": "string", "minLength": 8, "allOf": [{"pattern": "[0-9]"}, {"pattern": "[A-Z]"}, {"pattern": "[a-z]"}]});
        assert_eq!(check(password), json!("0Aaaaaaa"));
        let built = check(json!({"type": "string", "pattern": "^[é]+$", "minLength": 2, "maxLength": 2}));
        assert_eq!(built, json!("éé"));
    }

    #[test]
    fn numbers_respect_bounds_and_multiples() {
        assert_eq!(check(json!({"type": "integer", "minimum": 10, "maximum": 20})), json!(10));
        assert_eq!(check(json!({"type": "integer", "exclusiveMinimum": 10, "multipleOf": 5})), json!(15));
        assert_eq!(check(json!({"type": "integer", "maximum": -3})), json!(-3));
        assert_eq!(check(json!({"type": "number", "exclusiveMaximum": 1})), json!(0.5));
        let components = BTreeMap::new();
        let error = fails(&components, json!({"type": "integer", "minimum": 1, "maximum": 4, "multipleOf": 5}));
        assert_eq!(error.reason, "no number satisfies the bounds and `multipleOf`");
    }

    #[test]
    fn one_of_takes_a_branch_that_matches_exactly_one() {
        // The first branch's value (any string) also matches the second: the second is kept.
        let schema = json!({"oneOf": [{"type": "string"}, {"type": "string", "minLength": 1}]});
        let components = BTreeMap::new();
        assert_eq!(
            fails(&components, schema).reason,
            "no branch of `oneOf` gives a value that matches exactly one branch"
        );
        let schema = json!({"oneOf": [{"type": "string", "maxLength": 0}, {"type": "string", "minLength": 1}]});
        assert_eq!(check(schema), json!(""));
        let tagged = json!({"oneOf": [
            {"type": "object", "properties": {"kind": {"const": "a"}, "n": {"type": "integer"}}, "required": ["kind", "n"], "additionalProperties": false},
            {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"], "additionalProperties": false}
        ]});
        assert_eq!(check(tagged), json!({"kind": "a", "n": 1}));
    }

    #[test]
    fn flattened_members_are_merged_with_the_branch_and_the_reference() {
        // `struct Tagged { id: u32, #[serde(flatten)] kind: Internal }`, `Internal` tagged by `kind`,
        // one variant a newtype of `Inner`: the branch is a reference with members beside it.
        let components: BTreeMap<String, Value> = BTreeMap::from([(
            "Inner".into(),
            json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
        )]);
        let kind = |k: &str| json!({"type": "object", "properties": {"kind": {"const": k}}, "required": ["kind"]});
        let mut newtype = kind("newtype");
        newtype["$ref"] = json!("#/components/schemas/Inner");
        let schema = json!({
            "type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"],
            "oneOf": [newtype, kind("unit")], "unevaluatedProperties": false
        });
        let built = value(&components, &schema).expect("a value");
        assert_eq!(built, json!({"id": 1, "kind": "newtype", "text": "string"}));
        assert!(!accepts(&components, &schema, &json!({"id": 1, "kind": "unit", "extra": 1})));
    }

    #[test]
    fn recursion_stops_at_optional_members_and_empty_arrays() {
        let components: BTreeMap<String, Value> = BTreeMap::from([
            (
                "Node".into(),
                json!({"type": "object", "properties": {
                "name": {"type": "string"},
                "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
                "next": {"$ref": "#/components/schemas/Node"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }, "required": ["name", "parent", "children"]}),
            ),
            (
                "Loop".into(),
                json!({"type": "object", "properties": {
                "again": {"$ref": "#/components/schemas/Loop"}
            }, "required": ["again"]}),
            ),
        ]);
        let built = value(&components, &json!({"$ref": "#/components/schemas/Node"})).expect("a node");
        assert_eq!(built, json!({"name": "string", "parent": null, "children": []}));
        let error = fails(&components, json!({"$ref": "#/components/schemas/Loop"}));
        assert_eq!((error.schema.as_deref(), error.pointer.as_str()), (Some("Loop"), "/properties/again"));
        assert!(error.reason.contains("contains itself"), "{}", error.reason);
    }

    #[test]
    fn what_cannot_be_built_names_the_schema_and_field() {
        let components: BTreeMap<String, Value> = BTreeMap::from([(
            "Slug".into(),
            json!({"type": "object", "properties": {"slug": {"type": "string", "pattern": "^(?=x)[a-z]+$"}}, "required": ["slug"]}),
        )]);
        let error = fails(&components, json!({"$ref": "#/components/schemas/Slug"}));
        assert_eq!(error.schema.as_deref(), Some("Slug"));
        assert_eq!(error.pointer, "/properties/slug");
        assert!(error.reason.contains("lookarounds are not supported"), "{}", error.reason);
    }
}
