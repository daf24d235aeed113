//! The compiler core: one TypeScript function per reachable subschema, named in the order they
//! are first referenced and emitted from a work queue, so references (and recursion) are calls
//! (a schema that is only a `$ref` is its target's function). Here live what every keyword
//! emitter shares: the function signature, how a failure is reported, how a subschema is called
//! (collecting errors or as a yes/no test), module-level constants, and the
//! `unevaluatedProperties` bookkeeping around an object schema.
//!
//! Error paths cost nothing until an error is recorded: a function records its errors at `""`
//! (the value it checks), and a caller that called it on a property or an item puts the errors the
//! call recorded under that segment (`nest(e, n, "/name")`) only when the call failed.

use std::collections::{BTreeSet, HashMap};
use std::ops::Not;

use serde_json::Value;

use super::registry::{Location, Registry};
use super::{CompileError, Options, Tree};
use crate::schema::join;
use crate::typescript::ast::{Binding, Block, Expr, Function, Iteration, Member, Param, Stmt, Type};
use crate::typescript::printer;

/// A name in the generated code (`x`, `p`, `e`, `ev`, `ok`, ...).
pub(super) fn id(name: &str) -> Expr {
    Expr::ident(name)
}

/// `if (!e) return false;`: a yes/no check stops at the first failure.
pub(super) fn stop() -> Stmt {
    Stmt::if_inline(id("e").not(), Stmt::Return(Expr::bool(false)))
}

/// `ok = false;`.
pub(super) fn failed() -> Stmt {
    id("ok").assign(Expr::bool(false)).stmt()
}

/// `name.add(key);`.
pub(super) fn add(set: &str, key: Expr) -> Stmt {
    id(set).method("add", vec![key]).stmt()
}

/// `const n = e ? e.length : 0;`: where the errors of the next call start.
fn mark() -> Stmt {
    Stmt::const_("n", Expr::conditional(id("e"), id("e").member("length"), Expr::int(0)))
}

/// The location at `segments` below `location`.
fn below(location: &Location, segments: &[&str]) -> Location {
    let mut pointer = location.1.clone();
    for segment in segments {
        pointer = join(&pointer, segment);
    }
    (location.0.clone(), pointer)
}

/// Annotations: keywords that check nothing.
const ANNOTATIONS: [&str; 9] =
    ["$comment", "$defs", "title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly"];

/// Whether a schema is plain assertions on the value itself (no subschema, no identifier), so
/// that its checks can be written in place of a call.
fn is_leaf(schema: &Value) -> bool {
    const ASSERTIONS: [&str; 12] = [
        "type",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ];
    schema
        .as_object()
        .is_some_and(|map| map.keys().all(|k| ASSERTIONS.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str())))
}

/// `let extra: string[] | undefined;`: the properties an object may not have, an array made
/// only when there is one.
pub(super) fn declare_extra() -> Stmt {
    let ty = Type::Union(vec![Type::array(Type::Keyword("string")), Type::Keyword("undefined")]);
    Stmt::Let { binding: Binding::Let, name: "extra".into(), ty: Some(ty), init: None }
}

/// `if (extra) extra.push(k); else extra = [k];`.
pub(super) fn record_extra() -> Stmt {
    Stmt::If {
        test: id("extra"),
        then: Block::Inline(vec![id("extra").method("push", vec![id("k")]).stmt()]),
        otherwise: Some(Block::Inline(vec![id("extra").assign(Expr::Array(vec![id("k")])).stmt()])),
    }
}

/// `{ev} ? new Set<string>() : undefined`: a set when the caller tracks evaluated properties.
pub(super) fn new_set_if(condition: Expr) -> Expr {
    Expr::conditional(condition, Expr::new("Set", vec![Type::Keyword("string")], Vec::new()), Expr::undefined())
}

/// `if (guard) for (const k of set) target.add(k);`: evaluated properties passed up.
pub(super) fn merge(guard: Expr, set: &str, target: &str) -> Stmt {
    Stmt::if_inline(guard, Stmt::for_each("k", Iteration::Of, id(set), Block::Inline(vec![add(target, id("k"))])))
}

