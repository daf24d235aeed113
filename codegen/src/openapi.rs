//! Emits the OpenAPI document, as 3.1.0 (canonical, JSON Schema 2020-12) or as 3.0.3 (for
//! progenitor and older tools). Both renderings come from the same model and differ only where the
//! versions do: schema dialect (see [`crate::schema30`]), `license.identifier`, and problem
//! responses, which 3.0 also lists under `application/json` because progenitor only types JSON
//! bodies served under that media type.

use serde_json::{Map, Value, json};

use crate::model::{Body, ErrorResponse, Location, Model, Operation, Parameter, Response, Security};
use crate::schema::ref_to;
use crate::schema30;

/// Which OpenAPI version to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V3_1,
    V3_0,
}

/// The name of the bearer security scheme in `components/securitySchemes`.
pub const BEARER_SCHEME: &str = "bearerAuth";
/// The media type of error bodies.
pub const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";

/// Headers documented in `components/headers`: name, description, schema.
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    (crate::model::RATE_LIMIT_HEADERS[0], "Requests allowed in the current window."),
    (crate::model::RATE_LIMIT_HEADERS[1], "Requests left in the current window."),
    (crate::model::RATE_LIMIT_HEADERS[2], "Seconds until the current window ends."),
];

/// The headers of the answer with `status` ([`Operation::headers_of`]), as references to the
/// document's `components/headers`.
fn header_refs(operation: &Operation, status: u16) -> Map<String, Value> {
    let reference = |name: &str| json!({ "$ref": format!("#/components/headers/{name}") });
    operation.headers_of(status).into_iter().map(|name| (name.to_owned(), reference(name))).collect()
}

/// What the description of an event-stream response adds: how to read the stream.
const EVENT_STREAM_NOTE: &str = "Server-Sent Events (`text/event-stream`): the schema is one event (`id`, `event`, \
     `data`, `retry`, as OpenAPI 3.2's `itemSchema` describes them), whose `data` is one JSON value of the type \
     `x-event-stream` names; its `id` is what `Last-Event-ID` resumes after. The stream ends when the server \
     closes it; a dropped connection may be resumed.";

struct Emitter<'a> {
    model: &'a Model,
    version: Version,
}

/// Emits the document for `model`. `model` comes from [`crate::lower`], which already checked
/// that every schema renders in both versions.
pub fn emit(model: &Model, version: Version) -> Value {
    Emitter { model, version }.document()
}

