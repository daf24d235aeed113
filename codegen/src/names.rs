//! Every name the generated code declares, in one place: how a schema name, an operation id or a
//! tag becomes a TypeScript or Rust identifier (words, PascalCase, camelCase, keyword escaping),
//! and one clash check that claims every export of both languages before anything is emitted.
//!
//! [`Names::claim`] runs during lowering; a clash is an [`Error::NameClash`] naming both owners and
//! the language, reported with every other problem. The emitters then only look names up.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span};

use crate::error::{Error, Language};
use crate::model::{Body, Model, Operation};
use crate::schema::as_ref_name;
use crate::typescript::printer::is_identifier;

/// What the generated Rust crate re-exports from the runtime at its root (claimed before any
/// generated name, so a tag called `core` cannot shadow `Core`).
pub const RUST_RUNTIME_EXPORTS: &[&str] =
    &["Authenticator", "AuthError", "BoxFuture", "Core", "Principal", "RequestContext", "SpecError"];

/// The `const` of the generated `specs` module holding the problem's schema, beside the specs.
pub const RUST_PROBLEM_SCHEMA: &str = "PROBLEM";

/// The `static` of the generated `specs` module holding the contract's named schemas.
pub const RUST_COMPONENTS: &str = "COMPONENTS";

/// The type parameter of the generated handlers and routers (`fn x_router<S: X>`): a trait named
/// `S` would be shadowed by it.
pub const RUST_SERVICE_PARAMETER: &str = "S";

/// What the TypeScript package declares besides the contract's names: the client's own exports
/// (`createClient`, `Client`) and the global types `types.ts` refers to (`Headers`, `Record`,
/// `AsyncIterable`). The runtimes' exports are read from their sources (`runtime.ts`,
/// `client_runtime.ts`).
const TS_PACKAGE_NAMES: &[&str] = &["createClient", "Client", "Headers", "Record", "AsyncIterable"];

/// The parameters of `createClient(options)` and of the methods it builds (`(request, call) =>
/// getProject(options, request, call)`): an operation's function of one of these names would be
/// shadowed there.
pub const TS_CLIENT_PARAMETERS: [&str; 3] = ["options", "request", "call"];

/// The names a TypeScript source exports (`export function|async function|const|class|interface|type NAME`),
/// each with its kind (`function`, `const`...).
fn exported_names(source: &str) -> impl Iterator<Item = (&'static str, &str)> {
    source.lines().filter_map(|line| {
        let rest = line.strip_prefix("export ")?;
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        let (kind, rest) = ["function* ", "function ", "const ", "class ", "interface ", "type "]
            .iter()
            .find_map(|k| Some((k.trim_end_matches([' ', '*']), rest.strip_prefix(k)?)))?;
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
        (end > 0).then(|| (kind, &rest[..end]))
    })
}

/// The names the package takes from its runtimes: every export of `runtime.ts` (`validators.ts`
/// imports its helpers by name), and the public ones of `client_runtime.ts` (its classes and
/// types, re-exported by `client.ts`; its functions are reached as `R.send`, never by name).
pub fn ts_runtime_names() -> impl Iterator<Item = &'static str> {
    let runtime = exported_names(crate::typescript::RUNTIME.ts).map(|(_, name)| name);
    let client = exported_names(crate::typescript::CLIENT_RUNTIME.ts).filter(|(kind, _)| *kind != "function");
    runtime.chain(client.map(|(_, name)| name))
}

/// The public exports of `client_runtime.ts` that are types only (interfaces and type aliases),
/// re-exported by `client.ts` with `export type`.
pub fn ts_client_runtime_exports() -> (Vec<&'static str>, Vec<&'static str>) {
    let public = exported_names(crate::typescript::CLIENT_RUNTIME.ts).filter(|(kind, _)| *kind != "function");
    let (types, values): (Vec<_>, Vec<_>) = public.partition(|(kind, _)| matches!(*kind, "interface" | "type"));
    (types.into_iter().map(|(_, n)| n).collect(), values.into_iter().map(|(_, n)| n).collect())
}

/// The words of an identifier: split at anything not alphanumeric and where a lowercase letter or
/// digit meets an uppercase one (`getHTTPThing` → `get`, `HTTPThing`).
fn words(id: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()).unwrap_or_default()
}

/// `get_project` → `GetProject` (the words, capitalized; no escaping).
pub fn pascal(id: &str) -> String {
    words(id).iter().map(|w| capitalize(w)).collect()
}

/// A TypeScript type name for a schema name: invalid characters become `_`, a leading digit or a
/// reserved word gets a `_` prefix.
pub fn ts_type(schema: &str) -> String {
    let mut name: String =
        schema.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '$' { c } else { '_' }).collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !is_identifier(&name) {
        name.insert(0, '_');
    }
    name
}

