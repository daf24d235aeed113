//! The applicator keywords: `$ref`/`$dynamicRef` (calls of the target's function), `allOf`,
//! `anyOf`, `oneOf`, `not` and `if`/`then`/`else`. Like the Rust crate, `allOf` and references are
//! transparent (their errors are the subschemas'), while `anyOf`, `oneOf` and `not` report one
//! error of their own. With `unevaluatedProperties` in play, each passes up the properties its
//! valid branches evaluated.

use std::ops::Not;

use serde_json::Value;

use super::CompileError;
use super::compile::{Compiler, id, merge, new_set_if};
use super::registry::{Location, resolve};
use crate::typescript::ast::{BinaryOp, Binding, Block, Expr, Stmt, Type};

impl Compiler<'_, '_> {
    pub(super) fn emit_applicators(
        &mut self,
        location: &Location,
        schema: &Value,
        ev: Option<&str>,
        out: &mut Vec<Stmt>,
    ) -> Result<(), CompileError> {
        let passed = || id(ev.unwrap_or("undefined"));
        for keyword in ["$ref", "$dynamicRef"] {
            if let Some(reference) = schema.get(keyword).and_then(Value::as_str) {
                let target = self.reference(location, keyword, reference)?;
                let function = self.function(target);
                let call = self.call(&function, id("x"), passed());
                out.push(self.check_call(call));
            }
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            for index in 0..members.len() {
                out.extend(self.check_whole(location, &["allOf", &index.to_string()], passed())?);
            }
        }
        if let Some(Value::Array(branches)) = schema.get("anyOf") {
            let functions: Vec<String> =
                (0..branches.len()).map(|i| self.sub(location, &["anyOf", &i.to_string()])).collect();
            let mut block = Vec::new();
            let none = if let Some(ev) = ev {
                // Every valid branch contributes its evaluated properties.
                block.push(Stmt::let_("any", Expr::bool(false)));
                for function in &functions {
                    let valid = vec![id("any").assign(Expr::bool(true)).stmt(), merge(id(ev).and(id("s")), "s", ev)];
                    block.push(Stmt::Block(vec![
                        Stmt::const_("s", new_set_if(id(ev))),
                        Stmt::If {
                            test: self.test(function, id("x"), id("s")),
                            then: Block::Inline(valid),
                            otherwise: None,
                        },
                    ]));
                }
                id("any").not()
            } else {
                let tests = functions.iter().map(|f| self.test(f, id("x"), Expr::undefined()));
                Expr::chain(BinaryOp::Or, tests).unwrap_or(Expr::bool(false)).paren().not()
            };
            block.push(self.fail_if(none, "anyOf", Expr::str("must match a schema in anyOf")));
            out.push(Stmt::Block(block));
        }
        if let Some(Value::Array(branches)) = schema.get("oneOf") {
            let functions: Vec<String> =
                (0..branches.len()).map(|i| self.sub(location, &["oneOf", &i.to_string()])).collect();
            let mut block = vec![Stmt::let_("matches", Expr::int(0))];
            if ev.is_some() {
                let ty =
                    Type::Union(vec![Type::generic("Set", vec![Type::Keyword("string")]), Type::Keyword("undefined")]);
                block.push(Stmt::Let { binding: Binding::Let, name: "winner".into(), ty: Some(ty), init: None });
            }
            for function in &functions {
                if let Some(ev) = ev {
                    let valid = vec![id("matches").increment().stmt(), id("winner").assign(id("s")).stmt()];
                    block.push(Stmt::Block(vec![
                        Stmt::const_("s", new_set_if(id(ev))),
                        Stmt::If {
                            test: self.test(function, id("x"), id("s")),
                            then: Block::Inline(valid),
                            otherwise: None,
                        },
                    ]));
                } else {
                    let test = id("matches").lt(Expr::int(2)).and(self.test(function, id("x"), Expr::undefined()));
                    block.push(Stmt::if_inline(test, id("matches").increment().stmt()));
                }
            }
            let message = Expr::conditional(
                id("matches").eq(Expr::int(0)),
                Expr::str("must match a schema in oneOf"),
                Expr::str("must match only one schema in oneOf"),
            );
            let otherwise = ev.map(|ev| Block::Inline(vec![merge(id(ev).and(id("winner")), "winner", ev)]));
            block.push(Stmt::If {
                test: id("matches").ne(Expr::int(1)),
                then: Block::Lines(self.fail("oneOf", message)),
                otherwise,
            });
            out.push(Stmt::Block(block));
        }
        if schema.get("not").is_some() {
            let function = self.sub(location, &["not"]);
            let test = self.test(&function, id("x"), Expr::undefined());
            out.push(self.fail_if(test, "not", Expr::str("must not match the schema in not")));
        }
        if schema.get("if").is_some() {
            let condition = self.sub(location, &["if"]);
            let then = schema.get("then").is_some().then(|| self.sub(location, &["then"]));
            let otherwise = schema.get("else").is_some().then(|| self.sub(location, &["else"]));
            // `if` marks properties evaluated only when it passes.
            let mut block = Vec::new();
            let mut passes = Vec::new();
            let test = match ev {
                None => self.test(&condition, id("x"), Expr::undefined()),
                Some(ev) => {
                    block.push(Stmt::const_("s", new_set_if(id(ev))));
                    passes.push(merge(id(ev).and(id("s")), "s", ev));
                    self.test(&condition, id("x"), id("s"))
                }
            };
            if let Some(then) = then {
                let call = self.call(&then, id("x"), passed());
                passes.push(self.check_call(call));
            }
            let mut fails = Vec::new();
            if let Some(otherwise) = otherwise {
                let call = self.call(&otherwise, id("x"), passed());
                fails.push(self.check_call(call));
            }
            block.push(Stmt::If { test, then: Block::Lines(passes), otherwise: Some(Block::Lines(fails)) });
            out.push(Stmt::Block(block));
        }
        Ok(())
    }

    /// Where `$ref` or `$dynamicRef` (`keyword`) at `location` points.
    pub(super) fn reference(
        &mut self,
        location: &Location,
        keyword: &str,
        reference: &str,
    ) -> Result<Location, CompileError> {
        let base = self.registry.base(location);
        let target = resolve(&base, reference).ok_or_else(|| CompileError::InvalidUri { uri: reference.to_owned() })?;
        let mut target = self
            .registry
            .locate(&target)
            .map_err(|_| CompileError::UnresolvedReference { reference: reference.to_owned(), base: base.clone() })?;
        // `$dynamicRef: "#name"` whose static target declares `$dynamicAnchor: name` goes to the
        // outermost resource declaring it. A compiled function cannot depend on the dynamic scope,
        // so "outermost" is the first such resource the compilation entered, which is what
        // meta-schema extension (the use `$dynamicRef` exists for) needs.
        if keyword == "$dynamicRef"
            && let Some(anchor) = reference.strip_prefix('#')
            && self.registry.schema(&target).and_then(|s| s.get("$dynamicAnchor")).and_then(Value::as_str)
                == Some(anchor)
            && let Some((_, outermost)) = self.registry.dynamic_anchors.iter().find(|(name, _)| name == anchor)
        {
            target = outermost.clone();
        }
        Ok(target)
    }
}
