//! `msw`: Mock Service Worker 2 handlers (msw is an optional peer dependency of the package, imported
//! by this module only).
//!
//! - per operation `getProjectHandler(answer?, options?)`: an `HttpHandler` for the operation's
//!   method and path. Without `answer` it answers the first declared status with the body lowering
//!   built ([`crate::mock`]: the schema's example, or a value its validator accepts); `answer` is a
//!   `GetProjectMock` (`{ status: 404 }` answers the declared problem of that status; `body`
//!   replaces the default body, typed by the status; `headers` are added) or a resolver returning
//!   one from msw's request and path parameters;
//! - every answer carries the headers the contract declares for its status (`ETag`,
//!   `X-RateLimit-*`, `Retry-After`, `Deprecation`, `Cache-Control`) and its media type
//!   (`application/json`, `application/problem+json`, `text/event-stream` with one `data:` line
//!   per event of `body`; none for a status without a body);
//! - `createHandlers(options?)`: one handler per operation; `handlers`: the same with no options.
//!
//! Where they answer: `options.baseUrl`, the `baseUrl` the client is given, so the handlers match
//! exactly the URLs that client calls (a base URL with a path prefix or a port included); without
//! it, any origin (`*/api/v2/...`), which is what most tests want and works in Node, where msw
//! cannot resolve a relative path. One option object for every handler keeps `createHandlers`
//! and a single handler alike.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::ast::{Expr, Function, ImportClause, Key, Member, Param, Property, Specifier, Stmt, Type};
use super::operation::{Segment, segments};
use crate::model::{Model, Operation};
use crate::names::{self, Names};

pub(super) fn emit(model: &Model, names: &Names) -> Vec<Stmt> {
    let import = |type_only, clause, from: &str| Stmt::Import { type_only, clause, from: from.to_owned() };
    let named = |names: &[&str]| {
        ImportClause::Named(names.iter().map(|name| Specifier { name: (*name).to_owned(), type_only: false }).collect())
    };
    let mut out = vec![
        Stmt::Comment(
            "Mock Service Worker (msw 2) handlers, one per operation (`getProjectHandler(answer?, options?)`),\n\
             answering the contract's examples unless told otherwise; `createHandlers(options)` and\n\
             `handlers` hold them all. msw is an optional peer dependency, imported here only."
                .into(),
        ),
        import(false, named(&["http", "HttpResponse"]), "msw"),
        import(true, named(&["HttpHandler", "PathParams"]), "msw"),
        import(true, ImportClause::Namespace("T".into()), "./types.js"),
        Stmt::Blank,
    ];
    out.extend(runtime());

    // A default body that several statuses answer (the same problem of a `401` on every signed-in
    // operation) is one constant, parsed once, instead of a copy in each handler.
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for operation in &model.operations {
        handler(model, names, operation, &mut |body| {
            *uses.entry(body.to_string()).or_default() += 1;
            Expr::Json(body.clone())
        });
    }
    // Named in the order they are first met; declared before the handlers that use them.
    let mut shared: BTreeMap<String, String> = BTreeMap::new();
    let mut constants = Vec::new();
    let mut handlers = Vec::new();
    let mut all = Vec::new();
    for operation in &model.operations {
        let (alias, function) = handler(model, names, operation, &mut |body| {
            let text = body.to_string();
            if uses[&text] < 2 {
                return Expr::Json(body.clone());
            }
            let name = shared.entry(text).or_insert_with(|| {
                let name = format!("body{}", constants.len() + 1);
                constants.push(Stmt::const_(&name, Expr::Json(body.clone()).pure()));
                name
            });
            Expr::ident(name.as_str())
        });
        all.push(Expr::ident(&function.name).call(vec![Expr::undefined(), Expr::ident("options")]));
        handlers.extend(alias);
        handlers.extend([Stmt::Blank, Stmt::Function(function).export(), Stmt::Blank]);
    }
    if !constants.is_empty() {
        constants.push(Stmt::Blank);
    }
    out.extend(constants);
    out.extend(handlers);
    out.extend([
        Stmt::Function(Function {
            doc: "One handler per operation, each answering its default.".into(),
            is_async: false,
            generics: Vec::new(),
            name: names::TS_MSW_CREATE.into(),
            params: vec![Param::defaulted("options", Type::named(names::TS_MSW_OPTIONS), Expr::object(Vec::new()))],
            returns: Some(Type::array(Type::named("HttpHandler"))),
            body: vec![Stmt::Return(Expr::Array(all))],
        })
        .export(),
        Stmt::Blank,
        Stmt::Doc("Every operation's handler, answering any origin: `setupServer(...handlers)`.".into()),
        Stmt::const_typed(
            names::TS_MSW_HANDLERS,
            Type::array(Type::named("HttpHandler")),
            Expr::ident(names::TS_MSW_CREATE).call(Vec::new()).pure(),
        )
        .export(),
    ]);
    out
}

