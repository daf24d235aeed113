//! TypeScript output: types, zero-dependency validators and a typed `fetch` client, emitted as a
//! package folder (`generated/typescript/`).
//!
//! | file | what |
//! |---|---|
//! | `types.ts` | one type per named schema, and per operation its parameters, request and response union |
//! | `validators.ts` | `validateX` / `isX` per named schema, compiled by [`validator`] with formats asserted |
//! | `client.ts` | `createClient(...)`, one method per operation |
//! | `runtime.ts` | what the validators import (no dependency) |
//! | `index.ts`, `package.json` | the package entry |

pub mod names;
pub mod printer;
pub mod types;
pub mod validator;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::{Error, Errors, Language};
use crate::model::{Location, Model, Operation, Parameter, Security};
use crate::schema::as_ref_name;
use names::Scope;
use printer::Writer;
use types::{Property, Type};

/// The runtime the validators import: result types, equality, lengths and format checkers.
pub const RUNTIME: &str = include_str!("runtime.ts");
const CLIENT_RUNTIME: &str = include_str!("client_runtime.ts");

/// The base URI under which the model's schemas are compiled.
const CONTRACT_URI: &str = "https://contract.invalid/openapi.json";

/// The problems that would stop the TypeScript emitter: clashing names, schemas the validator
/// compiler cannot resolve. `lower` reports them, so [`emit`] does not fail.
pub fn check(model: &Model) -> Vec<Error> {
    match Names::new(model) {
        Err(errors) => errors.0,
        Ok(names) => match emit_validators(model, &names) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0,
        },
    }
}

/// Every file of the package, by path relative to the package folder. `model` comes from
/// [`crate::lower`], which ran [`check`].
pub fn emit(model: &Model, header: &str) -> BTreeMap<String, String> {
    let names = Names::new(model).expect("lower() checked the TypeScript names");
    let validators = emit_validators(model, &names).expect("lower() compiled the validators once");
    let mut files = BTreeMap::new();
    let banner = format!("// {header}\n");
    files.insert("runtime.ts".to_owned(), format!("{banner}{RUNTIME}"));
    files.insert("types.ts".to_owned(), format!("{banner}{}", emit_types(model, &names)));
    files.insert("validators.ts".to_owned(), format!("{banner}{validators}"));
    files.insert("client.ts".to_owned(), format!("{banner}{}", emit_client(model, &names)));
    files.insert(
        "index.ts".to_owned(),
        format!(
            "{banner}export * from \"./types.js\";\nexport * from \"./validators.js\";\nexport * from \"./client.js\";\nexport type {{ ValidationError, ValidationResult }} from \"./runtime.js\";\n"
        ),
    );
    let package = json!({
        "name": package_name(&model.info.title),
        "version": model.info.version,
        "description": format!("TypeScript types, validators and client of {} ({header})", model.info.title),
        "private": true,
        "type": "module",
        "types": "./index.ts",
        "exports": { ".": { "types": "./index.ts", "default": "./index.ts" } },
        "sideEffects": false
    });
    files.insert("package.json".to_owned(), crate::render_json(&package));
    files
}

fn package_name(title: &str) -> String {
    let slug: String =
        title.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("{}-client", if slug.is_empty() { "api" } else { &slug })
}

/// Every TypeScript name the package exports, checked for clashes once.
struct Names {
    /// Schema name → type name.
    types: BTreeMap<String, String>,
    /// Operation id → (PascalCase prefix, method name).
    operations: BTreeMap<String, (String, String)>,
}

impl Names {
    fn new(model: &Model) -> Result<Self, Errors> {
        let mut scope = Scope::default();
        let mut methods = Scope::default();
        let mut errors = Vec::new();
        let mut clash = |result: Result<(), (String, String)>, second: &str| {
            if let Err((name, first)) = result {
                errors.push(Error::NameClash {
                    language: Language::TypeScript,
                    name,
                    first,
                    second: second.to_owned(),
                });
            }
        };
        let mut types = BTreeMap::new();
        for name in model.schemas.keys() {
            let ts = names::type_name(name);
            for export in [ts.clone(), format!("validate{ts}"), format!("is{ts}")] {
                let owner = format!("schema `{name}`");
                clash(scope.claim(&export, &owner), &owner);
            }
            types.insert(name.clone(), ts);
        }
        let mut operations = BTreeMap::new();
        for operation in &model.operations {
            let prefix = names::pascal(&operation.id);
            let method = names::camel(&operation.id);
            let owner = format!("operation `{}`", operation.id);
            for suffix in ["PathParams", "Query", "Headers", "Request", "Response"] {
                clash(scope.claim(&format!("{prefix}{suffix}"), &owner), &owner);
            }
            clash(methods.claim(&method, &owner), &owner);
            operations.insert(operation.id.clone(), (prefix, method));
        }
        if errors.is_empty() { Ok(Self { types, operations }) } else { Err(Errors(errors)) }
    }

