//! A synthetic contract of any size, built at run time, for benchmarks.
//!
//! `types` object types reference each other (optional links, arrays, enums, bounded strings and
//! numbers) within modules of [`MODULE`] types, as the types of one API area do; every operation
//! uses two of them. The module bound matters: each type's JSON Schema file holds every type it
//! reaches, so a graph where every type reaches every other makes that output quadratic.

/// How many types reference each other.
pub const MODULE: usize = 20;

use contract::{Contract, Info, Operation, RateLimit, TypeRef};
use schemars::{Schema, SchemaGenerator};
use serde_json::{Value, json};

/// Builds a contract of `types` named types and `operations` operations (`types >= 2 * operations`).
pub fn contract(types: usize, operations: usize) -> Contract {
    let mut contract = Contract::new(Info::new("Synthetic", "1.0.0"))
        .problem::<SyntheticProblem>()
        .tag("a", "First half.")
        .tag("b", "Second half.");
    for k in 0..operations {
        let request = type_ref(2 * k % types, types);
        let response = type_ref((2 * k + 1) % types, types);
        let tag = if k % 2 == 0 { "a" } else { "b" };
        let operation = match k % 4 {
            0 => Operation::new(contract::Method::Post, format!("create_{k}"), format!("/resources{k}"))
                .body_as(request, "application/json", true)
                .response_as(201, "Created.", response, "application/json")
                .error(409, "Conflict.")
                .rate_limit(RateLimit::per_minute(30)),
            1 => Operation::new(contract::Method::Get, format!("get_{k}"), format!("/resources{k}/{{id}}"))
                .path_params_ref(id_params())
                .response_as(200, "Found.", response, "application/json")
                .error(404, "Missing.")
                .etag(),
            2 => Operation::new(contract::Method::Patch, format!("update_{k}"), format!("/resources{k}/{{id}}"))
                .path_params_ref(id_params())
                .body_as(request, "application/json", true)
                .response_as(200, "Updated.", response, "application/json")
                .bearer(),
            _ => Operation::new(contract::Method::Get, format!("list_{k}"), format!("/resources{k}"))
                .query_ref(query_params())
                .response_as(200, "Listed.", response, "application/json")
                .role("admin"),
        };
        contract = contract.operation(operation.tag(tag).summary(format!("Operation {k}.")));
    }
    contract
}

#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct SyntheticProblem {
    title: String,
    status: u16,
}

trait RefParams {
    fn path_params_ref(self, ty: TypeRef) -> Self;
    fn query_ref(self, ty: TypeRef) -> Self;
}

impl RefParams for Operation {
    fn path_params_ref(mut self, ty: TypeRef) -> Self {
        self.path_params = Some(ty);
        self
    }
    fn query_ref(mut self, ty: TypeRef) -> Self {
        self.query = Some(ty);
        self
    }
}

fn id_params() -> TypeRef {
    TypeRef::from_fn("synthetic::IdPath", |_| {
        Schema::try_from(
            json!({"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}, "required": ["id"]}),
        )
        .expect("an object is a schema")
    })
}

fn query_params() -> TypeRef {
    TypeRef::from_fn("synthetic::ListQuery", |_| {
        Schema::try_from(json!({"type": "object", "properties": {
            "page": {"type": "integer", "format": "uint32", "minimum": 1, "default": 1},
            "tags": {"type": "array", "items": {"type": "string"}}
        }}))
        .expect("an object is a schema")
    })
}

fn type_ref(index: usize, types: usize) -> TypeRef {
    TypeRef::from_fn(format!("synthetic::Type{index}"), move |generator: &mut SchemaGenerator| {
        ensure_types(generator, types);
        Schema::new_ref(format!("#/components/schemas/Type{index}"))
    })
}

fn ensure_types(generator: &mut SchemaGenerator, types: usize) {
    if generator.definitions().contains_key("Type0") {
        return;
    }
    for i in 0..types {
        generator.definitions_mut().insert(format!("Type{i}"), type_schema(i, types));
    }
}

fn type_schema(i: usize, types: usize) -> Value {
    let base = i - i % MODULE;
    let size = MODULE.min(types - base);
    let link = base + (i + 1 + i % 7) % size;
    let child = base + (i * 7 + 3) % size;
    json!({
        "type": "object",
        "description": format!("Synthetic type {i}."),
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[a-z][a-z0-9_]*$"},
            "count": {"type": "integer", "format": "int64"},
            "ratio": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "kind": {"type": "string", "enum": ["alpha", "beta", "gamma"]},
            "created_at": {"type": "string", "format": "date-time"},
            "next": {"anyOf": [{"$ref": format!("#/components/schemas/Type{link}")}, {"type": "null"}]},
            "children": {"type": "array", "items": {"$ref": format!("#/components/schemas/Type{child}")}, "maxItems": 50},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}
        },
        "required": ["id", "name", "count", "ratio", "kind", "created_at", "next", "children"],
        "additionalProperties": false,
        "examples": [{"id": "00000000-0000-0000-0000-000000000000"}]
    })
}

/// `document` with `changes` edits spread over its schemas and operations, cycling through kinds
/// of change (breaking, warning and compatible ones).
pub fn changed(document: &Value, changes: usize) -> Value {
    let mut new = document.clone();
    let types =
        new.pointer("/components/schemas").and_then(Value::as_object).map_or(0, |s| s.len().saturating_sub(1)).max(1);
    let paths: Vec<String> =
        new.get("paths").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default();
    for k in 0..changes {
        let index = (k * 997) % types;
        let schema = format!("/components/schemas/Type{index}");
        match k % 5 {
            0 => {
                if let Some(v) = new.pointer_mut(&format!("{schema}/properties/name/maxLength")) {
                    *v = json!(50);
                }
            }
            1 => {
                if let Some(Value::Array(values)) = new.pointer_mut(&format!("{schema}/properties/kind/enum")) {
                    values.push(json!("delta"));
                }
            }
            2 => {
                if let Some(Value::Array(required)) = new.pointer_mut(&format!("{schema}/required")) {
                    required.retain(|r| r != "created_at");
                }
            }
            3 => {
                if let Some(Value::Object(properties)) = new.pointer_mut(&format!("{schema}/properties")) {
                    properties.insert("extra".into(), json!({"type": "string"}));
                }
            }
            _ => {
                if let Some(path) = paths.get((k * 131) % paths.len().max(1))
                    && let Some(Value::Object(paths)) = new.get_mut("paths")
                {
                    paths.remove(path);
                }
            }
        }
    }
    new
}
