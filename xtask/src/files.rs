//! `generate` and `check`: one pipeline that compares what the contract produces with the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use codegen::Layout;

/// Folders inside `generated/` that tools create and `generate` must leave alone.
const FOREIGN_DIRS: &[&str] = &["node_modules", "target"];

/// How one file differs between the contract's output and the disk.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Added { path: String, content: String },
    Modified { path: String, old: String, content: String },
    Removed { path: String, old: String },
}

/// What `generate` writes: the reference contract, and the fixture contract whose generated Rust
/// crates the workspace compiles (so every emitter's Rust output is proven to build).
fn targets() -> Vec<(&'static str, contract::Contract, Layout)> {
    let fixture = Layout {
        openapi: "codegen/fixture/openapi.yaml".into(),
        generated: "codegen/fixture/generated".into(),
        server: codegen::rust_server::Crate { name: "fixture-server".into(), contract: "fixture".into() },
        client: "fixture-client".into(),
    };
    vec![
        ("the contract", schemas::contract(), Layout::default()),
        ("the fixture contract", fixture::contract(), fixture),
    ]
}

/// Generates every file in memory and lists what differs on disk under `root`.
pub fn plan(root: &Path) -> Result<(BTreeMap<String, String>, Vec<Change>)> {
    let mut files = BTreeMap::new();
    let mut existing = BTreeSet::new();
    for (what, contract, layout) in targets() {
        let generated = codegen::generate(&contract, &layout).map_err(|errors| anyhow!("{what}: {errors}"))?;
        files.extend(generated);
        let openapi = root.join(&layout.openapi);
        if openapi.exists() {
            existing.insert(layout.openapi.clone());
        }
        list_files(root, &root.join(&layout.generated), &mut existing)?;
    }

    let mut changes = Vec::new();
    for (path, content) in &files {
        let full = root.join(path);
        if existing.contains(path) {
            let old = fs::read_to_string(&full).with_context(|| format!("reading {}", full.display()))?;
            if &old != content {
                changes.push(Change::Modified { path: path.clone(), old, content: content.clone() });
            }
        } else {
            changes.push(Change::Added { path: path.clone(), content: content.clone() });
        }
    }
    for path in existing.iter().filter(|p| !files.contains_key(*p)) {
        let full = root.join(path);
        let old = fs::read_to_string(&full).unwrap_or_default();
        changes.push(Change::Removed { path: path.clone(), old });
    }
    Ok((files, changes))
}

fn list_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !FOREIGN_DIRS.iter().any(|d| name == *d) {
                list_files(root, &path, out)?;
            }
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// `cargo xtask generate`: writes what changed (atomically), removes what is no longer produced.
pub fn generate(root: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let (files, changes) = plan(root)?;
    for change in &changes {
        match change {
            Change::Added { path, content } => {
                write_atomically(&root.join(path), content)?;
                writeln!(out, "created  {path}")?;
            }
            Change::Modified { path, content, .. } => {
                write_atomically(&root.join(path), content)?;
                writeln!(out, "updated  {path}")?;
            }
            Change::Removed { path, .. } => {
                let full = root.join(path);
                fs::remove_file(&full).with_context(|| format!("removing {}", full.display()))?;
                remove_empty_parents(root, &full);
                writeln!(out, "removed  {path}")?;
            }
        }
    }
    writeln!(out, "{} files generated, {} changed", files.len(), changes.len())?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask check`: exit 1 with a unified diff when the disk differs from the contract's output.
pub fn check(root: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let (files, changes) = plan(root)?;
    if changes.is_empty() {
        writeln!(out, "{} generated files are up to date", files.len())?;
        return Ok(ExitCode::SUCCESS);
    }
    for change in &changes {
        let (path, old, new) = match change {
            Change::Added { path, content } => (path, "", content.as_str()),
            Change::Modified { path, old, content } => (path, old.as_str(), content.as_str()),
            Change::Removed { path, old } => (path, old.as_str(), ""),
        };
        let diff = similar::TextDiff::from_lines(old, new);
        write!(out, "{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")))?;
    }
    writeln!(
        out,
        "\n{} of {} generated files are stale or missing; run `cargo xtask generate` and commit the result",
        changes.len(),
        files.len()
    )?;
    Ok(crate::exit::code(crate::exit::STALE))
}

/// Writes through a temporary file in the same folder and a rename, so readers never see half a file.
fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let dir = path.parent().ok_or_else(|| anyhow!("{} has no parent folder", path.display()))?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, content).with_context(|| format!("writing {}", temp.display()))?;
    fs::rename(&temp, path).with_context(|| format!("renaming {} to {}", temp.display(), path.display()))?;
    Ok(())
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == root || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty project folder under the system temp dir.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn run(task: fn(&Path, &mut dyn Write) -> Result<ExitCode>, root: &Path) -> (ExitCode, String) {
        let mut out = Vec::new();
        let code = task(root, &mut out).expect("task runs");
        (code, String::from_utf8(out).expect("UTF-8 output"))
    }

    #[test]
    fn generate_then_check_round_trip() {
        let root = scratch("roundtrip");
        let (code, out) = run(generate, &root);
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(out.contains("created  openapi.yaml"), "{out}");
        assert!(root.join("generated/jsonschema/UserCreate.json").exists());

        let (code, out) = run(check, &root);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");

        // A second generate changes nothing.
        let (_, out) = run(generate, &root);
        assert!(out.ends_with(", 0 changed\n"), "{out}");
        fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn check_prints_a_diff_and_the_fix_then_generate_repairs_and_prunes() {
        let root = scratch("stale");
        run(generate, &root);
        let total = plan(&root).expect("plan").0.len();
        let openapi = root.join("openapi.yaml");
        let edited = fs::read_to_string(&openapi).expect("read").replace("title: Devora API", "title: Hand edited");
        fs::write(&openapi, edited).expect("write");
        fs::write(root.join("generated/jsonschema/Gone.json"), "{}\n").expect("write");
        fs::remove_file(root.join("generated/jsonschema/Role.json")).expect("remove");
        fs::create_dir_all(root.join("generated/node_modules/x")).expect("mkdir");
        fs::write(root.join("generated/node_modules/x/index.js"), "").expect("write");

        let (code, out) = run(check, &root);
        assert_eq!(code, ExitCode::from(crate::exit::STALE));
        assert!(out.contains("--- a/openapi.yaml\n+++ b/openapi.yaml\n"), "{out}");
        assert!(out.contains("-  title: Hand edited\n+  title: Devora API\n"), "{out}");
        assert!(out.contains("--- a/generated/jsonschema/Gone.json"), "{out}");
        assert!(out.contains("+++ b/generated/jsonschema/Role.json"), "{out}");
        assert!(
            out.contains(&format!("3 of {total} generated files are stale or missing; run `cargo xtask generate`")),
            "{out}"
        );
        assert!(!out.contains("node_modules"), "foreign folders are not ours: {out}");

        let (_, out) = run(generate, &root);
        assert!(
            out.contains("updated  openapi.yaml") && out.contains("removed  generated/jsonschema/Gone.json"),
            "{out}"
        );
        assert!(out.contains("created  generated/jsonschema/Role.json"), "{out}");
        assert!(root.join("generated/node_modules/x/index.js").exists());
        assert_eq!(run(check, &root).0, ExitCode::SUCCESS);
        fs::remove_dir_all(&root).ok();
    }
}
