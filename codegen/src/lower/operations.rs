//! Phase 1: each operation with its bodies, responses and the error statuses it implies.

use std::collections::{BTreeMap, BTreeSet};

use contract::Security;

use super::{Generators, Pending, paths::is_identifier};
use crate::error::Error;
use crate::model::{Body, ErrorResponse, Location, Operation, RequestBody, Response};
use crate::schema::as_ref_name;

/// Lowers one operation; its parameter structs stay pending until the definitions are merged.
pub(super) fn lower_operation(
    op: &contract::Operation,
    tags: &BTreeSet<String>,
    generators: &mut Generators,
) -> (Pending, Vec<Error>) {
    let mut problems = Vec::new();
    let id = op.id.to_string();
    if !is_identifier(&id) {
        problems.push(Error::InvalidOperationId { id: id.clone() });
    }
    let tag = match &op.tag {
        None => {
            problems.push(Error::MissingTag { operation: id.clone() });
            String::new()
        }
        Some(tag) => {
            if !tags.contains(tag.as_ref()) {
                problems.push(Error::UnknownTag { operation: id.clone(), tag: tag.to_string() });
            }
            tag.to_string()
        }
    };
    if op.summary.trim().is_empty() {
        problems.push(Error::MissingSummary { operation: id.clone() });
    }

    let mut params = Vec::new();
    for (location, ty) in
        [(Location::Path, &op.path_params), (Location::Query, &op.query), (Location::Header, &op.headers)]
    {
        if let Some(ty) = ty {
            let schema = generators.type_schema(ty, true);
            params.push((location, ty.rust_name.to_string(), schema));
        }
    }

    let body = op.body.as_ref().map(|body| RequestBody {
        body: Body {
            media_type: body.body.media_type.to_string(),
            rust_type: body.body.ty.rust_name.to_string(),
            schema: generators.type_schema(&body.body.ty, true),
        },
        required: body.required,
    });
    if body.is_some() && matches!(op.method, contract::Method::Get | contract::Method::Head | contract::Method::Delete)
    {
        problems.push(Error::BodyNotAllowed { operation: id.clone(), method: op.method.as_str() });
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
                schema: generators.type_schema(&body.ty, false),
            }),
        })
        .collect();
    responses.sort_by_key(|r| r.status);
    problems.extend(check_responses(&id, op, &responses));

    let errors = implied_errors(op, body.is_some(), !params.is_empty());

    let pending = Pending {
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
            no_store: op.no_store || op.security != Security::Public,
            path_params: None,
            query: None,
            headers: None,
            body,
            responses,
            errors,
        },
        params,
    };
    (pending, problems)
}

/// Statuses declared twice or in the wrong range, bodies where none may be, success bodies that differ.
fn check_responses(id: &str, op: &contract::Operation, responses: &[Response]) -> Vec<Error> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for response in responses {
        let status = response.status;
        if !seen.insert(status) {
            problems.push(Error::InvalidStatus { operation: id.into(), status, reason: "is declared twice" });
        }
        if !(200..400).contains(&status) {
            problems.push(Error::InvalidStatus {
                operation: id.into(),
                status,
                reason: "is not a success or redirect status; declare errors with `.error(...)`",
            });
        }
        if status == 304 && op.etag {
            problems.push(Error::InvalidStatus {
                operation: id.into(),
                status,
                reason: "is implied by `.etag()`; do not declare it",
            });
        }
        if matches!(status, 204 | 205 | 304) && response.body.is_some() {
            problems.push(Error::InvalidStatus { operation: id.into(), status, reason: "cannot have a body" });
        }
    }
    for error in &op.errors {
        if !(400..600).contains(&error.status) {
            problems.push(Error::InvalidStatus {
                operation: id.into(),
                status: error.status,
                reason: "is not an error status (4xx or 5xx)",
            });
        }
        if !seen.insert(error.status) {
            problems.push(Error::InvalidStatus {
                operation: id.into(),
                status: error.status,
                reason: "is declared twice",
            });
        }
    }
    problems.extend(check_event_streams(id, op, responses));
    let successes: Vec<&Response> = responses.iter().filter(|r| (200..300).contains(&r.status)).collect();
    if successes.is_empty() {
        problems.push(Error::NoSuccessResponse { operation: id.into() });
    }
    let bodies: BTreeSet<String> = successes
        .iter()
        .map(|r| r.body.as_ref().map(|b| format!("{} {}", b.media_type, b.schema)).unwrap_or_default())
        .collect();
    if bodies.len() > 1 {
        let statuses = successes.iter().map(|r| r.status.to_string()).collect::<Vec<_>>().join(", ");
        problems.push(Error::MixedSuccessBodies { operation: id.into(), statuses });
    }
    problems
}

/// Event streams: on `GET` only, one per operation, a success status, no ETag, a named event type.
fn check_event_streams(id: &str, op: &contract::Operation, responses: &[Response]) -> Vec<Error> {
    let mut problems = Vec::new();
    let streams: Vec<(&Response, &Body)> =
        responses.iter().filter_map(|r| r.body.as_ref().filter(|b| b.is_event_stream()).map(|b| (r, b))).collect();
    for (index, (response, body)) in streams.iter().enumerate() {
        let mut problem = |reason| {
            problems.push(Error::InvalidEventStream {
                operation: id.into(),
                rust_type: body.rust_type.clone(),
                status: response.status,
                reason,
            })
        };
        if index == 1 {
            problem("is the second event-stream response; an operation answers at most one stream");
        }
        if op.method != contract::Method::Get {
            problem("needs a `GET` operation (a browser's `EventSource` and reconnections only send `GET`)");
        }
        if !(200..300).contains(&response.status) {
            problem("needs a success (2xx) status");
        }
        if op.etag {
            problem("cannot be combined with `.etag()`: a stream has no representation to validate");
        }
        if as_ref_name(&body.schema).is_none() {
            problem("needs a named event type (a struct or an enum), not an inline schema");
        }
    }
    problems
}

/// An event stream implies the `Last-Event-ID` header: a header parameter of that name would be a
/// second one.
pub(super) fn check_last_event_id(operation: &Operation) -> Option<Error> {
    let (response, body) = operation.event_stream()?;
    operation
        .parameters()
        .any(|p| p.location == Location::Header && p.name.eq_ignore_ascii_case(contract::LAST_EVENT_ID))
        .then(|| Error::InvalidEventStream {
            operation: operation.id.clone(),
            rust_type: body.rust_type.clone(),
            status: response.status,
            reason: "implies the `Last-Event-ID` header; remove it from the header parameters",
        })
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
