//! Tidy checks over the repository's own text.

use std::path::{Path, PathBuf};

use tests::{project_root, read};

/// Every path ARCHITECTURE.md's code map names (in backticks, a folder or a `.rs`/`.md`/`.json`/`.yaml`/`.ts`
/// file) exists.
#[test]
fn architecture_code_map_paths_exist() {
    let text = read("ARCHITECTURE.md");
    let mut checked = 0;
    for (index, piece) in text.split('`').enumerate() {
        if index % 2 == 0 || piece.contains(' ') || piece.starts_with("../") {
            continue;
        }
        let looks_like_path =
            piece.ends_with('/') || [".rs", ".md", ".json", ".yaml", ".ts"].iter().any(|ext| piece.ends_with(ext));
        if !looks_like_path || piece.contains('<') {
            continue;
        }
        let candidates =
            ["", "codegen/src", "xtask/src", "schemas/src"].map(|dir| project_root().join(dir).join(piece));
        assert!(candidates.iter().any(|p| p.exists()), "ARCHITECTURE.md names `{piece}`, which does not exist");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} paths found in ARCHITECTURE.md");
}

/// The README opens with the two commands a newcomer needs.
#[test]
fn readme_opens_with_the_two_commands() {
    let readme = read("README.md");
    let block = readme.split("```").nth(1).expect("a code block");
    assert!(block.contains("cargo xtask generate"));
    assert!(block.contains("cargo xtask test"));
    let ci = read(".ci/run");
    assert!(ci.contains("cargo xtask test") && ci.contains("cargo xtask check"));
}

/// The README's rule catalog lists every rule of `codegen::diff::rules` with its level, and no other.
#[test]
fn readme_documents_the_diff_rule_catalog() {
    let readme = read("README.md");
    let catalog = readme.split("### Rule catalog").nth(1).expect("a rule catalog section");
    let rows: Vec<&str> =
        catalog.lines().take_while(|l| !l.starts_with("## ")).filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), codegen::diff::rules::ALL.len(), "one row per rule");
    for (row, rule) in rows.iter().zip(codegen::diff::rules::ALL) {
        let expected = format!("| `{}` | {} | {} |", rule.id, rule.level.as_str(), rule.description);
        assert_eq!(*row, expected);
    }
}

/// Every hand-written Rust file opens with a `//!` comment saying why it exists (generated files
/// and the compile-fail cases, which are compiler inputs, excepted).
#[test]
fn every_module_says_why_it_exists() {
    fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                let cases = path.ends_with("compile-fail/tests/cases");
                if !cases && !matches!(name.as_str(), "target" | "node_modules" | "generated" | ".git") {
                    rust_files(&path, found);
                }
            } else if name.ends_with(".rs") {
                found.push(path);
            }
        }
    }
    let root = project_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 50, "only {} Rust files found", files.len());
    let silent: Vec<String> = files
        .iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap_or_default().trim_start().starts_with("//!"))
        .map(|path| path.strip_prefix(&root).unwrap_or(path).display().to_string())
        .collect();
    assert!(silent.is_empty(), "these modules do not open with a `//!` comment: {silent:?}");
}
