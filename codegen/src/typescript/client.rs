//! `client`: a typed `fetch` client. One exported function per operation, `getProject(options,
//! request, call?)`, that sends the request through the runtime's `send` (or `stream`) with the
//! validators of the operation's declared statuses; and `createClient(options)`, a `Client` whose
//! methods are those functions with the options bound. A bundle of an app that calls one function
//! holds that operation's validators only (the functions reach the validators through the
//! namespace `V`, which bundlers resolve statically).
//!
//! The static half (`send`, `stream`, the option types and the errors) is `client_runtime.ts`,
//! imported as the namespace `R`; its public names are re-exported from here.

use super::ast::{BinaryOp, Expr, Function, ImportClause, Key, Member, Param, Property, Specifier, Stmt, Type};
use super::operation::{Inputs, Segment, segments};
use crate::model::{Body, Model, Operation, Security};
use crate::names::{self, Names, TS_CLIENT_PARAMETERS};
use crate::schema::as_ref_name;

pub(super) fn emit(model: &Model, names: &Names) -> Vec<Stmt> {
    let options = TS_CLIENT_PARAMETERS[0];
    let (runtime_types, runtime_values) = names::ts_client_runtime_exports();
    let import = |type_only, clause, from: &str| Stmt::Import { type_only, clause, from: from.to_owned() };
    let named = |names: &[&str]| {
        ImportClause::Named(names.iter().map(|name| Specifier { name: (*name).to_owned(), type_only: false }).collect())
    };
    let reexport = |type_only, names: &[&str]| Stmt::Reexport {
        type_only,
        names: Some(names.iter().map(|name| (*name).to_owned()).collect()),
        from: "./client_runtime.js".into(),
    };
    let mut out = vec![
        Stmt::Comment(
            "A typed `fetch` client: one function per operation (`getProject(options, request)`), and\n\
             `createClient(options)`, the same as methods. Answers are unions keyed by status."
                .into(),
        ),
        import(true, named(&["CallOptions", "ClientOptions", "StreamOptions"]), "./client_runtime.js"),
        import(false, ImportClause::Namespace("R".into()), "./client_runtime.js"),
        import(true, ImportClause::Namespace("T".into()), "./types.js"),
        import(false, ImportClause::Namespace("V".into()), "./validators.js"),
        reexport(true, &runtime_types),
        reexport(false, &runtime_values),
        Stmt::Blank,
    ];

    let mut methods = Vec::new();
    let mut members = Vec::new();
    for operation in &model.operations {
        let function = function(model, names, operation);
        // The method: the function with the options bound, typed by `Client`.
        let params: Vec<&Param> = function.params.iter().skip(1).collect();
        let arguments = std::iter::once(options).chain(params.iter().map(|p| p.name.as_str())).map(Expr::ident);
        let call_it = Expr::ident(&function.name).call(arguments.collect());
        let arrow = Expr::arrow(params.iter().map(|p| Param::untyped(&p.name)).collect(), call_it);
        methods.push(Member::property(&function.name, arrow));
        members.push(Property {
            name: function.name.clone(),
            optional: false,
            ty: Type::Function(
                params.into_iter().cloned().collect(),
                Box::new(function.returns.clone().unwrap_or(Type::Keyword("unknown"))),
            ),
            doc: function.doc.clone(),
        });
        out.extend([Stmt::Function(function).export(), Stmt::Blank]);
    }

    let title = format!("{} {}", model.info.title, model.info.version);
    out.extend([
        Stmt::Doc(format!("A client of {title}: every operation's function as a method, with the options bound.")),
        Stmt::Interface { name: "Client".into(), members }.export(),
        Stmt::Blank,
        Stmt::Function(Function {
            doc: format!(
                "A client of {title}: one method per operation. Each is the operation's function with `options` \
                 bound; an app that calls a few operations can import their functions instead, and its bundle \
                 keeps only their validators."
            ),
            is_async: false,
            generics: Vec::new(),
            name: "createClient".into(),
            params: vec![Param::typed(options, Type::named("ClientOptions"))],
            returns: Some(Type::named("Client")),
            body: vec![Stmt::Return(Expr::ObjectLines(methods))],
        })
        .export(),
    ]);
    out
}

