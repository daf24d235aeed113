//! Emits the server crate (`generated/api-server`): one trait per tag with a method per operation,
//! a response enum per operation whose variants are exactly its statuses, and a router function
//! per tag that runs every request through the `contract-server` runtime.
//!
//! Generated Rust goes through `quote!` → `syn` → `prettyplease`, with absolute paths.
//! Handlers take the contract's own Rust types (the paths recorded by `TypeRef`), so a server that
//! drifts from the contract does not compile.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::model::{Location, Model, Operation, Parameter, Security};
use crate::rust_path;
use crate::schema::{Components, Types, bundle, ref_name};

/// Names and paths of the generated crate and of the contract crate it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// The package name of the generated crate (`api-server`).
    pub name: String,
    /// The package name of the contract crate whose types the traits take (`schemas`).
    pub contract: String,
}

impl Default for Crate {
    fn default() -> Self {
        Self { name: "api-server".into(), contract: "schemas".into() }
    }
}

/// The problems that would stop this emitter: Rust types it cannot name, tags sharing a path.
pub fn check(model: &Model) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut tags_by_path: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for operation in &model.operations {
        tags_by_path.entry(&operation.path).or_default().insert(&operation.tag);
        for rust in rust_types(operation) {
            if let Err(reason) = rust_path::absolute(rust) {
                errors.push(Error::UnwritableRustType {
                    operation: operation.id.clone(),
                    rust_type: rust.to_owned(),
                    reason,
                });
            }
        }
    }
    for (path, tags) in tags_by_path {
        if tags.len() > 1 {
            let tags: Vec<&str> = tags.into_iter().collect();
            errors.push(Error::TagsSharePath { path: path.to_owned(), tags: tags.join(", ") });
        }
    }
    errors
}

fn rust_types(operation: &Operation) -> Vec<&str> {
    let mut types: Vec<&str> = [&operation.path_params, &operation.query, &operation.headers]
        .into_iter()
        .flatten()
        .map(|p| p.rust_type.as_str())
        .collect();
    types.extend(operation.body.iter().map(|b| b.body.rust_type.as_str()));
    types.extend(operation.responses.iter().filter_map(|r| r.body.as_ref()).map(|b| b.rust_type.as_str()));
    types
}

/// The absolute path of a contract type (`check` proved it has one).
fn rust_type(path: &str) -> TokenStream {
    rust_path::absolute(path).map(|t| quote!(#t)).unwrap_or_else(|_| quote!(()))
}

fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn ident(name: &str) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new_raw(name, Span::call_site())
    }
}

/// The variant name of a status.
fn variant(status: u16) -> Ident {
    let name = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritative",
        204 => "NoContent",
        206 => "PartialContent",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        other => return format_ident!("Status{}", other),
    };
    format_ident!("{}", name)
}

/// A self-contained schema: `schema` with the components it reaches under `$defs`.
fn standalone(components: &impl Components, schema: &Value) -> Value {
    bundle(schema, None, components).into_document()
}

/// The schema of one parameter location: an object of the parameters.
fn parameters_schema(components: &impl Components, parameters: &[&Parameter]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in parameters {
        properties.insert(parameter.name.clone(), parameter.schema.clone());
        if parameter.required {
            required.push(Value::String(parameter.name.clone()));
        }
    }
    standalone(components, &json!({ "type": "object", "properties": properties, "required": required }))
}

/// How the runtime reads a parameter's text (`contract_server::Kind`), from the `type` of its
/// schema (a reference to a component followed once): arrays are lists of their items' kind.
fn kind(components: &impl Components, schema: &Value) -> TokenStream {
    let schema = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_name)
        .and_then(|name| components.schema(name))
        .unwrap_or(schema);
    let types = Types::listed(schema);
    if types.contains("array") {
        let item =
            schema.get("items").map_or_else(|| quote!(::contract_server::Kind::Text), |items| kind(components, items));
        quote!(::contract_server::Kind::List(&#item))
    } else if types.contains("integer") {
        quote!(::contract_server::Kind::Integer)
    } else if types.contains("number") {
        quote!(::contract_server::Kind::Number)
    } else if types.contains("boolean") {
        quote!(::contract_server::Kind::Boolean)
    } else {
        quote!(::contract_server::Kind::Text)
    }
}

/// The files of the crate, by path relative to its folder.
pub fn emit(model: &Model, krate: &Crate, header: &str) -> Result<BTreeMap<String, String>, Error> {
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        format!(
            "# {header}\n[package]\nname = \"{}\"\nversion = \"{}\"\ndescription = \"Server traits and axum routers of {}\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\naxum = {{ workspace = true }}\ncontract = {{ workspace = true }}\ncontract-server = {{ workspace = true }}\n{} = {{ workspace = true }}\n",
            krate.name, model.info.version, model.info.title, krate.contract
        ),
    );
    let tokens = library(model);
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|error| Error::UnparsableRust { krate: krate.name.clone(), reason: error.to_string() })?;
    let text = prettyplease::unparse(&file);
    files.insert("src/lib.rs".to_owned(), format!("// {header}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n{text}"));
    Ok(files)
}