    fn prefix(&self, operation: &Operation) -> &str {
        &self.operations[&operation.id].0
    }

    fn method(&self, operation: &Operation) -> &str {
        &self.operations[&operation.id].1
    }
}

/// A parameter struct as a TypeScript object type.
fn parameters_type(parameters: &[&Parameter], extra: Vec<Property>) -> Type {
    let mut properties: Vec<Property> = parameters
        .iter()
        .map(|p| Property {
            name: p.name.clone(),
            optional: !p.required,
            ty: types::lower(&p.schema),
            doc: [p.description.clone().unwrap_or_default(), types::doc_of(&p.schema)]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n"),
        })
        .collect();
    properties.extend(extra);
    Type::Object(properties)
}

fn located<'m>(operation: &'m Operation, location: Location) -> Vec<&'m Parameter> {
    operation.parameters().filter(|p| p.location == location).collect()
}

fn body_type(schema: &Value, media_type: &str) -> Type {
    if media_type.contains("json") { types::lower(schema) } else { Type::Keyword("string") }
}

/// What a call of `operation` takes: which parts exist and whether they are required.
struct Inputs {
    path: bool,
    query: Option<bool>,
    headers: Option<bool>,
    body: Option<bool>,
}

fn inputs(operation: &Operation) -> Inputs {
    let any_required = |location| located(operation, location).iter().any(|p| p.required);
    let has = |location| !located(operation, location).is_empty();
    Inputs {
        path: has(Location::Path),
        query: has(Location::Query).then(|| any_required(Location::Query)),
        headers: (has(Location::Header) || operation.etag).then(|| any_required(Location::Header)),
        body: operation.body.as_ref().map(|b| b.required),
    }
}

fn emit_types(model: &Model, names: &Names) -> String {
    let mut out = Writer::default();
    out.raw("// Types of the contract's schemas and operations. Integers are `number`: the contract bounds\n// them to ±(2^53 - 1), which JavaScript numbers hold exactly.\n\n");
    for (name, named) in &model.schemas {
        types::declare(&mut out, &names.types[name], &named.schema);
    }
    for operation in &model.operations {
        let prefix = names.prefix(operation);
        let title = format!("`{}` ({} {})", operation.id, operation.method.as_str().to_uppercase(), operation.path);
        let inputs = inputs(operation);
        if inputs.path {
            out.raw(&printer::doc(&format!("Path parameters of {title}."), ""));
            out.line(format!(
                "export interface {prefix}PathParams {}",
                types::print(&parameters_type(&located(operation, Location::Path), Vec::new()), "")
            ));
            out.line("");
        }
        if inputs.query.is_some() {
            out.raw(&printer::doc(&format!("Query parameters of {title}."), ""));
            out.line(format!(
                "export interface {prefix}Query {}",
                types::print(&parameters_type(&located(operation, Location::Query), Vec::new()), "")
            ));
            out.line("");
        }
        if inputs.headers.is_some() {
            let extra = if operation.etag {
                vec![Property {
                    name: "If-None-Match".into(),
                    optional: true,
                    ty: Type::Keyword("string"),
                    doc:
                        "The `ETag` of a representation the client holds; the answer is `304` when it is still current."
                            .into(),
                }]
            } else {
                Vec::new()
            };
            out.raw(&printer::doc(&format!("Request headers of {title}."), ""));
            out.line(format!(
                "export interface {prefix}Headers {}",
                types::print(&parameters_type(&located(operation, Location::Header), extra), "")
            ));
            out.line("");
        }
        let mut request = Vec::new();
        if inputs.path {
            request.push(Property {
                name: "path".into(),
                optional: false,
                ty: Type::Named(format!("{prefix}PathParams")),
                doc: String::new(),
            });
        }
        if let Some(required) = inputs.query {
            request.push(Property {
                name: "query".into(),
                optional: !required,
                ty: Type::Named(format!("{prefix}Query")),
                doc: String::new(),
            });
        }
        if let Some(required) = inputs.headers {
            request.push(Property {
                name: "headers".into(),
                optional: !required,
                ty: Type::Named(format!("{prefix}Headers")),
                doc: String::new(),
            });
        }
        if let (Some(required), Some(body)) = (inputs.body, &operation.body) {
            request.push(Property {
                name: "body".into(),
                optional: !required,
                ty: body_type(&body.body.schema, &body.body.media_type),
                doc: String::new(),
            });
        }
        if !request.is_empty() {
            out.raw(&printer::doc(&format!("What a call of {title} sends."), ""));
            out.line(format!("export interface {prefix}Request {}", types::print(&Type::Object(request), "")));
            out.line("");
        }
        out.raw(&printer::doc(&format!("The answers of {title}, by status."), ""));
        out.open(format!("export type {prefix}Response ="));
        let mut variants: Vec<(String, String)> = Vec::new();
        for response in &operation.responses {
            let body = response
                .body
                .as_ref()
                .map_or_else(|| "undefined".to_owned(), |b| types::print(&body_type(&b.schema, &b.media_type), "  "));
            variants.push((response.status.to_string(), body));
        }
        if operation.etag {
            variants.push(("304".into(), "undefined".into()));
        }
        if !operation.errors.is_empty() {
            let statuses: Vec<String> = operation.errors.iter().map(|e| e.status.to_string()).collect();
            variants.push((statuses.join(" | "), names.types[&model.problem].clone()));
        }
        let count = variants.len();
        for (index, (status, body)) in variants.into_iter().enumerate() {
            let end = if index + 1 == count { ";" } else { "" };
            out.line(format!("| {{ status: {status}; body: {body}; headers: Headers }}{end}"));
        }
        out.close("");
    }
    out.finish()
}

