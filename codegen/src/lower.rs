//! Lowers a [`contract::Contract`] into the [`Model`], collecting every problem on the way.
//!
//! Request types are described as serde *reads* them (schemars' deserialize contract) and response
//! types as serde *writes* them (serialize contract). A type reached from both sides must have one
//! shape, or lowering reports where the two differ. Schemas get the 64-bit integer policy, and every
//! schema is test-rendered in OpenAPI 3.0 so that emitters cannot fail later.

use std::collections::{BTreeMap, BTreeSet};

use contract::{Contract, Security, TypeRef};
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use crate::error::{Error, Errors, Field, RustType};
use crate::model::{
    Body, ErrorResponse, Info, License, Location, Model, NamedSchema, Operation, Parameter, Parameters, RequestBody,
    Response, Server, Tag,
};
use crate::schema::{self, as_ref_name, first_difference, reachable};
use crate::schema30;

/// Lowers and validates `contract`.
pub fn lower(contract: &Contract) -> Result<Model, Errors> {
    let mut lowering = Lowering::new();
    let model = lowering.run(contract);
    if lowering.errors.is_empty() { Ok(model) } else { Err(Errors(lowering.errors)) }
}

/// An operation before its parameter types are resolved.
struct Pending {
    operation: Operation,
    params: Vec<(Location, String, Value)>,
}

struct Lowering {
    errors: Vec<Error>,
    request: SchemaGenerator,
    response: SchemaGenerator,
    /// Schema name to Rust path, for the types the contract names directly.
    rust_names: BTreeMap<String, String>,
}

fn generator(serialize: bool) -> SchemaGenerator {
    let settings = SchemaSettings::draft2020_12().with(|settings| {
        settings.definitions_path = "/components/schemas".into();
        settings.meta_schema = None;
    });
    if serialize { settings.for_serialize() } else { settings.for_deserialize() }.into_generator()
}

impl Lowering {
    fn new() -> Self {
        Self { errors: Vec::new(), request: generator(false), response: generator(true), rust_names: BTreeMap::new() }
    }

    fn type_schema(&mut self, ty: &TypeRef, request: bool) -> Value {
        let generator = if request { &mut self.request } else { &mut self.response };
        let schema = ty.schema(generator).to_value();
        if let Some(name) = as_ref_name(&schema) {
            self.rust_names.entry(name.to_owned()).or_insert_with(|| ty.rust_name.to_string());
        }
        schema
    }

    fn run(&mut self, contract: &Contract) -> Model {
        let problem = match &contract.problem {
            Some(ty) => self.type_schema(ty, false),
            None => {
                self.errors.push(Error::MissingProblemType);
                Value::Null
            }
        };
        let problem_name = as_ref_name(&problem).map(str::to_owned).unwrap_or_default();
        if contract.problem.is_some() && problem_name.is_empty() {
            self.errors.push(Error::Unrenderable {
                name: contract.problem.as_ref().map(|t| t.rust_name.to_string()).unwrap_or_default(),
                rust: RustType(None),
                pointer: String::new(),
                field: Field(None),
                reason: "the problem type must be a named struct, not an inlined schema".into(),
            });
        }

        let mut tags = Vec::new();
        let mut seen_tags = BTreeSet::new();
        for tag in &contract.tags {
            if !seen_tags.insert(tag.name.to_string()) {
                self.errors.push(Error::DuplicateTag { tag: tag.name.to_string() });
            }
            tags.push(Tag { name: tag.name.to_string(), description: tag.description.to_string() });
        }

        let pending: Vec<Pending> = contract.operations.iter().map(|op| self.lower_operation(op, &seen_tags)).collect();

        let (schemas, renames) = self.merge_definitions();
        let mut operations = Vec::new();
        for Pending { mut operation, params } in pending {
            if let Some(body) = &mut operation.body {
                body.body.schema = rename_refs(&body.body.schema, &renames);
            }
            for (location, rust_type, schema) in params {
                let schema = rename_refs(&schema, &renames);
                let lowered = self.lower_parameters(&operation, location, &rust_type, &schema, &schemas);
                match location {
                    Location::Path => operation.path_params = lowered,
                    Location::Query => operation.query = lowered,
                    Location::Header => operation.headers = lowered,
                }
            }
            self.check_path_template(&operation);
            operations.push(operation);
        }
        self.check_unique(&operations);
        operations.sort_by(|a, b| (a.path.as_str(), a.method).cmp(&(b.path.as_str(), b.method)));

        // Keep the schemas the operations reach; parameter structs are spread into parameters.
        let roots = operations.iter().flat_map(operation_schemas).chain(std::iter::once(&problem));
        let used = reachable(roots, &schemas);
        let schemas: BTreeMap<String, NamedSchema> =
            schemas.into_iter().filter(|(name, _)| used.contains(name)).collect();

        self.check_schemas(&schemas, &operations);

        let model = Model {
            info: Info {
                title: contract.info.title.to_string(),
                version: contract.info.version.to_string(),
                description: contract.info.description.as_ref().map(ToString::to_string),
                license: contract
                    .info
                    .license
                    .as_ref()
                    .map(|l| License { name: l.name.to_string(), identifier: l.identifier.to_string() }),
            },
            servers: contract
                .servers
                .iter()
                .map(|s| Server { url: s.url.to_string(), description: s.description.to_string() })
                .collect(),
            tags,
            problem: problem_name,
            schemas,
            operations,
        };
        if self.errors.is_empty() {
            self.errors.extend(crate::typescript::check(&model));
            self.errors.extend(crate::rust_server::check(&model));
        }
        model
    }

