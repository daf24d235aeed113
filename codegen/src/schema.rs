//! The one view of JSON Schema values every emitter shares: type sets, JSON pointers, references,
//! reachability, standalone documents (`$defs` bundles), the integer policy and differences.
//!
//! Emitters never parse `type`, escape a pointer segment or gather `$defs` on their own: they
//! call this module, so each of those rules exists once.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::model::{NamedSchema, SCHEMA_REF_PREFIX};

/// The largest integer a JavaScript number holds exactly: 2^53 - 1.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// Keywords whose value is one subschema.
pub const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
];
/// Keywords whose value is an array of subschemas.
pub const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of subschemas.
pub const SCHEMA_MAP_KEYWORDS: &[&str] = &["properties", "patternProperties", "$defs", "dependentSchemas"];

/// The JSON types a schema's `type` keyword allows, in the order the keyword lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Types<'a>(Vec<&'a str>);

impl<'a> Types<'a> {
    /// The `type` keyword of `schema`; `None` when it has none (every type is allowed).
    pub fn of(schema: &'a Value) -> Option<Self> {
        match schema.get("type")? {
            Value::String(name) => Some(Self(vec![name.as_str()])),
            Value::Array(names) => Some(Self(names.iter().filter_map(Value::as_str).collect())),
            _ => None,
        }
    }

    /// The `type` keyword of `schema`, empty when it has none.
    pub fn listed(schema: &'a Value) -> Self {
        Self::of(schema).unwrap_or_default()
    }

    /// The types of a choice of constants: a `oneOf`/`anyOf` whose every branch is a `const` (or
    /// an `enum`), as schemars writes a unit enum whose variants have doc comments. Each branch's
    /// `type`, or the JSON type of its values.
    pub fn of_constants(schema: &'a Value) -> Option<Self> {
        let branches = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k)).and_then(Value::as_array)?;
        Self::of_constant_branches(branches)
    }

    /// [`Types::of_constants`] on the branches themselves.
    pub fn of_constant_branches(branches: &'a [Value]) -> Option<Self> {
        let mut types = Vec::new();
        for branch in branches {
            let values: Vec<&Value> = match (branch.get("const"), branch.get("enum")) {
                (Some(value), _) => vec![value],
                (None, Some(Value::Array(values))) => values.iter().collect(),
                _ => return None,
            };
            let listed: Vec<&'a str> = match Self::of(branch) {
                Some(branch_types) => branch_types.0,
                None => values.iter().map(|value| json_type(value)).collect(),
            };
            for t in listed {
                if !types.contains(&t) {
                    types.push(t);
                }
            }
        }
        (!types.is_empty()).then_some(Self(types))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    /// Exactly one type, `name`.
    pub fn is_only(&self, name: &str) -> bool {
        self.0 == [name]
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().copied()
    }
}

/// Whether `schema` is `{"type": "null"}` (or lists only `null`).
pub fn is_null_type(schema: &Value) -> bool {
    Types::of(schema).is_some_and(|types| types.is_only("null"))
}

/// One JSON pointer segment, escaped (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// One JSON pointer segment, unescaped (`~1` → `/`, `~0` → `~`).
pub fn unescape(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// `pointer` followed by one escaped segment.
pub fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape(segment))
}

/// Named schemas by name: the model's components, or a plain map of schemas.
pub trait Components {
    fn schema(&self, name: &str) -> Option<&Value>;
}

