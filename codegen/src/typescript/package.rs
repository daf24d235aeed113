//! `package.json`: the package's name (from the contract's title), version (the contract's),
//! license, `exports` (per public module: `types` first, then `import` and `default`), the files
//! npm publishes, the Node versions it runs on, and the optional peer dependencies (each needed by
//! one module only: `msw` by `msw.js`).

use serde_json::{Map, Value, json};

use crate::model::Model;

/// How the TypeScript package is published (part of a target's `Layout`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    /// Writes `"private": true`, so that npm refuses to publish it.
    pub private: bool,
}

/// The oldest Node the package runs on (the client needs the global `fetch`).
const NODE: &str = ">=20";

/// Optional peer dependencies: a library only one module imports, and its version range (the
/// versions `tests/package.json` pins satisfy them). An application that does not import that
/// module does not install it.
const OPTIONAL_PEERS: &[(&str, &str)] = &[
    // The `zod` module (`z.exactOptional`, Zod 4).
    ("zod", "^4.6.0"),
    // The `msw` module (`http`, `HttpResponse`, msw 2).
    ("msw", "^2.15.0"),
];

/// `package.json` for `modules` (each a file name without extension, and its `exports` subpath).
pub(super) fn emit(model: &Model, package: &Package, modules: &[(&str, Option<&str>)], header: &str) -> String {
    let mut exports = Map::new();
    for (module, subpath) in modules {
        if let Some(subpath) = subpath {
            let js = format!("./{module}.js");
            exports.insert(
                (*subpath).to_owned(),
                json!({ "types": format!("./{module}.d.ts"), "import": js, "default": js }),
            );
        }
    }
    exports.insert("./package.json".into(), json!("./package.json"));
    let mut files: Vec<String> = modules.iter().flat_map(|(m, _)| [format!("{m}.d.ts"), format!("{m}.js")]).collect();
    files.sort();

    let mut fields = Map::new();
    fields.insert("name".into(), json!(name(model)));
    fields.insert("version".into(), json!(model.info.version));
    fields.insert(
        "description".into(),
        json!(format!("TypeScript types, validators and client of {} ({header})", model.info.title)),
    );
    if let Some(license) = &model.info.license {
        fields.insert("license".into(), json!(license.identifier));
    }
    if package.private {
        fields.insert("private".into(), json!(true));
    }
    fields.insert("type".into(), json!("module"));
    fields.insert("sideEffects".into(), json!(false));
    fields.insert("engines".into(), json!({ "node": NODE }));
    fields.insert("exports".into(), Value::Object(exports));
    if !OPTIONAL_PEERS.is_empty() {
        let peers: Map<String, Value> =
            OPTIONAL_PEERS.iter().map(|(name, range)| ((*name).into(), json!(range))).collect();
        let meta: Map<String, Value> =
            OPTIONAL_PEERS.iter().map(|(name, _)| ((*name).into(), json!({ "optional": true }))).collect();
        fields.insert("peerDependencies".into(), Value::Object(peers));
        fields.insert("peerDependenciesMeta".into(), Value::Object(meta));
    }
    fields.insert("types".into(), json!("./index.d.ts"));
    fields.insert("files".into(), json!(files));
    crate::render_json(&Value::Object(fields))
}

/// The package's name: `<title as a slug>-client`. It is also the `vendor` of its Standard Schemas.
pub(super) fn name(model: &Model) -> String {
    let slug: String = model
        .info
        .title
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("{}-client", if slug.is_empty() { "api" } else { &slug })
}
