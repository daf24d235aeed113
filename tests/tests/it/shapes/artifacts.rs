//! The shapes contract's documents are valid, and its TypeScript types type-check under the
//! strictest settings with a consumer that uses every shape (and is refused what serde would not
//! write).

use serde_json::Value;
use tests::{errors, oas31_validator};

fn files() -> std::collections::BTreeMap<String, String> {
    codegen::generate(&super::contract(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn documents_are_valid_and_progenitor_reads_the_3_0_rendering() {
    // `generate` ran progenitor over the 3.0 rendering and parsed what it wrote.
    let files = files();
    let openapi31: Value = serde_yaml::from_str(&files["openapi.yaml"]).expect("YAML");
    let problems = errors(&oas31_validator(), &openapi31);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let _: openapiv3::OpenAPI = serde_json::from_str(&files["generated/openapi-3.0.json"]).expect("openapiv3 parses");
    // No marker reaches an artifact.
    for (path, text) in &files {
        assert!(!text.contains("x-serde-"), "{path} holds a marker");
    }
}

/// Every shape used as TypeScript code uses it; `@ts-expect-error` lines are what the types
/// must refuse (tsc fails when such a line is accepted).
const CONSUMER: &str = r#"import {
  validateColorInput, isFigureInput,
  type Renamed, type External, type Internal, type Adjacent, type Untagged, type Color, type ColorInput,
  type Figure, type FigureInput, type Aliased, type AliasedInput, type Defaults, type DefaultsInput,
  type Strict, type Optionals, type Patch, type Skips, type SkipsInput, type Newtypes, type Conversions,
  type Nested, type Stamped, type Flexible, type Counted, type Tagged, type Choice, type Keyed,
  type Priority, type Character, type NonZero, type Pointers, type Bytes, type Floats, type ChronoTimes,
  type TimeCrate, type Ids, type Links, type Money, type MoneyInput, type Anything,
} from "./package/index.js";

export const renamed = (r: Renamed): string => `${r.userName} ${r["e-mail"]} ${r.level === "very-low" ? 0 : 1}`;
export function external(e: External): number {
  if (typeof e === "string") return 0;
  return "Newtype" in e ? e.Newtype : e.Struct.flag ? 1 : 2;
}
export function internal(i: Internal): string {
  switch (i.kind) {
    case "unit": return "";
    case "newtype": return i.text;
    case "struct": return String(i.flag);
  }
}
export const adjacent = (a: Adjacent): string => (a.t === "Newtype" ? a.c : a.t === "Struct" ? String(a.c.flag) : "");
export const untagged = (u: Untagged): string => (u === null ? "" : typeof u === "string" ? u : String(u.flag));
export const color: Color = "unknown";
// @ts-expect-error serde writes only the variants' names
export const notWritten: Color = "purple";
export const anyColor: ColorInput = "purple";
export const colorOk: boolean = validateColorInput("purple").ok;
export function figure(f: Figure): number {
  switch (f.type) {
    case "circle": return f.radius;
    case "square": return f.side;
    case "unknown": return 0;
  }
}
export const triangle: FigureInput = { type: "triangle" };
export const isTriangle: boolean = isFigureInput(triangle);
export const aliased = (a: Aliased): string => a.color + (a.nickname ?? "");
export const british: AliasedInput = { colour: "red", nick: "r" };
export const defaults = (d: Defaults): number => d.count + d.label.length;
export const noDefaults: DefaultsInput = {};
// @ts-expect-error unknown fields are refused
export const strict: Strict = { id: 1, extra: 2 };
export const optionals = (o: Optionals): string => (o.plain ?? "") + (o.omitted ?? "");
// @ts-expect-error a field left out when `None` is never `null`
export const omittedNull: Optionals = { plain: null, omitted: null };
export const patch = (p: Patch): string => (p.clear === undefined ? "keep" : p.clear === null ? "clear" : p.clear);
export const skips = (s: Skips): number => s.computed + s.shown.length;
export const login: SkipsInput = { shown: "a", password: "p" };
export const newtypes = (n: Newtypes): number => n.distance + n.tags.length;
export const conversions = (c: Conversions): string => c.upper + c.slug;
export const nested = (n: Nested): string => `${n.grid[0]?.[0] ?? 0} ${n.index["a"]?.[0]?.text ?? ""}`;
export const stamped = (s: Stamped): string => `${s.id} ${s.text}`;
export const flexible = (f: Flexible): string => `${f.name} ${String(f.color)}`;
export const counted = (c: Counted): number => c.total + (c["apples"] ?? 0);
export const tagged = (t: Tagged): number => (t.kind === "struct" ? Number(t.flag) : t.kind === "newtype" ? t.text.length : t.id);
export const choice = (c: Choice): number => ("Newtype" in c ? c.Newtype : "Unit" in c ? 0 : Number(c.Struct.flag));
export const keyed = (k: Keyed): string => `${k.by_id["7"] ?? ""} ${Object.keys(k.by_offset).length}`;
export const priority: Priority = 5;
// @ts-expect-error 3 is no `Priority`
export const noPriority: Priority = 3;
export const scalars = (c: Character, n: NonZero, b: Bytes, f: Floats): number =>
  c.letter.length + n.count + n.delta + b.data.length + f.ratio + f.scale;
export const pointers = (p: Pointers): string => p.cow + p.boxed.text + p.rc.text + p.arc.length;
export const values = (c: ChronoTimes, t: TimeCrate, i: Ids, l: Links, m: Money): string =>
  [c.at, c.day, t.at, i.id, l.link, m.amount].join(" ");
export const amount: MoneyInput = { amount: 1.5 };
export const anything = (a: Anything): unknown => a.any;
"#;

#[test]
fn typescript_types_type_check_with_a_consumer_of_every_shape() {
    if let Err(output) = tests::typescript::type_check(&files(), CONSUMER) {
        panic!("tsc rejects the generated TypeScript or the consumer:\n{output}");
    }
}

/// The `msw` handlers of the shapes contract answer every status of every operation with a body
/// the package's own validators accept (`tests/typescript/msw.mjs`): the mocks' values of every
/// serde shape (flattened enums, tagged unions, maps, tuples...).
#[test]
fn msw_handlers_answer_every_shape_with_valid_bodies() {
    let files = files();
    let dir = tests::typescript::TempDir::new("shapes-msw");
    tests::typescript::write_package(&files, &dir.path().join("typescript"));
    std::fs::write(dir.path().join("openapi-3.0.json"), &files["generated/openapi-3.0.json"]).expect("write");
    tests::typescript::node_tool("msw");
    let root = tests::project_root();
    let output = std::process::Command::new("node")
        .arg(root.join("tests/typescript/msw.mjs"))
        .arg(dir.path().join("typescript"))
        .output()
        .expect("node runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(output.status.success(), "{}\n{}", text(&output.stdout), text(&output.stderr));
    assert_eq!(text(&output.stdout).trim(), "ok");
}