/// `get_project` → `GetProject`, escaped as a TypeScript type name.
pub fn ts_pascal(id: &str) -> String {
    ts_type(&pascal(id))
}

/// `get_project` → `getProject` (a method name; reserved words are fine as method names but get a
/// `_` suffix to stay usable as plain identifiers).
pub fn camel(id: &str) -> String {
    let words = words(id);
    let mut name = String::new();
    for (index, word) in words.iter().enumerate() {
        if index == 0 {
            name.push_str(&word.to_ascii_lowercase());
        } else {
            name.push_str(&capitalize(word));
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if !is_identifier(&name) {
        name.push('_');
    }
    name
}

/// A Rust identifier for `name`: raw (`r#type`) when it is a keyword, `_`-prefixed when it does
/// not start like an identifier.
pub fn rust_ident(name: &str) -> Ident {
    let mut name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if syn::parse_str::<Ident>(&name).is_ok() {
        Ident::new(&name, Span::call_site())
    } else if matches!(name.as_str(), "self" | "Self" | "super" | "crate" | "_") {
        // These cannot be raw identifiers.
        Ident::new(&format!("{name}_"), Span::call_site())
    } else {
        Ident::new_raw(&name, Span::call_site())
    }
}

/// `get_project` → `GetProject` as a Rust type identifier (never empty).
pub fn rust_type(id: &str) -> String {
    let name = pascal(id);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) { format!("_{name}") } else { name }
}

/// Records every name of one namespace with what it stands for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    names: BTreeMap<String, String>,
}

impl Scope {
    /// Claims `name` for `what`; returns the clash as (`name`, the earlier owner) when taken.
    pub fn claim(&mut self, name: &str, what: &str) -> Result<(), (String, String)> {
        match self.names.get(name) {
            Some(owner) if owner != what => Err((name.to_owned(), owner.clone())),
            _ => {
                self.names.insert(name.to_owned(), what.to_owned());
                Ok(())
            }
        }
    }
}

/// Every name the generated code declares, claimed once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// Schema name → TypeScript type name.
    ts_types: BTreeMap<String, String>,
    /// Operation id → (TypeScript PascalCase prefix, function and client method name).
    ts_operations: BTreeMap<String, (String, String)>,
}

/// Claims names in one language's scopes, collecting clashes.
struct Claims {
    language: Language,
    errors: Vec<Error>,
}

impl Claims {
    fn claim(&mut self, scope: &mut Scope, name: &str, owner: &str) {
        if let Err((name, first)) = scope.claim(name, owner) {
            self.errors.push(Error::NameClash { language: self.language, name, first, second: owner.to_owned() });
        }
    }
}

fn owner(operation: &Operation) -> String {
    format!("operation `{}`", operation.id)
}