fn emit_validators(model: &Model, names: &Names) -> Result<String, Errors> {
    // One document holds the named schemas and the inline response bodies of the operations.
    let mut bodies = Map::new();
    for operation in &model.operations {
        for response in &operation.responses {
            if let Some(body) = &response.body {
                if as_ref_name(&body.schema).is_none() && body.media_type.contains("json") {
                    bodies.insert(format!("{}_{}", operation.id, response.status), body.schema.clone());
                }
            }
        }
    }
    let schemas: Map<String, Value> = model.schemas.iter().map(|(k, v)| (k.clone(), v.schema.clone())).collect();
    let document = json!({ "components": { "schemas": schemas }, "x-bodies": bodies });
    let mut registry = validator::Registry::new(|_| None);
    registry.add(CONTRACT_URI, document);
    let mut roots: Vec<String> =
        model.schemas.keys().map(|name| format!("{CONTRACT_URI}#/components/schemas/{}", escape(name))).collect();
    roots.extend(bodies.keys().map(|key| format!("{CONTRACT_URI}#/x-bodies/{}", escape(key))));
    let options = validator::Options { assert_formats: true };
    let module = validator::compile(&mut registry, &roots, &options)
        .map_err(|source| Errors(vec![Error::Validators { source }]))?;
    let tail = if module.tracks_evaluated { ", undefined" } else { "" };
    let mut out = Writer::default();
    out.raw("// Validators compiled from the contract's JSON Schemas: the rules the server checks, with\n// formats asserted. Errors are `{ path, keyword, message }`, as in the server's 422 problems.\n");
    let mut imports = module.runtime.clone();
    imports.push("ValidationResult");
    imports.sort();
    imports.dedup();
    let list: Vec<String> =
        imports
            .iter()
            .map(|n| {
                if matches!(*n, "ValidationError" | "ValidationResult") { format!("type {n}") } else { (*n).to_owned() }
            })
            .collect();
    out.line(format!("import {{ {} }} from \"./runtime.js\";", list.join(", ")));
    out.line("import type * as T from \"./types.js\";");
    out.line("");
    out.raw(&module.body);
    let entries: Vec<(String, &String)> = model.schemas.keys().map(|name| (names.types[name].clone(), name)).collect();
    for (index, (ts, name)) in entries.iter().enumerate() {
        let function = &module.roots[index];
        let doc = types::doc_of(&model.schemas[*name].schema);
        let summary = doc.lines().next().filter(|l| !l.starts_with('@')).map(|l| format!(" ({l})")).unwrap_or_default();
        out.raw(&printer::doc(&format!("Checks a value against `{ts}`{summary}, collecting every error."), ""));
        out.open(format!("export function validate{ts}(value: unknown): ValidationResult<T.{ts}> {{"));
        out.line(format!(
            "if ({function}(value, \"\", undefined{tail})) return {{ ok: true, value: value as T.{ts} }};"
        ));
        out.line("const errors: ValidationError[] = [];");
        out.line(format!("{function}(value, \"\", errors{tail});"));
        out.line("return { ok: false, errors };");
        out.close("}");
        out.line("");
        out.raw(&printer::doc(&format!("Whether a value is a valid `{ts}`."), ""));
        out.open(format!("export function is{ts}(value: unknown): value is T.{ts} {{"));
        out.line(format!("return {function}(value, \"\", undefined{tail});"));
        out.close("}");
        out.line("");
    }
    for (offset, key) in bodies.keys().enumerate() {
        let function = &module.roots[entries.len() + offset];
        let (id, status) = key.rsplit_once('_').unwrap_or((key, ""));
        let prefix = names.operations.get(id).map(|(p, _)| p.clone()).unwrap_or_else(|| names::pascal(id));
        out.raw(&printer::doc(&format!("Checks the {status} response body of `{id}`."), ""));
        out.open(format!("export function validate{prefix}{status}(value: unknown): ValidationResult<unknown> {{"));
        out.line("const errors: ValidationError[] = [];");
        out.line(format!(
            "return {function}(value, \"\", errors{tail}) ? {{ ok: true, value }} : {{ ok: false, errors }};"
        ));
        out.close("}");
        out.line("");
    }
    Ok(out.finish())
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn emit_client(model: &Model, names: &Names) -> String {
    let mut out = Writer::default();
    out.raw("// A typed `fetch` client: one method per operation, answers as unions keyed by status.\n");
    out.line("import type { ValidationError, ValidationResult } from \"./runtime.js\";");
    out.line("import type * as T from \"./types.js\";");
    out.line("import * as V from \"./validators.js\";");
    out.line("");
    out.raw(CLIENT_RUNTIME);
    out.line("");
    out.raw(&printer::doc(
        &format!("A client of {} {}: one method per operation.", model.info.title, model.info.version),
        "",
    ));
    out.open("export function createClient(options: ClientOptions) {");
    out.open("return {");
    for operation in &model.operations {
        let prefix = names.prefix(operation);
        let method = names.method(operation);
        let inputs = inputs(operation);
        let has_request = inputs.path || inputs.query.is_some() || inputs.headers.is_some() || inputs.body.is_some();
        let required =
            inputs.path || inputs.query == Some(true) || inputs.headers == Some(true) || inputs.body == Some(true);
        let mut doc = operation.summary.clone();
        if let Some(description) = &operation.description {
            doc.push_str("\n\n");
            doc.push_str(description);
        }
        doc.push_str(&format!("\n\n`{} {}`", operation.method.as_str().to_uppercase(), operation.path));
        if operation.deprecated {
            doc.push_str("\n@deprecated");
        }
        out.raw(&printer::doc(&doc, "    "));
        let signature = if !has_request {
            format!("async {method}(call?: CallOptions): Promise<T.{prefix}Response> {{")
        } else if required {
            format!("async {method}(request: T.{prefix}Request, call?: CallOptions): Promise<T.{prefix}Response> {{")
        } else {
            format!(
                "async {method}(request: T.{prefix}Request = {{}}, call?: CallOptions): Promise<T.{prefix}Response> {{"
            )
        };
        out.open(signature);
        let path = path_expression(&operation.path);
        let mut fields = vec![
            format!("method: {}", printer::string(&operation.method.as_str().to_uppercase())),
            format!("path: {path}"),
        ];
        if inputs.query.is_some() {
            fields.push("query: request.query".into());
        }
        if inputs.headers.is_some() {
            fields.push("headers: request.headers".into());
        }
        if inputs.body.is_some() {
            fields.push("body: request.body".into());
        }
        fields.push(format!("hasBody: {}", if inputs.body.is_some() { "request.body !== undefined" } else { "false" }));
        fields.push(format!("secured: {}", operation.security != Security::Public));
        let mut checks = Vec::new();
        for response in &operation.responses {
            let check = match &response.body {
                Some(body) if body.media_type.contains("json") => match as_ref_name(&body.schema) {
                    Some(name) => format!("V.validate{}", names.types[name]),
                    None => format!("V.validate{prefix}{}", response.status),
                },
                _ => "null".into(),
            };
            checks.push(format!("{}: {check}", response.status));
        }
        if operation.etag {
            checks.push("304: null".into());
        }
        for error in &operation.errors {
            checks.push(format!("{}: V.validate{}", error.status, names.types[&model.problem]));
        }
        out.line(format!(
            "const raw = await send(options, {{ {} }}, {{ {} }}, call);",
            fields.join(", "),
            checks.join(", ")
        ));
        out.line("// The status was checked against the declared ones; the body too with `validateResponses`.");
        out.line(format!("return raw as T.{prefix}Response;"));
        out.close("},");
    }
    out.close("};");
    out.close("}");
    out.line("");
    out.raw(&printer::doc("The client type: `ReturnType<typeof createClient>`.", ""));
    out.line("export type Client = ReturnType<typeof createClient>;");
    out.finish()
}

/// The path template as a TypeScript expression with encoded parameters.
fn path_expression(template: &str) -> String {
    let mut parts = Vec::new();
    let mut literal = String::new();
    for (index, segment) in template.split('/').enumerate() {
        if index > 0 {
            literal.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                parts.push(printer::string(&literal));
                literal.clear();
                parts.push(format!("encodeURIComponent(String({}))", printer::member("request.path", name)));
            }
            None => literal.push_str(segment),
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(printer::string(&literal));
    }
    parts.join(" + ")
}
