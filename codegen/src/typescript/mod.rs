//! TypeScript output: types, zero-dependency validators and a typed `fetch` client, emitted as a
//! package folder (`generated/typescript/`) that Node, bundlers and TypeScript take as it is: ESM
//! JavaScript (`<module>.js`) and declarations (`<module>.d.ts`) at the package's root, listed in
//! `package.json`'s `exports`, and the TypeScript they come from in `src/` (not published: the
//! form that is read in review and type-checked with `tsc --strict` by the tests). One module per
//! emitted file; every one of them builds a syntax tree ([`ast`]) that [`printer`] alone turns into
//! text, once per [`printer::Mode`] (no compiler runs during generation).
//!
//! | module | what | built by | subpath |
//! |---|---|---|---|
//! | `index` | re-exports the three below | [`index`] | `.` |
//! | `types` | one type per named schema (and `XValues` per string enum), per operation its parameters, request and response union | [`types`] | `./types` |
//! | `validators` | `validateX` / `isX` / `XSchema` (Standard Schema) per named schema, compiled by [`validator`] with formats asserted | [`validators`] | `./validators` |
//! | `client` | one function per operation (`getProject(options, request)`), `createClient(options)` built from them | [`client`] | `./client` |
//! | `query` | TanStack Query v5 options per operation (`getProjectQueryOptions`, `...InfiniteQueryOptions`, `...MutationOptions`) and `queryKeys` per tag; no dependency | [`query`] | `./query` |
//! | `zod` | `XZod` per named schema: Zod 4 (an optional peer dependency) with the validators' verdicts | [`zod`] | `./zod` |
//! | `msw` | Mock Service Worker 2 handlers per operation (`getProjectHandler(answer?, options?)`) answering the contract's examples, `createHandlers(options)`, `handlers`; msw an optional peer dependency | [`msw`] | `./msw` |
//! | `runtime` | what the validators import, the Standard Schema interface and adapter | `runtime.ts` | — |
//! | `client_runtime` | what the client's functions call (`send`, `stream`), options and errors | `client_runtime.ts` | — |
//! | `package.json` | name, version, `exports`, `files`, `engines` | [`package`] | `./package.json` |
//!
//! The two runtimes are hand-written TypeScript (`runtime.ts`, `client_runtime.ts`, the source of
//! truth); their `.js` and `.d.ts` are committed beside them, made by `tsc` with
//! `codegen/src/typescript/tsconfig.json`:
//!
//! ```sh
//! tests/node_modules/.bin/tsc -p codegen/src/typescript/tsconfig.json
//! ```
//!
//! and a test (`tests/tests/it/typescript_package.rs`) fails when they differ from what that command
//! makes of the `.ts`, so generation never runs a compiler and the three never drift apart.

pub mod ast;
mod client;
mod index;
mod msw;
mod operation;
mod package;
pub mod printer;
mod query;
pub mod types;
pub mod validator;
mod validators;
pub mod zod;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::Model;
use crate::names::Names;
use ast::Stmt;
use printer::Mode;

pub use package::Package;

/// A hand-written module of the package: its TypeScript and what `tsc` makes of it.
#[derive(Clone, Copy, Debug)]
pub struct Static {
    pub ts: &'static str,
    pub js: &'static str,
    pub dts: &'static str,
}

/// The runtime the validators import: result types, equality, lengths, format checkers and the
/// Standard Schema adapter.
pub const RUNTIME: Static =
    Static { ts: include_str!("runtime.ts"), js: include_str!("runtime.js"), dts: include_str!("runtime.d.ts") };

/// The static half of the client: options, errors, `send` and `stream`.
pub const CLIENT_RUNTIME: Static = Static {
    ts: include_str!("client_runtime.ts"),
    js: include_str!("client_runtime.js"),
    dts: include_str!("client_runtime.d.ts"),
};

/// Where a module's text comes from.
#[derive(Clone, Copy)]
enum Source {
    /// Built from the model.
    Generated(fn(&Model, &Names) -> Vec<Stmt>),
    /// Hand-written.
    Static(Static),
}

/// The package's modules: file name (without extension), its `exports` subpath when it has one,
/// and its source. A new entry point is one line here.
const MODULES: &[(&str, Option<&str>, Source)] = &[
    ("index", Some("."), Source::Generated(index::emit)),
    ("types", Some("./types"), Source::Generated(types::emit)),
    ("validators", Some("./validators"), Source::Generated(validators::emit)),
    ("client", Some("./client"), Source::Generated(client::emit)),
    ("query", Some("./query"), Source::Generated(query::emit)),
    ("zod", Some("./zod"), Source::Generated(|model, _| model.prepared.zod.clone())),
    ("msw", Some("./msw"), Source::Generated(msw::emit)),
    ("runtime", None, Source::Static(RUNTIME)),
    ("client_runtime", None, Source::Static(CLIENT_RUNTIME)),
];

/// Compiles the validators of `model` (lowering does it once and keeps the result in the model).
pub(crate) fn compile_validators(model: &Model, names: &Names) -> Result<Vec<Stmt>, Error> {
    validators::compile(model, names)
}

/// Compiles the Zod schemas (the `zod` module): one error per schema Zod cannot express.
pub(crate) fn compile_zod(model: &Model, names: &Names) -> Result<Vec<Stmt>, Vec<Error>> {
    zod::compile(model, names)
}

/// Every file of the package, by path relative to the package folder: per module `src/<m>.ts`,
/// `<m>.js` and `<m>.d.ts`, and `package.json`. `model` comes from [`crate::lower`], which claimed
/// every name and compiled the validators.
pub fn emit(model: &Model, package: &Package, header: &str) -> BTreeMap<String, String> {
    let names = &model.prepared.names;
    let mut files = BTreeMap::new();
    for (module, _, source) in MODULES {
        let [ts, js, dts] = match source {
            Source::Generated(emit) => {
                let mut statements = vec![Stmt::Comment(header.to_owned())];
                statements.extend(emit(model, names));
                [Mode::TypeScript, Mode::JavaScript, Mode::Declarations]
                    .map(|mode| printer::print_as(&statements, mode))
            }
            Source::Static(text) => [text.ts, text.js, text.dts].map(|text| format!("// {header}\n{text}")),
        };
        files.insert(format!("src/{module}.ts"), ts);
        files.insert(format!("{module}.js"), js);
        files.insert(format!("{module}.d.ts"), dts);
    }
    let modules: Vec<(&str, Option<&str>)> = MODULES.iter().map(|(module, subpath, _)| (*module, *subpath)).collect();
    files.insert("package.json".to_owned(), package::emit(model, package, &modules, header));
    files
}
