//! `cargo xtask conformance [--suite DIR] [--format-assertion]`: compiles every group of a
//! JSON-Schema-Test-Suite directory with the TypeScript validator compiler, runs its tests in
//! node, and prints `N passed, N failed, N skipped`.
//!
//! Remote references (`http://localhost:1234/...`) resolve to `<suite>/../remotes/`. A group whose
//! schema cannot be compiled (an unresolvable reference, such as a meta-schema the suite does not
//! ship) counts as skipped, never as passed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use codegen::typescript::{RUNTIME, validator};
use serde_json::{Value, json};

/// The base URI of a group's schema when it has no `$id`.
const ROOT: &str = "https://json-schema.invalid/root.json";
const REMOTE: &str = "http://localhost:1234/";
/// The meta-schemas served from `tests/conformance/metaschemas` (see its README).
const META: &str = "https://json-schema.org/draft/2020-12/";

pub fn run(
    root: &Path,
    suite: Option<&Path>,
    assert_formats: bool,
    min_passed: Option<usize>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let suite = match suite {
        Some(dir) => dir.to_path_buf(),
        None => root.join("../shared/data/json-schema-test-suite/draft2020-12"),
    };
    let remotes = suite.parent().map(|p| p.join("remotes")).unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&suite)
        .with_context(|| format!("reading the suite {}", suite.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{} holds no .json test files", suite.display());
    }

    let options = validator::Options { assert_formats };
    let mut bundle = Vec::new();
    let mut skipped: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut file_of_group = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let groups: Vec<Value> =
            serde_json::from_str(&text).with_context(|| format!("{} is not a test file", path.display()))?;
        for group in groups {
            let description = group["description"].as_str().unwrap_or_default().to_owned();
            let tests = group["tests"].as_array().cloned().unwrap_or_default();
            match compile_group(
                &group["schema"],
                &remotes,
                &root.join("tests/conformance/metaschemas/draft2020-12"),
                &options,
            ) {
                Ok(code) => {
                    file_of_group.push(name.clone());
                    bundle.push(json!({"file": name, "description": description, "code": code, "tests": tests}));
                }
                Err(reason) => {
                    let entry = skipped.entry(format!("{name}: {description}")).or_insert((0, reason));
                    entry.0 += tests.len();
                }
            }
        }
    }

    let dir = std::env::temp_dir().join(format!("conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("runtime.ts"), RUNTIME.ts)?;
    std::fs::write(dir.join("bundle.json"), serde_json::to_string(&bundle)?)?;
    let runner = root.join("tests/conformance/run.mjs");
    let output = Command::new("node").arg(&runner).arg(&dir).output().context("running node (is it installed?)")?;
    std::fs::remove_dir_all(&dir).ok();
    if !output.status.success() {
        bail!("the node runner failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).context("reading the runner's results")?;

    let mut per_file: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for result in &results {
        let group = result["group"].as_u64().unwrap_or_default() as usize;
        let file = file_of_group.get(group).cloned().unwrap_or_default();
        let entry = per_file.entry(file.clone()).or_default();
        if result["outcome"] == "passed" {
            entry.0 += 1;
        } else {
            entry.1 += 1;
            let description = bundle[group]["description"].as_str().unwrap_or_default();
            failures.push(format!(
                "{file}: {description}: {}: {}",
                result["test"].as_str().unwrap_or_default(),
                result["reason"].as_str().unwrap_or_default()
            ));
        }
    }
    for (key, (count, _)) in &skipped {
        let file = key.split(':').next().unwrap_or_default().to_owned();
        per_file.entry(file).or_default().2 += count;
    }
    writeln!(out, "{:<28} {:>7} {:>7} {:>8}", "file", "passed", "failed", "skipped")?;
    for (file, (passed, failed, skip)) in &per_file {
        writeln!(out, "{file:<28} {passed:>7} {failed:>7} {skip:>8}")?;
    }
    if !failures.is_empty() {
        writeln!(out, "\nfailed:")?;
        for failure in &failures {
            writeln!(out, "  {failure}")?;
        }
    }
    if !skipped.is_empty() {
        writeln!(out, "\nskipped (the schema could not be compiled):")?;
        for (group, (count, reason)) in &skipped {
            writeln!(out, "  {group} ({count} tests): {reason}")?;
        }
    }
    let passed: usize = per_file.values().map(|v| v.0).sum();
    let failed: usize = per_file.values().map(|v| v.1).sum();
    let skip: usize = per_file.values().map(|v| v.2).sum();
    writeln!(out, "\nconformance: {passed} passed, {failed} failed, {skip} skipped")?;
    Ok(match min_passed {
        Some(min) if passed < min => {
            writeln!(out, "fewer than the required {min} passed")?;
            crate::exit::code(crate::exit::BELOW_MINIMUM)
        }
        _ => ExitCode::SUCCESS,
    })
}

fn compile_group(
    schema: &Value,
    remotes: &Path,
    metaschemas: &Path,
    options: &validator::Options,
) -> Result<String, String> {
    let (remotes, metaschemas) = (remotes.to_path_buf(), metaschemas.to_path_buf());
    let mut registry = validator::Registry::new(move |uri| {
        let file = if let Some(relative) = uri.strip_prefix(REMOTE) {
            remotes.join(relative)
        } else {
            let relative = uri.strip_prefix(META)?;
            metaschemas.join(format!("{relative}.json"))
        };
        let text = std::fs::read_to_string(file).ok()?;
        serde_json::from_str(&text).ok()
    });
    registry.add(ROOT, schema.clone());
    let module = validator::compile(&mut registry, &[ROOT.to_owned()], options).map_err(|e| e.to_string())?;
    let root = &module.roots[0];
    let (test, collect) = (module.call(root, "x", "undefined"), module.call(root, "x", "e"));
    Ok(format!(
        "{}\n{}\nexport function validate(x: unknown): boolean {{\n  return {test};\n}}\n\nexport function errors(x: unknown): ValidationError[] {{\n  const e: ValidationError[] = [];\n  {collect};\n  return e;\n}}\n",
        validator::import_line(&module, "./runtime.js"),
        module.body
    ))
}
