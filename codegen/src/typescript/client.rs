//! `client.ts`: a typed `fetch` client, `createClient(options)` with one method per operation.
//! The static half (`send`, the option types) is `client_runtime.ts`, included as it is; this
//! module builds the methods: their signatures from the request types, their calls of `send`
//! with the path, the parts of the request and a validator per declared status.

use super::ast::{BinaryOp, Expr, Function, ImportClause, Key, Member, Param, Specifier, Stmt, Type};
use super::operation::Inputs;
use crate::model::{Body, Model, Operation, Security};
use crate::names::{self, Names};
use crate::schema::as_ref_name;

pub(super) fn emit(model: &Model, names: &Names) -> Vec<Stmt> {
    let import = |type_only, clause, from: &str| Stmt::Import { type_only, clause, from: from.to_owned() };
    let specifier = |name: &str| Specifier { name: name.to_owned(), type_only: false };
    let methods = model.operations.iter().map(|operation| Member::Method(method(model, names, operation))).collect();
    let create = Function {
        doc: format!("A client of {} {}: one method per operation.", model.info.title, model.info.version),
        is_async: false,
        name: "createClient".into(),
        params: vec![Param::typed("options", Type::named("ClientOptions"))],
        returns: None,
        body: vec![Stmt::Return(Expr::ObjectLines(methods))],
    };
    vec![
        Stmt::Comment("A typed `fetch` client: one method per operation, answers as unions keyed by status.".into()),
        import(
            true,
            ImportClause::Named(vec![specifier("ValidationError"), specifier("ValidationResult")]),
            "./runtime.js",
        ),
        import(true, ImportClause::Namespace("T".into()), "./types.js"),
        import(false, ImportClause::Namespace("V".into()), "./validators.js"),
        Stmt::Blank,
        Stmt::Source(super::CLIENT_RUNTIME),
        Stmt::Blank,
        Stmt::Function(create).export(),
        Stmt::Blank,
        Stmt::Doc("The client type: `ReturnType<typeof createClient>`.".into()),
        Stmt::TypeAlias {
            name: "Client".into(),
            ty: Type::generic("ReturnType", vec![Type::TypeOf("createClient".into())]),
        }
        .export(),
    ]
}

/// The method of one operation: `send` the request, answer the typed union.
fn method(model: &Model, names: &Names, operation: &Operation) -> Function {
    let prefix = names.ts_prefix(operation);
    let inputs = Inputs::of(operation);
    let mut doc = operation.summary.clone();
    if let Some(description) = &operation.description {
        doc.push_str("\n\n");
        doc.push_str(description);
    }
    doc.push_str(&format!("\n\n`{} {}`", operation.method.as_str().to_uppercase(), operation.path));
    if operation.deprecated {
        doc.push_str("\n@deprecated");
    }
    let request_type = Type::qualified("T", format!("{prefix}Request"));
    let mut params = Vec::new();
    if inputs.required() {
        params.push(Param::typed("request", request_type));
    } else if inputs.any() {
        params.push(Param::defaulted("request", request_type, Expr::object(Vec::new())));
    }
    params.push(Param::optional("call", Type::named("CallOptions")));

    let request = || Expr::ident("request");
    let mut fields = vec![
        Member::property("method", Expr::str(operation.method.as_str().to_uppercase())),
        Member::property("path", path_expression(&operation.path)),
    ];
    for (part, present) in
        [("query", inputs.query.is_some()), ("headers", inputs.headers.is_some()), ("body", inputs.body.is_some())]
    {
        if present {
            fields.push(Member::property(part, request().member(part)));
        }
    }
    let has_body =
        if inputs.body.is_some() { request().member("body").ne(Expr::undefined()) } else { Expr::bool(false) };
    fields.push(Member::property("hasBody", has_body));
    fields.push(Member::property("secured", Expr::bool(operation.security != Security::Public)));

    let validator = |name: String| Expr::ident("V").member(&name);
    let problem = || validator(names::ts_validator(names.ts_type(&model.problem)));
    if let Some((response, events)) = operation.event_stream() {
        return stream_method(names, operation, doc, params, fields, (response.status, events), problem);
    }
    let mut checks = Vec::new();
    for response in &operation.responses {
        let check = match &response.body {
            Some(body) if body.media_type.contains("json") => match as_ref_name(&body.schema) {
                Some(name) => validator(names::ts_validator(names.ts_type(name))),
                None => validator(names::ts_body_validator(prefix, response.status)),
            },
            _ => Expr::Json(serde_json::Value::Null),
        };
        checks.push(Member::Property(Key::Number(response.status.into()), check));
    }
    if operation.etag {
        checks.push(Member::Property(Key::Number(304), Expr::Json(serde_json::Value::Null)));
    }
    for error in &operation.errors {
        checks.push(Member::Property(Key::Number(error.status.into()), problem()));
    }
    let send = Expr::ident("send")
        .call(vec![Expr::ident("options"), Expr::object(fields), Expr::object(checks), Expr::ident("call")])
        .awaited();
    let response_type = Type::qualified("T", format!("{prefix}Response"));
    Function {
        doc,
        is_async: true,
        name: names.ts_method(operation).to_owned(),
        params,
        returns: Some(Type::generic("Promise", vec![response_type.clone()])),
        body: vec![
            Stmt::const_("raw", send),
            Stmt::Comment(
                "The status was checked against the declared ones; the body too with `validateResponses`.".into(),
            ),
            Stmt::Return(Expr::ident("raw").as_type(response_type)),
        ],
    }
}

