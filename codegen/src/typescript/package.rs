//! `package.json`: the package's name (from the contract's title), version and entry points.

use serde_json::json;

use crate::model::Model;

pub(super) fn emit(model: &Model, header: &str) -> String {
    let package = json!({
        "name": package_name(&model.info.title),
        "version": model.info.version,
        "description": format!("TypeScript types, validators and client of {} ({header})", model.info.title),
        "private": true,
        "type": "module",
        "types": "./index.ts",
        "exports": { ".": { "types": "./index.ts", "default": "./index.ts" } },
        "sideEffects": false,
        // Only `zod.ts` imports it (`.exactOptional()`; tested with the version `tests/package.json` pins).
        "peerDependencies": { "zod": "^4.6.0" },
        "peerDependenciesMeta": { "zod": { "optional": true } }
    });
    crate::render_json(&package)
}

/// `<title as a slug>-client`.
fn package_name(title: &str) -> String {
    let slug: String =
        title.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("{}-client", if slug.is_empty() { "api" } else { &slug })
}