fn property(name: &str, optional: bool, ty: Type, doc: &str) -> Property {
    Property { name: name.to_owned(), optional, ty, doc: doc.to_owned() }
}

fn headers_type() -> Type {
    Type::Record(Box::new(Type::Keyword("string")))
}

/// The options, the answer types and the two private functions every handler calls: `mock`
/// (the msw handler) and `respond` (the `Response` of an answer).
fn runtime() -> Vec<Stmt> {
    let answer = Type::named("MockAnswer");
    let resolver = Type::Function(
        vec![Param::typed("request", Type::named(names::TS_MSW_REQUEST))],
        Box::new(Type::Union(vec![answer.clone(), Type::generic("Promise", vec![answer.clone()])])),
    );
    let method = Type::Union(
        ["get", "post", "put", "patch", "delete", "head", "options"]
            .into_iter()
            .map(|m| Type::Literal(Value::from(m)))
            .collect(),
    );
    let declared = Type::Record(Box::new(Type::named("Declared")));
    let options = || Expr::ident("options");
    let url = Expr::conditional(
        options().member("baseUrl").eq(Expr::undefined()),
        Expr::str("*"),
        options().member("baseUrl").method("replace", vec![Expr::Ident("/\\/+$/".into()), Expr::str("")]),
    )
    .paren()
    .plus(Expr::ident("path"));
    let resolve = Expr::arrow(
        vec![Param::untyped("info")],
        Expr::ident("respond").call(vec![
            Expr::ident("statuses"),
            Expr::ident("first"),
            Expr::ident("answer"),
            Expr::ident("info"),
        ]),
    );
    let once = Expr::object(vec![Member::property("once", options().member("once").eq(Expr::bool(true)))]);
    let mock = Function {
        doc: String::new(),
        is_async: false,
        generics: Vec::new(),
        name: "mock".into(),
        params: vec![
            Param::typed("method", method),
            Param::typed("path", Type::Keyword("string")),
            Param::typed("statuses", declared.clone()),
            Param::typed("first", Type::Keyword("number")),
            Param::typed("answer", Type::Union(vec![answer.clone(), resolver.clone(), Type::Keyword("undefined")])),
            Param::typed("options", Type::named(names::TS_MSW_OPTIONS)),
        ],
        returns: Some(Type::named("HttpHandler")),
        body: vec![Stmt::Return(Expr::ident("http").index(Expr::ident("method")).call(vec![url, resolve, once]))],
    };

    let chosen = || Expr::ident("chosen");
    let spec = || Expr::ident("declared");
    let pick = Expr::conditional(
        Expr::ident("answer").type_of().eq(Expr::str("function")),
        Expr::ident("answer").call(vec![Expr::ident("info")]).awaited(),
        Expr::conditional(
            Expr::ident("answer").eq(Expr::undefined()),
            Expr::object(vec![Member::property("status", Expr::ident("first"))]),
            Expr::ident("answer"),
        ),
    );
    let status = || chosen().member("status");
    let init =
        |headers: Expr| Expr::object(vec![Member::property("status", status()), Member::property("headers", headers)]);
    let event = Expr::str("id: ")
        .plus(Expr::ident("index").plus(Expr::int(1)).paren())
        .plus(Expr::str("\ndata: "))
        .plus(Expr::ident("JSON").method("stringify", vec![Expr::ident("item")]))
        .plus(Expr::str("\n\n"));
    let events = Expr::ident("body")
        .as_type(Type::array(Type::Keyword("unknown")))
        .paren()
        .method("map", vec![Expr::arrow(vec![Param::untyped("item"), Param::untyped("index")], event)])
        .method("join", vec![Expr::str("")]);
    let media = || spec().member("type");
    let respond = Function {
        doc: String::new(),
        is_async: true,
        generics: Vec::new(),
        name: "respond".into(),
        params: vec![
            Param::typed("statuses", declared),
            Param::typed("first", Type::Keyword("number")),
            Param::typed("answer", Type::Union(vec![answer.clone(), resolver, Type::Keyword("undefined")])),
            Param::typed("info", Type::named(names::TS_MSW_REQUEST)),
        ],
        returns: Some(Type::generic("Promise", vec![Type::named("Response")])),
        body: vec![
            Stmt::const_typed("chosen", answer, pick),
            Stmt::const_("declared", Expr::ident("statuses").index(status())),
            Stmt::if_inline(
                spec().eq(Expr::undefined()),
                Stmt::Return(Expr::new(
                    "HttpResponse",
                    Vec::new(),
                    vec![Expr::Json(Value::Null), init(chosen().member("headers").or(Expr::object(Vec::new())))],
                )),
            ),
            Stmt::const_(
                "headers",
                Expr::ident("Object").method(
                    "assign",
                    vec![
                        Expr::conditional(
                            media().eq(Expr::undefined()),
                            Expr::object(Vec::new()),
                            Expr::object(vec![Member::property("Content-Type", media())]),
                        ),
                        spec().member("headers"),
                        chosen().member("headers"),
                    ],
                ),
            ),
            Stmt::const_(
                "body",
                Expr::conditional(
                    chosen().member("body").eq(Expr::undefined()),
                    spec().member("body"),
                    chosen().member("body"),
                ),
            ),
            Stmt::if_inline(
                media().eq(Expr::undefined()),
                Stmt::Return(Expr::new(
                    "HttpResponse",
                    Vec::new(),
                    vec![Expr::Json(Value::Null), init(Expr::ident("headers"))],
                )),
            ),
            Stmt::const_(
                "text",
                Expr::conditional(
                    media().eq(Expr::str(contract::EVENT_STREAM)),
                    events,
                    Expr::conditional(
                        media().method("includes", vec![Expr::str("json")]),
                        Expr::ident("JSON").method("stringify", vec![Expr::ident("body")]),
                        Expr::ident("String").call(vec![Expr::ident("body")]),
                    ),
                ),
            ),
            Stmt::Return(Expr::new(
                "HttpResponse",
                Vec::new(),
                vec![Expr::ident("text"), init(Expr::ident("headers"))],
            )),
        ],
    };

    vec![
        Stmt::Doc("Where the handlers answer, and how often.".into()),
        Stmt::Interface {
            name: names::TS_MSW_OPTIONS.into(),
            members: vec![
                property(
                    "baseUrl",
                    true,
                    Type::Keyword("string"),
                    "The `baseUrl` the client is given (`https://api.example.com`): the handlers answer its URLs \
                     only. Without it they answer the operations' paths on any origin.",
                ),
                property("once", true, Type::Keyword("boolean"), "Answer one request, then step aside (msw's `once`)."),
            ],
        }
        .export(),
        Stmt::Blank,
        Stmt::Doc("What a resolver is given: msw's request and the path parameters, as strings.".into()),
        Stmt::Interface {
            name: names::TS_MSW_REQUEST.into(),
            members: vec![
                property("request", false, Type::named("Request"), ""),
                property("params", false, Type::named("PathParams"), ""),
            ],
        }
        .export(),
        Stmt::Blank,
        Stmt::Interface {
            name: "MockAnswer".into(),
            members: vec![
                property("status", false, Type::Keyword("number"), ""),
                property("body", true, Type::Keyword("unknown"), ""),
                property("headers", true, headers_type(), ""),
            ],
        },
        Stmt::Blank,
        Stmt::Doc("A declared status: its media type (none without a body), default body and headers.".into()),
        Stmt::Interface {
            name: "Declared".into(),
            members: vec![
                property("type", true, Type::Keyword("string"), ""),
                property("body", true, Type::Keyword("unknown"), ""),
                property("headers", false, headers_type(), ""),
            ],
        },
        Stmt::Blank,
        Stmt::Function(mock),
        Stmt::Blank,
        Stmt::Function(respond),
        Stmt::Blank,
    ]
}