impl Components for BTreeMap<String, Value> {
    fn schema(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl Components for BTreeMap<String, NamedSchema> {
    fn schema(&self, name: &str) -> Option<&Value> {
        self.get(name).map(|named| &named.schema)
    }
}

/// A schema made self-contained: its references point into its own `$defs`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// The schema, references rewritten (`#` for the schema's own name, `#/$defs/<name>` else).
    pub root: Value,
    /// Every component the schema reaches (but its own name), references rewritten.
    pub defs: Map<String, Value>,
}

/// Bundles `schema` with what it reaches in `components`; `own` is the schema's own component
/// name, when it has one (references to it become `#`).
pub fn bundle(schema: &Value, own: Option<&str>, components: &impl Components) -> Bundle {
    let mut defs = Map::new();
    for name in reachable(std::iter::once(schema), components) {
        if Some(name.as_str()) != own
            && let Some(component) = components.schema(&name)
        {
            defs.insert(name.clone(), local_refs(component, own));
        }
    }
    Bundle { root: local_refs(schema, own), defs }
}

impl Bundle {
    /// The root with its `$defs` inside (wrapped in `allOf` when the root is not an object).
    pub fn into_document(self) -> Value {
        if self.defs.is_empty() {
            return self.root;
        }
        match self.root {
            Value::Object(mut object) => {
                object.insert("$defs".into(), Value::Object(self.defs));
                Value::Object(object)
            }
            root => json!({ "allOf": [root], "$defs": self.defs }),
        }
    }
}

/// `schema` with its component references pointing into a bundle's `$defs`.
fn local_refs(schema: &Value, own: Option<&str>) -> Value {
    let mut schema = schema.clone();
    walk_mut(&mut schema, &mut |subschema| {
        if let Some(Value::String(reference)) = subschema.get_mut("$ref")
            && let Some(name) = reference.strip_prefix(SCHEMA_REF_PREFIX)
        {
            *reference = if Some(name) == own { "#".to_owned() } else { format!("#/$defs/{name}") };
        }
    });
    schema
}

/// The name a `$ref` to a component schema points at.
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_REF_PREFIX)
}

/// A `$ref` schema to the component `name`.
pub fn ref_to(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMA_REF_PREFIX}{name}") })
}

/// If `schema` is exactly a reference, the name it points at.
pub fn as_ref_name(schema: &Value) -> Option<&str> {
    let object = schema.as_object()?;
    let reference = object.get("$ref")?.as_str()?;
    ref_name(reference)
}

/// A count keyword's value (`minLength`, `maxItems`, …): a non-negative whole number, also when
/// written as a decimal (`2.0`), as JSON Schema reads it.
pub fn count(value: Option<&Value>) -> Option<u64> {
    let value = value?;
    value.as_u64().or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
}

/// Calls `visit` on every subschema of `schema` (itself included) with its JSON pointer.
pub fn walk<'a>(schema: &'a Value, pointer: &mut String, visit: &mut dyn FnMut(&'a Value, &str)) {
    visit(schema, pointer);
    let Some(object) = schema.as_object() else { return };
    for (key, value) in object {
        let len = pointer.len();
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            push(pointer, key);
            walk(value, pointer, visit);
        } else if SCHEMA_ARRAY_KEYWORDS.contains(&key.as_str()) {
            if let Some(items) = value.as_array() {
                for (index, item) in items.iter().enumerate() {
                    push(pointer, key);
                    push(pointer, &index.to_string());
                    walk(item, pointer, visit);
                    pointer.truncate(len);
                }
            }
        } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str())
            && let Some(map) = value.as_object()
        {
            for (name, item) in map {
                push(pointer, key);
                push(pointer, name);
                walk(item, pointer, visit);
                pointer.truncate(len);
            }
        }
        pointer.truncate(len);
    }
}

/// Calls `visit` on every subschema of `schema`, children first, so it may rewrite them.
pub fn walk_mut(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    if let Some(object) = schema.as_object_mut() {
        for (key, value) in object.iter_mut() {
            if SCHEMA_KEYWORDS.contains(&key.as_str()) {
                walk_mut(value, visit);
            } else if SCHEMA_ARRAY_KEYWORDS.contains(&key.as_str()) {
                if let Some(items) = value.as_array_mut() {
                    items.iter_mut().for_each(|item| walk_mut(item, visit));
                }
            } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str())
                && let Some(map) = value.as_object_mut()
            {
                map.values_mut().for_each(|item| walk_mut(item, visit));
            }
        }
    }
    visit(schema);
}

/// Appends one escaped segment to a JSON pointer.
pub fn push(pointer: &mut String, segment: &str) {
    pointer.push('/');
    pointer.push_str(&escape(segment));
}

/// The names of the component schemas `schema` references directly.
pub fn refs(schema: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    walk(schema, &mut String::new(), &mut |subschema, _| {
        if let Some(name) = subschema.get("$ref").and_then(Value::as_str).and_then(ref_name) {
            names.insert(name.to_owned());
        }
    });
    names
}

