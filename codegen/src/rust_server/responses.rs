//! The response enum of each operation: one variant per declared status, its `IntoReply`, a
//! constructor per error status that writes the status once, and the conversion of internal
//! failures into the operation's `500`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::rust_type;
use crate::error::Error;
use crate::model::Operation;
use crate::names;

/// The status whose answers carry `Retry-After`, so whose variant and constructor take the wait.
const TOO_MANY_REQUESTS: u16 = 429;

pub(super) fn response_enum(operation: &Operation, problem: &TokenStream) -> Result<TokenStream, Error> {
    let name = format_ident!("{}", names::rust_response(&operation.id));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for response in &operation.responses {
        let variant = variant(response.status);
        let status = response.status;
        let doc = format!(" {status}: {}", response.description);
        match &response.body {
            Some(body) => {
                let ty = rust_type(&body.rust_type, &operation.id)?;
                if body.is_event_stream() {
                    variants.push(quote! { #[doc = #doc] #variant(::contract_server::EventStream<#ty>) });
                    arms.push(quote! { Self::#variant(events) => ::contract_server::Reply::events(#status, events) });
                    continue;
                }
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
        if status == TOO_MANY_REQUESTS {
            // The contract's `429` promises `Retry-After`: the variant carries the wait.
            variants.push(quote! { #[doc = #doc] #variant(#problem, ::std::time::Duration) });
            arms.push(quote! {
                Self::#variant(problem, wait) => ::contract_server::Reply::problem(#status, &problem).retry_after(wait)
            });
            continue;
        }
        variants.push(quote! { #[doc = #doc] #variant(#problem) });
        arms.push(quote! { Self::#variant(problem) => ::contract_server::Reply::problem(#status, &problem) });
    }
    let doc = format!(" The answers of `{}`: exactly the statuses the contract declares for it.", operation.id);
    let constructors = problem_constructors(operation, &name, problem);
    let internal = internal_error_conversion(operation, &name);
    // The `500` answered instead of a reply that breaks the contract: the contract's problem.
    let internal_error = operation.errors.iter().any(|error| error.status == 500).then(|| {
        let method = format_ident!("{}", snake(&variant(500).to_string()));
        quote! {
            fn internal_error(detail: ::std::string::String) -> ::contract_server::Reply {
                ::contract_server::IntoReply::into_reply(Self::#method(detail))
            }
        }
    });
    Ok(quote! {
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
            #internal_error
        }

        #constructors
        #internal
    })
}

/// One constructor per error variant (`not_found(detail)`): the problem's `status` is the variant's
/// and its title the status's reason phrase, so a body cannot disagree with the HTTP status.
fn problem_constructors(operation: &Operation, name: &Ident, problem: &TokenStream) -> TokenStream {
    let constructors = operation.errors.iter().map(|error| {
        let status = error.status;
        let variant = variant(status);
        let method = format_ident!("{}", snake(&variant.to_string()));
        let doc = format!(
            " {status}: {}\n\n The contract's problem with `status: {status}`, the status's reason phrase as `title` \
             (`contract_server::reason_phrase`) and `detail`.",
            error.description
        );
        let problem = quote! {
            <#problem as ::contract::ProblemDetails>::from_status(#status, ::contract_server::reason_phrase(#status), detail.into())
        };
        if status == TOO_MANY_REQUESTS {
            let doc = format!("{doc}\n\n Answered with `Retry-After`: `wait` in whole seconds, rounded up.");
            return quote! {
                #[doc = #doc]
                pub fn #method(wait: ::std::time::Duration, detail: impl ::core::convert::Into<::std::string::String>) -> Self {
                    Self::#variant(#problem, wait)
                }
            };
        }
        quote! {
            #[doc = #doc]
            pub fn #method(detail: impl ::core::convert::Into<::std::string::String>) -> Self {
                Self::#variant(#problem)
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
}