pub(super) struct Compiler<'r, 'l> {
    pub(super) registry: &'r mut Registry<'l>,
    pub(super) options: &'r Options,
    functions: HashMap<Location, String>,
    queue: Vec<(Location, String)>,
    /// Module-level constants in order, and their names by printed expression (equal ones share).
    constants: Vec<(String, Expr)>,
    constant_names: HashMap<String, String>,
    code: Vec<Stmt>,
    runtime: BTreeSet<&'static str>,
    pub(super) tracks_evaluated: bool,
    /// The path of the errors recorded here: `""` in a function, the part's segment in the checks
    /// of a part written in place.
    path: Expr,
}

impl<'r, 'l> Compiler<'r, 'l> {
    /// Compiles the schemas at `roots` and what they reach.
    pub(super) fn run(
        registry: &'r mut Registry<'l>,
        roots: Vec<Location>,
        options: &'r Options,
        tracks_evaluated: bool,
    ) -> Result<Tree, CompileError> {
        let mut compiler = Compiler {
            registry,
            options,
            functions: HashMap::new(),
            queue: Vec::new(),
            constants: Vec::new(),
            constant_names: HashMap::new(),
            code: Vec::new(),
            runtime: BTreeSet::new(),
            tracks_evaluated,
            path: Expr::str(""),
        };
        let roots: Vec<String> = roots.into_iter().map(|l| compiler.function(l)).collect();
        while let Some((location, name)) = compiler.queue.pop() {
            compiler.emit_function(&location, &name)?;
        }
        // Constants are built by calls (`new RegExp`, `new Set`, `JSON.parse`), marked pure so
        // that a bundle keeps only those of the validators it uses.
        let mut statements: Vec<Stmt> =
            compiler.constants.into_iter().map(|(name, expression)| Stmt::const_(&name, expression.pure())).collect();
        if !statements.is_empty() {
            statements.push(Stmt::Blank);
        }
        statements.extend(compiler.code);
        Ok(Tree { statements, runtime: compiler.runtime.into_iter().collect(), roots, tracks_evaluated })
    }

