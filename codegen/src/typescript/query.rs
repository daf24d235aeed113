//! `query`: factories of TanStack Query v5 options, with no runtime dependency (the objects are
//! plain; their shapes are what `@tanstack/query-core` 5.x takes, which the tests check).
//!
//! - per `GET` operation `getProjectQueryOptions(options, request?, call?)`: `{ queryKey, queryFn }`,
//!   where `queryFn({ signal })` calls the client's function with that signal and resolves to the
//!   2xx body; any other status rejects with an `ApiError` (an `Error` with `status`, `body` and
//!   `headers`), so that TanStack sees it as a failure;
//! - per paginated `GET` operation (see [`page_schema`]) `listProjectsInfiniteQueryOptions(...)` with
//!   `initialPageParam: 1` and `getNextPageParam` (`undefined` after the last page);
//! - per other operation `createProjectMutationOptions(options, call?)`: `{ mutationKey, mutationFn }`;
//! - `queryKeys`: `queryKeys.all` (`[package]`) and per tag `queryKeys.<tag>.all` (`[package, tag]`).
//!   Every operation's key starts with its tag's, then the function's name, then the request, so
//!   `invalidateQueries({ queryKey: queryKeys.projects.all })` reaches every query of the tag.
//!
//! Event-stream operations get nothing here (they are not request/response).

use std::collections::BTreeSet;

use serde_json::Value;

use super::ast::{Expr, Function, ImportClause, Member, Param, Property, Specifier, Stmt, Type};
use super::operation::Inputs;
use crate::model::{Location, Model, Operation};
use crate::names::{Names, TS_CLIENT_PARAMETERS};
use crate::schema::as_ref_name;

pub(super) fn emit(model: &Model, names: &Names) -> Vec<Stmt> {
    let root = super::package::name(model);
    let import = |type_only, clause, from: &str| Stmt::Import { type_only, clause, from: from.to_owned() };
    let named = |names: &[&str]| {
        ImportClause::Named(names.iter().map(|name| Specifier { name: (*name).to_owned(), type_only: false }).collect())
    };
    let mut out = vec![
        Stmt::Comment(
            "TanStack Query v5 options, one factory per operation (`getProjectQueryOptions(options, request)`),\n\
             and `queryKeys` per tag for invalidation. No dependency: the objects are plain."
                .into(),
        ),
        import(true, named(&["CallOptions", "ClientOptions"]), "./client_runtime.js"),
        import(false, ImportClause::Namespace("C".into()), "./client.js"),
        import(true, ImportClause::Namespace("T".into()), "./types.js"),
        Stmt::Blank,
    ];
    out.extend(errors());

    // The keys: the package's, and one per tag that has an operation here.
    let tags: BTreeSet<&str> =
        model.operations.iter().filter(|o| o.event_stream().is_none()).map(|o| o.tag.as_str()).collect();
    let tuple = |parts: &[&str]| {
        (
            Type::Readonly(Box::new(Type::Tuple(parts.iter().map(|p| Type::Literal(Value::from(*p))).collect()))),
            Expr::Array(parts.iter().map(|p| Expr::str(*p)).collect()),
        )
    };
    let (all_type, all_value) = tuple(&[&root]);
    let mut key_types = vec![property("all", all_type, "Every query of the package.")];
    let mut key_values = vec![Member::property("all", all_value)];
    for tag in &tags {
        let (ty, value) = tuple(&[&root, tag]);
        key_types.push(property(
            tag,
            Type::Row(vec![property("all", ty, "")]),
            &format!("The queries of the `{tag}` operations."),
        ));
        key_values.push(Member::property(tag, Expr::object(vec![Member::property("all", value)])));
    }
    out.extend([
        Stmt::Doc(
            "The query keys, per tag: `invalidateQueries({ queryKey: queryKeys.projects.all })` reaches every \
             query of the tag's operations (their keys start with it)."
                .into(),
        ),
        Stmt::const_typed("queryKeys", Type::Object(key_types), Expr::ObjectLines(key_values)).export(),
        Stmt::Blank,
    ]);

    for operation in &model.operations {
        if operation.event_stream().is_some() {
            continue;
        }
        let key = |extra: &[&str], with_request: bool| {
            let mut parts: Vec<Expr> = [root.as_str(), operation.tag.as_str(), names.ts_function(operation)]
                .into_iter()
                .chain(extra.iter().copied())
                .map(Expr::str)
                .collect();
            if with_request && Inputs::of(operation).any() {
                parts.push(Expr::ident(TS_CLIENT_PARAMETERS[1]));
            }
            Expr::Array(parts)
        };
        if operation.method.as_str() == "get" {
            out.extend([Stmt::Function(query_options(names, operation, key(&[], true))).export(), Stmt::Blank]);
            if let Some(page) = page_schema(model, operation) {
                let page = Type::qualified("T", names.ts_type(page));
                let function = infinite_options(names, operation, key(&["infinite"], true), page);
                out.extend([Stmt::Function(function).export(), Stmt::Blank]);
            }
        } else {
            out.extend([Stmt::Function(mutation_options(names, operation, key(&[], false))).export(), Stmt::Blank]);
        }
    }
    while matches!(out.last(), Some(Stmt::Blank)) {
        out.pop();
    }
    out
}