impl Names {
    /// Every export of the TypeScript package and of the Rust server crate, or the clashes.
    pub fn claim(model: &Model) -> (Self, Vec<Error>) {
        let mut names = Names::default();
        let mut ts = Claims { language: Language::TypeScript, errors: Vec::new() };
        // One scope: `index.ts` re-exports every module, and the runtimes' names are in scope
        // where the generated code uses them.
        let mut exports = Scope::default();
        for name in ts_runtime_names() {
            ts.claim(&mut exports, name, "the package's runtime");
        }
        for name in TS_PACKAGE_NAMES {
            ts.claim(&mut exports, name, "the package's runtime");
        }
        for name in TS_CLIENT_PARAMETERS {
            ts.claim(&mut exports, name, "a parameter of `createClient` and of its methods");
        }
        for name in [TS_MSW_OPTIONS, TS_MSW_REQUEST, TS_MSW_CREATE, TS_MSW_HANDLERS] {
            ts.claim(&mut exports, name, "the package's mocks (`msw.ts`)");
        }
        for (name, named) in &model.schemas {
            let ty = ts_type(name);
            let owner = format!("schema `{name}`");
            let mut claimed = vec![
                ty.clone(),
                ts_validator(&ty),
                ts_guard(&ty),
                ts_standard_schema(&ty),
                crate::typescript::zod::zod_name(&ty),
            ];
            if crate::typescript::types::string_enum(&named.schema).is_some() {
                claimed.push(ts_enum_values(&ty));
            }
            for export in claimed {
                ts.claim(&mut exports, &export, &owner);
            }
            names.ts_types.insert(name.clone(), ty);
        }
        for operation in &model.operations {
            let prefix = ts_pascal(&operation.id);
            let function = camel(&operation.id);
            let owner = owner(operation);
            for suffix in ["PathParams", "Query", "Headers", "Request", "Response"] {
                ts.claim(&mut exports, &format!("{prefix}{suffix}"), &owner);
            }
            for status in inline_bodies(operation) {
                ts.claim(&mut exports, &ts_body_validator(&prefix, status), &format!("{owner} ({status} body)"));
            }
            ts.claim(&mut exports, &function, &format!("{owner} (its function)"));
            ts.claim(&mut exports, &ts_msw_handler(&function), &format!("{owner} (its msw handler)"));
            ts.claim(&mut exports, &ts_msw_mock(&prefix), &format!("{owner} (its msw answer)"));
            names.ts_operations.insert(operation.id.clone(), (prefix, function));
        }

        // Rust keeps types and values apart: traits, enums and re-exports share the crate root's
        // type namespace; routers and handlers its value namespace; specs live in `specs`.
        let mut rust = Claims { language: Language::Rust, errors: Vec::new() };
        let mut types = Scope::default();
        let mut values = Scope::default();
        let mut specs = Scope::default();
        for export in RUST_RUNTIME_EXPORTS {
            rust.claim(&mut types, export, "the runtime's re-export");
        }
        rust.claim(&mut types, RUST_SERVICE_PARAMETER, "the routers' type parameter");
        rust.claim(&mut specs, RUST_PROBLEM_SCHEMA, "the problem's schema in `specs`");
        rust.claim(&mut specs, RUST_COMPONENTS, "the contract's schemas in `specs`");
        rust.claim(&mut types, "Self", "the Rust language");
        let tags: BTreeSet<&str> = model.operations.iter().map(|o| o.tag.as_str()).collect();
        for tag in tags {
            let owner = format!("tag `{tag}`");
            rust.claim(&mut types, &rust_type(tag), &format!("{owner} (its trait)"));
            rust.claim(&mut values, &rust_router(tag), &format!("{owner} (its router)"));
        }
        let mut trait_methods: BTreeMap<&str, Scope> = BTreeMap::new();
        for operation in &model.operations {
            let owner = owner(operation);
            rust.claim(&mut types, &rust_response(&operation.id), &owner);
            rust.claim(&mut specs, &rust_spec(&operation.id), &owner);
            rust.claim(&mut values, &rust_handler(&operation.id), &owner);
            let methods = trait_methods.entry(&operation.tag).or_default();
            rust.claim(methods, &rust_ident(&operation.id).to_string(), &owner);
        }

        let mut errors = ts.errors;
        errors.extend(rust.errors);
        (names, errors)
    }

    /// The TypeScript type of a schema.
    pub fn ts_type(&self, schema: &str) -> &str {
        self.ts_types.get(schema).map_or("unknown", String::as_str)
    }

    /// The TypeScript PascalCase prefix of an operation's types (`GetProject`).
    pub fn ts_prefix(&self, operation: &Operation) -> &str {
        self.ts_operations.get(&operation.id).map_or("", |(prefix, _)| prefix.as_str())
    }

    /// The function of an operation, and its method in the client (`getProject`).
    pub fn ts_function(&self, operation: &Operation) -> &str {
        self.ts_operations.get(&operation.id).map_or("", |(_, method)| method.as_str())
    }
}

/// The exports of `msw.ts` besides the per-operation ones: the options, what a resolver is given,
/// the function that makes every handler and the handlers it makes with no options.
pub const TS_MSW_OPTIONS: &str = "MockOptions";
pub const TS_MSW_REQUEST: &str = "MockRequest";
pub const TS_MSW_CREATE: &str = "createHandlers";
pub const TS_MSW_HANDLERS: &str = "handlers";

/// The msw handler of an operation (`getProjectHandler`).
pub fn ts_msw_handler(function: &str) -> String {
    format!("{function}Handler")
}

/// What the msw handler of an operation answers (`GetProjectMock`).
pub fn ts_msw_mock(prefix: &str) -> String {
    format!("{prefix}Mock")
}

/// The exported validator of a TypeScript type (`validateProject`).
pub fn ts_validator(ty: &str) -> String {
    format!("validate{ty}")
}

/// The exported type guard of a TypeScript type (`isProject`).
pub fn ts_guard(ty: &str) -> String {
    format!("is{ty}")
}

/// The exported Standard Schema of a TypeScript type (`ProjectSchema`).
pub fn ts_standard_schema(ty: &str) -> String {
    format!("{ty}Schema")
}

/// The exported values of a string enum type (`SubscriptionStatusValues`).
pub fn ts_enum_values(ty: &str) -> String {
    format!("{ty}Values")
}

/// The exported validator of an operation's inline response body (`validateListPlans200`).
pub fn ts_body_validator(prefix: &str, status: u16) -> String {
    format!("validate{prefix}{status}")
}

/// Whether a response body is JSON with an inline schema (such a body gets its own validator).
pub fn is_inline_body(body: &Body) -> bool {
    as_ref_name(&body.schema).is_none() && body.media_type.contains("json")
}