impl Emitter<'_> {
    fn schema(&self, schema: &Value) -> Value {
        match self.version {
            Version::V3_1 => schema.clone(),
            // Lowering rendered every schema once already; a failure here is a lowering bug, and the
            // 2020-12 form is kept rather than inventing a shape.
            Version::V3_0 => schema30::downgrade(schema).unwrap_or_else(|_| schema.clone()),
        }
    }

    fn document(&self) -> Value {
        let model = self.model;
        let mut doc = Map::new();
        doc.insert(
            "openapi".into(),
            match self.version {
                Version::V3_1 => "3.1.0",
                Version::V3_0 => "3.0.3",
            }
            .into(),
        );
        let mut info = Map::new();
        info.insert("title".into(), model.info.title.clone().into());
        info.insert("version".into(), model.info.version.clone().into());
        if let Some(description) = &model.info.description {
            info.insert("description".into(), description.clone().into());
        }
        if let Some(license) = &model.info.license {
            info.insert(
                "license".into(),
                match self.version {
                    Version::V3_1 => json!({ "name": license.name, "identifier": license.identifier }),
                    Version::V3_0 => json!({ "name": license.name, "url": format!("https://spdx.org/licenses/{}.html", license.identifier) }),
                },
            );
        }
        doc.insert("info".into(), Value::Object(info));
        if !model.servers.is_empty() {
            let servers: Vec<Value> =
                model.servers.iter().map(|s| json!({ "url": s.url, "description": s.description })).collect();
            doc.insert("servers".into(), Value::Array(servers));
        }
        let tags: Vec<Value> =
            model.tags.iter().map(|t| json!({ "name": t.name, "description": t.description })).collect();
        doc.insert("tags".into(), Value::Array(tags));

        let mut paths = Map::new();
        for operation in &model.operations {
            let item = paths.entry(operation.path.clone()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(item) = item {
                item.insert(operation.method.as_str().into(), self.operation(operation));
            }
        }
        doc.insert("paths".into(), Value::Object(paths));
        doc.insert("components".into(), self.components());
        Value::Object(doc)
    }

    fn components(&self) -> Value {
        let model = self.model;
        let mut components = Map::new();
        let schemas: Map<String, Value> = model
            .schemas
            .iter()
            .map(|(name, named)| {
                let mut schema = self.schema(&named.schema);
                // The Rust type, for tools such as `cargo xtask diff`. Not in 3.0: typify gives
                // `x-rust-type` a meaning of its own and the 3.0 rendering feeds it.
                if let (Version::V3_1, Some(rust), Some(object)) =
                    (self.version, &named.rust_type, schema.as_object_mut())
                {
                    object.insert("x-rust-path".into(), rust.clone().into());
                }
                (name.clone(), schema)
            })
            .collect();
        components.insert("schemas".into(), Value::Object(schemas));

        let mut headers = Map::new();
        let integer = json!({ "type": "integer", "minimum": 0 });
        if model.operations.iter().any(|o| o.etag) {
            headers.insert(
                "ETag".into(),
                json!({ "description": "A strong validator of the representation; send it back in `If-None-Match`.", "schema": { "type": "string" } }),
            );
        }
        if model.operations.iter().any(|o| o.rate_limit.is_some()) {
            headers.insert(
                "Retry-After".into(),
                json!({ "description": "Seconds to wait before the next request is accepted.", "schema": integer }),
            );
            for (name, description) in RATE_LIMIT_HEADERS {
                headers.insert((*name).into(), json!({ "description": description, "schema": integer }));
            }
        }
        if model.operations.iter().any(|o| o.no_store) {
            headers.insert(
                "Cache-Control".into(),
                json!({
                    "description": "`no-store`: the answer is personal (a signed-in caller's, or one carrying a token); no cache may keep it.",
                    "schema": { "type": "string", "enum": ["no-store"] }
                }),
            );
        }
        if model.operations.iter().any(|o| o.deprecated) {
            headers.insert(
                "Deprecation".into(),
                json!({ "description": "Present on deprecated operations (RFC 9745).", "schema": { "type": "string" } }),
            );
        }
        if !headers.is_empty() {
            components.insert("headers".into(), Value::Object(headers));
        }
        if model.operations.iter().any(|o| o.security != Security::Public) {
            components.insert(
                "securitySchemes".into(),
                json!({ BEARER_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A JWT access token sent as `Authorization: Bearer <token>`."
                }}),
            );
        }
        Value::Object(components)
    }

    fn operation(&self, operation: &Operation) -> Value {
        let mut out = Map::new();
        out.insert("operationId".into(), operation.id.clone().into());
        out.insert("tags".into(), json!([operation.tag]));
        out.insert("summary".into(), operation.summary.clone().into());
        let mut description = operation.description.clone().unwrap_or_default();
        if let Security::Role(role) = &operation.security {
            append_paragraph(&mut description, &format!("Requires the `{role}` role."));
        }
        if let Some(limit) = operation.rate_limit {
            append_paragraph(
                &mut description,
                &format!("Rate limit: {} requests per {}.", limit.count, limit.period.as_str()),
            );
        }
        if !description.is_empty() {
            out.insert("description".into(), description.into());
        }
        if operation.deprecated {
            out.insert("deprecated".into(), true.into());
        }
        out.insert(
            "security".into(),
            match &operation.security {
                Security::Public => json!([]),
                Security::Bearer | Security::Role(_) => json!([{ BEARER_SCHEME: [] }]),
            },
        );
        if let Security::Role(role) = &operation.security {
            out.insert("x-required-role".into(), role.to_string().into());
        }
        if let Some(limit) = operation.rate_limit {
            out.insert(
                "x-rate-limit".into(),
                json!({ "limit": limit.count, "period": limit.period.as_str(), "window_seconds": limit.period.seconds() }),
            );
        }

        let mut parameters: Vec<Value> = operation.parameters().map(|p| self.parameter(p)).collect();
        if operation.etag {
            parameters.push(json!({
                "name": "If-None-Match",
                "in": "header",
                "required": false,
                "description": "The `ETag` of a representation the client holds; the answer is `304` when it is still current.",
                "schema": { "type": "string" }
            }));
        }
        if operation.event_stream().is_some() {
            parameters.push(json!({
                "name": contract::LAST_EVENT_ID,
                "in": "header",
                "required": false,
                "description": "The `id` of the last event the client received; the server resumes the stream after it.",
                "schema": { "type": "string" }
            }));
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = &operation.body {
            out.insert("requestBody".into(), json!({ "required": body.required, "content": self.content(&body.body) }));
        }

        let mut responses = Map::new();
        let mut statuses: Vec<(u16, Value)> =
            operation.responses.iter().map(|r| (r.status, self.response(operation, r))).collect();
        if operation.etag {
            statuses.push((
                304,
                json!({
                    "description": "Not modified: the `If-None-Match` value is the current `ETag`.",
                    "headers": header_refs(operation, 304)
                }),
            ));
        }
        statuses.extend(operation.errors.iter().map(|e| (e.status, self.error(operation, e))));
        statuses.sort_by_key(|(status, _)| *status);
        for (status, response) in statuses {
            responses.insert(status.to_string(), response);
        }
        out.insert("responses".into(), Value::Object(responses));
        Value::Object(out)
    }

    fn parameter(&self, parameter: &Parameter) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), parameter.name.clone().into());
        out.insert("in".into(), parameter.location.as_str().into());
        out.insert("required".into(), parameter.required.into());
        if let Some(description) = &parameter.description {
            out.insert("description".into(), description.clone().into());
        }
        if parameter.deprecated {
            out.insert("deprecated".into(), true.into());
        }
        if parameter.location == Location::Query && crate::schema::Types::listed(&parameter.schema).contains("array") {
            out.insert("style".into(), "form".into());
            out.insert("explode".into(), true.into());
        }
        out.insert("schema".into(), self.schema(&parameter.schema));
        Value::Object(out)
    }

    /// A body's content. An event stream's `schema` is ONE event as the wire carries it (what
    /// OpenAPI 3.2 calls `itemSchema`, and how tools such as schemathesis read a 3.1 stream's
    /// schema): its `data` a string holding one JSON value of the event type (`contentSchema` in
    /// 3.1; 3.0 has no such keyword), which `x-event-stream` also names for every version.
    fn content(&self, body: &Body) -> Value {
        if body.is_event_stream() {
            let event_type = self.schema(&body.schema);
            let mut data = json!({ "type": "string", "description": "One JSON value of the event type." });
            if self.version == Version::V3_1 {
                data["contentMediaType"] = "application/json".into();
                data["contentSchema"] = event_type.clone();
            }
            let envelope = json!({
                "type": "object",
                "required": ["data"],
                "properties": {
                    "id": { "type": "string", "description": "Sent back as `Last-Event-ID` to resume after this event." },
                    "event": { "type": "string" },
                    "data": data,
                    "retry": { "type": "integer", "minimum": 0 }
                }
            });
            return json!({ body.media_type.clone(): {
                "schema": envelope,
                "x-event-stream": { "data": "application/json", "schema": event_type, "resume": contract::LAST_EVENT_ID }
            } });
        }
        json!({ body.media_type.clone(): { "schema": self.schema(&body.schema) } })
    }

    fn response(&self, operation: &Operation, response: &Response) -> Value {
        let mut out = Map::new();
        let mut description = response.description.clone();
        if response.body.as_ref().is_some_and(Body::is_event_stream) {
            append_paragraph(&mut description, EVENT_STREAM_NOTE);
        }
        out.insert("description".into(), description.into());
        let headers = header_refs(operation, response.status);
        if !headers.is_empty() {
            out.insert("headers".into(), Value::Object(headers));
        }
        if let Some(body) = &response.body {
            out.insert("content".into(), self.content(body));
        }
        Value::Object(out)
    }

    fn error(&self, operation: &Operation, error: &ErrorResponse) -> Value {
        let mut out = Map::new();
        out.insert("description".into(), error.description.clone().into());
        let headers = header_refs(operation, error.status);
        if !headers.is_empty() {
            out.insert("headers".into(), Value::Object(headers));
        }
        let schema = ref_to(&self.model.problem);
        let mut content = Map::new();
        content.insert(PROBLEM_MEDIA_TYPE.into(), json!({ "schema": schema }));
        if self.version == Version::V3_0 {
            content.insert("application/json".into(), json!({ "schema": schema }));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }
}

fn append_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}