fn property(name: &str, ty: Type, doc: &str) -> Property {
    Property { name: name.to_owned(), optional: false, ty, doc: doc.to_owned() }
}

/// `ApiError`, `isApiError` and `ok`, which turns an answer into its body or a rejection.
fn errors() -> Vec<Stmt> {
    let raw = || Expr::ident("raw");
    let status = || raw().member("status");
    let answer = Type::Row(vec![
        property("status", Type::Keyword("number"), ""),
        property("body", Type::Keyword("unknown"), ""),
        property("headers", Type::named("Headers"), ""),
    ]);
    let error = Expr::ident("Object").method(
        "assign",
        vec![
            Expr::new("Error", Vec::new(), vec![Expr::str("HTTP ").plus(status())]),
            Expr::object(vec![
                Member::property("name", Expr::str("ApiError")),
                Member::property("status", status()),
                Member::property("body", raw().member("body")),
                Member::property("headers", raw().member("headers")),
            ]),
        ],
    );
    let success = status().binary(super::ast::BinaryOp::Ge, Expr::int(200)).and(status().lt(Expr::int(300)));
    let value = || Expr::ident("value");
    vec![
        Stmt::Doc(
            "What a query or mutation rejects with when the server answers a status other than 2xx (a \
             declared error's `body` is the problem document)."
                .into(),
        ),
        Stmt::TypeAlias {
            name: "ApiError".into(),
            ty: Type::Intersection(vec![
                Type::named("Error"),
                Type::Row(vec![
                    property("name", Type::Literal(Value::from("ApiError")), ""),
                    property("status", Type::Keyword("number"), ""),
                    property("body", Type::Keyword("unknown"), ""),
                    property("headers", Type::named("Headers"), ""),
                ]),
            ]),
        }
        .export(),
        Stmt::Blank,
        Stmt::Function(Function {
            doc: "Whether `value` is an `ApiError` (TanStack's `error` of a failed query or mutation).".into(),
            is_async: false,
            generics: Vec::new(),
            name: "isApiError".into(),
            params: vec![Param::typed("value", Type::Keyword("unknown"))],
            returns: Some(Type::Predicate("value".into(), Box::new(Type::named("ApiError")))),
            body: vec![Stmt::Return(
                value().type_of().eq(Expr::str("object")).and(value().ne(Expr::Json(Value::Null))).and(
                    value()
                        .as_type(Type::Row(vec![Property {
                            optional: true,
                            ..property("name", Type::Keyword("unknown"), "")
                        }]))
                        .paren()
                        .member("name")
                        .eq(Expr::str("ApiError")),
                ),
            )],
        })
        .export(),
        Stmt::Blank,
        Stmt::Function(Function {
            doc: "The body of a 2xx answer, or a rejection with an `ApiError`.".into(),
            is_async: false,
            generics: Vec::new(),
            name: "ok".into(),
            params: vec![Param::typed("raw", answer)],
            returns: Some(Type::Keyword("unknown")),
            body: vec![Stmt::Return(Expr::conditional(
                success,
                raw().member("body"),
                Expr::ident("Promise").method("reject", vec![error]),
            ))],
        }),
        Stmt::Blank,
    ]
}