/// The part of the generated crate's docs that says how a trait method answers.
const ANSWERS_DOC: &str = "

 # Answering

 A trait method returns its operation's response enum, whose variants are exactly the statuses the
 contract declares: an undeclared status does not compile.

 - **Errors are built by status.** Every error variant has a constructor named after it that takes
   the detail and writes the status once: `GetProjectResponse::not_found(\"No project with this
   id.\")` is `NotFound` with the contract's problem `{status: 404, title: \"Not Found\", detail}`
   (built through `contract::ProblemDetails`, which the contract's problem type implements). The
   title is always the status's reason phrase; what is specific goes in the detail.
 - **Internal failures are `500`s.** Every response enum with a `500` converts from any error that
   implements `contract_server::InternalError`: the conversion logs the error and its sources, and
   answers the generic problem `contract_server::INTERNAL_ERROR_DETAIL`, never the error's message.
   `?` needs a `Result`, so a method written with `?` computes `Result<XResponse, E>` and ends with
   `.unwrap_or_else(XResponse::from)`.
 - **Logs name the request.** Each method runs inside an `ERROR`-level `tracing` span `request`
   with the fields `operation` (the operation id) and `request_id` (the answer's `X-Request-Id`).

 ## Limitations

 - The constructors take a detail only; a `422` listing field errors (`errors`) is what the runtime
   answers for invalid input, and a method that needs one builds the variant itself.";

fn library(model: &Model) -> TokenStream {
    let problem = model
        .schemas
        .get(&model.problem)
        .and_then(|s| s.rust_type.clone())
        .map_or_else(|| quote!(::serde_json::Value), |rust| rust_type(&rust));
    let mut specs = Vec::new();
    let mut enums = Vec::new();
    let mut handlers = Vec::new();
    let mut by_tag: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    let components = &model.schemas;
    for operation in &model.operations {
        by_tag.entry(&operation.tag).or_default().push(operation);
        specs.push(spec(components, operation));
        enums.push(response_enum(operation, &problem));
        handlers.push(handler(operation));
    }
    let mut traits = Vec::new();
    let mut routers = Vec::new();
    for tag in &model.tags {
        if let Some(operations) = by_tag.get(tag.name.as_str()) {
            traits.push(tag_trait(&tag.name, &tag.description, operations));
            routers.push(tag_router(&tag.name, operations));
        }
    }
    let doc = format!(
        " Server traits and axum routers of {} {}: implement a tag's trait, then mount its router.\n\n Every request goes through `contract_server::prepare` (authentication, rate limit, validation\n against the contract's JSON Schemas) before it reaches a trait method, and its typed answer\n through `contract_server::finish` (ETag, 304, rate-limit and deprecation headers).",
        model.info.title, model.info.version
    ) + ANSWERS_DOC;
    quote! {
        #![doc = #doc]
        pub use ::contract_server::{Authenticator, AuthError, BoxFuture, Core, Principal, RequestContext, SpecError};

        /// What the runtime knows of each operation.
        pub mod specs {
            #(#specs)*
        }

        #(#enums)*
        #(#traits)*
        #(#routers)*
        #(#handlers)*
    }
}

fn spec(components: &impl Components, operation: &Operation) -> TokenStream {
    let name = format_ident!("{}", operation.id.to_uppercase());
    let id = &operation.id;
    let location = |location| {
        let parameters: Vec<&Parameter> = operation.parameters().filter(|p| p.location == location).collect();
        if parameters.is_empty() {
            return quote!(::core::option::Option::None);
        }
        let schema = parameters_schema(components, &parameters).to_string();
        let params = parameters.iter().map(|parameter| {
            let (name, kind) = (&parameter.name, kind(components, &parameter.schema));
            quote!(::contract_server::Param { name: #name, kind: #kind })
        });
        quote!(::core::option::Option::Some(::contract_server::Parameters { schema: #schema, params: &[#(#params),*] }))
    };
    let path = location(Location::Path);
    let query = location(Location::Query);
    let headers = location(Location::Header);
    let body = match &operation.body {
        Some(body) => {
            let schema = standalone(components, &body.body.schema).to_string();
            quote!(::core::option::Option::Some(#schema))
        }
        None => quote!(::core::option::Option::None),
    };
    let body_required = operation.body.as_ref().is_some_and(|b| b.required);
    let security = match &operation.security {
        Security::Public => quote!(::contract_server::Security::Public),
        Security::Bearer => quote!(::contract_server::Security::Bearer),
        Security::Role(role) => {
            let role = role.to_string();
            quote!(::contract_server::Security::Role(#role))
        }
    };
    let rate_limit = match operation.rate_limit {
        Some(limit) => {
            let (count, window) = (limit.count, limit.period.seconds());
            quote!(::core::option::Option::Some(::contract_server::RateLimit { requests: #count, window_seconds: #window }))
        }
        None => quote!(::core::option::Option::None),
    };
    let (etag, deprecated) = (operation.etag, operation.deprecated);
    let doc = format!(" `{} {}`", operation.method.as_str().to_uppercase(), operation.path);
    quote! {
        #[doc = #doc]
        pub static #name: ::contract_server::Spec = ::contract_server::Spec {
            id: #id,
            path: #path,
            query: #query,
            headers: #headers,
            body: #body,
            body_required: #body_required,
            security: #security,
            rate_limit: #rate_limit,
            etag: #etag,
            deprecated: #deprecated,
        };
    }
}

fn response_enum(operation: &Operation, problem: &TokenStream) -> TokenStream {
    let name = format_ident!("{}Response", pascal(&operation.id));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for response in &operation.responses {
        let variant = variant(response.status);
        let status = response.status;
        let doc = format!(" {status}: {}", response.description);
        match &response.body {
            Some(body) => {
                let ty = rust_type(&body.rust_type);
                variants.push(quote! { #[doc = #doc] #variant(#ty) });
                if body.media_type.contains("json") {
                    arms.push(quote! { Self::#variant(body) => ::contract_server::Reply::json(#status, &body) });
                } else {
                    let media = &body.media_type;
                    arms.push(quote! { Self::#variant(body) => ::contract_server::Reply::raw(#status, body, #media) });
                }
            }
            None => {
                variants.push(quote! { #[doc = #doc] #variant });
                arms.push(quote! { Self::#variant => ::contract_server::Reply::empty(#status) });
            }
        }
    }
    for error in &operation.errors {
        let variant = variant(error.status);
        let status = error.status;
        let doc = format!(" {status}: {}", error.description);
        variants.push(quote! { #[doc = #doc] #variant(#problem) });
        arms.push(quote! { Self::#variant(problem) => ::contract_server::Reply::problem(#status, &problem) });
    }
    let doc = format!(" The answers of `{}`: exactly the statuses the contract declares for it.", operation.id);
    let constructors = problem_constructors(operation, &name, problem);
    let internal = internal_error_conversion(operation, &name);
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #name {
            #(#variants,)*
        }

        impl ::contract_server::IntoReply for #name {
            fn into_reply(self) -> ::contract_server::Reply {
                match self {
                    #(#arms,)*
                }
            }
        }

        #constructors
        #internal
    }
}

/// One constructor per error variant (`not_found(detail)`): the problem's `status` is the variant's
/// and its title the status's reason phrase, so a body cannot disagree with the HTTP status.
fn problem_constructors(operation: &Operation, name: &Ident, problem: &TokenStream) -> TokenStream {
    let constructors = operation.errors.iter().map(|error| {
        let status = error.status;
        let variant = variant(status);
        let method = format_ident!("{}", snake(&variant.to_string()));
        let title = reason_phrase(status);
        let doc = format!(
            " {status}: {}\n\n The contract's problem with `status: {status}`, `title: \"{title}\"` and `detail`.",
            error.description
        );
        quote! {
            #[doc = #doc]
            pub fn #method(detail: impl ::core::convert::Into<::std::string::String>) -> Self {
                Self::#variant(<#problem as ::contract::ProblemDetails>::from_status(#status, #title, detail.into()))
            }
        }
    });
    quote! {
        impl #name {
            #(#constructors)*
        }
    }
}

/// For an operation with a `500`: any [`contract_server::InternalError`] converts into it, logged
/// (inside the handler's request span) and answered with a generic problem, never its message.
fn internal_error_conversion(operation: &Operation, name: &Ident) -> TokenStream {
    if !operation.errors.iter().any(|error| error.status == 500) {
        return TokenStream::new();
    }
    let method = format_ident!("{}", snake(&variant(500).to_string()));
    quote! {
        impl<E: ::contract_server::InternalError> ::core::convert::From<E> for #name {
            /// Logs `error` with its sources and answers the generic `500` problem.
            fn from(error: E) -> Self {
                ::contract_server::InternalError::log(&error);
                Self::#method(::contract_server::INTERNAL_ERROR_DETAIL)
            }
        }
    }
}

/// `NotFound` → `not_found`, `Status418` → `status_418`.
fn snake(pascal: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in pascal.chars() {
        let boundary = previous.is_some_and(|p| {
            (c.is_ascii_uppercase() && !p.is_ascii_uppercase()) || (c.is_ascii_digit() && !p.is_ascii_digit())
        });
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        previous = Some(c);
    }
    out
}

/// The reason phrase of an error status (RFC 9110 and the IANA registry), the title of its problems.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        511 => "Network Authentication Required",
        other if other < 500 => "Client Error",
        _ => "Server Error",
    }
}

/// The inputs of an operation's trait method: (parameter name, type, how the handler decodes it).
fn inputs(operation: &Operation) -> Vec<(Ident, TokenStream, TokenStream)> {
    let mut inputs = Vec::new();
    for (field, parameters, prefix) in [
        ("path", &operation.path_params, "/path"),
        ("query", &operation.query, "/query"),
        ("headers", &operation.headers, "/header"),
    ] {
        if let Some(parameters) = parameters {
            let ty = rust_type(&parameters.rust_type);
            let name = format_ident!("{}", field);
            let decode = quote! {
                match ::contract_server::decode::<#ty>(::core::mem::take(&mut prepared.input.#name), #prefix) {
                    ::core::result::Result::Ok(value) => value,
                    ::core::result::Result::Err(rejection) => return prepared.reject(rejection),
                }
            };
            inputs.push((name, ty, decode));
        }
    }
    if let Some(body) = &operation.body {
        let ty = rust_type(&body.body.rust_type);
        if body.required {
            let decode = quote! {
                match ::contract_server::decode::<#ty>(prepared.input.body.take().unwrap_or_default(), "/body") {
                    ::core::result::Result::Ok(value) => value,
                    ::core::result::Result::Err(rejection) => return prepared.reject(rejection),
                }
            };
            inputs.push((format_ident!("body"), ty, decode));
        } else {
            let decode = quote! {
                match prepared.input.body.take() {
                    ::core::option::Option::None => ::core::option::Option::None,
                    ::core::option::Option::Some(value) => match ::contract_server::decode::<#ty>(value, "/body") {
                        ::core::result::Result::Ok(value) => ::core::option::Option::Some(value),
                        ::core::result::Result::Err(rejection) => return prepared.reject(rejection),
                    },
                }
            };
            inputs.push((format_ident!("body"), quote!(::core::option::Option<#ty>), decode));
        }
    }
    inputs
}

fn tag_trait(tag: &str, description: &str, operations: &[&Operation]) -> TokenStream {
    let name = format_ident!("{}", pascal(tag));
    let doc = format!(" The `{tag}` operations: {description}");
    let methods = operations.iter().map(|operation| {
        let method = ident(&operation.id);
        let response = format_ident!("{}Response", pascal(&operation.id));
        let params = inputs(operation).into_iter().map(|(name, ty, _)| quote!(#name: #ty));
        let mut doc = format!(" {}", operation.summary);
        if let Some(description) = &operation.description {
            for line in description.lines() {
                doc.push_str(&format!("\n {line}"));
            }
        }
        doc.push_str(&format!("\n\n `{} {}`", operation.method.as_str().to_uppercase(), operation.path));
        let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #[doc = #doc]
            #deprecated
            fn #method(&self, context: ::contract_server::RequestContext, #(#params),*) -> impl ::core::future::Future<Output = #response> + ::core::marker::Send;
        }
    });
    quote! {
        #[doc = #doc]
        pub trait #name: ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*
        }
    }
}

fn handler_name(operation: &Operation) -> Ident {
    format_ident!("handle_{}", operation.id)
}

fn handler(operation: &Operation) -> TokenStream {
    let name = handler_name(operation);
    let tag = format_ident!("{}", pascal(&operation.tag));
    let method = ident(&operation.id);
    let inputs = inputs(operation);
    let decodes = inputs.iter().map(|(name, _, decode)| quote!(let #name = #decode;));
    let names = inputs.iter().map(|(name, _, _)| name);
    let id = &operation.id;
    let call = if operation.deprecated {
        quote! {
            #[allow(deprecated)]
            let answer = ::contract_server::request_span(#id, &prepared.context.request_id, service.#method(prepared.context.clone(), #(#names),*)).await;
        }
    } else {
        quote! {
            let answer = ::contract_server::request_span(#id, &prepared.context.request_id, service.#method(prepared.context.clone(), #(#names),*)).await;
        }
    };
    let mutability = if inputs.is_empty() { quote!() } else { quote!(mut) };
    quote! {
        async fn #name<S: #tag>(
            service: &S,
            core: &::contract_server::Core,
            operation: &::contract_server::Operation,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            let #mutability prepared = match ::contract_server::prepare(core, operation, request).await {
                ::core::result::Result::Ok(prepared) => prepared,
                ::core::result::Result::Err(rejected) => return ::axum::response::IntoResponse::into_response(rejected),
            };
            #(#decodes)*
            #call
            ::contract_server::finish(operation, &prepared, ::contract_server::IntoReply::into_reply(answer))
        }
    }
}

fn tag_router(tag: &str, operations: &[&Operation]) -> TokenStream {
    let name = format_ident!("{}_router", tag.replace(|c: char| !c.is_ascii_alphanumeric(), "_").to_ascii_lowercase());
    let bound = format_ident!("{}", pascal(tag));
    let doc = format!(" The router of the `{tag}` operations, served by `service`.");
    let mut by_path: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in operations {
        by_path.entry(&operation.path).or_default().push(operation);
    }
    let routes = by_path.into_iter().map(|(path, operations)| {
        let allow: Vec<String> = operations.iter().map(|o| o.method.as_str().to_uppercase()).collect();
        let allow = allow.join(", ");
        let mut chain = quote!(::axum::routing::MethodRouter::new());
        for operation in operations {
            let spec = format_ident!("{}", operation.id.to_uppercase());
            let handler = handler_name(operation);
            let method = format_ident!("{}", operation.method.as_str());
            chain = quote! {
                #chain.#method({
                    let (service, core, operation) = (service.clone(), core.clone(), ::std::sync::Arc::new(::contract_server::Operation::compile(&specs::#spec)?));
                    move |request: ::axum::extract::Request| async move { #handler(&*service, &core, &operation, request).await }
                })
            };
        }
        quote! {
            .route(#path, #chain.fallback(|request: ::axum::extract::Request| async move { ::contract_server::method_not_allowed(#allow, &request) }))
        }
    });
    quote! {
        #[doc = #doc]
        pub fn #name<S: #bound>(
            service: ::std::sync::Arc<S>,
            core: ::std::sync::Arc<::contract_server::Core>,
        ) -> ::core::result::Result<::axum::Router, ::contract_server::SpecError> {
            ::core::result::Result::Ok(::axum::Router::new() #(#routes)*)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_are_named_after_their_variants() {
        let name = |status| snake(&variant(status).to_string());
        assert_eq!(name(404), "not_found");
        assert_eq!(name(500), "internal_server_error");
        assert_eq!(name(429), "too_many_requests");
        assert_eq!(name(418), "status_418");
    }

    #[test]
    fn every_named_error_status_has_its_own_reason_phrase() {
        for status in 400..600 {
            if !variant(status).to_string().starts_with("Status") {
                assert!(!reason_phrase(status).ends_with(" Error") || status == 500, "{status}");
            }
        }
        assert_eq!(reason_phrase(499), "Client Error");
        assert_eq!(reason_phrase(599), "Server Error");
    }
}