    fn lower_operation(&mut self, op: &contract::Operation, tags: &BTreeSet<String>) -> Pending {
        let id = op.id.to_string();
        if !is_identifier(&id) {
            self.errors.push(Error::InvalidOperationId { id: id.clone() });
        }
        let tag = match &op.tag {
            None => {
                self.errors.push(Error::MissingTag { operation: id.clone() });
                String::new()
            }
            Some(tag) => {
                if !tags.contains(tag.as_ref()) {
                    self.errors.push(Error::UnknownTag { operation: id.clone(), tag: tag.to_string() });
                }
                tag.to_string()
            }
        };
        if op.summary.trim().is_empty() {
            self.errors.push(Error::MissingSummary { operation: id.clone() });
        }

        let mut params = Vec::new();
        for (location, ty) in
            [(Location::Path, &op.path_params), (Location::Query, &op.query), (Location::Header, &op.headers)]
        {
            if let Some(ty) = ty {
                let schema = self.type_schema(ty, true);
                params.push((location, ty.rust_name.to_string(), schema));
            }
        }

        let body = op.body.as_ref().map(|body| RequestBody {
            body: Body {
                media_type: body.body.media_type.to_string(),
                rust_type: body.body.ty.rust_name.to_string(),
                schema: self.type_schema(&body.body.ty, true),
            },
            required: body.required,
        });
        if body.is_some()
            && matches!(op.method, contract::Method::Get | contract::Method::Head | contract::Method::Delete)
        {
            self.errors.push(Error::BodyNotAllowed { operation: id.clone(), method: op.method.as_str() });
        }

        let mut responses: Vec<Response> = op
            .responses
            .iter()
            .map(|response| Response {
                status: response.status,
                description: response.description.to_string(),
                body: response.body.as_ref().map(|body| Body {
                    media_type: body.media_type.to_string(),
                    rust_type: body.ty.rust_name.to_string(),
                    schema: {
                        let mut schema = self.type_schema(&body.ty, false);
                        drop_null_of_omitted(&mut schema);
                        schema
                    },
                }),
            })
            .collect();
        responses.sort_by_key(|r| r.status);
        self.check_responses(&id, op, &responses);

        let errors = implied_errors(op, body.is_some(), !params.is_empty());

        Pending {
            operation: Operation {
                id,
                method: op.method,
                path: op.path.to_string(),
                tag,
                summary: op.summary.trim().to_owned(),
                description: op.description.as_ref().map(|d| d.trim().to_owned()),
                deprecated: op.deprecated,
                security: op.security.clone(),
                rate_limit: op.rate_limit,
                etag: op.etag,
                path_params: None,
                query: None,
                headers: None,
                body,
                responses,
                errors,
            },
            params,
        }
    }