/// The parameters `options`, `request` (as the client's function takes it) and `call`.
fn parameters(names: &Names, operation: &Operation, with_request: bool) -> Vec<Param> {
    let [options, request, call] = TS_CLIENT_PARAMETERS;
    let inputs = Inputs::of(operation);
    let mut params = vec![Param::typed(options, Type::named("ClientOptions"))];
    if with_request {
        let ty = Type::qualified("T", format!("{}Request", names.ts_prefix(operation)));
        if inputs.required() {
            params.push(Param::typed(request, ty));
        } else if inputs.any() {
            params.push(Param::defaulted(request, ty, Expr::object(Vec::new())));
        }
    }
    params.push(Param::optional(call, Type::named("CallOptions")));
    params
}

/// The type of what a successful call resolves to: the 2xx bodies (`unknown` for an inline one).
fn success_type(names: &Names, operation: &Operation) -> Type {
    let mut types: Vec<Type> = Vec::new();
    for response in operation.responses.iter().filter(|r| (200..300).contains(&r.status)) {
        let ty = match &response.body {
            None => Type::Keyword("undefined"),
            Some(body) => match as_ref_name(&body.schema) {
                Some(name) if body.media_type.contains("json") => Type::qualified("T", names.ts_type(name)),
                _ => Type::Keyword("unknown"),
            },
        };
        if !types.contains(&ty) {
            types.push(ty);
        }
    }
    match types.len() {
        0 => Type::Keyword("never"),
        1 => types.remove(0),
        _ => Type::Union(types),
    }
}

/// `C.fn(options, request, call).then(ok) as Promise<Body>`.
fn call(names: &Names, operation: &Operation, request: Option<Expr>, call: Expr, body: &Type) -> Expr {
    let mut arguments = vec![Expr::ident(TS_CLIENT_PARAMETERS[0])];
    if Inputs::of(operation).any() {
        arguments.extend(request);
    }
    arguments.push(call);
    Expr::ident("C")
        .method(names.ts_function(operation), arguments)
        .method("then", vec![Expr::ident("ok")])
        .as_type(Type::generic("Promise", vec![body.clone()]))
}

/// `Object.assign({}, base, extra)`.
fn merged(base: Expr, extra: Vec<Member>) -> Expr {
    Expr::ident("Object").method("assign", vec![Expr::object(Vec::new()), base, Expr::object(extra)])
}

fn signal_call() -> Expr {
    merged(
        Expr::ident(TS_CLIENT_PARAMETERS[2]),
        vec![Member::property("signal", Expr::ident("context").member("signal"))],
    )
}

fn key_type() -> Type {
    Type::Readonly(Box::new(Type::array(Type::Keyword("unknown"))))
}

fn doc(names: &Names, operation: &Operation, what: &str) -> String {
    format!(
        "{what} of `{}` (`{} {}`): {}",
        names.ts_function(operation),
        operation.method.as_str().to_uppercase(),
        operation.path,
        operation.summary
    )
}

