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
        let root_fn = &module.roots[0];
        let tail = if module.tracks_evaluated { ", undefined" } else { "" };
        let code = format!(
            "{}\n{}\nexport function errors(x: unknown): ValidationError[] {{ const e: ValidationError[] = []; {root_fn}(x, \"\", e{tail}); return e; }}\n",
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