    fn check_responses(&mut self, id: &str, op: &contract::Operation, responses: &[Response]) {
        let mut seen = BTreeSet::new();
        for response in responses {
            let status = response.status;
            if !seen.insert(status) {
                self.errors.push(Error::InvalidStatus { operation: id.into(), status, reason: "is declared twice" });
            }
            if !(200..400).contains(&status) {
                self.errors.push(Error::InvalidStatus {
                    operation: id.into(),
                    status,
                    reason: "is not a success or redirect status; declare errors with `.error(...)`",
                });
            }
            if status == 304 && op.etag {
                self.errors.push(Error::InvalidStatus {
                    operation: id.into(),
                    status,
                    reason: "is implied by `.etag()`; do not declare it",
                });
            }
            if matches!(status, 204 | 205 | 304) && response.body.is_some() {
                self.errors.push(Error::InvalidStatus { operation: id.into(), status, reason: "cannot have a body" });
            }
        }
        for error in &op.errors {
            if !(400..600).contains(&error.status) {
                self.errors.push(Error::InvalidStatus {
                    operation: id.into(),
                    status: error.status,
                    reason: "is not an error status (4xx or 5xx)",
                });
            }
            if !seen.insert(error.status) {
                self.errors.push(Error::InvalidStatus {
                    operation: id.into(),
                    status: error.status,
                    reason: "is declared twice",
                });
            }
        }
        let successes: Vec<&Response> = responses.iter().filter(|r| (200..300).contains(&r.status)).collect();
        if successes.is_empty() {
            self.errors.push(Error::NoSuccessResponse { operation: id.into() });
        }
        let bodies: BTreeSet<String> = successes
            .iter()
            .map(|r| r.body.as_ref().map(|b| format!("{} {}", b.media_type, b.schema)).unwrap_or_default())
            .collect();
        if bodies.len() > 1 {
            let statuses = successes.iter().map(|r| r.status.to_string()).collect::<Vec<_>>().join(", ");
            self.errors.push(Error::MixedSuccessBodies { operation: id.into(), statuses });
        }
    }

    /// Merges the request-side and response-side definitions. A type whose two shapes differ is
    /// split: the response side keeps the name, the request side becomes `<name>Input`, and so does
    /// every request-side type that contains it. Returns the request-side renames.
    fn merge_definitions(&mut self) -> (BTreeMap<String, NamedSchema>, BTreeMap<String, String>) {
        let mut request = self.request.take_definitions(false);
        let mut response = self.response.take_definitions(false);
        response.values_mut().for_each(drop_null_of_omitted);
        for (name, value) in request.iter_mut().chain(response.iter_mut()) {
            for pointer in schema::apply_integer_policy(value) {
                self.errors.push(Error::Unrenderable {
                    name: name.clone(),
                    rust: RustType(self.rust_names.get(name).cloned()),
                    field: Field::from_pointer(&pointer),
                    pointer,
                    reason: "128-bit integers cannot travel as JSON numbers; use a 64-bit integer or a string".into(),
                });
            }
        }

        // Split until no shared name has two shapes (renaming a type changes the types holding it).
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        loop {
            let renamed: BTreeMap<String, Value> = request
                .iter()
                .map(|(name, value)| {
                    (renames.get(name).cloned().unwrap_or_else(|| name.clone()), rename_refs(value, &renames))
                })
                .collect();
            let differing: Vec<String> = renamed
                .iter()
                .filter(|(name, value)| response.get(name.as_str()).is_some_and(|other| other != *value))
                .map(|(name, _)| name.clone())
                .collect();
            if differing.is_empty() {
                let mut schemas: BTreeMap<String, NamedSchema> = BTreeMap::new();
                for (name, value) in renamed {
                    let original =
                        renames.iter().find(|(_, to)| **to == name).map_or(name.as_str(), |(from, _)| from.as_str());
                    let rust_type = self.rust_names.get(original).cloned();
                    schemas
                        .insert(name, NamedSchema { schema: value, rust_type, in_request: true, in_response: false });
                }
                for (name, value) in response {
                    match schemas.get_mut(&name) {
                        Some(existing) => existing.in_response = true,
                        None => {
                            let rust_type = self.rust_names.get(&name).cloned();
                            schemas.insert(
                                name,
                                NamedSchema { schema: value, rust_type, in_request: false, in_response: true },
                            );
                        }
                    }
                }
                return (schemas, renames);
            }
            for name in differing {
                let input = format!("{name}Input");
                if request.contains_key(&input) || response.contains_key(&input) {
                    let (pointer, detail) = first_difference(&request[&name], &response[&name]).unwrap_or_default();
                    self.errors.push(Error::ShapesDiffer {
                        name: name.clone(),
                        rust: RustType(self.rust_names.get(&name).cloned()),
                        pointer,
                        detail,
                        input,
                    });
                    // Keep the response shape for both sides so lowering can go on and report more.
                    request.insert(name.clone(), response[&name].clone());
                } else {
                    renames.insert(name, input);
                }
            }
        }
    }