/// `xxxQueryOptions(options, request?, call?)`: `{ queryKey, queryFn }`.
fn query_options(names: &Names, operation: &Operation, key: Expr) -> Function {
    let body = success_type(names, operation);
    let context = Type::Row(vec![property("signal", Type::named("AbortSignal"), "")]);
    let query_fn = Expr::arrow(
        vec![Param::typed("context", context.clone())],
        call(names, operation, Some(Expr::ident(TS_CLIENT_PARAMETERS[1])), signal_call(), &body),
    );
    Function {
        doc: format!(
            "{}\n\nFor `useQuery`, `fetchQuery`...: resolves to the 2xx body, rejects with `ApiError` otherwise.",
            doc(names, operation, "The query options")
        ),
        is_async: false,
        generics: Vec::new(),
        name: format!("{}QueryOptions", names.ts_function(operation)),
        params: parameters(names, operation, true),
        returns: Some(Type::Row(vec![
            property("queryKey", key_type(), ""),
            property(
                "queryFn",
                Type::Function(vec![Param::typed("context", context)], Box::new(Type::generic("Promise", vec![body]))),
                "",
            ),
        ])),
        body: vec![Stmt::Return(Expr::ObjectLines(vec![
            Member::property("queryKey", key),
            Member::property("queryFn", query_fn),
        ]))],
    }
}

/// `xxxInfiniteQueryOptions(options, request?, call?)`: pages from 1 while `page * per_page < total`.
fn infinite_options(names: &Names, operation: &Operation, key: Expr, page: Type) -> Function {
    let request = || Expr::ident(TS_CLIENT_PARAMETERS[1]);
    let context = Type::Row(vec![
        property("signal", Type::named("AbortSignal"), ""),
        property("pageParam", Type::Keyword("number"), ""),
    ]);
    let paged = merged(
        request(),
        vec![Member::property(
            "query",
            merged(
                request().member("query"),
                vec![Member::property("page", Expr::ident("context").member("pageParam"))],
            ),
        )],
    );
    let query_fn = Expr::arrow(
        vec![Param::typed("context", context.clone())],
        call(names, operation, Some(paged), signal_call(), &page),
    );
    let last = || Expr::ident("lastPage");
    let next = Expr::conditional(
        last().member("page").times(last().member("per_page")).lt(last().member("total")),
        last().member("page").plus(Expr::int(1)),
        Expr::undefined(),
    );
    let next_type = Type::Function(
        vec![Param::typed("lastPage", page.clone())],
        Box::new(Type::Union(vec![Type::Keyword("number"), Type::Keyword("undefined")])),
    );
    Function {
        doc: format!(
            "{}\n\nFor `useInfiniteQuery`, `fetchInfiniteQuery`...: pages from 1; the next page is \
             `page + 1` while `page * per_page < total`.",
            doc(names, operation, "The infinite query options")
        ),
        is_async: false,
        generics: Vec::new(),
        name: format!("{}InfiniteQueryOptions", names.ts_function(operation)),
        params: parameters(names, operation, true),
        returns: Some(Type::Row(vec![
            property("queryKey", key_type(), ""),
            property("initialPageParam", Type::Keyword("number"), ""),
            property("getNextPageParam", next_type, ""),
            property(
                "queryFn",
                Type::Function(
                    vec![Param::typed("context", context)],
                    Box::new(Type::generic("Promise", vec![page.clone()])),
                ),
                "",
            ),
        ])),
        body: vec![Stmt::Return(Expr::ObjectLines(vec![
            Member::property("queryKey", key),
            Member::property("initialPageParam", Expr::int(1)),
            Member::property("getNextPageParam", Expr::arrow(vec![Param::typed("lastPage", page.clone())], next)),
            Member::property("queryFn", query_fn),
        ]))],
    }
}

/// `xxxMutationOptions(options, call?)`: `{ mutationKey, mutationFn(request) }`.
fn mutation_options(names: &Names, operation: &Operation, key: Expr) -> Function {
    let body = success_type(names, operation);
    let inputs = Inputs::of(operation);
    let request_type = Type::qualified("T", format!("{}Request", names.ts_prefix(operation)));
    let params = match (inputs.any(), inputs.required()) {
        (false, _) => Vec::new(),
        (true, true) => vec![Param::typed(TS_CLIENT_PARAMETERS[1], request_type)],
        (true, false) => vec![Param::optional(TS_CLIENT_PARAMETERS[1], request_type)],
    };
    let mutation_fn = Expr::arrow(
        params.clone(),
        call(names, operation, Some(Expr::ident(TS_CLIENT_PARAMETERS[1])), Expr::ident(TS_CLIENT_PARAMETERS[2]), &body),
    );
    Function {
        doc: format!(
            "{}\n\nFor `useMutation`, `MutationObserver`...: `mutate(request)` resolves to the 2xx body, rejects \
             with `ApiError` otherwise.",
            doc(names, operation, "The mutation options")
        ),
        is_async: false,
        generics: Vec::new(),
        name: format!("{}MutationOptions", names.ts_function(operation)),
        params: parameters(names, operation, false),
        returns: Some(Type::Row(vec![
            property("mutationKey", key_type(), ""),
            property("mutationFn", Type::Function(params, Box::new(Type::generic("Promise", vec![body]))), ""),
        ])),
        body: vec![Stmt::Return(Expr::ObjectLines(vec![
            Member::property("mutationKey", key),
            Member::property("mutationFn", mutation_fn),
        ]))],
    }
}

