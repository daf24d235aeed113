//! Emits the Rust client crate (`generated/api-client`): progenitor's output for the OpenAPI 3.0
//! rendering, compiled as a workspace member.

use std::collections::BTreeMap;

use serde_json::Value;

pub mod typify_names;

use crate::error::Error;

/// The default name of the generated client crate.
pub const CRATE: &str = "api-client";

/// Runs progenitor over the 3.0 document; its problems as contract errors.
pub fn generate(document: &Value) -> Result<String, Error> {
    let failure = |reason: String| Error::Progenitor { reason };
    let spec: openapiv3::OpenAPI = serde_json::from_value(document.clone())
        .map_err(|e| failure(format!("openapiv3 cannot read the 3.0 rendering: {e}")))?;
    let mut generator = progenitor::Generator::default();
    // progenitor asserts on shapes it does not support; lowering's checks keep it away from them,
    // and a panic would still be reported as an error rather than abort generation.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)))
        .map_err(|_| failure("progenitor panicked on the 3.0 rendering".into()))?
        .map_err(|e| failure(format!("progenitor: {e}")))?;
    // Each stage is as large as the code: let go of the one before as soon as the next exists.
    drop((generator, spec));
    let file: syn::File = syn::parse2(tokens).map_err(|e| failure(format!("progenitor output does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// What every progenitor client uses.
const DEPENDENCIES: &[&str] = &["progenitor-client", "reqwest", "serde", "serde_json"];

/// What a client uses only when its types need it (a date-time, a UUID, a pattern, a stream).
const OPTIONAL_DEPENDENCIES: &[&str] = &["chrono", "regress", "uuid", "futures"];

/// The files of the crate, by path relative to its folder.
pub fn emit(code: &str, name: &str, version: &str, title: &str, header: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let used = OPTIONAL_DEPENDENCIES.iter().filter(|krate| code.contains(&format!("{krate}::")));
    let dependencies: String =
        DEPENDENCIES.iter().chain(used).map(|krate| format!("{krate} = {{ workspace = true }}\n")).collect();
    files.insert(
        "Cargo.toml".to_owned(),
        format!(
            "# {header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\ndescription = \"Rust client of {title} (progenitor)\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}"
        ),
    );
    files.insert("src/lib.rs".to_owned(), format!("// {header}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n{code}"));
    files
}