    fn lower_parameters(
        &mut self,
        operation: &Operation,
        location: Location,
        rust_type: &str,
        schema: &Value,
        schemas: &BTreeMap<String, NamedSchema>,
    ) -> Option<Parameters> {
        let where_ = location.as_str();
        let not_object = |reason: &str| Error::ParamsNotObject {
            operation: operation.id.clone(),
            location: where_,
            rust_type: rust_type.to_owned(),
            reason: reason.to_owned(),
        };
        let resolved = resolve(schema, schemas);
        let Some(object) = resolved.as_object() else {
            self.errors.push(not_object("its schema is not an object"));
            return None;
        };
        if object.contains_key("oneOf") || object.contains_key("anyOf") {
            self.errors.push(not_object("an enum cannot be spread into parameters"));
            return None;
        }
        let (properties, required) = collect_properties(object, schemas);
        if properties.is_empty() {
            self.errors.push(not_object("it has no fields"));
            return None;
        }
        let mut params = Vec::new();
        for (name, property) in properties {
            let mut property = property.clone();
            schema::apply_integer_policy(&mut property);
            let mut description = None;
            let mut deprecated = false;
            if let Some(object) = property.as_object_mut() {
                description = object.shift_remove("description").and_then(|d| d.as_str().map(str::to_owned));
                deprecated = object.shift_remove("deprecated").is_some_and(|d| d == true);
            }
            let property = strip_null(property);
            if let Err(reason) = check_parameter_schema(&property, location, schemas) {
                self.errors.push(Error::UnsupportedParam {
                    operation: operation.id.clone(),
                    location: where_,
                    field: name.clone(),
                    rust_type: rust_type.to_owned(),
                    reason,
                });
            }
            let is_required = required.contains(&name);
            if location == Location::Path && !is_required {
                self.errors.push(Error::OptionalPathParam {
                    operation: operation.id.clone(),
                    field: name.clone(),
                    rust_type: rust_type.to_owned(),
                });
            }
            params.push(Parameter { name, location, required: is_required, description, deprecated, schema: property });
        }
        Some(Parameters { rust_type: rust_type.to_owned(), params })
    }

    fn check_path_template(&mut self, operation: &Operation) {
        let names = match template_names(&operation.path) {
            Ok(names) => names,
            Err(reason) => {
                self.errors.push(Error::InvalidPath {
                    operation: operation.id.clone(),
                    path: operation.path.clone(),
                    reason,
                });
                return;
            }
        };
        match &operation.path_params {
            None if !names.is_empty() => {
                self.errors.push(Error::PathParamsWithoutType {
                    operation: operation.id.clone(),
                    names: names.iter().map(|n| format!("`{{{n}}}`")).collect::<Vec<_>>().join(", "),
                });
            }
            None => {}
            Some(params) => {
                for name in &names {
                    if !params.params.iter().any(|p| &p.name == name) {
                        self.errors.push(Error::PathParamWithoutField {
                            operation: operation.id.clone(),
                            name: name.clone(),
                            rust_type: params.rust_type.clone(),
                        });
                    }
                }
                for param in &params.params {
                    if !names.contains(&param.name) {
                        self.errors.push(Error::FieldNotInPath {
                            operation: operation.id.clone(),
                            field: param.name.clone(),
                            rust_type: params.rust_type.clone(),
                            path: operation.path.clone(),
                        });
                    }
                }
            }
        }
    }

    fn check_unique(&mut self, operations: &[Operation]) {
        let mut ids: BTreeMap<&str, &Operation> = BTreeMap::new();
        let mut routes: BTreeMap<(String, &str), &Operation> = BTreeMap::new();
        for operation in operations {
            let route = format!("{} {}", operation.method.as_str().to_uppercase(), operation.path);
            if let Some(first) = ids.insert(&operation.id, operation) {
                self.errors.push(Error::DuplicateOperationId {
                    id: operation.id.clone(),
                    first: format!("{} {}", first.method.as_str().to_uppercase(), first.path),
                    second: route.clone(),
                });
            }
            // Two templates that differ only in parameter names match the same requests.
            let shape = template_shape(&operation.path);
            if let Some(first) = routes.insert((shape, operation.method.as_str()), operation) {
                self.errors.push(Error::DuplicateRoute {
                    route,
                    first: first.id.clone(),
                    second: operation.id.clone(),
                });
            }
        }
    }