/// The answer type of one operation and its handler function; `body` writes each default body.
fn handler(
    model: &Model,
    names: &Names,
    operation: &Operation,
    body: &mut dyn FnMut(&Value) -> Expr,
) -> ([Stmt; 2], Function) {
    let prefix = names.ts_prefix(operation);
    let mock_type = names::ts_msw_mock(prefix);
    let bodies = model.prepared.mocks.get(&operation.id);
    let headers_member = property("headers", true, headers_type(), "");
    let mut members = Vec::new();
    let mut statuses = Vec::new();
    let row = |status: Type, body: Option<Type>| {
        let mut row = vec![property("status", false, status, "")];
        row.extend(body.map(|body| property("body", true, body, "")));
        row.push(headers_member.clone());
        Type::Row(row)
    };
    let mut declared = |media: Option<&str>, default: Option<&Value>, status: u16| {
        let mut fields = Vec::new();
        if let Some(media) = media {
            fields.push(Member::property("type", Expr::str(media)));
        }
        if let Some(default) = default {
            fields.push(Member::property("body", body(default)));
        }
        let headers = operation
            .headers_of(status)
            .into_iter()
            .map(|name| Member::property(name, Expr::str(header_value(operation, name, status))))
            .collect();
        fields.push(Member::property("headers", Expr::object(headers)));
        Member::Property(Key::Number(status.into()), Expr::object(fields))
    };
    for response in &operation.responses {
        let body = response.body.as_ref();
        let ty = body.map(|body| {
            let ty = qualify(super::types::lower(&body.schema));
            if body.is_event_stream() {
                Type::array(ty)
            } else if body.media_type.contains("json") {
                ty
            } else {
                Type::Keyword("string")
            }
        });
        members.push(row(Type::Literal(response.status.into()), ty));
        let default = bodies.and_then(|b| b.get(&response.status)).map(|value| match body {
            Some(body) if body.is_event_stream() => json!([value]),
            _ => value.clone(),
        });
        statuses.push(declared(body.map(|b| b.media_type.as_str()), default.as_ref(), response.status));
    }
    if operation.etag {
        members.push(row(Type::Literal(304.into()), None));
        statuses.push(declared(None, None, 304));
    }
    let problem = Type::qualified("T", names.ts_type(&model.problem));
    for error in &operation.errors {
        members.push(row(Type::Literal(error.status.into()), Some(problem.clone())));
        let default = bodies.and_then(|b| b.get(&error.status));
        statuses.push(declared(Some(crate::openapi::PROBLEM_MEDIA_TYPE), default, error.status));
    }
    statuses.sort_by_key(|member| match member {
        Member::Property(Key::Number(status), _) => *status,
        _ => 0,
    });
    let first = operation.responses.first().map_or(200, |r| r.status);
    let method = operation.method.as_str();
    let path = msw_path(&operation.path);
    let summary = format!("`{}` ({} {})", operation.id, method.to_uppercase(), operation.path);
    let alias = Stmt::UnionAlias { name: mock_type.clone(), members };
    let mock = Type::named(&mock_type);
    let answer = Type::Union(vec![
        mock.clone(),
        Type::Function(
            vec![Param::typed("request", Type::named(names::TS_MSW_REQUEST))],
            Box::new(Type::Union(vec![mock.clone(), Type::generic("Promise", vec![mock])])),
        ),
    ]);
    let default = if operation.responses.first().is_some_and(|r| r.body.is_some()) {
        format!("{first} with the schema's example (or a value its validator accepts)")
    } else {
        format!("{first}")
    };
    let function = Function {
        doc: format!(
            "The msw handler of {summary}: answers `answer` (a status, with its body and extra headers, or a \
             resolver returning one), by default {default}."
        ),
        is_async: false,
        generics: Vec::new(),
        name: names::ts_msw_handler(names.ts_function(operation)),
        params: vec![
            Param::optional("answer", answer),
            Param::defaulted("options", Type::named(names::TS_MSW_OPTIONS), Expr::object(Vec::new())),
        ],
        returns: Some(Type::named("HttpHandler")),
        body: vec![Stmt::Return(Expr::ident("mock").call(vec![
            Expr::str(method),
            Expr::str(path),
            Expr::object(statuses),
            Expr::int(first.into()),
            Expr::ident("answer"),
            Expr::ident("options"),
        ]))],
    };
    let doc = format!(
        "What the handler of {summary} answers: a declared status, its body (the default one when omitted) and \
         headers added to the declared ones."
    );
    ([Stmt::Doc(doc), alias.export()], function)
}

