//! Edge cases of the TypeScript validators' runtime (`tests/typescript/runtime.mjs`) and of
//! patterns the `u` flag would reject, run in node.

use serde_json::json;
use tests::project_root;

#[test]
fn the_typescript_runtime_decides_edge_cases_like_the_rust_crate() {
    let root = project_root();
    tests::typescript::node_tool("typescript");
    let output = std::process::Command::new("node")
        .arg(root.join("tests/typescript/runtime.mjs"))
        .arg(root.join("generated/typescript"))
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn identity_escapes_in_patterns_compile_for_the_u_flag() {
    // `\-` is valid for the Rust crate but a syntax error for ECMA-262 with the `u` flag.
    let schema = json!({ "type": "string", "pattern": "^[0-9]{3}\\-[0-9]{4}$" });
    let mut registry = codegen::typescript::validator::Registry::new(|_| None);
    registry.add("https://x.invalid/s.json", schema.clone());
    let module = codegen::typescript::validator::compile(
        &mut registry,
        &["https://x.invalid/s.json".to_owned()],
        &Default::default(),
    )
    .expect("compiles");
    assert!(module.body.contains("\\\\x2D"), "{}", module.body);
    let rust = tests::validator(&schema);
    assert!(rust.is_valid(&json!("555-1234")) && !rust.is_valid(&json!("5551234")));
}

/// The hostname and multipleOf verdicts `tests/typescript/runtime.mjs` expects are the Rust crate's.
#[test]
fn the_expected_verdicts_are_the_rust_crates() {
    let hostname = tests::validator(&json!({ "type": "string", "format": "hostname" }));
    for (host, expected) in [
        ("example.com", true),
        ("xn--bcher-kva.example", true),
        ("xn--nxasmq6b.com", true),
        ("xn--abc", false),
        ("xn--a-ecp.ru", false),
        ("XN--nxasmq6b", false),
        ("ab--cd.com", false),
        ("-a.com", false),
    ] {
        assert_eq!(hostname.is_valid(&json!(host)), expected, "{host}");
    }
    let email = tests::validator(&json!({ "type": "string", "format": "email" }));
    assert!(!email.is_valid(&json!("test@xn--abc")));
    assert!(email.is_valid(&json!("ada@xn--bcher-kva.example")));
    for (value, divisor, expected) in [
        (json!(0.0075), json!(0.0001), true),
        (json!(12345678.901), json!(0.01), false),
        (json!(500000000.5), json!(1), false),
        (json!(0.30000000001), json!(0.01), false),
        (json!(1e-12), json!(0.01), false),
        (json!(12391239123_u64), json!(1e-8), true),
        (json!(1e308), json!(0.123456789), false),
        (json!(4.5), json!(1.5), true),
        (json!(-0.3), json!(0.1), true),
    ] {
        let validator = tests::validator(&json!({ "multipleOf": divisor }));
        assert_eq!(validator.is_valid(&value), expected, "{value} multipleOf {divisor}");
    }
}

/// The verdicts of `tests/typescript/formats.json` (which `runtime.mjs` checks the TypeScript
/// runtime against) are the Rust crate's, for every format listed there.
#[test]
fn the_expected_format_verdicts_are_the_rust_crates() {
    let path = project_root().join("tests/typescript/formats.json");
    let cases: std::collections::BTreeMap<String, Vec<(String, bool)>> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("formats.json")).expect("format cases");
    let mut wrong = Vec::new();
    for (format, list) in &cases {
        let validator = tests::validator(&json!({ "type": "string", "format": format }));
        for (value, expected) in list {
            if validator.is_valid(&json!(value)) != *expected {
                wrong.push(format!("{format}: {value:?} is {} for the crate", !expected));
            }
        }
    }
    assert!(cases.len() >= 5 && wrong.is_empty(), "{wrong:#?}");
}

/// The formats the server's validator leaves unchecked are annotations in the TypeScript runtime
/// too: the workspace builds `jsonschema` without its `idna` feature, so `idn-hostname` and
/// `idn-email` accept anything on the server, and the validator compiler emits no check for a
/// format the runtime's `formats` table lacks (`runtime.mjs` lists that table). Turning the feature
/// on fails this test, the reminder that the runtime must then assert them with the crate's
/// semantics.
#[test]
fn formats_the_server_does_not_assert_are_annotations_on_both_sides() {
    for format in ["idn-hostname", "idn-email"] {
        let validator = tests::validator(&json!({ "type": "string", "format": format }));
        for value in ["-", "a..b", "no email", "\u{0}"] {
            assert!(validator.is_valid(&json!(value)), "the server's validator asserts {format} ({value:?})");
        }
    }
    let runtime =
        std::fs::read_to_string(project_root().join("codegen/src/typescript/runtime.ts")).expect("runtime.ts");
    for format in ["\"idn-hostname\"", "\"idn-email\""] {
        assert!(!runtime.contains(format), "runtime.ts checks {format}, which the server does not");
    }
}

