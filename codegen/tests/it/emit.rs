//! Snapshots of every emitter on the fixture contract (crate `fixture`). Read a changed snapshot
//! before accepting it: it is the exact text users get. The fixture's generated Rust is not
//! snapshotted here, nor is its TypeScript: `cargo xtask generate` writes both under
//! `codegen/fixture/generated/` (the golden copy `cargo xtask check` compares), and the Rust as crates
//! the workspace compiles.

fn files() -> std::collections::BTreeMap<String, String> {
    codegen::generate(&fixture::contract(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn openapi_3_1() {
    insta::assert_snapshot!(files()["openapi.yaml"]);
}

#[test]
fn openapi_3_0() {
    insta::assert_snapshot!(files()["generated/openapi-3.0.json"]);
}

#[test]
fn json_schema_files() {
    let files = files();
    let names: Vec<&str> =
        files.keys().filter(|k| k.starts_with("generated/jsonschema/")).map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "generated/jsonschema/Priority.json",
            "generated/jsonschema/Problem.json",
            "generated/jsonschema/Todo.json",
            "generated/jsonschema/TodoCreate.json",
            "generated/jsonschema/TodoEvent.json",
            "generated/jsonschema/TodoPage.json",
            "generated/jsonschema/Window.json"
        ],
        "parameter structs are spread into parameters, not emitted as types"
    );
    insta::assert_snapshot!(files["generated/jsonschema/Todo.json"]);
}

#[test]
fn output_is_sorted_and_deterministic() {
    let a = files();
    let b = files();
    assert_eq!(a, b);
    let document: serde_json::Value = serde_json::from_str(&a["generated/openapi-3.0.json"]).expect("JSON");
    let schemas: Vec<&String> = document["components"]["schemas"].as_object().expect("schemas").keys().collect();
    let mut sorted = schemas.clone();
    sorted.sort();
    assert_eq!(schemas, sorted);
}

#[test]
fn parameter_kinds_come_with_the_spec() {
    let files = files();
    let server: String = files["generated/api-server/src/lib.rs"].split_whitespace().collect();
    for param in [
        r#"Param{name:"priority",kind:::contract_server::Kind::List(&::contract_server::Kind::Text),}"#,
        r#"Param{name:"limit",kind:::contract_server::Kind::Integer,}"#,
        r#"Param{name:"todo_id",kind:::contract_server::Kind::Integer,}"#,
        r#"Param{name:"since",kind:::contract_server::Kind::Text,}"#,
    ] {
        assert!(server.contains(param), "{param} in {server}");
    }
}

#[test]
fn sixty_four_bit_integers_are_bounded_numbers_or_exact_strings() {
    let document: serde_json::Value = serde_yaml::from_str(&files()["openapi.yaml"]).expect("the 3.1 document is YAML");
    let todo = &document["components"]["schemas"]["Todo"]["properties"];
    assert_eq!(todo["id"]["type"], "integer");
    assert_eq!(todo["id"]["maximum"], 9_007_199_254_740_991_i64, "a u64 is range-limited to 2^53 - 1");
    let sync_id = todo["sync_id"].as_object().expect("sync_id");
    assert_eq!(sync_id["type"], "string");
    assert_eq!(sync_id["format"], "uint64");
    assert_eq!(sync_id["pattern"], contract::U64String::PATTERN);
    assert!(!sync_id.contains_key("maximum") && !sync_id.contains_key("minimum"), "a string is not range-limited");
    let since = &document["paths"]["/todos"]["get"]["parameters"][2];
    assert_eq!(since["name"], "since");
    assert_eq!(since["schema"]["format"], "int64");
    assert_eq!(since["schema"]["pattern"], contract::I64String::PATTERN);
    assert!(since["schema"].get("minimum").is_none());
}

/// Header parameters, for the CORS test below (the fixture has none).
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct Signed {
    #[serde(rename = "Idempotency-Key")]
    idempotency_key: String,
}

#[test]
fn cors_headers_are_the_ones_the_document_declares() {
    let contract = fixture::contract().operation(
        contract::op! {
            /// Sign.
            post "/signed" => sign
        }
        .tag("todos")
        .headers::<Signed>()
        .empty(204, "Signed."),
    );
    let model = codegen::lower::lower(&contract).unwrap_or_else(|e| panic!("{e}"));
    let document = codegen::openapi::emit(&model, codegen::openapi::Version::V3_1);
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    for operation in &model.operations {
        let item = &document["paths"][&operation.path][operation.method.as_str()];
        let mut read: Vec<String> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["in"] == "header")
            .filter_map(|parameter| parameter["name"].as_str().map(str::to_owned))
            .collect();
        if item["security"].as_array().is_some_and(|security| !security.is_empty()) {
            read.push("Authorization".into());
        }
        if item.get("requestBody").is_some() {
            read.push("Content-Type".into());
        }
        let request_headers: Vec<String> = operation.request_headers().into_iter().map(str::to_owned).collect();
        assert_eq!(sorted(request_headers), sorted(read), "{}", operation.id);
        let declared: std::collections::BTreeSet<&str> = item["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(_, response)| {
                response["headers"].as_object().into_iter().flatten().map(|(name, _)| name.as_str())
            })
            .collect();
        let response_headers: std::collections::BTreeSet<&str> = operation.response_headers().into_iter().collect();
        assert_eq!(response_headers, declared, "{}", operation.id);
    }

    let files = codegen::emit(&model, &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"));
    let server: String = files["generated/api-server/src/lib.rs"].split_whitespace().collect();
    for spec in [
        r#"request_headers:&["Authorization","Content-Type"],response_headers:&["Cache-Control"],"#,
        r#"request_headers:&["If-None-Match"],response_headers:&["ETag","X-RateLimit-Limit","X-RateLimit-Remaining","X-RateLimit-Reset","Retry-After",],"#,
        r#"request_headers:&["Last-Event-ID"],response_headers:&[],"#,
        r#"request_headers:&["Idempotency-Key"],response_headers:&[],"#,
        r#".route("/todos",::contract_server::Route::new(&core,"GET,POST",&[&specs::LIST_TODOS,&specs::CREATE_TODO],).mount("#,
    ] {
        assert!(server.contains(spec), "{spec} is not in the generated server");
    }
}