    fn check_schemas(&mut self, schemas: &BTreeMap<String, NamedSchema>, operations: &[Operation]) {
        for name in schemas.keys() {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
                self.errors.push(Error::InvalidSchemaName { name: name.clone() });
            }
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
            if base.len() < name.len() && schemas.contains_key(base) && !name[base.len()..].starts_with('0') {
                self.errors.push(Error::SchemaNameCollision { name: base.to_owned(), renamed: name.clone() });
            }
        }
        for (name, named) in schemas {
            if let Err(problems) = schema30::downgrade(&named.schema) {
                for problem in problems {
                    self.errors.push(Error::Unrenderable {
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
                        self.errors.push(Error::Unrenderable {
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
    }
}

/// Every schema an operation uses directly (parameters, bodies).
fn operation_schemas(operation: &Operation) -> Vec<&Value> {
    operation
        .parameters()
        .map(|p| &p.schema)
        .chain(operation.body.iter().map(|b| &b.body.schema))
        .chain(operation.responses.iter().filter_map(|r| r.body.as_ref()).map(|b| &b.schema))
        .collect()
}

/// The error statuses an operation's traits imply, merged with the declared ones, by status.
fn implied_errors(op: &contract::Operation, has_body: bool, has_params: bool) -> Vec<ErrorResponse> {
    let mut errors: BTreeMap<u16, ErrorResponse> = BTreeMap::new();
    let mut add = |status: u16, description: String| {
        let entry = errors.entry(status).or_insert_with(|| ErrorResponse { status, description: String::new() });
        if !entry.description.is_empty() {
            entry.description.push(' ');
        }
        entry.description.push_str(&description);
    };
    for error in &op.errors {
        add(error.status, error.description.to_string());
    }
    if has_body {
        add(400, "The body is not valid JSON.".into());
        add(413, "The body is larger than the server accepts.".into());
        add(415, "The body's `Content-Type` is not JSON (`application/json` or a `+json` type).".into());
    }
    if has_body || has_params {
        add(422, "The request breaks the contract; `errors` lists every invalid field.".into());
    }
    match &op.security {
        Security::Public => {}
        Security::Bearer => add(401, "The bearer token is missing, malformed, expired or revoked.".into()),
        Security::Role(role) => {
            add(401, "The bearer token is missing, malformed, expired or revoked.".into());
            add(403, format!("The signed-in user lacks the `{role}` role."));
        }
    }
    if op.rate_limit.is_some() {
        add(429, "Too many requests; retry after `Retry-After` seconds.".into());
    }
    add(500, "An unexpected server error; nothing the client sent caused it.".into());
    errors.into_values().collect()
}

/// `schema` with references to the keys of `renames` pointed at their new names.
fn rename_refs(schema: &Value, renames: &BTreeMap<String, String>) -> Value {
    let mut schema = schema.clone();
    if renames.is_empty() {
        return schema;
    }
    schema::walk_mut(&mut schema, &mut |subschema| {
        if let Some(Value::String(reference)) = subschema.get_mut("$ref") {
            if let Some(to) = schema::ref_name(reference).and_then(|name| renames.get(name)) {
                *reference = format!("{}{to}", crate::model::SCHEMA_REF_PREFIX);
            }
        }
    });
    schema
}

/// Follows one `$ref` to a component schema, if `schema` is one.
fn resolve<'a>(schema: &'a Value, schemas: &'a BTreeMap<String, NamedSchema>) -> &'a Value {
    as_ref_name(schema).and_then(|name| schemas.get(name)).map(|named| &named.schema).unwrap_or(schema)
}

/// The properties and required names of an object schema, including those of `allOf` members
/// (what `#[serde(flatten)]` of a struct produces).
fn collect_properties<'a>(
    object: &'a Map<String, Value>,
    schemas: &'a BTreeMap<String, NamedSchema>,
) -> (Vec<(String, &'a Value)>, BTreeSet<String>) {
    let mut properties = Vec::new();
    let mut required = BTreeSet::new();
    if let Some(Value::Object(own)) = object.get("properties") {
        properties.extend(own.iter().map(|(k, v)| (k.clone(), v)));
    }
    if let Some(Value::Array(names)) = object.get("required") {
        required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::Array(members)) = object.get("allOf") {
        for member in members {
            if let Some(member) = resolve(member, schemas).as_object() {
                let (more, more_required) = collect_properties(member, schemas);
                properties.extend(more);
                required.extend(more_required);
            }
        }
    }
    (properties, required)
}

/// In what serde writes, a property that may be left out is never `null`: `Option` with
/// `skip_serializing_if = "Option::is_none"` is absent or a value. (An `Option<Option<T>>` that
/// writes an inner `null` would be misdescribed; such a field is a documented limitation.)
fn drop_null_of_omitted(schema: &mut Value) {
    schema::walk_mut(schema, &mut |subschema| {
        let Some(object) = subschema.as_object_mut() else { return };
        let required: BTreeSet<String> = match object.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => BTreeSet::new(),
        };
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                if !required.contains(name) {
                    *property = strip_null(std::mem::take(property));
                }
            }
        }
    });
}

/// Removes the `null` alternative of an `Option` field: a parameter is absent, never null.
fn strip_null(mut schema: Value) -> Value {
    if let Some(object) = schema.as_object_mut() {
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let single = types[0].clone();
                object.insert("type".into(), single);
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                let kept: Vec<Value> =
                    branches.iter().filter(|b| !b.get("type").is_some_and(|t| t == "null")).cloned().collect();
                if kept.len() == 1 && branches.len() == 2 {
                    object.shift_remove(keyword);
                    let single = kept.into_iter().next().unwrap_or_default();
                    if let Value::Object(branch) = single {
                        for (key, value) in branch {
                            object.entry(key).or_insert(value);
                        }
                    }
                }
            }
        }
        if let Some(Value::Array(values)) = object.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
    schema
}

/// Parameters are scalars, or (in the query) arrays of scalars.
fn check_parameter_schema(
    schema: &Value,
    location: Location,
    schemas: &BTreeMap<String, NamedSchema>,
) -> Result<(), String> {
    let resolved = resolve(schema, schemas);
    let types: Vec<&str> = match resolved.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if resolved.get("enum").is_some() || resolved.get("const").is_some() => vec!["string"],
        _ => return Err("its schema has no `type`; parameters must be strings, numbers, booleans or enums".into()),
    };
    for t in types {
        match t {
            "string" | "integer" | "number" | "boolean" | "null" => {}
            "array" if location == Location::Query => {
                let items = resolved.get("items").ok_or("an array parameter needs an item type")?;
                check_parameter_schema(items, Location::Header, schemas).map_err(|e| format!("its items: {e}"))?;
            }
            other => return Err(format!("type `{other}` cannot be a {} parameter", location.as_str())),
        }
    }
    Ok(())
}

/// The parameter names of a path template, in order; errors on a malformed template.
pub fn template_names(path: &str) -> Result<Vec<String>, String> {
    if !path.starts_with('/') {
        return Err("it must start with `/`".into());
    }
    let mut names = Vec::new();
    for segment in path.split('/').skip(1) {
        if segment.is_empty() && path != "/" {
            return Err("it has an empty segment".into());
        }
        let opens = segment.matches('{').count();
        let closes = segment.matches('}').count();
        if opens != closes || opens > 1 {
            return Err(format!("segment `{segment}` has unbalanced or several braces"));
        }
        if opens == 1 {
            let name = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .ok_or_else(|| format!("segment `{segment}` must be a whole parameter such as `{{id}}`"))?;
            if !is_identifier(name) {
                return Err(format!("parameter `{name}` is not an identifier"));
            }
            if names.iter().any(|n| n == name) {
                return Err(format!("parameter `{name}` appears twice"));
            }
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// The template with parameter names erased: `/a/{x}` and `/a/{y}` route alike.
fn template_shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(template_names("/a/{x}/b/{y}").unwrap(), vec!["x", "y"]);
        assert!(template_names("a").is_err());
        assert!(template_names("/a/{x}{y}").is_err());
        assert!(template_names("/a/x{y}").is_err());
        assert!(template_names("/a/{x}/{x}").is_err());
        assert!(template_names("/a//b").is_err());
        assert_eq!(template_shape("/a/{x}/b"), "/a/{}/b");
    }

    #[test]
    fn strip_null_of_options() {
        assert_eq!(strip_null(serde_json::json!({"type": ["string", "null"]})), serde_json::json!({"type": "string"}));
        assert_eq!(
            strip_null(serde_json::json!({"anyOf": [{"$ref": "#/components/schemas/R"}, {"type": "null"}]})),
            serde_json::json!({"$ref": "#/components/schemas/R"})
        );
    }
}
