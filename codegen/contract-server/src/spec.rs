//! What the generated code tells the runtime about an operation ([`Spec`], a `static` written by
//! the generator: security, rate limit, schemas, and how each parameter is read), the contract's
//! named schemas they refer to ([`Components`], compiled once into [`Schemas`]), and the operation
//! with its validators compiled once ([`Operation`]).

use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::conformance::{Answers, ResponseValidation};
use crate::limit::RateLimit;

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    Public,
    Bearer,
    Role(&'static str),
}

/// How a parameter's text is read before validation. The generator derives it from the
/// parameter's schema (its `type`); text that does not read as the kind stays a string, so the
/// validator reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Number,
    Boolean,
    Text,
    /// A query parameter that may repeat (`?tag=a&tag=b`); each value is read as the item kind.
    List(&'static Kind),
}

/// One parameter: its name on the wire and how its text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// The parameters of one location (path, query or headers).
#[derive(Debug)]
pub struct Parameters {
    /// The schema of the location as JSON text: an object with one property per parameter,
    /// self-contained (`$defs` inside).
    pub schema: &'static str,
    /// Every declared parameter; header names are matched case-insensitively.
    pub params: &'static [Param],
}

impl Parameters {
    /// How the parameter `name` is read; `None` for a name the contract does not declare.
    pub fn kind(&self, name: &str) -> Option<Kind> {
        self.params.iter().find(|param| param.name == name).map(|param| param.kind)
    }
}

/// The schema of a declared response's JSON body, as serde writes it (of an event stream: the
/// schema of one event's data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseBody {
    pub status: u16,
    pub schema: &'static str,
}

/// The contract's named schemas as one JSON document (`{"components": {"schemas": {...}}}`), and
/// the URI the operations' schemas use to refer to it (`<uri>#/components/schemas/Project`). One
/// document per contract keeps every schema written once, however many operations use it.
#[derive(Debug)]
pub struct Components {
    pub uri: &'static str,
    pub document: &'static str,
}

/// The contract's named schemas, read once: what an operation's validators are compiled against.
pub struct Schemas {
    registry: Registry<'static>,
}

impl Schemas {
    /// Reads `components` (once per router, when it is built).
    pub fn new(components: &'static Components) -> Result<Self, SpecError> {
        let document: Value = serde_json::from_str(components.document).map_err(|source| SpecError::NotJson {
            operation: "(components)",
            part: "components",
            source,
        })?;
        let registry = Registry::new()
            .add(components.uri, document)
            .and_then(|builder| builder.prepare())
            .map_err(|source| SpecError::Components { uri: components.uri, source: Box::new(source) })?;
        Ok(Self { registry })
    }
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").finish_non_exhaustive()
    }
}

/// What the generated code knows of an operation; the schemas are JSON texts whose references
/// point into the contract's [`Components`].
#[derive(Debug)]
pub struct Spec {
    pub id: &'static str,
    pub path: Option<Parameters>,
    pub query: Option<Parameters>,
    pub headers: Option<Parameters>,
    pub body: Option<&'static str>,
    pub body_required: bool,
    /// The declared responses with a JSON body (response validation).
    pub responses: &'static [ResponseBody],
    /// The schema of every error body: the contract's problem (response validation).
    pub problem: &'static str,
    pub security: Security,
    pub rate_limit: Option<RateLimit>,
    pub etag: bool,
    /// Every answer carries `Cache-Control: no-store`.
    pub no_store: bool,
    pub deprecated: bool,
    /// The request headers the operation reads, as the contract declares or implies them
    /// (`Authorization`, `Content-Type`, header parameters, `If-None-Match`, `Last-Event-ID`):
    /// what a CORS preflight allows.
    pub request_headers: &'static [&'static str],
    /// The response headers the contract declares on any of the operation's answers (`ETag`,
    /// `X-RateLimit-*`, `Retry-After`, `Deprecation`, `Cache-Control`): what CORS exposes.
    pub response_headers: &'static [&'static str],
}

/// Why an operation's schemas could not be compiled: a generator bug, reported when the router
/// is built, never while serving.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("operation `{operation}`: the {part} schema is not JSON")]
    NotJson {
        operation: &'static str,
        part: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the contract's schemas (`{uri}`) cannot be read")]
    Components {
        uri: &'static str,
        #[source]
        source: Box<jsonschema::ReferencingError>,
    },
    #[error("operation `{operation}`: the {part} schema does not compile")]
    Invalid {
        operation: &'static str,
        part: &'static str,
        #[source]
        source: jsonschema::ValidationError<'static>,
    },
}

/// A parameter location, compiled.
pub(crate) struct Part {
    pub(crate) parameters: &'static Parameters,
    pub(crate) validator: Validator,
}

/// An operation with its validators compiled.
pub struct Operation {
    pub spec: &'static Spec,
    pub(crate) path: Option<Part>,
    pub(crate) query: Option<Part>,
    pub(crate) headers: Option<Part>,
    pub(crate) body: Option<Validator>,
    /// The response validators; `None` when response validation is off.
    pub(crate) answers: Option<Answers>,
}

