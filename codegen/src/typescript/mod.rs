//! TypeScript output: types, zero-dependency validators and a typed `fetch` client, emitted as a
//! package folder (`generated/typescript/`). One module per emitted file; every one of them builds
//! a syntax tree ([`ast`]) that [`printer`] alone turns into text.
//!
//! | file | what | module |
//! |---|---|---|
//! | `types.ts` | one type per named schema, and per operation its parameters, request and response union | [`types`] |
//! | `validators.ts` | `validateX` / `isX` per named schema, compiled by [`validator`] with formats asserted | [`validators`] |
//! | `client.ts` | `createClient(...)`, one method per operation | [`client`] |
//! | `runtime.ts` | what the validators import (no dependency) | `runtime.ts`, as it is |
//! | `index.ts`, `package.json` | the package entry | [`index`], [`package`] |

pub mod ast;
mod client;
mod index;
pub mod names;
mod operation;
mod package;
pub mod printer;
pub mod types;
pub mod validator;
mod validators;

use std::collections::BTreeMap;

use crate::error::{Error, Errors, Language};
use crate::model::{Model, Operation};
use ast::Stmt;
use names::Scope;

/// The runtime the validators import: result types, equality, lengths and format checkers.
pub const RUNTIME: &str = include_str!("runtime.ts");

/// The problems that would stop the TypeScript emitter: clashing names, schemas the validator
/// compiler cannot resolve. `lower` reports them, so [`emit`] does not fail.
pub fn check(model: &Model) -> Vec<Error> {
    match Names::new(model) {
        Err(errors) => errors.0,
        Ok(names) => match validators::emit(model, &names) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.0,
        },
    }
}

/// Every file of the package, by path relative to the package folder. `model` comes from
/// [`crate::lower`], which ran [`check`].
pub fn emit(model: &Model, header: &str) -> BTreeMap<String, String> {
    let names = Names::new(model).expect("lower() checked the TypeScript names");
    let validators = validators::emit(model, &names).expect("lower() compiled the validators once");
    let file = |statements: Vec<Stmt>| {
        let mut file = vec![Stmt::Comment(header.to_owned())];
        file.extend(statements);
        printer::print(&file)
    };
    let mut files = BTreeMap::new();
    files.insert("runtime.ts".to_owned(), file(vec![Stmt::Source(RUNTIME)]));
    files.insert("types.ts".to_owned(), file(types::emit(model, &names)));
    files.insert("validators.ts".to_owned(), file(validators));
    files.insert("client.ts".to_owned(), file(client::emit(model, &names)));
    files.insert("index.ts".to_owned(), file(index::emit()));
    files.insert("package.json".to_owned(), package::emit(model, header));
    files
}

/// Every TypeScript name the package exports, checked for clashes once.
struct Names {
    /// Schema name → type name.
    types: BTreeMap<String, String>,
    /// Operation id → (PascalCase prefix, method name).
    operations: BTreeMap<String, (String, String)>,
}

impl Names {
    fn new(model: &Model) -> Result<Self, Errors> {
        let mut scope = Scope::default();
        let mut methods = Scope::default();
        let mut errors = Vec::new();
        let mut clash = |result: Result<(), (String, String)>, second: &str| {
            if let Err((name, first)) = result {
                errors.push(Error::NameClash {
                    language: Language::TypeScript,
                    name,
                    first,
                    second: second.to_owned(),
                });
            }
        };
        let mut types = BTreeMap::new();
        for name in model.schemas.keys() {
            let ts = names::type_name(name);
            for export in [ts.clone(), format!("validate{ts}"), format!("is{ts}")] {
                let owner = format!("schema `{name}`");
                clash(scope.claim(&export, &owner), &owner);
            }
            types.insert(name.clone(), ts);
        }
        let mut operations = BTreeMap::new();
        for operation in &model.operations {
            let prefix = names::pascal(&operation.id);
            let method = names::camel(&operation.id);
            let owner = format!("operation `{}`", operation.id);
            for suffix in ["PathParams", "Query", "Headers", "Request", "Response"] {
                clash(scope.claim(&format!("{prefix}{suffix}"), &owner), &owner);
            }
            clash(methods.claim(&method, &owner), &owner);
            operations.insert(operation.id.clone(), (prefix, method));
        }
        if errors.is_empty() { Ok(Self { types, operations }) } else { Err(Errors(errors)) }
    }

    fn prefix(&self, operation: &Operation) -> &str {
        &self.operations[&operation.id].0
    }

    fn method(&self, operation: &Operation) -> &str {
        &self.operations[&operation.id].1
    }
}
