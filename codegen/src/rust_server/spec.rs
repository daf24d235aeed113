//! The `specs` module of the generated crate: per operation, what the runtime needs to know
//! (parameters with their kinds and schemas, the body schema, the schemas of its JSON answers,
//! security, rate limit, ETag, deprecation, the request and response headers CORS allows and
//! exposes), as `static`s the router compiles once. Every named
//! schema is written once, in the crate's `components.json` ([`COMPONENTS_FILE`]); the operations'
//! schemas refer to it by [`COMPONENTS_URI`], and the problem's schema, which every operation's
//! error answers share, is one `const`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use crate::model::{Location, Model, Operation, Parameter, SCHEMA_REF_PREFIX, Security};
use crate::names;
use crate::schema::{Components, Types, ref_name, walk_mut};

/// The file of the generated crate (beside `lib.rs`) holding the contract's named schemas.
pub const COMPONENTS_FILE: &str = "components.json";

/// The URI by which the operations' schemas refer to the components document.
pub const COMPONENTS_URI: &str = "urn:contract:components";

/// The components document: `{"components": {"schemas": {...}}}`, every named schema once.
pub(super) fn components_document(model: &Model, header: &str) -> Value {
    let schemas: Map<String, Value> =
        model.schemas.iter().map(|(name, named)| (name.clone(), named.schema.clone())).collect();
    json!({ "$comment": header, "components": { "schemas": schemas } })
}

/// The `static` that hands the components document to the runtime.
pub(super) fn components_static() -> TokenStream {
    let name = format_ident!("{}", names::RUST_COMPONENTS);
    let (uri, file) = (COMPONENTS_URI, COMPONENTS_FILE);
    quote! {
        /// Every named schema of the contract, written once; the specs' schemas refer to it.
        pub static #name: ::contract_server::Components =
            ::contract_server::Components { uri: #uri, document: ::core::include_str!(#file) };
    }
}

/// `schema` with its references to components pointed into the components document.
fn referring(schema: &Value) -> Value {
    let mut schema = schema.clone();
    walk_mut(&mut schema, &mut |subschema| {
        if let Some(Value::String(reference)) = subschema.get_mut("$ref")
            && reference.starts_with(SCHEMA_REF_PREFIX)
        {
            reference.insert_str(0, COMPONENTS_URI);
        }
    });
    schema
}

/// The schema of one parameter location: an object of the parameters.
fn parameters_schema(parameters: &[&Parameter]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in parameters {
        properties.insert(parameter.name.clone(), parameter.schema.clone());
        if parameter.required {
            required.push(Value::String(parameter.name.clone()));
        }
    }
    referring(&json!({ "type": "object", "properties": properties, "required": required }))
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
    let types = Types::of(schema).or_else(|| Types::of_constants(schema)).unwrap_or_default();
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

/// The `const` holding the schema of the problem type (the body of every error).
pub(super) fn problem(problem: &str) -> TokenStream {
    let name = format_ident!("{}", names::RUST_PROBLEM_SCHEMA);
    let schema = referring(&json!({ "$ref": format!("{SCHEMA_REF_PREFIX}{problem}") })).to_string();
    quote! {
        /// The schema of every error answer: the contract's problem type.
        pub const #name: &str = #schema;
    }
}

/// The schemas of the declared responses with a JSON body, as serde writes them; of an event
/// stream, the schema of one event's data.
fn responses(operation: &Operation) -> TokenStream {
    let bodies = operation.responses.iter().filter_map(|response| {
        let body = response.body.as_ref().filter(|body| body.media_type.contains("json") || body.is_event_stream())?;
        let (status, schema) = (response.status, referring(&body.schema).to_string());
        Some(quote!(::contract_server::ResponseBody { status: #status, schema: #schema }))
    });
    quote!(&[#(#bodies),*])
}

pub(super) fn spec(components: &impl Components, operation: &Operation) -> TokenStream {
    let name = format_ident!("{}", names::rust_spec(&operation.id));
    let id = &operation.id;
    let location = |location| {
        let parameters: Vec<&Parameter> = operation.parameters().filter(|p| p.location == location).collect();
        if parameters.is_empty() {
            return quote!(::core::option::Option::None);
        }
        let schema = parameters_schema(&parameters).to_string();
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
            let schema = referring(&body.body.schema).to_string();
            quote!(::core::option::Option::Some(#schema))
        }
        None => quote!(::core::option::Option::None),
    };
    let body_required = operation.body.as_ref().is_some_and(|b| b.required);
    let responses = responses(operation);
    let problem = format_ident!("{}", names::RUST_PROBLEM_SCHEMA);
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
    let (etag, no_store, deprecated) = (operation.etag, operation.no_store, operation.deprecated);
    let request_headers = operation.request_headers();
    let response_headers = operation.response_headers();
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
            responses: #responses,
            problem: #problem,
            security: #security,
            rate_limit: #rate_limit,
            etag: #etag,
            no_store: #no_store,
            deprecated: #deprecated,
            request_headers: &[#(#request_headers),*],
            response_headers: &[#(#response_headers),*],
        };
    }
}