impl Operation {
    /// Compiles the validators of `spec` (once, when the router is built): the request's, and the
    /// responses' unless `responses` is [`ResponseValidation::Off`].
    pub fn compile(spec: &'static Spec, schemas: &Schemas, responses: ResponseValidation) -> Result<Self, SpecError> {
        let validator = |part: &'static str, text: &str| validator(schemas, spec.id, part, text);
        let part = |parameters: &'static Option<Parameters>, name: &'static str| {
            parameters
                .as_ref()
                .map(|parameters| Ok(Part { parameters, validator: validator(name, parameters.schema)? }))
                .transpose()
        };
        Ok(Self {
            spec,
            path: part(&spec.path, "path")?,
            query: part(&spec.query, "query")?,
            headers: part(&spec.headers, "headers")?,
            body: spec.body.map(|text| validator("body", text)).transpose()?,
            answers: match responses {
                ResponseValidation::Off => None,
                mode => Some(Answers {
                    mode,
                    bodies: spec
                        .responses
                        .iter()
                        .map(|body| Ok((body.status, std::sync::Arc::new(validator("response", body.schema)?))))
                        .collect::<Result<_, SpecError>>()?,
                    problem: validator("problem", spec.problem)?,
                }),
            },
        })
    }
}

fn validator(
    schemas: &Schemas,
    operation: &'static str,
    part: &'static str,
    text: &str,
) -> Result<Validator, SpecError> {
    let schema: Value = serde_json::from_str(text).map_err(|source| SpecError::NotJson { operation, part, source })?;
    jsonschema::options()
        .should_validate_formats(true)
        .with_registry(&schemas.registry)
        .build(&schema)
        .map_err(|source| SpecError::Invalid { operation, part, source })
}

/// The schemas of the runtime's own tests: one named type, `Item`.
#[cfg(test)]
pub(crate) fn test_schemas() -> Schemas {
    static COMPONENTS: Components = Components {
        uri: "urn:test:components",
        document: r##"{"components": {"schemas": {"Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/components/schemas/Item"}, {"type": "null"}]}}}}}}"##,
    };
    Schemas::new(&COMPONENTS).expect("the test components read")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(query: &'static str, body: &'static str, response: &'static str) -> &'static Spec {
        Box::leak(Box::new(Spec {
            id: "op",
            path: None,
            query: Some(Parameters { schema: query, params: &[] }),
            headers: None,
            body: Some(body),
            body_required: true,
            responses: Box::leak(Box::new([ResponseBody { status: 200, schema: response }])),
            problem: "{\"type\": \"object\"}",
            security: Security::Public,
            rate_limit: None,
            etag: false,
            no_store: false,
            deprecated: false,
            request_headers: &["Content-Type"],
            response_headers: &[],
        }))
    }

    #[test]
    fn schemas_that_do_not_compile_name_the_operation_and_part() {
        let error = Operation::compile(
            spec("{\"type\": \"object\"}", "{not json", "{}"),
            &test_schemas(),
            ResponseValidation::Off,
        )
        .err()
        .expect("not JSON");
        assert!(matches!(error, SpecError::NotJson { operation: "op", part: "body", .. }), "{error:?}");
        assert_eq!(error.to_string(), "operation `op`: the body schema is not JSON");
        assert!(std::error::Error::source(&error).is_some(), "the parse error is kept as the source");

        let error = Operation::compile(spec("{\"type\": 12}", "{}", "{}"), &test_schemas(), ResponseValidation::Off)
            .err()
            .expect("not a schema");
        assert!(matches!(error, SpecError::Invalid { operation: "op", part: "query", .. }), "{error:?}");
        assert!(std::error::Error::source(&error).is_some(), "the compiler's error is kept as the source");
    }

    #[test]
    fn response_schemas_are_compiled_only_when_responses_are_validated() {
        let broken = spec("{}", "{}", "{\"type\": 12}");
        assert!(
            Operation::compile(broken, &test_schemas(), ResponseValidation::Off).is_ok(),
            "nothing to compile when off"
        );
        for mode in [ResponseValidation::Log, ResponseValidation::Enforce] {
            let error = Operation::compile(broken, &test_schemas(), mode).err().expect("not a schema");
            assert!(matches!(error, SpecError::Invalid { operation: "op", part: "response", .. }), "{error:?}");
        }
    }

    #[test]
    fn kinds_are_looked_up_by_name() {
        // The shape the generator writes: a `static`, list items by reference.
        static PARAMETERS: Parameters = Parameters {
            schema: "{}",
            params: &[
                Param { name: "page", kind: Kind::Integer },
                Param { name: "ids", kind: Kind::List(&Kind::Integer) },
            ],
        };
        let parameters = &PARAMETERS;
        assert_eq!(parameters.kind("page"), Some(Kind::Integer));
        assert_eq!(parameters.kind("ids"), Some(Kind::List(&Kind::Integer)));
        assert_eq!(parameters.kind("other"), None);
    }

    #[test]
    fn schemas_refer_to_the_contracts_components() {
        let item = r#"{"$ref": "urn:test:components#/components/schemas/Item"}"#;
        let operation = Operation::compile(spec("{}", item, item), &test_schemas(), ResponseValidation::Enforce)
            .expect("references into the components resolve");
        let body = operation.body.as_ref().expect("a body validator");
        assert!(body.is_valid(&serde_json::json!({"id": 1, "next": {"id": 2, "next": null}})));
        assert!(!body.is_valid(&serde_json::json!({"id": 1, "next": {"next": null}})), "the nested reference too");

        static BROKEN: Components = Components { uri: "urn:test:broken", document: "{not json" };
        let error = Schemas::new(&BROKEN).expect_err("not JSON");
        assert!(matches!(error, SpecError::NotJson { part: "components", .. }), "{error:?}");
        let missing = r#"{"$ref": "urn:test:components#/components/schemas/Nope"}"#;
        let error = Operation::compile(spec("{}", missing, "{}"), &test_schemas(), ResponseValidation::Off)
            .err()
            .expect("a reference to nothing");
        assert!(matches!(error, SpecError::Invalid { part: "body", .. }), "{error:?}");
    }
}
