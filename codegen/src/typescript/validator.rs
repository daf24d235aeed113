//! A compiler from JSON Schema 2020-12 to standalone TypeScript validators.
//!
//! Every subschema becomes one function `(x, e[, ev]) => boolean`: `x` the value, `e` the error
//! list (`undefined` for a yes/no check that stops at the first failure), `ev` the property names
//! evaluated so far (only when some schema uses `unevaluatedProperties`). References become calls,
//! so recursion works. A function records its errors at its own value (path `""`); the caller
//! that called it on a property or an item prefixes their paths when the call fails, so that a
//! valid value builds no path at all.
//!
//! Errors follow the Rust `jsonschema` crate, so that the server and the browser report the same
//! `(path, keyword)` pairs: `allOf` and `$ref` are transparent; `anyOf`, `oneOf`, `not` report one
//! error of their own; `required` one per missing property; `additionalProperties: false` and
//! `unevaluatedProperties: false` one per object.
//!
//! Resources: documents are indexed by their retrieval URI and every `$id` (resolved against the
//! base URI in force) and `$anchor`; references resolve against the base URI of the schema that
//! holds them. Unknown documents are asked of a loader (for remote references).
//!
//! | module | what |
//! |---|---|
//! | `registry` | documents, `$id`/`$anchor` resources, base URIs, the loader |
//! | `compile` | the compiler core: one function per subschema, errors, calls, `unevaluatedProperties` |
//! | `keywords` | the assertion keywords: type, enum, string, number, array, object |
//! | `applicators` | `$ref`, `$dynamicRef`, `allOf`, `anyOf`, `oneOf`, `not`, `if` |
//! | `patterns` | regular expressions for the `u` flag, format checkers |
//!
//! The output is a syntax tree ([`super::ast`]); [`Module::body`] is its printed text.

mod applicators;
mod compile;
mod keywords;
mod patterns;
mod registry;

use serde_json::Value;

use super::ast::{ImportClause, Specifier, Stmt};
use super::printer;
pub(crate) use patterns::{format_checker, format_sample, unicode_safe};
pub use registry::Registry;

/// What the compiler can fail on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error("cannot resolve `{reference}` (from base `{base}`)")]
    UnresolvedReference { reference: String, base: String },
    #[error("`{uri}` is not a valid URI reference")]
    InvalidUri { uri: String },
    #[error("no schema at `{uri}`")]
    NoSchema { uri: String },
    #[error("pattern `{pattern}` is not a valid ECMA-262 regular expression (with the `u` flag): {reason}")]
    InvalidPattern { pattern: String, reason: String },
    #[error("keyword `{keyword}` is not supported by the TypeScript validator compiler")]
    Unsupported { keyword: &'static str },
}

/// Options of one compilation.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Check `format` (date-time, date, time, email, uuid, uri, uri-reference, ipv4, ipv6, hostname) instead of
    /// treating it as an annotation.
    pub assert_formats: bool,
}

/// A compiled module: TypeScript code and, per root, the name of its function.
pub struct Module {
    /// Module-level constants and the functions, without imports or exports.
    pub body: String,
    /// The names the runtime module must export for `body`.
    pub runtime: Vec<&'static str>,
    /// The function of each root, in the order given.
    pub roots: Vec<String>,
    /// Whether the functions take the `ev` argument.
    pub tracks_evaluated: bool,
}

/// Compiles the schemas at `roots` (absolute URIs) and everything they reference.
pub fn compile(registry: &mut Registry<'_>, roots: &[String], options: &Options) -> Result<Module, CompileError> {
    let tree = compile_tree(registry, roots, options)?;
    let body = printer::print(&tree.statements);
    Ok(Module { body, runtime: tree.runtime, roots: tree.roots, tracks_evaluated: tree.tracks_evaluated })
}

/// A compiled module as a syntax tree, for an emitter that adds to it (`validators.ts`).
pub(crate) struct Tree {
    /// Module-level constants and the functions, without imports or exports.
    pub statements: Vec<Stmt>,
    /// As in [`Module`].
    pub runtime: Vec<&'static str>,
    pub roots: Vec<String>,
    pub tracks_evaluated: bool,
}

/// [`compile`], without printing.
pub(crate) fn compile_tree(
    registry: &mut Registry<'_>,
    roots: &[String],
    options: &Options,
) -> Result<Tree, CompileError> {
    let mut locations = Vec::new();
    for root in roots {
        locations.push(registry.locate(root)?);
    }
    let tracks_evaluated = registry.documents.values().any(uses_unevaluated);
    compile::Compiler::run(registry, locations, options, tracks_evaluated)
}

fn uses_unevaluated(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.iter().any(|(k, v)| (k == "unevaluatedProperties" && v != &Value::Bool(true)) || uses_unevaluated(v))
        }
        Value::Array(items) => items.iter().any(uses_unevaluated),
        _ => false,
    }
}

impl Module {
    /// The TypeScript call of root function `root` on `value`, collecting errors in `errors`
    /// (an expression, `undefined` for a yes/no check).
    pub fn call(&self, root: &str, value: &str, errors: &str) -> String {
        let tail = if self.tracks_evaluated { ", undefined" } else { "" };
        format!("{root}({value}, {errors}{tail})")
    }
}

/// The import line of a compiled module.
pub fn import_line(module: &Module, from: &str) -> String {
    let specifiers = module
        .runtime
        .iter()
        .map(|name| Specifier { name: (*name).to_owned(), type_only: *name == "ValidationError" })
        .collect();
    let import = Stmt::Import { type_only: false, clause: ImportClause::Named(specifiers), from: from.to_owned() };
    printer::print(&[import]).trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_and_invalid_are_errors_not_silence() {
        let compile = |schema: Value| {
            let mut registry = Registry::new(|_| None);
            registry.add("https://x.invalid/s.json", schema);
            compile(&mut registry, &["https://x.invalid/s.json".to_owned()], &Options::default()).map(|_| ())
        };
        assert_eq!(
            compile(serde_json::json!({"unevaluatedItems": false})),
            Err(CompileError::Unsupported { keyword: "unevaluatedItems" })
        );
        assert!(matches!(
            compile(serde_json::json!({"pattern": "(unclosed"})),
            Err(CompileError::InvalidPattern { .. })
        ));
        assert!(compile(serde_json::json!({"minLength": 1e19})).is_ok(), "huge bounds do not overflow");
    }
}
