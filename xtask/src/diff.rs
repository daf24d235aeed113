//! `cargo xtask diff OLD [NEW]`: breaking changes between two versions of the contract.
//!
//! OLD and NEW are OpenAPI 3.0/3.1 files (YAML or JSON) or `git:<rev>`, the committed
//! `openapi.yaml` at that revision. NEW defaults to the working tree's `openapi.yaml`.
//! Exit 0 when nothing at or above `--fail-on` was found (or the major version went up), 1 when
//! something was, 2 on usage or input errors.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, anyhow, bail};
use clap::ValueEnum;
use codegen::diff::{self, Level};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    Breaking,
    Warning,
    Never,
}

pub fn run(
    root: &Path,
    old: &str,
    new: Option<&str>,
    format: Format,
    fail_on: FailOn,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let old_doc = load(root, old)?;
    let new_doc = load(root, new.unwrap_or("openapi.yaml"))?;
    let report = diff::diff(&old_doc, &new_doc)?;
    match format {
        Format::Text => write!(out, "{}", diff::render::text(&report))?,
        Format::Markdown => write!(out, "{}", diff::render::markdown(&report))?,
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&diff::render::json(&report))?)?,
    }
    let threshold = match fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    Ok(if report.fails(threshold) { crate::exit::code(crate::exit::FINDINGS) } else { ExitCode::SUCCESS })
}

/// Reads a document from a file (relative to the project root) or from `git:<rev>`.
fn load(root: &Path, source: &str) -> Result<serde_json::Value> {
    let text = match source.strip_prefix("git:") {
        Some(rev) => {
            if rev.is_empty() || rev.starts_with('-') {
                bail!("`{source}`: a revision must follow `git:` (such as `git:HEAD~1` or `git:main`)");
            }
            let output = Command::new("git")
                .current_dir(root)
                .args(["show", &format!("{rev}:openapi.yaml")])
                .output()
                .context("running git")?;
            if !output.status.success() {
                bail!("`{source}`: {}", String::from_utf8_lossy(&output.stderr).trim());
            }
            String::from_utf8(output.stdout).map_err(|_| anyhow!("`{source}`: openapi.yaml is not UTF-8"))?
        }
        None => {
            let path = root.join(source);
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?
        }
    };
    serde_yaml::from_str(&text).with_context(|| format!("`{source}` is not YAML or JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, old: &serde_json::Value, new: &serde_json::Value) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("old.json"), old.to_string()).expect("write");
        std::fs::write(dir.join("openapi.yaml"), serde_json::to_string_pretty(new).expect("JSON")).expect("write");
        dir
    }

    fn document(version: &str, max_length: u32) -> serde_json::Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": version},
            "paths": {"/a": {"post": {
                "operationId": "a",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "string", "maxLength": max_length}}}},
                "responses": {"204": {"description": "Done"}}
            }}}
        })
    }

    fn run_diff(root: &Path, format: Format, fail_on: FailOn) -> (Result<ExitCode>, String) {
        let mut out = Vec::new();
        let code = run(root, "old.json", None, format, fail_on, &mut out);
        (code, String::from_utf8(out).expect("UTF-8"))
    }

    #[test]
    fn exit_codes_follow_fail_on_and_the_major_version() {
        let root = scratch("codes", &document("1.0.0", 10), &document("1.1.0", 5));
        let (code, out) = run_diff(&root, Format::Text, FailOn::Breaking);
        assert_eq!(code.expect("runs"), ExitCode::from(crate::exit::FINDINGS));
        assert!(out.starts_with("contract diff: 1 breaking, 0 warnings, 0 info (1.0.0 → 1.1.0)\n"), "{out}");
        assert_eq!(run_diff(&root, Format::Json, FailOn::Never).0.expect("runs"), ExitCode::SUCCESS);

        let bumped = scratch("bumped", &document("1.0.0", 10), &document("2.0.0", 5));
        let (code, out) = run_diff(&bumped, Format::Markdown, FailOn::Breaking);
        assert_eq!(code.expect("runs"), ExitCode::SUCCESS, "{out}");
        assert!(out.starts_with("**Contract diff** ✅ 1 breaking"), "{out}");
        std::fs::remove_dir_all(root).ok();
        std::fs::remove_dir_all(bumped).ok();
    }

    #[test]
    fn bad_inputs_are_errors_with_a_message() {
        let root = scratch("inputs", &document("1.0.0", 10), &document("1.0.0", 10));
        let mut out = Vec::new();
        let missing =
            run(&root, "nope.yaml", None, Format::Text, FailOn::Breaking, &mut out).expect_err("missing file");
        assert!(format!("{missing:#}").contains("nope.yaml"), "{missing:#}");
        std::fs::write(root.join("junk.yaml"), "openapi: [").expect("write");
        let junk = run(&root, "junk.yaml", None, Format::Text, FailOn::Breaking, &mut out).expect_err("not YAML");
        assert!(format!("{junk:#}").contains("is not YAML or JSON"), "{junk:#}");
        std::fs::write(root.join("swagger.json"), r#"{"swagger": "2.0"}"#).expect("write");
        let swagger =
            run(&root, "swagger.json", None, Format::Text, FailOn::Breaking, &mut out).expect_err("not OpenAPI 3");
        assert!(format!("{swagger:#}").contains("not OpenAPI 3.0 or 3.1"), "{swagger:#}");
        let empty_rev = run(&root, "git:", None, Format::Text, FailOn::Breaking, &mut out).expect_err("no revision");
        assert!(format!("{empty_rev:#}").contains("a revision must follow"), "{empty_rev:#}");
        std::fs::remove_dir_all(root).ok();
    }
}
