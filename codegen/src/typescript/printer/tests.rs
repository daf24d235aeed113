//! The printer's rules, one table per kind of tree: quoting, precedence, layouts of statements.

use std::ops::Not;

use serde_json::json;

use super::*;
use crate::typescript::ast::Specifier;

#[test]
fn quoting_and_names() {
    assert_eq!(string("a\"b\n"), r#""a\"b\n""#);
    assert_eq!(json(&json!({"__proto__": 1})), r#"JSON.parse("{\"__proto__\":1}")"#);
    assert_eq!(json(&json!(1.5)), "1.5");
    assert!(is_identifier("userId") && !is_identifier("class") && !is_identifier("1a") && !is_identifier("a-b"));
    assert_eq!(property_key("content-type"), "\"content-type\"");
    assert_eq!(property_key("default"), "default");
    assert_eq!(member("x", "a"), "x.a");
    assert_eq!(member("x", "a b"), "x[\"a b\"]");
    assert_eq!(doc("a */ b", ""), "/** a *\\/ b */\n");
}

fn id(name: &str) -> Expr {
    Expr::ident(name)
}

#[test]
fn expressions() {
    let x = || id("x");
    let table: Vec<(Expr, &str)> = vec![
        // Parentheses come from precedence...
        (x().eq(Expr::int(1)).not(), "!(x === 1)"),
        (x().or(id("y")).and(id("z")), "(x || y) && z"),
        (x().plus(id("y")).plus(id("z")), "x + y + z"),
        (x().plus(id("y").plus(id("z"))), "x + (y + z)"),
        (x().type_of().eq(Expr::str("string")), "typeof x === \"string\""),
        (Expr::conditional(id("e"), id("p").plus(Expr::str("/")), Expr::str("")), "e ? p + \"/\" : \"\""),
        (id("f").call(vec![Expr::conditional(id("a"), id("b"), id("c"))]), "f(a ? b : c)"),
        (id("a").assign(Expr::bool(false)), "a = false"),
        (id("matches").increment(), "matches++"),
        // ...`&&` inside `||` is grouped for the reader, and `Paren` keeps a grouping the
        // precedence does not need.
        (x().or(id("y").and(id("z"))), "x || (y && z)"),
        (id("f").call(vec![]).paren().not(), "!(f())"),
        // Members, literals, objects.
        (x().member("a").member("b-c").index(Expr::int(0)), "x.a[\"b-c\"][0]"),
        (x().index(Expr::str("__proto__")), "x[\"__proto__\"]"),
        (Expr::Json(json!({"a": [1]})), "JSON.parse(\"{\\\"a\\\":[1]}\")"),
        (Expr::new("Set", vec![Type::Keyword("string")], vec![]), "new Set<string>()"),
        (Expr::Array(vec![Expr::int(1), Expr::str("a")]), "[1, \"a\"]"),
        (
            Expr::object(vec![
                Member::property("ok", Expr::bool(true)),
                Member::Shorthand("value".into()),
                Member::Property(Key::Number(200), Expr::Json(json!(null))),
                Member::property("content-type", id("t")),
                Member::property("__proto__", id("p")),
            ]),
            // `__proto__` computed: as a name or a string it would set the prototype.
            "{ ok: true, value, 200: null, \"content-type\": t, [\"__proto__\"]: p }",
        ),
        (Expr::object(vec![]), "{}"),
        (
            Expr::arrow(vec![Param::typed("y", Type::Keyword("unknown"))], id("equal").call(vec![x(), id("y")])),
            "(y: unknown) => equal(x, y)",
        ),
        (id("value").as_type(Type::qualified("T", "A")), "value as T.A"),
        (id("send").call(vec![]).awaited(), "await send()"),
    ];
    for (given, want) in table {
        assert_eq!(print_expr(&given), want, "{given:?}");
    }
}

#[test]
fn types() {
    let table: Vec<(Type, &str)> = vec![
        (Type::array(Type::Union(vec![Type::Keyword("string"), Type::Keyword("null")])), "(string | null)[]"),
        (Type::generic("Promise", vec![Type::qualified("T", "A")]), "Promise<T.A>"),
        (Type::generic("ReturnType", vec![Type::TypeOf("f".into())]), "ReturnType<typeof f>"),
        (Type::Predicate("value".into(), Box::new(Type::named("A"))), "value is A"),
        (
            Type::Row(vec![
                Property { name: "status".into(), optional: false, ty: Type::Literal(json!(200)), doc: String::new() },
                Property { name: "body".into(), optional: true, ty: Type::named("A"), doc: "ignored".into() },
            ]),
            "{ status: 200; body?: A }",
        ),
        (
            // A function type inside a union or an intersection needs parentheses (TS1385).
            Type::Union(vec![
                Type::named("A"),
                Type::Function(vec![Param::typed("r", Type::named("R"))], Box::new(Type::named("A"))),
            ]),
            "A | ((r: R) => A)",
        ),
    ];
    for (given, want) in table {
        assert_eq!(print_type(&given, ""), want, "{given:?}");
    }
}

#[test]
fn statements() {
    let stop = || Stmt::if_inline(id("e").not(), Stmt::Return(Expr::bool(false)));
    let table: Vec<(Vec<Stmt>, &str)> = vec![
        (vec![stop()], "if (!e) return false;\n"),
        (
            vec![Stmt::if_then(id("a"), vec![stop(), Stmt::Continue])],
            "if (a) {\n  if (!e) return false;\n  continue;\n}\n",
        ),
        (
            vec![Stmt::If {
                test: id("a"),
                then: Block::Lines(vec![]),
                otherwise: Some(Block::Inline(vec![Stmt::if_inline(id("b"), id("c").stmt())])),
            }],
            "if (a) {\n}\nelse if (b) c;\n",
        ),
        (
            vec![Stmt::If { test: id("a"), then: Block::Lines(vec![]), otherwise: Some(Block::Lines(vec![])) }],
            "if (a) {\n} else {\n}\n",
        ),
        (
            vec![Stmt::If {
                test: id("a"),
                then: Block::Inline(vec![id("b").increment().stmt(), id("c").assign(id("d")).stmt()]),
                otherwise: None,
            }],
            "if (a) { b++; c = d; }\n",
        ),
        (
            vec![Stmt::For {
                init: Box::new(Stmt::let_("i", Expr::int(0))),
                test: id("i").lt(id("n")),
                update: id("i").increment(),
                body: Block::Inline(vec![id("f").call(vec![id("i")]).stmt()]),
            }],
            "for (let i = 0; i < n; i++) f(i);\n",
        ),
        (
            // No empty line opens a block.
            vec![Stmt::for_each("k", Iteration::In, id("x"), Block::Lines(vec![Stmt::Blank]))],
            "for (const k in x) {\n}\n",
        ),
        (
            vec![Stmt::Block(vec![Stmt::const_typed("s", Type::array(Type::Keyword("string")), Expr::Array(vec![]))])],
            "{\n  const s: string[] = [];\n}\n",
        ),
        (
            vec![Stmt::Import {
                type_only: false,
                clause: ImportClause::Named(vec![
                    Specifier { name: "A".into(), type_only: true },
                    Specifier { name: "b".into(), type_only: false },
                ]),
                from: "./x.js".into(),
            }],
            "import { type A, b } from \"./x.js\";\n",
        ),
        (
            vec![Stmt::Import { type_only: true, clause: ImportClause::Namespace("T".into()), from: "./t.js".into() }],
            "import type * as T from \"./t.js\";\n",
        ),
        (
            vec![Stmt::Reexport { type_only: true, names: Some(vec!["A".into(), "B".into()]), from: "./a.js".into() }],
            "export type { A, B } from \"./a.js\";\n",
        ),
        (
            vec![Stmt::UnionAlias { name: "R".into(), members: vec![Type::named("A"), Type::named("B")] }.export()],
            "export type R =\n  | A\n  | B;\n",
        ),
        (vec![Stmt::Comment("a\nb".into()), Stmt::Doc(String::new())], "// a\n// b\n"),
    ];
    for (given, want) in table {
        assert_eq!(print(&given), want, "{given:?}");
    }
}

#[test]
fn functions_and_methods() {
    let method = Function {
        doc: "Gets.".into(),
        is_async: true,
        generics: Vec::new(),
        name: "get".into(),
        params: vec![
            Param::defaulted("request", Type::named("R"), Expr::object(vec![])),
            Param::optional("call", Type::named("C")),
        ],
        returns: Some(Type::generic("Promise", vec![Type::named("A")])),
        body: vec![Stmt::Return(id("raw").as_type(Type::named("A")))],
    };
    let outer = Function {
        doc: String::new(),
        is_async: false,
        generics: Vec::new(),
        name: "create".into(),
        params: vec![],
        returns: None,
        body: vec![Stmt::Return(Expr::ObjectLines(vec![Member::Method(method)]))],
    };
    assert_eq!(
        print(&[Stmt::Function(outer).export()]),
        "export function create() {\n  return {\n    /** Gets. */\n    async get(request: R = {}, call?: C): Promise<A> {\n      return raw as A;\n    },\n  };\n}\n"
    );
    assert_eq!(print_expr(&Expr::ObjectLines(vec![])), "{\n}");
}

/// One module in the three modes: JavaScript erases types (declarations of types, annotations,
/// `as`, type arguments, type-only imports and re-exports, a `Doc` with what it documents);
/// declarations keep types and signatures and leave out what runs.
#[test]
fn modes() {
    let property = Property { name: "x".into(), optional: false, ty: Type::Keyword("number"), doc: String::new() };
    let get = Function {
        doc: "Gets.".into(),
        is_async: true,
        generics: Vec::new(),
        name: "get".into(),
        params: vec![
            Param::typed("options", Type::named("O")),
            Param::defaulted("request", Type::named("R"), Expr::object(vec![])),
            Param::optional("call", Type::named("C")),
        ],
        returns: Some(Type::generic("Promise", vec![Type::qualified("T", "A")])),
        body: vec![Stmt::Return(id("raw").as_type(Type::qualified("T", "A")).member("x"))],
    };
    let helper = Function {
        doc: String::new(),
        is_async: false,
        generics: Vec::new(),
        name: "v0".into(),
        params: vec![Param::typed("x", Type::Keyword("unknown"))],
        returns: Some(Type::Keyword("boolean")),
        body: vec![Stmt::Return(
            Expr::new("Set", vec![Type::Keyword("string")], vec![])
                .method("has", vec![id("x").as_type(Type::Keyword("string"))]),
        )],
    };
    let module = vec![
        Stmt::Comment("header".into()),
        Stmt::Import {
            type_only: false,
            clause: ImportClause::Named(vec![
                Specifier { name: "A".into(), type_only: true },
                Specifier { name: "b".into(), type_only: false },
            ]),
            from: "./x.js".into(),
        },
        Stmt::Import { type_only: true, clause: ImportClause::Namespace("T".into()), from: "./t.js".into() },
        Stmt::Import { type_only: false, clause: ImportClause::Namespace("V".into()), from: "./v.js".into() },
        Stmt::Reexport { type_only: true, names: Some(vec!["A".into()]), from: "./x.js".into() },
        Stmt::Blank,
        Stmt::Doc("A thing.".into()),
        Stmt::Interface { name: "Thing".into(), members: vec![property] }.export(),
        Stmt::Blank,
        Stmt::Doc("Its values.".into()),
        Stmt::const_typed(
            "Values",
            Type::Readonly(Box::new(Type::Tuple(vec![Type::Literal(json!("a"))]))),
            Expr::Array(vec![Expr::str("a")]),
        )
        .export(),
        Stmt::Blank,
        Stmt::const_("r0", Expr::new("RegExp", vec![], vec![Expr::str("^a$"), Expr::str("u")]).pure()),
        Stmt::Blank,
        Stmt::Function(get).export(),
        Stmt::Blank,
        Stmt::Function(helper),
        Stmt::Blank,
    ];
    assert_eq!(
        print_as(&module, Mode::TypeScript),
        r#"// header
import { type A, b } from "./x.js";
import type * as T from "./t.js";
import * as V from "./v.js";
export type { A } from "./x.js";

/** A thing. */
export interface Thing {
  x: number;
}

/** Its values. */
export const Values: readonly ["a"] = ["a"];

const r0 = /* @__PURE__ */ new RegExp("^a$", "u");

/** Gets. */
export async function get(options: O, request: R = {}, call?: C): Promise<T.A> {
  return (raw as T.A).x;
}

function v0(x: unknown): boolean {
  return new Set<string>().has(x as string);
}
"#
    );
    assert_eq!(
        print_as(&module, Mode::JavaScript),
        r#"// header
import { b } from "./x.js";
import * as V from "./v.js";

/** Its values. */
export const Values = ["a"];

const r0 = /* @__PURE__ */ new RegExp("^a$", "u");

/** Gets. */
export async function get(options, request = {}, call) {
  return raw.x;
}

function v0(x) {
  return new Set().has(x);
}
"#
    );
    assert_eq!(
        print_as(&module, Mode::Declarations),
        r#"// header
import type { A } from "./x.js";
import type * as T from "./t.js";
export type { A } from "./x.js";

/** A thing. */
export interface Thing {
  x: number;
}

/** Its values. */
export declare const Values: readonly ["a"];

/** Gets. */
export declare function get(options: O, request?: R, call?: C): Promise<T.A>;
"#
    );
    // A JavaScript or declaration file with nothing to import or export stays a module.
    let types_only =
        [Stmt::Comment("header".into()), Stmt::TypeAlias { name: "A".into(), ty: Type::Keyword("string") }];
    assert_eq!(print_as(&types_only, Mode::JavaScript), "// header\nexport {};\n");
    assert_eq!(print_as(&types_only, Mode::TypeScript), "// header\ntype A = string;\n");
    // A function type prints its defaulted parameters as optional.
    let function = Type::Function(
        vec![
            Param::defaulted("request", Type::named("R"), Expr::object(vec![])),
            Param::optional("call", Type::named("C")),
        ],
        Box::new(Type::named("A")),
    );
    assert_eq!(print_type(&function, ""), "(request?: R, call?: C) => A");
}