/// The names reachable from `roots` through `schemas`, roots included.
pub fn reachable<'a>(roots: impl IntoIterator<Item = &'a Value>, schemas: &impl Components) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().flat_map(refs).collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone())
            && let Some(schema) = schemas.schema(&name)
        {
            stack.extend(refs(schema).into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

/// The JSON Schema type of a JSON value (`integer` for a whole number).
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Closes every tuple: a `prefixItems` whose length `maxItems` fixes also gets `items: false`, so
/// the schema says "exactly these items" in the keyword that means it (schemars writes only the
/// bounds, which say the same, but tools read `items: false`).
pub fn close_tuples(schema: &mut Value) {
    walk_mut(schema, &mut |subschema| {
        let Some(object) = subschema.as_object_mut() else { return };
        let Some(length) = object.get("prefixItems").and_then(Value::as_array).map(Vec::len) else { return };
        if !object.contains_key("items") && object.get("maxItems").and_then(Value::as_u64) == Some(length as u64) {
            // Right after `prefixItems`, where a reader looks for it.
            let entries = std::mem::take(object);
            for (key, value) in entries {
                let tuple = key == "prefixItems";
                object.insert(key, value);
                if tuple {
                    object.insert("items".into(), Value::Bool(false));
                }
            }
        }
    });
}

/// Applies the 64-bit integer policy: an integer schema whose format is 64-bit (or pointer-sized)
/// gets bounds within ±(2^53 - 1), so a value a JavaScript number cannot hold exactly is invalid.
/// Returns the pointers of 128-bit integers, which no JSON number carries safely. Strings with
/// those formats (`contract::I64String`, `type: string, format: int64`) carry any value exactly
/// and are left alone.
pub fn apply_integer_policy(schema: &mut Value) -> Vec<String> {
    let mut too_wide = Vec::new();
    let mut pointers = Vec::new();
    walk(schema, &mut String::new(), &mut |subschema, pointer| {
        if !Types::listed(subschema).contains("integer") {
            return;
        }
        if let Some(format) = subschema.get("format").and_then(Value::as_str) {
            if matches!(format, "int64" | "uint64" | "int" | "uint") {
                pointers.push(pointer.to_owned());
            } else if matches!(format, "int128" | "uint128") {
                too_wide.push(pointer.to_owned());
            }
        }
    });
    for pointer in pointers {
        let Some(Value::Object(object)) = schema.pointer_mut(&pointer) else { continue };
        clamp(object, "minimum", -MAX_SAFE_INTEGER, |current, bound| current < bound);
        clamp(object, "maximum", MAX_SAFE_INTEGER, |current, bound| current > bound);
    }
    too_wide
}

fn clamp(object: &mut Map<String, Value>, keyword: &str, bound: i64, wider: fn(f64, f64) -> bool) {
    let replace = match object.get(keyword).and_then(Value::as_f64) {
        Some(current) => wider(current, bound as f64),
        None => true,
    };
    if replace {
        object.insert(keyword.to_owned(), Value::from(bound));
    }
}

/// The first place where two schemas differ: a JSON pointer and both values, briefly.
pub fn first_difference(a: &Value, b: &Value) -> Option<(String, String)> {
    fn go(a: &Value, b: &Value, pointer: &mut String) -> Option<(String, String)> {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for key in keys {
                    let len = pointer.len();
                    push(pointer, key);
                    let found = match (a.get(key), b.get(key)) {
                        (Some(x), Some(y)) => go(x, y, pointer),
                        (x, y) => Some((pointer.clone(), describe(x, y))),
                    };
                    if found.is_some() {
                        return found;
                    }
                    pointer.truncate(len);
                }
                None
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (index, (x, y)) in x.iter().zip(y).enumerate() {
                    let len = pointer.len();
                    push(pointer, &index.to_string());
                    if let Some(found) = go(x, y, pointer) {
                        return Some(found);
                    }
                    pointer.truncate(len);
                }
                None
            }
            (x, y) if x == y => None,
            (x, y) => Some((pointer.clone(), describe(Some(x), Some(y)))),
        }
    }
    fn describe(x: Option<&Value>, y: Option<&Value>) -> String {
        let show = |v: Option<&Value>| v.map_or_else(|| "absent".to_owned(), |v| v.to_string());
        format!("reading: {}, writing: {}", show(x), show(y))
    }
    go(a, b, &mut String::new())
}
