//! Emits the server crate (`generated/api-server`): one trait per tag with a method per operation,
//! a response enum per operation whose variants are exactly its statuses, and a router function
//! per tag that runs every request through the `contract-server` runtime.
//!
//! Generated Rust goes through `quote!` → `syn` → `prettyplease`, with absolute paths.
//! Handlers take the contract's own Rust types (the paths recorded by `TypeRef`), so a server that
//! drifts from the contract does not compile.
//!
//! One module per part of the crate: [`spec`] (what the runtime knows of each operation),
//! [`responses`] (the response enums, their constructors and the `500` conversion), [`routers`]
//! (the traits, the handlers and the routers). Every name comes from [`crate::names`].

mod responses;
mod routers;
mod spec;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::model::{Model, Operation};
use crate::names::RUST_RUNTIME_EXPORTS;
use crate::rust_path;

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

/// The absolute path of a contract type used by `operation` (`check` reported those that have
/// none, so on a lowered model this does not fail).
pub(super) fn rust_type(path: &str, operation: &str) -> Result<TokenStream, Error> {
    rust_path::absolute(path).map(|t| quote!(#t)).map_err(|reason| Error::UnwritableRustType {
        operation: operation.to_owned(),
        rust_type: path.to_owned(),
        reason,
    })
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
    let tokens = library(model)?;
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|error| Error::UnparsableRust { krate: krate.name.clone(), reason: error.to_string() })?;
    let text = prettyplease::unparse(&file);
    files.insert("src/lib.rs".to_owned(), format!("// {header}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n{text}"));
    let components = crate::render_json(&spec::components_document(model, header));
    files.insert(format!("src/{}", spec::COMPONENTS_FILE), components);
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
 - **Answers are checked against the contract.** With response validation on
   (`contract_server::ResponseValidation`: enforced by default in debug builds, off in release
   builds, `Core::with_response_validation`), every JSON body is validated against its status's
   schema; a broken rule is logged at `ERROR` with the operation, JSON pointer and rule, and, when
   enforced, the operation's `500` (`internal_server_error`) is answered instead.

 - **Event streams are streams.** An operation declared with an event stream takes the request's
   `Last-Event-ID` as `last_event_id: Option<String>` (resume after that event) and answers
   `contract_server::EventStream::new(events)`, a stream of `contract_server::Event::new(id, data)`,
   sent as Server-Sent Events as they come; the stream's end ends the answer, and an `Err` of a
   stream built with `EventStream::try_new` drops the connection so clients resume. Each event's
   data is checked like a body when response validation is on.

 ## Limitations

 - The constructors take a detail only; a `422` listing field errors (`errors`) is what the runtime
   answers for invalid input, and a method that needs one builds the variant itself.";

fn library(model: &Model) -> Result<TokenStream, Error> {
    let problem = match model.schemas.get(&model.problem).and_then(|s| s.rust_type.as_deref()) {
        Some(rust) => rust_type(rust, "(the problem type)")?,
        None => quote!(::serde_json::Value),
    };
    let mut specs = Vec::new();
    let mut enums = Vec::new();
    let mut handlers = Vec::new();
    let mut by_tag: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    let components = &model.schemas;
    let components_static = spec::components_static();
    let problem_schema = spec::problem(&model.problem);
    for operation in &model.operations {
        by_tag.entry(&operation.tag).or_default().push(operation);
        specs.push(spec::spec(components, operation));
        enums.push(responses::response_enum(operation, &problem)?);
        handlers.push(routers::handler(operation)?);
    }
    let mut traits = Vec::new();
    let mut routers = Vec::new();
    for tag in &model.tags {
        if let Some(operations) = by_tag.get(tag.name.as_str()) {
            traits.push(routers::tag_trait(&tag.name, &tag.description, operations)?);
            routers.push(routers::tag_router(&tag.name, operations));
        }
    }
    let doc = format!(
        " Server traits and axum routers of {} {}: implement a tag's trait, then mount its router.\n\n Every request goes through `contract_server::prepare` (authentication, rate limit, validation\n against the contract's JSON Schemas) before it reaches a trait method, and its typed answer\n through `contract_server::finish` (response validation, ETag, 304, rate-limit and deprecation\n headers).",
        model.info.title, model.info.version
    ) + ANSWERS_DOC;
    let exports = RUST_RUNTIME_EXPORTS.iter().map(|name| format_ident!("{}", name));
    Ok(quote! {
        #![doc = #doc]
        pub use ::contract_server::{#(#exports),*};

        /// What the runtime knows of each operation.
        pub mod specs {
            #components_static
            #problem_schema
            #(#specs)*
        }

        #(#enums)*
        #(#traits)*
        #(#routers)*
        #(#handlers)*
    })
}