/// The function of one operation: `send` the request, answer the typed union.
fn function(model: &Model, names: &Names, operation: &Operation) -> Function {
    let [options, request, call] = TS_CLIENT_PARAMETERS;
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
    let mut params = vec![Param::typed(options, Type::named("ClientOptions"))];
    if inputs.required() {
        params.push(Param::typed(request, request_type));
    } else if inputs.any() {
        params.push(Param::defaulted(request, request_type, Expr::object(Vec::new())));
    }
    params.push(Param::optional(call, Type::named("CallOptions")));

    let request = || Expr::ident(request);
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
        return stream_function(names, operation, doc, params, fields, (response.status, events), problem);
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
    let send = Expr::ident("R")
        .method("send", vec![Expr::ident(options), Expr::object(fields), Expr::object(checks), Expr::ident(call)])
        .awaited();
    let response_type = Type::qualified("T", format!("{prefix}Response"));
    Function {
        doc,
        is_async: true,
        generics: Vec::new(),
        name: names.ts_function(operation).to_owned(),
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

/// The function of an event-stream operation: not `async`, it answers the `AsyncIterable` of the
/// events `stream` reads (each checked by the event type's validator); a refusal throws.
fn stream_function(
    names: &Names,
    operation: &Operation,
    doc: String,
    mut params: Vec<Param>,
    fields: Vec<Member>,
    (status, events): (u16, &Body),
    problem: impl Fn() -> Expr,
) -> Function {
    let [options, _, call] = TS_CLIENT_PARAMETERS;
    let event = as_ref_name(&events.schema).map(|name| names.ts_type(name).to_owned()).unwrap_or_default();
    if let Some(last) = params.last_mut() {
        *last = Param::optional(call, Type::named("StreamOptions"));
    }
    let checks = operation.errors.iter().map(|error| Member::Property(Key::Number(error.status.into()), problem()));
    let stream = Expr::ident("R").method(
        "stream",
        vec![
            Expr::ident(options),
            Expr::object(fields),
            Expr::int(status.into()),
            Expr::ident("V").member(&names::ts_validator(&event)),
            Expr::object(checks.collect()),
            Expr::ident(call),
        ],
    );
    let doc = format!(
        "{doc}\n\nThe events as they come, each checked against `{event}` (`EventValidationError`); the iteration \
         ends when the server ends the stream. A dropped connection is resumed with `Last-Event-ID` (`StreamOptions`); \
         a declared error status throws `StreamRefusedError`."
    );
    Function {
        doc,
        is_async: false,
        generics: Vec::new(),
        name: names.ts_function(operation).to_owned(),
        params,
        returns: Some(Type::generic("AsyncIterable", vec![Type::qualified("T", event)])),
        body: vec![Stmt::Return(stream)],
    }
}

/// The path template as an expression: literal parts and encoded parameters, concatenated.
fn path_expression(template: &str) -> Expr {
    let mut parts = Vec::new();
    let mut literal = String::new();
    for (index, segment) in segments(template).enumerate() {
        if index > 0 {
            literal.push('/');
        }
        match segment {
            Segment::Parameter(name) => {
                parts.push(Expr::str(std::mem::take(&mut literal)));
                let value = Expr::ident(TS_CLIENT_PARAMETERS[1]).member("path").member(name);
                parts.push(Expr::ident("R").member("segment").call(vec![value]));
            }
            Segment::Literal(text) => literal.push_str(text),
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(Expr::str(literal));
    }
    Expr::chain(BinaryOp::Add, parts).unwrap_or_else(|| Expr::str(""))
}
