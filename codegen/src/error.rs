//! Every problem `codegen` can find in a contract. Lowering collects all of them before it fails.
//!
//! Each variant names what to fix: the operation (by id), or the schema with its Rust type, the
//! JSON pointer into the schema and the field the pointer goes through (``type `X` (crate::X), at
//! `/properties/y` (field `y`): reason``).

use std::fmt;

/// One problem of a contract. Each names what to fix: the operation, or the Rust type and field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the contract declares no problem type: call `Contract::problem::<T>()` with the type of error bodies")]
    MissingProblemType,
    #[error("operation id `{id}` is used by {first} and {second}; operation ids must be unique")]
    DuplicateOperationId { id: String, first: String, second: String },
    #[error("operation id `{id}` is not an identifier (letters, digits and `_`, not starting with a digit)")]
    InvalidOperationId { id: String },
    #[error("operations `{first}` and `{second}` both answer {route}")]
    DuplicateRoute { route: String, first: String, second: String },
    #[error("operation `{operation}`: path `{path}` is not a valid template: {reason}")]
    InvalidPath { operation: String, path: String, reason: String },
    #[error("operation `{operation}`: path parameter `{{{name}}}` has no field in {rust_type}")]
    PathParamWithoutField { operation: String, name: String, rust_type: String },
    #[error("operation `{operation}`: path has parameters {names} but no path type; add `.path::<T>()`")]
    PathParamsWithoutType { operation: String, names: String },
    #[error("operation `{operation}`: field `{field}` of {rust_type} is not a parameter of the path `{path}`")]
    FieldNotInPath { operation: String, field: String, rust_type: String, path: String },
    #[error(
        "operation `{operation}`: path parameter `{field}` of {rust_type} must be required (not `Option`, no default)"
    )]
    OptionalPathParam { operation: String, field: String, rust_type: String },
    #[error("operation `{operation}`: {location} type {rust_type} must be a struct with named fields ({reason})")]
    ParamsNotObject { operation: String, location: &'static str, rust_type: String, reason: String },
    #[error("operation `{operation}`: {location} parameter `{field}` of {rust_type} cannot be rendered: {reason}")]
    UnsupportedParam { operation: String, location: &'static str, field: String, rust_type: String, reason: String },
    #[error("operation `{operation}` has no tag; add `.tag(...)`")]
    MissingTag { operation: String },
    #[error("operation `{operation}`: tag `{tag}` is not declared with `Contract::tag`")]
    UnknownTag { operation: String, tag: String },
    #[error("operation `{operation}` has no summary; start it with a doc comment or call `.summary(...)`")]
    MissingSummary { operation: String },
    #[error("operation `{operation}`: status {status} {reason}")]
    InvalidStatus { operation: String, status: u16, reason: &'static str },
    #[error("operation `{operation}` declares no success (2xx) response")]
    NoSuccessResponse { operation: String },
    #[error(
        "operation `{operation}`: success responses {statuses} have different bodies; typed clients need one success type"
    )]
    MixedSuccessBodies { operation: String, statuses: String },
    #[error("operation `{operation}`: the event stream of {rust_type} (status {status}) {reason}")]
    InvalidEventStream { operation: String, rust_type: String, status: u16, reason: &'static str },
    #[error("operation `{operation}`: a {method} request cannot have a body")]
    BodyNotAllowed { operation: String, method: &'static str },
    #[error("the {language} name `{name}` of {second} is already taken by {first}; rename one of them")]
    NameClash { language: Language, name: String, first: String, second: String },
    #[error("operations of tags {tags} share the path `{path}`; a router per tag needs paths of its own")]
    TagsSharePath { path: String, tags: String },
    #[error("operation `{operation}`: the Rust type `{rust_type}` cannot be written in generated code: {reason}")]
    UnwritableRustType { operation: String, rust_type: String, reason: String },
    #[error("schema `{schema}` (Rust type `{rust_type}`), field {field}: Zod cannot express it: {reason}")]
    Zod { schema: String, rust_type: String, field: String, reason: String },
    #[error("the TypeScript validators cannot be compiled")]
    Validators {
        #[source]
        source: crate::typescript::validator::CompileError,
    },
    #[error("the generated Rust of crate `{krate}` does not parse: {reason}")]
    UnparsableRust { krate: String, reason: String },
    #[error("the Rust client (progenitor) cannot be generated: {reason}")]
    Progenitor { reason: String },
    #[error(
        "two different Rust types, `{first}` and `{second}`, are both named `{name}` in the schemas; give one of them `#[schemars(rename = \"...\")]`"
    )]
    SchemaNameCollision { name: String, first: String, second: String },
    #[error("the schema names cannot be read: {reason}")]
    SchemaIds { reason: String },
    #[error("schema name `{name}` is not a valid component name (letters, digits, `.`, `-`, `_`)")]
    InvalidSchemaName { name: String },
    #[error(
        "type `{name}`{rust} is read and written differently by serde at `{pointer}` ({detail}), so its request shape needs the name `{input}`, which another type already has; rename one of them"
    )]
    ShapesDiffer { name: String, rust: RustType, pointer: String, detail: String, input: String },
    #[error("type `{name}`{rust}, at `{pointer}`{field}: {reason}")]
    Unrenderable { name: String, rust: RustType, pointer: String, field: Field, reason: String },
    #[error(
        "type `{name}`{rust}, at `{pointer}`{field}: the mocks (`msw.ts`) need a value and none can be built ({reason}); give the type an example (`#[schemars(example = ...)]`)"
    )]
    NoMockValue { name: String, rust: RustType, pointer: String, field: Field, reason: String },
    #[error("contract tag `{tag}` is declared twice")]
    DuplicateTag { tag: String },
    #[error(
        "contract tag `{tag}` cannot name a trait and a router: start it with a letter, then letters, digits, `_`, `-` or spaces"
    )]
    InvalidTag { tag: String },
}

/// The language of a generated name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    TypeScript,
    Rust,
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::TypeScript => "TypeScript",
            Language::Rust => "Rust",
        })
    }
}

/// The Rust path of a type, when the contract knows it; printed as ` (rust::path)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RustType(pub Option<String>);

impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(path) => write!(f, " ({path})"),
            None => Ok(()),
        }
    }
}

/// The field a schema problem sits in, when the pointer goes through a property; printed as `` (field `x`)``.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field(pub Option<String>);

impl Field {
    /// The last property name on a JSON pointer into a schema.
    pub fn from_pointer(pointer: &str) -> Self {
        let segments: Vec<&str> = pointer.split('/').collect();
        let field = segments
            .windows(2)
            .rev()
            .find(|pair| pair[0] == "properties")
            .map(|pair| crate::schema::unescape(pair[1]).into_owned());
        Field(field)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(field) => write!(f, " (field `{field}`)"),
            None => Ok(()),
        }
    }
}

/// All the problems of a contract, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(f, "the contract has {count} problem{}:", if count == 1 { "" } else { "s" })?;
        for error in &self.0 {
            writeln!(f, "  - {}", contract::error_chain(error))?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