/// A type of `types.ts` as `msw.ts` names it: every type name through the namespace `T`.
fn qualify(ty: Type) -> Type {
    let all = |types: Vec<Type>| types.into_iter().map(qualify).collect();
    let boxed = |ty: Box<Type>| Box::new(qualify(*ty));
    let properties =
        |properties: Vec<Property>| properties.into_iter().map(|p| Property { ty: qualify(p.ty), ..p }).collect();
    match ty {
        Type::Named(name) => Type::Qualified("T".into(), name),
        Type::Array(item) => Type::Array(boxed(item)),
        Type::Tuple(items) => Type::Tuple(all(items)),
        Type::Union(types) => Type::Union(all(types)),
        Type::Intersection(types) => Type::Intersection(all(types)),
        Type::Object(members) => Type::Object(properties(members)),
        Type::Row(members) => Type::Row(properties(members)),
        Type::Record(value) => Type::Record(boxed(value)),
        Type::Generic(name, arguments) => Type::Generic(name, all(arguments)),
        Type::Readonly(ty) => Type::Readonly(boxed(ty)),
        other => other,
    }
}

/// The value a mock gives a declared header.
fn header_value(operation: &Operation, name: &str, status: u16) -> String {
    let (limit, window) = operation.rate_limit.map_or((60, 60), |limit| (limit.count, limit.period.seconds()));
    match name {
        "ETag" => "\"mock\"".into(),
        "X-RateLimit-Limit" => limit.to_string(),
        "X-RateLimit-Remaining" if status == 429 => "0".into(),
        "X-RateLimit-Remaining" => limit.saturating_sub(1).to_string(),
        "X-RateLimit-Reset" | "Retry-After" => window.to_string(),
        "Deprecation" => "true".into(),
        "Cache-Control" => "no-store".into(),
        _ => String::new(),
    }
}

/// The path template in msw's syntax: `{name}` becomes `:name`; characters `path-to-regexp` reads
/// as syntax are escaped.
fn msw_path(template: &str) -> String {
    let mut out = String::new();
    for (index, segment) in segments(template).enumerate() {
        if index > 0 {
            out.push('/');
        }
        match segment {
            Segment::Parameter(name) => {
                out.push(':');
                out.push_str(name);
            }
            Segment::Literal(text) => {
                for c in text.chars() {
                    if matches!(c, '(' | ')' | '*' | '?' | '+' | ':' | '{' | '}' | '\\') {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_take_msw_parameters() {
        assert_eq!(
            super::msw_path("/api/v2/projects/{project_id}/files/{path}"),
            "/api/v2/projects/:project_id/files/:path"
        );
        assert_eq!(super::msw_path("/a:b/(c)"), "/a\\:b/\\(c\\)");
    }
}