/// The method of an event-stream operation: not `async`, it answers the `AsyncIterable` of the
/// events `stream` reads (each checked by the event type's validator); a refusal throws.
fn stream_method(
    names: &Names,
    operation: &Operation,
    doc: String,
    mut params: Vec<Param>,
    fields: Vec<Member>,
    (status, events): (u16, &Body),
    problem: impl Fn() -> Expr,
) -> Function {
    let event = as_ref_name(&events.schema).map(|name| names.ts_type(name).to_owned()).unwrap_or_default();
    if let Some(call) = params.last_mut() {
        *call = Param::optional("call", Type::named("StreamOptions"));
    }
    let checks = operation.errors.iter().map(|error| Member::Property(Key::Number(error.status.into()), problem()));
    let stream = Expr::ident("stream").call(vec![
        Expr::ident("options"),
        Expr::object(fields),
        Expr::int(status.into()),
        Expr::ident("V").member(&names::ts_validator(&event)),
        Expr::object(checks.collect()),
        Expr::ident("call"),
    ]);
    let doc = format!(
        "{doc}\n\nThe events as they come, each checked against `{event}` (`EventValidationError`); the iteration \
         ends when the server ends the stream. A dropped connection is resumed with `Last-Event-ID` (`StreamOptions`); \
         a declared error status throws `StreamRefusedError`."
    );
    Function {
        doc,
        is_async: false,
        name: names.ts_method(operation).to_owned(),
        params,
        returns: Some(Type::generic("AsyncIterable", vec![Type::qualified("T", event)])),
        body: vec![Stmt::Return(stream)],
    }
}

/// The path template as an expression: literal parts and encoded parameters, concatenated.
fn path_expression(template: &str) -> Expr {
    let mut parts = Vec::new();
    let mut literal = String::new();
    for (index, segment) in template.split('/').enumerate() {
        if index > 0 {
            literal.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                parts.push(Expr::str(std::mem::take(&mut literal)));
                let value = Expr::ident("request").member("path").member(name);
                parts.push(Expr::ident("encodeURIComponent").call(vec![Expr::ident("String").call(vec![value])]));
            }
            None => literal.push_str(segment),
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(Expr::str(literal));
    }
    Expr::chain(BinaryOp::Add, parts).unwrap_or_else(|| Expr::str(""))
}
