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
//! | `zod.ts` | `XZod` per named schema: Zod 4 (optional peer dependency) with the same verdicts | [`zod`] |

pub mod ast;
mod client;
mod index;
mod operation;
mod package;
pub mod printer;
pub mod types;
pub mod validator;
mod validators;
pub mod zod;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Model;
use crate::names::Names;
use ast::Stmt;

/// The runtime the validators import: result types, equality, lengths and format checkers.
pub const RUNTIME: &str = include_str!("runtime.ts");

/// The static half of the client: options, errors and `send`.
pub const CLIENT_RUNTIME: &str = include_str!("client_runtime.ts");

/// Compiles the validators of `model` (lowering does it once and keeps the result in the model).
pub(crate) fn compile_validators(model: &Model, names: &Names) -> Result<Vec<Stmt>, Error> {
    validators::compile(model, names)
}

/// Compiles the Zod schemas (`zod.ts`): one error per schema Zod cannot express.
pub(crate) fn compile_zod(model: &Model, names: &Names) -> Result<Vec<Stmt>, Vec<Error>> {
    zod::compile(model, names)
}

/// Every file of the package, by path relative to the package folder. `model` comes from
/// [`crate::lower`], which claimed every name and compiled the validators.
pub fn emit(model: &Model, header: &str) -> BTreeMap<String, String> {
    let names = &model.prepared.names;
    let validators = model.prepared.validators.clone();
    let file = |statements: Vec<Stmt>| {
        let mut file = vec![Stmt::Comment(header.to_owned())];
        file.extend(statements);
        printer::print(&file)
    };
    let mut files = BTreeMap::new();
    files.insert("runtime.ts".to_owned(), file(vec![Stmt::Source(RUNTIME)]));
    files.insert("types.ts".to_owned(), file(types::emit(model, names)));
    files.insert("validators.ts".to_owned(), file(validators));
    files.insert("client.ts".to_owned(), file(client::emit(model, names)));
    files.insert("index.ts".to_owned(), file(index::emit()));
    files.insert("package.json".to_owned(), package::emit(model, header));
    files.insert("zod.ts".to_owned(), file(model.prepared.zod.clone()));
    files
}