/// Random strings built from each format's significant pieces, decided by the TypeScript runtime
/// in node and by the Rust crate: the verdicts agree (a differential test of the format checkers
/// ported from the crate).
#[test]
fn the_typescript_format_checkers_agree_with_the_rust_crate_on_random_strings() {
    let pieces: [(&str, &[&str]); 8] = [
        ("duration", &["P", "P", "T", "1Y", "2M", "3W", "4D", "5H", "6M", "7S", "Y", "M", "1", "0", ".", "p"]),
        ("json-pointer", &["/", "~", "0", "1", "2", "a", "~0", "~1", "#", " ", "é"]),
        ("relative-json-pointer", &["0", "1", "9", "10", "/", "~", "~0", "#", "a", "-"]),
        (
            "uri-template",
            &[
                "{", "}", "a", "_", "%41", "%4", "%zz", ":", "*", ",", ".", "+", "#", "/", "?", "=", "1", "0", "9999",
                " ", "é", "'", "<",
            ],
        ),
        (
            "regex",
            &[
                "\\", "a", "[", "]", "(", ")", "?", "<", ">", ":", "=", "!", "{", "}", "1", "3", ",", "-", "^", "$",
                "|", "*", "+", "p", "P", "u", "x", "k", "d", "c", "é", "—", "0", ".", "/", "(?", "i", "s",
            ],
        ),
        (
            "iri",
            &[
                "http:", "http://", "a:", "http", ":", "//", "/", "a", "1", ".", "@", "[", "]", "::", "v1", "%41",
                "%4", "?", "#", "é", "\u{e000}", "\u{fffe}", "😀", " ", "-", "255", "256", "ffff",
            ],
        ),
        (
            "iri-reference",
            &[
                "http", ":", "//", "/", "a", "1", ".", "@", "[", "]", "::", "v1", "%41", "%4", "?", "#", "é",
                "\u{e000}", "\u{fffe}", "😀", " ", "-", "255", "256", "ffff",
            ],
        ),
        ("uri-template", &["{", "}", "a", ".", ":", "1", "*", ","]),
    ];
    // xorshift64: deterministic, so a failure reproduces.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for (format, pieces) in pieces {
        let validator = tests::validator(&json!({ "type": "string", "format": format }));
        for _ in 0..3000 {
            // Mostly a first piece from the first three, so values often start like the format.
            let first = if next(4) > 0 { pieces[next(3)] } else { "" };
            let value: String =
                std::iter::once(first).chain((0..next(10)).map(|_| pieces[next(pieces.len())])).collect();
            expected.push(validator.is_valid(&json!(value)));
            cases.push((format, value));
        }
    }
    let root = project_root();
    tests::typescript::node_tool("typescript");
    let dir = std::env::temp_dir().join(format!("format-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("cases.json"), serde_json::to_string(&cases).expect("JSON")).expect("write cases");
    let script = r#"
import { loadPackage } from "TS_DIR/package.mjs";
import { readFileSync } from "node:fs";
const { module: runtime } = await loadPackage(process.argv[2], "runtime.js");
const cases = JSON.parse(readFileSync(process.argv[3] + "/cases.json", "utf8"));
console.log(JSON.stringify(cases.map(([format, value]) => runtime.formats[format](value))));
"#
    .replace("TS_DIR", &root.join("tests/typescript").display().to_string());
    std::fs::write(dir.join("run.mjs"), script).expect("write script");
    let output = std::process::Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(root.join("generated/typescript"))
        .arg(&dir)
        .output()
        .expect("node runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let got: Vec<bool> = serde_json::from_slice(&output.stdout).expect("JSON");
    let wrong: Vec<String> = cases
        .iter()
        .zip(expected.iter().zip(&got))
        .filter(|(_, (want, got))| want != got)
        .map(|((format, value), (want, _))| format!("{format}: {value:?} is {want} for the crate"))
        .collect();
    assert!(got.len() == cases.len() && wrong.is_empty(), "{wrong:#?}");
    // Each format saw both verdicts, so the pieces reach past the first check.
    let mut verdicts: std::collections::BTreeMap<&str, [usize; 2]> = Default::default();
    for ((format, _), valid) in cases.iter().zip(&expected) {
        verdicts.entry(format).or_default()[usize::from(*valid)] += 1;
    }
    assert!(verdicts.values().all(|[invalid, valid]| *invalid > 0 && *valid > 0), "{verdicts:?}");
}

/// Shapes the reference contract does not use, compiled and run in node: the `(path, keyword)`
/// pairs are the Rust crate's.
#[test]
fn rarer_keyword_shapes_report_like_the_rust_crate() {
    let cases = [
        (json!({"additionalProperties": false}), json!({"a": 1, "b": 2})),
        (json!({"additionalProperties": false, "patternProperties": {"^x": {}}}), json!({"a": 1, "x": 2})),
        (json!({"propertyNames": false}), json!({"a": 1, "b": 2})),
        (json!({"propertyNames": {"maxLength": 1}}), json!({"ab": 1, "b": 2})),
        (
            json!({"properties": {"a": {"type": "string"}}, "unevaluatedProperties": {"type": "string"}}),
            json!({"a": "x", "b": 1, "c": 2}),
        ),
        (
            json!({"additionalProperties": false, "properties": {"a": {}}, "unevaluatedProperties": false}),
            json!({"a": 1, "b": 2}),
        ),
        (json!({"properties": {"a": {"type": "string"}}, "unevaluatedProperties": false}), json!({"a": 1})),
        (json!({"items": false}), json!([1, 2])),
        (json!({"contains": {"type": "string"}, "maxContains": 1}), json!(["a", "b"])),
        (json!({"dependentRequired": {"a": ["b"]}}), json!({"a": 1})),
        (
            json!({"if": {"properties": {"a": true}, "minProperties": 2}, "unevaluatedProperties": false}),
            json!({"a": 1}),
        ),
        (json!({"propertyNames": false, "additionalProperties": false}), json!({"a": 1})),
    ];
    let root = project_root();
    let dir = std::env::temp_dir().join(format!("rare-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut expected = Vec::new();
    for (index, (schema, value)) in cases.iter().enumerate() {
        let mut registry = codegen::typescript::validator::Registry::new(|_| None);
        registry.add("https://x.invalid/s.json", schema.clone());
        let module = codegen::typescript::validator::compile(
            &mut registry,
            &["https://x.invalid/s.json".to_owned()],
            &Default::default(),
        )
        .expect("compiles");
        let collect = module.call(&module.roots[0], "x", "e");
        let code = format!(
            "{}\n{}\nexport function errors(x: unknown): ValidationError[] {{ const e: ValidationError[] = []; {collect}; return e; }}\n",
            codegen::typescript::validator::import_line(&module, "./runtime.js"),
            module.body
        );
        std::fs::write(dir.join(format!("case{index}.ts")), code).expect("write");
        expected.push(tests::keyword_errors(&tests::validator(schema), value));
    }
    std::fs::write(dir.join("runtime.ts"), codegen::typescript::RUNTIME.ts).expect("write runtime");
    let values: Vec<&serde_json::Value> = cases.iter().map(|(_, v)| v).collect();
    std::fs::write(dir.join("values.json"), serde_json::to_string(&values).expect("JSON")).expect("write values");
    let script = r#"
import { loadTypeScript } from "TS_DIR/package.mjs";
import { readFileSync } from "node:fs";
const dir = process.argv[2];
const values = JSON.parse(readFileSync(dir + "/values.json", "utf8"));
const out = [];
for (let i = 0; i < values.length; i++) {
  const { module } = await loadTypeScript(dir, `case${i}.js`);
  out.push(module.errors(values[i]).map((e) => [e.path, e.keyword]));
}
console.log(JSON.stringify(out));
"#
    .replace("TS_DIR", &root.join("tests/typescript").display().to_string());
    std::fs::write(dir.join("run.mjs"), script).expect("write script");
    let output = std::process::Command::new("node").arg(dir.join("run.mjs")).arg(&dir).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let got: Vec<Vec<(String, String)>> = serde_json::from_slice(&output.stdout).expect("JSON");
    std::fs::remove_dir_all(&dir).ok();
    for (index, (want, got)) in expected.iter().zip(got).enumerate() {
        let got: std::collections::BTreeSet<(String, String)> = got.into_iter().collect();
        assert_eq!(&got, want, "case {index}: {}", cases[index].0);
    }
}

/// The client's options (`tests/typescript/client_options.mjs`), against a `node:http` server on
/// 127.0.0.1: middleware order and header injection, a 429 with `Retry-After: 1` waited then
/// answered, a 503 without it retried a bounded number of times (a POST only with an
/// `Idempotency-Key`), timeouts, and ten concurrent 401s refreshed once.
#[test]
fn the_typescript_client_runs_middleware_retries_timeouts_and_refresh() {
    let root = project_root();
    tests::typescript::node_tool("typescript");
    let output = std::process::Command::new("node")
        .arg(root.join("tests/typescript/client_options.mjs"))
        .arg(root.join("generated/typescript"))
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("client options: ok"));
}
