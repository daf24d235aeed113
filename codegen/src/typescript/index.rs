//! `index.ts`: the package entry, re-exporting the types, the validators, the client and the
//! runtime's result types.

use super::ast::Stmt;

pub(super) fn emit() -> Vec<Stmt> {
    let all = |from: &str| Stmt::Reexport { type_only: false, names: None, from: from.to_owned() };
    vec![
        all("./types.js"),
        all("./validators.js"),
        all("./client.js"),
        Stmt::Reexport {
            type_only: true,
            names: Some(vec!["ValidationError".into(), "ValidationResult".into()]),
            from: "./runtime.js".into(),
        },
    ]
}
