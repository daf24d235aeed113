//! Helpers for the cross-artifact tests: where the project and the shared reference data are, and
//! JSON Schema validators that resolve the official OpenAPI meta-schemas from local files, and the
//! generated TypeScript run in node and checked by `tsc` ([`typescript`]).

pub mod typescript;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the workspace").to_path_buf()
}

/// `../shared/data`, the third-party reference data.
pub fn shared_data() -> PathBuf {
    project_root().join("../shared/data")
}

/// Reads a committed file of the project.
pub fn read(relative: &str) -> String {
    let path = project_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The committed `openapi.yaml`, parsed.
pub fn committed_openapi() -> Value {
    serde_yaml::from_str(&read("openapi.yaml")).expect("openapi.yaml is YAML")
}

/// Resolves the OAS 3.1 schema URIs to the files in `../shared/data/oas-3.1`; refuses anything else.
struct LocalOas;

impl Retrieve for LocalOas {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let file = match uri.as_str().trim_end_matches('#') {
            "https://spec.openapis.org/oas/3.1/schema/2025-09-15" => "schema.json",
            "https://spec.openapis.org/oas/3.1/schema-base/2025-09-15" => "schema-base.json",
            "https://spec.openapis.org/oas/3.1/dialect/2024-11-10" => "dialect.json",
            "https://spec.openapis.org/oas/3.1/meta/2024-11-10" => "meta.json",
            other => return Err(format!("no local copy of {other}").into()),
        };
        Ok(read_json(&shared_data().join("oas-3.1").join(file)))
    }
}

/// A validator for OpenAPI 3.1 documents, Schema Objects included (`schema-base.json`).
pub fn oas31_validator() -> Validator {
    let schema = read_json(&shared_data().join("oas-3.1/schema-base.json"));
    jsonschema::options().with_retriever(LocalOas).build(&schema).expect("the official OAS 3.1 schema compiles")
}

/// A validator for a 2020-12 schema that asserts `format`, as the server will.
pub fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema:#}"))
}

/// Every error of `instance` against `validator`, as `instance_path: message` lines.
pub fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Every error of `instance` against `validator`, as `(instance path, keyword)` pairs: what the
/// TypeScript validators are compared on.
pub fn keyword_errors(validator: &Validator, instance: &Value) -> BTreeSet<(String, String)> {
    validator.iter_errors(instance).map(|e| (e.instance_path().to_string(), e.kind().keyword().to_owned())).collect()
}