/// The page schema of a paginated list operation, when `operation` is one. The rule: a `GET` with
/// query parameters `page` and `per_page`, whose 2xx body is a named object schema with the
/// properties `items` (an array) and `page`, `per_page`, `total` (integers).
pub(crate) fn page_schema<'m>(model: &'m Model, operation: &Operation) -> Option<&'m str> {
    if operation.method.as_str() != "get" {
        return None;
    }
    let query: Vec<&str> =
        operation.parameters().filter(|p| p.location == Location::Query).map(|p| p.name.as_str()).collect();
    if !["page", "per_page"].iter().all(|name| query.contains(name)) {
        return None;
    }
    let response = operation.responses.iter().find(|r| (200..300).contains(&r.status))?;
    let name = as_ref_name(&response.body.as_ref()?.schema)?;
    let (name, schema) = model.schemas.get_key_value(name)?;
    let properties = schema.schema.get("properties")?;
    let is = |property: &str, ty: &str| {
        properties.get(property).and_then(|p| p.get("type")).is_some_and(|t| match t {
            Value::String(t) => t == ty,
            Value::Array(types) => types.iter().any(|t| t == ty),
            _ => false,
        })
    };
    let paged = is("items", "array") && ["page", "per_page", "total"].iter().all(|p| is(p, "integer"));
    paged.then_some(name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::{Contract, Info, Method, Operation as Op};
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Problem {
        title: String,
    }

    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Item {
        id: u32,
    }

    /// Numbered pages.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct ItemPage {
        items: Vec<Item>,
        page: u32,
        per_page: u32,
        total: u64,
    }

    /// Pages by cursor: not numbered.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct ItemCursorPage {
        items: Vec<Item>,
        next: Option<String>,
    }

    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Paging {
        page: Option<u32>,
        per_page: Option<u32>,
    }

    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Search {
        q: Option<String>,
    }

    fn op(method: Method, id: &'static str, path: &'static str) -> Op {
        Op::new(method, id, path).tag("t").summary("S.")
    }

    #[test]
    fn numbered_pages_with_page_and_per_page_queries_are_paginated() {
        let contract = Contract::new(Info::new("Paging", "1.0.0"))
            .problem::<Problem>()
            .tag("t", "T.")
            .operation(op(Method::Get, "paged", "/a").query::<Paging>().response::<ItemPage>(200, "OK."))
            .operation(op(Method::Get, "cursor", "/b").query::<Paging>().response::<ItemCursorPage>(200, "OK."))
            .operation(op(Method::Get, "no_paging_query", "/c").query::<Search>().response::<ItemPage>(200, "OK."))
            .operation(op(Method::Get, "one", "/d").response::<Item>(200, "OK."))
            .operation(op(Method::Post, "post_paged", "/e").query::<Paging>().response::<ItemPage>(200, "OK."));
        let model = crate::lower(&contract).unwrap_or_else(|e| panic!("{e}"));
        let paged: Vec<(&str, &str)> =
            model.operations.iter().filter_map(|o| page_schema(&model, o).map(|page| (o.id.as_str(), page))).collect();
        assert_eq!(paged, [("paged", "ItemPage")]);
    }
}
