//! The generated TypeScript, driven from the tests: its validators run in node over cases, its
//! types checked by `tsc` under the strict settings of `tests/typescript/tsconfig.json`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::{project_root, read_json};

/// A path inside `tests/node_modules`; panics with the way to install the npm tools when missing.
pub fn node_tool(relative: &str) -> PathBuf {
    let path = project_root().join("tests/node_modules").join(relative);
    assert!(
        path.exists(),
        "tests/node_modules is missing: run `cargo xtask test`, which installs the npm packages first"
    );
    path
}

/// A fresh folder under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A folder named after `purpose`, this process and a counter (tests of one binary run in
    /// parallel).
    pub fn new(purpose: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{purpose}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Writes the TypeScript package among generated `files` (`generated/typescript/**`) into `dir`.
pub fn write_package(files: &BTreeMap<String, String>, dir: &Path) {
    for (path, text) in files {
        if let Some(name) = path.strip_prefix("generated/typescript/") {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("package dir");
            std::fs::write(path, text).expect("write package file");
        }
    }
}

/// For each `(type, value)` case, the `(instance path, keyword)` errors of `validate<type>(value)`
/// in the package in `package_dir` (empty when valid), run by `tests/typescript/agreement.mjs`.
pub fn verdicts(package_dir: &Path, cases: &[(String, Value)]) -> Vec<BTreeSet<(String, String)>> {
    verdicts_with_zod(package_dir, cases).0
}

/// [`verdicts`], and per case whether `<type>Zod.safeParse(value)` of the package's `zod.ts`
/// succeeds.
pub fn verdicts_with_zod(
    package_dir: &Path,
    cases: &[(String, Value)],
) -> (Vec<BTreeSet<(String, String)>>, Vec<bool>) {
    node_tool("typescript");
    let work = TempDir::new("ts-verdicts");
    let cases: Vec<Value> = cases.iter().map(|(ty, value)| json!({ "type": ty, "value": value })).collect();
    std::fs::write(work.path().join("cases.json"), serde_json::to_string(&cases).expect("JSON")).expect("cases");
    let output = Command::new("node")
        .arg(project_root().join("tests/typescript/agreement.mjs"))
        .arg(package_dir)
        .arg(work.path())
        .output()
        .expect("node runs");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<Vec<(String, String)>> =
        serde_json::from_slice(&std::fs::read(work.path().join("results.json")).expect("results"))
            .expect("results JSON");
    assert_eq!(results.len(), cases.len());
    let zod: Vec<bool> = std::fs::read(work.path().join("zod.json"))
        .map(|bytes| serde_json::from_slice(&bytes).expect("zod JSON"))
        .unwrap_or_default();
    (results.into_iter().map(|errors| errors.into_iter().collect()).collect(), zod)
}

/// Type-checks the TypeScript package among generated `files` (its sources, and its declarations
/// through `consumer`, a module that imports it from `./package/index.js`); `Err` holds what `tsc`
/// printed.
pub fn type_check(files: &BTreeMap<String, String>, consumer: &str) -> Result<(), String> {
    let tsc = node_tool(".bin/tsc");
    let dir = TempDir::new("ts-type-check");
    write_package(files, &dir.path().join("package"));
    std::fs::write(dir.path().join("consumer.ts"), consumer).expect("write consumer");
    let mut config = read_json(&project_root().join("tests/typescript/tsconfig.json"));
    config["include"] = json!(["package/src/*.ts", "consumer.ts"]);
    // The package's `zod` and `msw` modules import their peer dependencies from the tests' own
    // `node_modules`.
    config["compilerOptions"]["paths"] = json!({ "zod": [node_tool("zod")], "msw": [node_tool("msw")] });
    std::fs::write(dir.path().join("tsconfig.json"), config.to_string()).expect("write tsconfig");
    let output = Command::new(&tsc).arg("-p").arg(dir.path().join("tsconfig.json")).output().expect("tsc runs");
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stdout).into_owned()) }
}
