//! Edge cases of the TypeScript validators' runtime (`tests/typescript/runtime.mjs`) and of
//! patterns the `u` flag would reject, run in node.

use contract_tests::project_root;
use serde_json::json;

#[test]
fn the_typescript_runtime_decides_edge_cases_like_the_rust_crate() {
    let root = project_root();
    assert!(root.join("tests/node_modules/typescript").exists(), "tests/node_modules is missing: run `cargo xtask test`, which installs the npm packages first");
    let output = std::process::Command::new("node").arg(root.join("tests/typescript/runtime.mjs")).arg(root.join("generated/typescript")).output().expect("node runs");
    assert!(output.status.success(), "{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
}

#[test]
fn identity_escapes_in_patterns_compile_for_the_u_flag() {
    // `\-` is valid for the Rust crate but a syntax error for ECMA-262 with the `u` flag.
    let schema = json!({ "type": "string", "pattern": "^[0-9]{3}\\-[0-9]{4}$" });
    let mut registry = codegen::typescript::validator::Registry::new(|_| None);
    registry.add("https://x.invalid/s.json", schema.clone());
    let module = codegen::typescript::validator::compile(&mut registry, &["https://x.invalid/s.json".to_owned()], &Default::default()).expect("compiles");
    assert!(module.body.contains("\\\\x2D"), "{}", module.body);
    let rust = contract_tests::validator(&schema);
    assert!(rust.is_valid(&json!("555-1234")) && !rust.is_valid(&json!("5551234")));
}

/// The hostname and multipleOf verdicts `tests/typescript/runtime.mjs` expects are the Rust crate's.
#[test]
fn the_expected_verdicts_are_the_rust_crates() {
    let hostname = contract_tests::validator(&json!({ "type": "string", "format": "hostname" }));
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
    let email = contract_tests::validator(&json!({ "type": "string", "format": "email" }));
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
        let validator = contract_tests::validator(&json!({ "multipleOf": divisor }));
        assert_eq!(validator.is_valid(&value), expected, "{value} multipleOf {divisor}");
    }
}
