//! `index`: the package's entry (`.`), re-exporting the types, the validators (with the
//! runtime's result and Standard Schema types) and the client.

use super::ast::Stmt;
use crate::model::Model;
use crate::names::Names;

pub(super) fn emit(_: &Model, _: &Names) -> Vec<Stmt> {
    let all = |from: &str| Stmt::Reexport { type_only: false, names: None, from: from.to_owned() };
    vec![all("./types.js"), all("./validators.js"), all("./client.js")]
}
