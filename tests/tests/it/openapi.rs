//! The committed documents: fresh, valid against the official schemas, readable by peer tools.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tests::{committed_openapi, errors, oas31_validator, project_root, read};

fn generated() -> BTreeMap<String, String> {
    codegen::generate(&schemas::contract(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn committed_files_are_what_the_contract_generates() {
    for (path, content) in generated() {
        let committed = std::fs::read_to_string(project_root().join(&path)).unwrap_or_default();
        assert!(committed == content, "{path} is stale; run `cargo xtask generate`");
    }
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let first = generated();
    let second = generated();
    assert_eq!(first, second);
    assert!(first.values().all(|text| !text.contains('\r')), "LF line endings only");
}

/// The reference document, and those of the example back ends (`examples/`).
#[test]
fn openapi_yaml_is_valid_oas_3_1() {
    let validator = oas31_validator();
    for path in ["openapi.yaml", "examples/saas-ia/openapi.yaml", "examples/vault/openapi.yaml"] {
        let document: Value = serde_yaml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"));
        assert_eq!(document["openapi"], "3.1.0", "{path}");
        let problems = errors(&validator, &document);
        assert!(problems.is_empty(), "{path} is not valid OAS 3.1:\n{}", problems.join("\n"));
    }
}

#[test]
fn the_oas_validator_rejects_a_bad_schema_object() {
    // Proves the validator above checks Schema Objects, not only the document's frame.
    let validator = oas31_validator();
    let mut document = committed_openapi();
    document["components"]["schemas"]["Problem"]["properties"]["title"]["minLength"] = json!("three");
    assert!(!errors(&validator, &document).is_empty());
}

#[test]
fn every_operation_has_an_id_a_tag_a_summary_and_a_4xx() {
    let document = committed_openapi();
    let mut count = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            count += 1;
            let at = format!("{} {path}", method.to_uppercase());
            assert!(operation["operationId"].as_str().is_some_and(|s| !s.is_empty()), "{at}: operationId");
            assert!(operation["tags"].as_array().is_some_and(|t| t.len() == 1), "{at}: one tag");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{at}: summary");
            let responses = operation["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|status| status.starts_with('4')), "{at}: no 4xx response");
        }
    }
    assert!(count >= 35, "the Devora v2 table has about 35 operations, found {count}");
}

#[test]
fn rate_limited_operations_document_429_with_headers() {
    let document = committed_openapi();
    let login = &document["paths"]["/api/v2/auth/login"]["post"];
    assert_eq!(login["x-rate-limit"], json!({"limit": 5, "period": "minute", "window_seconds": 60}));
    let headers = login["responses"]["429"]["headers"].as_object().expect("429 headers");
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Cache-Control"],
        "a sign-in's answers are personal: no-store"
    );
    let reset = &document["paths"]["/api/v2/auth/password-reset/request"]["post"]["x-rate-limit"];
    assert_eq!(reset, &json!({"limit": 3, "period": "hour", "window_seconds": 3600}));
}

#[test]
fn webhook_declares_the_signature_header() {
    let document = committed_openapi();
    let parameters = &document["paths"]["/api/v2/billing/webhook"]["post"]["parameters"];
    assert_eq!(parameters[0]["name"], "Stripe-Signature");
    assert_eq!(parameters[0]["in"], "header");
    assert_eq!(parameters[0]["required"], true);
}

fn openapi30() -> openapiv3::OpenAPI {
    serde_json::from_str(&read("generated/openapi-3.0.json")).expect("openapiv3 parses the 3.0 rendering")
}

#[test]
fn the_3_0_rendering_has_no_3_1_constructs() {
    let document: Value = serde_json::from_str(&read("generated/openapi-3.0.json")).expect("JSON");
    assert_eq!(document["openapi"], "3.0.3");
    let mut offenders = Vec::new();
    find_3_1_constructs(&document, "", &mut offenders);
    assert!(offenders.is_empty(), "3.1-only constructs in the 3.0 rendering: {offenders:#?}");
    let spec = openapi30();
    assert_eq!(spec.paths.paths.len(), committed_openapi()["paths"].as_object().map_or(0, |p| p.len()));
}

fn find_3_1_constructs(value: &Value, pointer: &str, offenders: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{pointer}/{key}");
                let is_type_array = key == "type" && child.is_array();
                if is_type_array
                    || ["const", "examples", "prefixItems", "$defs", "unevaluatedProperties"].contains(&key.as_str())
                        && !pointer.ends_with("/properties")
                {
                    offenders.push(here.clone());
                }
                find_3_1_constructs(child, &here, offenders);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                find_3_1_constructs(child, &format!("{pointer}/{index}"), offenders);
            }
        }
        _ => {}
    }
}

#[test]
fn progenitor_generates_a_typed_client_from_the_3_0_rendering() {
    let spec = openapi30();
    let mut generator = progenitor::Generator::default();
    let tokens = generator.generate_tokens(&spec).expect("progenitor accepts the 3.0 rendering");
    let file: syn::File = syn::parse2(tokens).expect("progenitor output parses as Rust");
    let code = prettyplease::unparse(&file);
    // Typed success and typed problem errors, not raw byte streams.
    assert!(code.contains("pub async fn get_project"), "get_project method");
    assert!(
        code.contains("Result<ResponseValue<types::Project>, Error<types::Problem>>"),
        "typed result of get_project"
    );
    assert!(code.contains("pub struct UserCreate"), "request types");
}