/// The statuses whose JSON body is an inline schema.
pub fn inline_bodies(operation: &Operation) -> Vec<u16> {
    operation.responses.iter().filter(|r| r.body.as_ref().is_some_and(is_inline_body)).map(|r| r.status).collect()
}

/// The response enum of an operation (`GetProjectResponse`).
pub fn rust_response(id: &str) -> String {
    format!("{}Response", rust_type(id))
}

/// The static holding an operation's spec (`GET_PROJECT`).
pub fn rust_spec(id: &str) -> String {
    id.to_ascii_uppercase()
}

/// The private handler of an operation (`handle_get_project`).
pub fn rust_handler(id: &str) -> String {
    format!("handle_{id}")
}

/// The router function of a tag (`projects_router`).
pub fn rust_router(tag: &str) -> String {
    rust_ident(&format!("{}_router", tag.replace(|c: char| !c.is_ascii_alphanumeric(), "_").to_ascii_lowercase()))
        .to_string()
}

/// Whether a tag can name a trait and a router: an ASCII letter first, then letters, digits, `_`,
/// `-` or spaces.
pub fn is_valid_tag(tag: &str) -> bool {
    tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings() {
        assert_eq!(pascal("get_project"), "GetProject");
        assert_eq!(ts_pascal("admin_list_users"), "AdminListUsers");
        assert_eq!(rust_type("admin_list_users"), "AdminListUsers");
        assert_eq!(camel("get_project"), "getProject");
        assert_eq!(camel("getHTTPThing"), "getHttpthing");
        assert_eq!(camel("delete"), "delete_");
        assert_eq!(camel("9lives"), "_9lives");
        assert_eq!(ts_type("Page_for_X"), "Page_for_X");
        assert_eq!(ts_type("a-b"), "a_b");
        assert_eq!(ts_type("string"), "_string");
        assert_eq!(ts_type("1x"), "_1x");
        assert_eq!(rust_ident("type").to_string(), "r#type");
        assert_eq!(rust_ident("self").to_string(), "self_");
        assert_eq!(rust_ident("get_project").to_string(), "get_project");
        assert_eq!(rust_router("Billing-v2"), "billing_v2_router");
        assert_eq!(rust_spec("get_project"), "GET_PROJECT");
        assert!(is_valid_tag("billing-v2") && is_valid_tag("Admin tools"));
        assert!(!is_valid_tag("2fa") && !is_valid_tag("") && !is_valid_tag("a/b"));
    }

    #[test]
    fn the_runtime_exports_are_read_from_its_source() {
        let names: Vec<&str> = ts_runtime_names().collect();
        for name in [
            "ValidationError",
            "ValidationResult",
            "has",
            "isDateTime",
            "isUuid",
            "esc",
            "formats",
            "StandardSchemaV1",
            "standardSchema",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        let client: Vec<(&str, &str)> = exported_names(crate::typescript::CLIENT_RUNTIME.ts).collect();
        assert_eq!(
            client,
            [
                ("type", "RequestHook"),
                ("type", "ResponseHook"),
                ("type", "ErrorHook"),
                ("interface", "RetryOptions"),
                ("interface", "AuthOptions"),
                ("interface", "ClientOptions"),
                ("interface", "CallOptions"),
                ("class", "RequestTimeoutError"),
                ("class", "UnexpectedResponseError"),
                ("class", "ResponseValidationError"),
                ("function", "segment"),
                ("function", "send"),
                ("interface", "StreamOptions"),
                ("class", "EventValidationError"),
                ("class", "StreamRefusedError"),
                ("class", "StreamInterruptedError"),
                ("function", "stream"),
            ]
        );
        assert!(
            !names.contains(&"send") && !names.contains(&"stream") && !names.contains(&"segment"),
            "reached as `R.send`, never by name"
        );
        assert_eq!(
            ts_client_runtime_exports(),
            (
                vec![
                    "RequestHook",
                    "ResponseHook",
                    "ErrorHook",
                    "RetryOptions",
                    "AuthOptions",
                    "ClientOptions",
                    "CallOptions",
                    "StreamOptions"
                ],
                vec![
                    "RequestTimeoutError",
                    "UnexpectedResponseError",
                    "ResponseValidationError",
                    "EventValidationError",
                    "StreamRefusedError",
                    "StreamInterruptedError"
                ]
            )
        );
    }

    #[test]
    fn scopes_report_the_first_owner() {
        let mut scope = Scope::default();
        assert!(scope.claim("A", "schema A").is_ok());
        assert!(scope.claim("A", "schema A").is_ok(), "an owner may claim its name again");
        assert_eq!(scope.claim("A", "operation a"), Err(("A".into(), "schema A".into())));
    }
}