    /// Records that the module imports `name` from the runtime.
    pub(super) fn use_runtime(&mut self, name: &'static str) -> &'static str {
        self.runtime.insert(name);
        name
    }

    /// The function name for the schema at `location`, queued for emission once; a schema that
    /// is only a `$ref` (and annotations) is its target's function.
    pub(super) fn function(&mut self, location: Location) -> String {
        let location = self.referent(location);
        if let Some(name) = self.functions.get(&location) {
            return name.clone();
        }
        let name = format!("v{}", self.functions.len());
        self.functions.insert(location.clone(), name.clone());
        self.queue.push((location, name.clone()));
        name
    }

    /// Where a chain of schemas that are only a `$ref` ends (`location` itself when its schema is
    /// more, or when the chain loops or does not resolve: compiling it reports that).
    fn referent(&mut self, location: Location) -> Location {
        let mut seen = vec![location];
        loop {
            let here = seen.last().expect("not empty").clone();
            let Some(Value::Object(schema)) = self.registry.schema(&here) else { break };
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { break };
            if !schema.keys().all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str())) {
                break;
            }
            let reference = reference.to_owned();
            match self.reference(&here, "$ref", &reference) {
                Ok(target) if !seen.contains(&target) => seen.push(target),
                _ => return seen.swap_remove(0),
            }
        }
        seen.pop().expect("not empty")
    }

    /// The function of the subschema at `segments` below `location`.
    pub(super) fn sub(&mut self, location: &Location, segments: &[&str]) -> String {
        self.function(below(location, segments))
    }

    /// The schema at `location` when it is plain assertions (see [`is_leaf`]).
    fn leaf(&self, location: &Location) -> Option<Value> {
        self.registry.schema(location).filter(|schema| is_leaf(schema)).cloned()
    }

    /// The check of the value against the subschema at `segments` below `location` (an `allOf`
    /// member): a subschema of plain assertions is written in place, another is called with `ev`.
    pub(super) fn check_whole(
        &mut self,
        location: &Location,
        segments: &[&str],
        ev: Expr,
    ) -> Result<Vec<Stmt>, CompileError> {
        let target = below(location, segments);
        if let Some(schema) = self.leaf(&target) {
            let mut checks = Vec::new();
            self.emit_object(&target, &schema, &mut checks)?;
            return Ok(checks);
        }
        let function = self.function(target);
        let call = self.call(&function, id("x"), ev);
        Ok(vec![self.check_call(call)])
    }

    /// The check of a part of the value (a property, an item: `value`) against the subschema at
    /// `segments` below `location`, its errors at `segment` (a JSON-pointer segment with its `/`).
    /// A subschema of plain assertions is written in place, with the path of its errors known
    /// already; another is called, and the errors of a failed call nested under `segment`.
    pub(super) fn check_part(
        &mut self,
        location: &Location,
        segments: &[&str],
        value: Expr,
        segment: Expr,
    ) -> Result<Vec<Stmt>, CompileError> {
        let target = below(location, segments);
        if let Some(schema) = self.leaf(&target) {
            // `{ const x = y; ... }`: the subschema's checks, on `x` as ever.
            let outer = std::mem::replace(&mut self.path, segment);
            let mut body = vec![Stmt::const_("x", id("y"))];
            let emitted = self.emit_object(&target, &schema, &mut body);
            self.path = outer;
            emitted?;
            return Ok(vec![Stmt::const_("y", value), Stmt::Block(body)]);
        }
        let function = self.function(target);
        let call = self.call(&function, value, Expr::undefined());
        Ok(self.check_call_at(call, segment))
    }

    /// A module-level constant for `expression`, shared by equal expressions.
    pub(super) fn constant(&mut self, prefix: &str, expression: Expr) -> String {
        let key = printer::print_expr(&expression);
        if let Some(name) = self.constant_names.get(&key) {
            return name.clone();
        }
        let name = format!("{prefix}{}", self.constants.len());
        self.constant_names.insert(key, name.clone());
        self.constants.push((name.clone(), expression));
        name
    }

    /// How a failure is reported: stop a yes/no check, else record an error at `p`.
    pub(super) fn fail(&self, keyword: &str, message: Expr) -> Vec<Stmt> {
        self.fail_with(keyword, message, Vec::new())
    }

    /// [`Self::fail`], the error carrying `extra` members too.
    fn fail_with(&self, keyword: &str, message: Expr, extra: Vec<Member>) -> Vec<Stmt> {
        let mut members = vec![
            Member::property("path", self.path.clone()),
            Member::property("keyword", Expr::str(keyword)),
            Member::property("message", message),
        ];
        members.extend(extra);
        vec![stop(), failed(), id("e").method("push", vec![Expr::object(members)]).stmt()]
    }

    /// `if (test) { <fail> }`.
    pub(super) fn fail_if(&self, test: Expr, keyword: &str, message: Expr) -> Stmt {
        Stmt::if_then(test, self.fail(keyword, message))
    }

    /// `if (test) { <fail> }` for a missing property: a `required` error at the object, naming it
    /// as `property` (so that a form can show it at the field).
    pub(super) fn fail_missing(&self, test: Expr, property: &str, message: Expr) -> Stmt {
        let extra = vec![Member::property("property", Expr::str(property))];
        Stmt::if_then(test, self.fail_with("required", message, extra))
    }

    /// A call of a subschema function on `value` that collects errors when `e` does, passing on
    /// `ev`.
    pub(super) fn call(&self, function: &str, value: Expr, ev: Expr) -> Expr {
        let mut arguments = vec![value, id("e")];
        if self.tracks_evaluated {
            arguments.push(ev);
        }
        id(function).call(arguments)
    }

    /// A yes/no call (no errors).
    pub(super) fn test(&self, function: &str, value: Expr, ev: Expr) -> Expr {
        let mut arguments = vec![value, Expr::undefined()];
        if self.tracks_evaluated {
            arguments.push(ev);
        }
        id(function).call(arguments)
    }

    /// `if (!call) { stop; ok = false; }`: a subschema's errors are its own, at the same path.
    pub(super) fn check_call(&self, call: Expr) -> Stmt {
        Stmt::if_then(call.not(), vec![stop(), failed()])
    }

    /// [`Self::check_call`] for a call on a part of the value: its errors are put under
    /// `segment` (a JSON-pointer segment with its `/`), built only when the call fails.
    pub(super) fn check_call_at(&mut self, call: Expr, segment: Expr) -> Vec<Stmt> {
        let nest = self.use_runtime("nest");
        let put = id(nest).call(vec![id("e"), id("n"), segment]).stmt();
        vec![mark(), Stmt::if_then(call.not(), vec![stop(), failed(), put])]
    }

    fn emit_function(&mut self, location: &Location, name: &str) -> Result<(), CompileError> {
        let schema = self
            .registry
            .schema(location)
            .cloned()
            .ok_or_else(|| CompileError::NoSchema { uri: format!("{}#{}", location.0, location.1) })?;
        let or_undefined = |ty: Type| Type::Union(vec![ty, Type::Keyword("undefined")]);
        let mut params = vec![
            Param::typed("x", Type::Keyword("unknown")),
            Param::typed("e", or_undefined(Type::array(Type::named("ValidationError")))),
        ];
        if self.tracks_evaluated {
            params.push(Param::typed("ev", or_undefined(Type::generic("Set", vec![Type::Keyword("string")]))));
        }
        self.use_runtime("ValidationError");
        let body = match &schema {
            Value::Bool(false) => {
                let error = Expr::object(vec![
                    Member::property("path", Expr::str("")),
                    Member::property("keyword", Expr::str("falseSchema")),
                    Member::property("message", Expr::str("no value is allowed here")),
                ]);
                vec![
                    Stmt::if_inline(id("e"), id("e").method("push", vec![error]).stmt()),
                    Stmt::Return(Expr::bool(false)),
                ]
            }
            Value::Object(_) => {
                let mut body = vec![Stmt::let_("ok", Expr::bool(true))];
                self.emit_object(location, &schema, &mut body)?;
                body.push(Stmt::Return(id("ok")));
                body
            }
            _ => vec![Stmt::Return(Expr::bool(true))],
        };
        let function = Function {
            doc: String::new(),
            is_async: false,
            generics: Vec::new(),
            name: name.to_owned(),
            params,
            returns: Some(Type::Keyword("boolean")),
            body,
        };
        self.code.push(Stmt::Function(function));
        self.code.push(Stmt::Blank);
        Ok(())
    }

    /// The checks of an object schema, keyword group by keyword group.
    fn emit_object(&mut self, location: &Location, schema: &Value, out: &mut Vec<Stmt>) -> Result<(), CompileError> {
        if schema.get("unevaluatedItems").is_some() {
            return Err(CompileError::Unsupported { keyword: "unevaluatedItems" });
        }
        // With `unevaluatedProperties`, this schema gathers what its parts evaluate in `u`;
        // otherwise it passes on the `ev` it got.
        let unevaluated = schema.get("unevaluatedProperties").filter(|_| self.tracks_evaluated);
        let ev = if !self.tracks_evaluated {
            None
        } else if unevaluated.is_some() {
            self.use_runtime("isObject");
            out.push(Stmt::const_("u", new_set_if(id("isObject").call(vec![id("x")]))));
            Some("u")
        } else {
            Some("ev")
        };

        self.emit_type(schema, out);
        self.emit_enum(schema, out);
        self.emit_string(schema, out)?;
        self.emit_number(schema, out);
        self.emit_array(location, schema, out)?;
        self.emit_object_keywords(location, schema, ev, out)?;
        self.emit_applicators(location, schema, ev, out)?;

        if let Some(unevaluated) = unevaluated {
            // Like the Rust crate: one error at the object naming every unevaluated property that
            // is not allowed (all of them for `false`, those failing the schema otherwise).
            let extra = || vec![stop(), record_extra()];
            let mut each = vec![Stmt::if_inline(id("u").method("has", vec![id("k")]), Stmt::Continue)];
            if unevaluated == &Value::Bool(false) {
                each.extend(extra());
            } else {
                let function = self.sub(location, &["unevaluatedProperties"]);
                let test = self.test(&function, id("x").index(id("k")), Expr::undefined());
                each.push(Stmt::If {
                    test: test.not(),
                    then: Block::Lines(extra()),
                    otherwise: Some(Block::Inline(vec![Stmt::if_inline(id("ev"), add("ev", id("k")))])),
                });
            }
            let message = Expr::str("must not have unevaluated properties: ")
                .plus(id("extra").method("join", vec![Expr::str(", ")]));
            let body = vec![
                declare_extra(),
                Stmt::for_each("k", Iteration::In, id("x"), Block::Lines(each)),
                self.fail_if(id("extra"), "unevaluatedProperties", message),
                merge(id("ev"), "u", "ev"),
            ];
            out.push(Stmt::if_then(id("u").and(id("isObject").call(vec![id("x")])), body));
        }
        Ok(())
    }
}
