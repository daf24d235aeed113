//! The traits (one per tag, a method per operation), the handlers that run each request through
//! the runtime before the method and after it, and the router of each tag.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust_type;
use crate::error::Error;
use crate::model::Operation;
use crate::names;

/// The inputs of an operation's trait method: (parameter name, type, how the handler decodes it).
fn inputs(operation: &Operation) -> Result<Vec<(Ident, TokenStream, TokenStream)>, Error> {
    let mut inputs = Vec::new();
    for (field, parameters, prefix) in [
        ("path", &operation.path_params, "/path"),
        ("query", &operation.query, "/query"),
        ("headers", &operation.headers, "/header"),
    ] {
        if let Some(parameters) = parameters {
            let ty = rust_type(&parameters.rust_type, &operation.id)?;
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
    if operation.event_stream().is_some() {
        // Implied by the event stream: the last event a reconnecting client received.
        let decode = quote!(prepared.last_event_id.take());
        inputs.push((format_ident!("last_event_id"), quote!(::core::option::Option<::std::string::String>), decode));
    }
    if let Some(body) = &operation.body {
        let ty = rust_type(&body.body.rust_type, &operation.id)?;
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
    Ok(inputs)
}

pub(super) fn tag_trait(tag: &str, description: &str, operations: &[&Operation]) -> Result<TokenStream, Error> {
    let name = format_ident!("{}", names::rust_type(tag));
    let doc = format!(" The `{tag}` operations: {description}");
    let mut methods = Vec::new();
    for operation in operations {
        let method = names::rust_ident(&operation.id);
        let response = format_ident!("{}", names::rust_response(&operation.id));
        let params = inputs(operation)?.into_iter().map(|(name, ty, _)| quote!(#name: #ty));
        let mut doc = format!(" {}", operation.summary);
        if let Some(description) = &operation.description {
            for line in description.lines() {
                doc.push_str(&format!("\n {line}"));
            }
        }
        doc.push_str(&format!("\n\n `{} {}`", operation.method.as_str().to_uppercase(), operation.path));
        let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
        methods.push(quote! {
            #[doc = #doc]
            #deprecated
            fn #method(&self, context: ::contract_server::RequestContext, #(#params),*) -> impl ::core::future::Future<Output = #response> + ::core::marker::Send;
        });
    }
    Ok(quote! {
        #[doc = #doc]
        pub trait #name: ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*
        }
    })
}

fn handler_name(operation: &Operation) -> Ident {
    format_ident!("{}", names::rust_handler(&operation.id))
}

pub(super) fn handler(operation: &Operation) -> Result<TokenStream, Error> {
    let name = handler_name(operation);
    let tag = format_ident!("{}", names::rust_type(&operation.tag));
    let method = names::rust_ident(&operation.id);
    let inputs = inputs(operation)?;
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
    Ok(quote! {
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
            ::contract_server::finish(operation, &prepared, answer)
        }
    })
}

pub(super) fn tag_router(tag: &str, operations: &[&Operation]) -> TokenStream {
    let name = format_ident!("{}", names::rust_router(tag));
    let bound = format_ident!("{}", names::rust_type(tag));
    let doc = format!(" The router of the `{tag}` operations, served by `service`.");
    let components = format_ident!("{}", names::RUST_COMPONENTS);
    let mut by_path: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in operations {
        by_path.entry(&operation.path).or_default().push(operation);
    }
    let routes = by_path.into_iter().map(|(path, operations)| {
        let allow: Vec<String> = operations.iter().map(|o| o.method.as_str().to_uppercase()).collect();
        let allow = allow.join(", ");
        let spec_names = operations.iter().map(|operation| format_ident!("{}", names::rust_spec(&operation.id))).collect::<Vec<_>>();
        let mut chain = quote!(::axum::routing::MethodRouter::new());
        for operation in &operations {
            let spec = format_ident!("{}", names::rust_spec(&operation.id));
            let handler = handler_name(operation);
            let method = format_ident!("{}", operation.method.as_str());
            chain = quote! {
                #chain.#method({
                    let (service, core, operation) = (service.clone(), core.clone(), ::std::sync::Arc::new(::contract_server::Operation::compile(&specs::#spec, &schemas, core.response_validation())?));
                    move |request: ::axum::extract::Request| async move { #handler(&*service, &core, &operation, request).await }
                })
            };
        }
        quote! {
            .route(#path, ::contract_server::Route::new(&core, #allow, &[#(&specs::#spec_names),*]).mount(#chain))
        }
    });
    quote! {
        #[doc = #doc]
        pub fn #name<S: #bound>(
            service: ::std::sync::Arc<S>,
            core: ::std::sync::Arc<::contract_server::Core>,
        ) -> ::core::result::Result<::axum::Router, ::contract_server::SpecError> {
            let schemas = ::contract_server::Schemas::new(&specs::#components)?;
            ::core::result::Result::Ok(::axum::Router::new() #(#routes)*)
        }
    }
}
