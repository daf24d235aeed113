//! `generate` and `check`: one pipeline that compares what the contracts produce with the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{Error, Target, exit};

/// Folders inside a generated folder that tools create and `generate` must leave alone.
const FOREIGN_DIRS: &[&str] = &["node_modules", "target"];

/// How one file differs between the contracts' output and the disk.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Added { path: String, content: String },
    Modified { path: String, old: String, content: String },
    Removed { path: String, old: String },
}

/// Every file the targets generate, by path relative to the project root.
pub type Files = BTreeMap<String, String>;

/// Generates every target's files in memory and lists what differs on disk under `root`: a
/// target owns its OpenAPI document and every file in its generated folder.
pub fn plan(root: &Path, targets: &[Target]) -> Result<(Files, Vec<Change>), Error> {
    let mut files = Files::new();
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    let mut existing = BTreeSet::new();
    // Targets are independent: each is generated on its own thread (in the order given, whatever
    // finishes first), so several contracts cost about the slowest one on a machine of as many cores.
    let generated: Vec<Result<Files, codegen::Errors>> = std::thread::scope(|scope| {
        let threads: Vec<_> =
            targets.iter().map(|target| scope.spawn(|| codegen::generate(&target.contract, &target.layout))).collect();
        threads
            .into_iter()
            .map(|thread| thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    for (target, generated) in targets.iter().zip(generated) {
        let generated = generated.map_err(|errors| Error::Contract { target: target.name.clone(), errors })?;
        for (path, content) in generated {
            if let Some(first) = owners.insert(path.clone(), &target.name) {
                return Err(Error::Overlap { path, first: first.to_owned(), second: target.name.clone() });
            }
            files.insert(path, content);
        }
        if root.join(&target.layout.openapi).exists() {
            existing.insert(target.layout.openapi.clone());
        }
        list_files(root, &root.join(&target.layout.generated), &mut existing)?;
    }

    let mut changes = Vec::new();
    for (path, content) in &files {
        let full = root.join(path);
        if existing.contains(path) {
            let old = fs::read_to_string(&full).map_err(Error::io(format!("reading {}", full.display())))?;
            if &old != content {
                changes.push(Change::Modified { path: path.clone(), old, content: content.clone() });
            }
        } else {
            changes.push(Change::Added { path: path.clone(), content: content.clone() });
        }
    }
    for path in existing.iter().filter(|p| !files.contains_key(*p)) {
        let old = fs::read_to_string(root.join(path)).unwrap_or_default();
        changes.push(Change::Removed { path: path.clone(), old });
    }
    Ok((files, changes))
}

fn list_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> Result<(), Error> {
    if !dir.exists() {
        return Ok(());
    }
    let listing = || Error::io(format!("listing {}", dir.display()));
    for entry in fs::read_dir(dir).map_err(listing())? {
        let entry = entry.map_err(listing())?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type().map_err(listing())?.is_dir() {
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

/// `generate`: writes what changed (atomically), removes what is no longer produced.
pub fn generate(root: &Path, targets: &[Target], out: &mut dyn Write) -> Result<ExitCode, Error> {
    let (files, changes) = plan(root, targets)?;
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
                fs::remove_file(&full).map_err(Error::io(format!("removing {}", full.display())))?;
                remove_empty_parents(root, &full);
                writeln!(out, "removed  {path}")?;
            }
        }
    }
    writeln!(out, "{} files generated, {} changed", files.len(), changes.len())?;
    Ok(ExitCode::SUCCESS)
}

/// `check`: exit 1 with a unified diff when the disk differs from the contracts' output.
pub fn check(root: &Path, targets: &[Target], out: &mut dyn Write) -> Result<ExitCode, Error> {
    let (files, changes) = plan(root, targets)?;
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
    Ok(exit::code(exit::STALE))
}

/// Writes through a temporary file in the same folder and a rename, so readers never see half a file.
fn write_atomically(path: &Path, content: &str) -> Result<(), Error> {
    let Some(dir) = path.parent() else {
        let source = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no parent folder");
        return Err(Error::Io { what: format!("writing {}", path.display()), source });
    };
    fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, content).map_err(Error::io(format!("writing {}", temp.display())))?;
    fs::rename(&temp, path).map_err(Error::io(format!("renaming {} to {}", temp.display(), path.display())))?;
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
    use crate::{Layout, exit};

    /// A fresh, empty project folder under the system temp dir.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("contract-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// The fixture contract at the project root.
    fn fixture() -> Vec<Target> {
        vec![Target::new("the fixture", fixture::contract(), Layout::for_crate("fixture"))]
    }

    type Task = fn(&Path, &[Target], &mut dyn Write) -> Result<ExitCode, Error>;

    fn run(task: Task, root: &Path, targets: &[Target]) -> (ExitCode, String) {
        let mut out = Vec::new();
        let code = task(root, targets, &mut out).expect("task runs");
        (code, String::from_utf8(out).expect("UTF-8 output"))
    }

    #[test]
    fn generate_then_check_round_trip() {
        let root = scratch("roundtrip");
        let (code, out) = run(generate, &root, &fixture());
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(out.contains("created  openapi.yaml"), "{out}");
        assert!(out.contains("created  generated/fixture-server/src/lib.rs"), "{out}");
        assert!(root.join("generated/jsonschema/TodoCreate.json").exists());

        let (code, out) = run(check, &root, &fixture());
        assert_eq!(code, ExitCode::SUCCESS, "{out}");

        // A second generate changes nothing.
        let (_, out) = run(generate, &root, &fixture());
        assert!(out.ends_with(", 0 changed\n"), "{out}");
        fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn check_prints_a_diff_and_the_fix_then_generate_repairs_and_prunes() {
        let root = scratch("stale");
        run(generate, &root, &fixture());
        let total = plan(&root, &fixture()).expect("plan").0.len();
        let openapi = root.join("openapi.yaml");
        let edited = fs::read_to_string(&openapi).expect("read").replace("title: Todos", "title: Hand edited");
        fs::write(&openapi, edited).expect("write");
        fs::write(root.join("generated/jsonschema/Gone.json"), "{}\n").expect("write");
        fs::remove_file(root.join("generated/jsonschema/Priority.json")).expect("remove");
        fs::create_dir_all(root.join("generated/node_modules/x")).expect("mkdir");
        fs::write(root.join("generated/node_modules/x/index.js"), "").expect("write");

        let (code, out) = run(check, &root, &fixture());
        assert_eq!(code, ExitCode::from(exit::STALE));
        assert!(out.contains("--- a/openapi.yaml\n+++ b/openapi.yaml\n"), "{out}");
        assert!(out.contains("-  title: Hand edited\n+  title: Todos\n"), "{out}");
        assert!(out.contains("--- a/generated/jsonschema/Gone.json"), "{out}");
        assert!(out.contains("+++ b/generated/jsonschema/Priority.json"), "{out}");
        assert!(
            out.contains(&format!("3 of {total} generated files are stale or missing; run `cargo xtask generate`")),
            "{out}"
        );
        assert!(!out.contains("node_modules"), "foreign folders are not ours: {out}");

        let (_, out) = run(generate, &root, &fixture());
        assert!(
            out.contains("updated  openapi.yaml") && out.contains("removed  generated/jsonschema/Gone.json"),
            "{out}"
        );
        assert!(out.contains("created  generated/jsonschema/Priority.json"), "{out}");
        assert!(root.join("generated/node_modules/x/index.js").exists());
        assert_eq!(run(check, &root, &fixture()).0, ExitCode::SUCCESS);
        fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn every_target_is_generated_and_checked_in_its_own_folder() {
        let root = scratch("targets");
        let mut targets = fixture();
        targets.push(Target::new("the copy", fixture::contract(), Layout::for_crate("fixture").under("copy/")));
        let (code, out) = run(generate, &root, &targets);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        assert!(out.contains("created  openapi.yaml") && out.contains("created  copy/openapi.yaml"), "{out}");
        assert!(out.contains("created  copy/generated/fixture-client/Cargo.toml"), "{out}");
        let total = plan(&root, &targets).expect("plan").0.len();
        assert_eq!(total, 2 * plan(&root, &fixture()).expect("plan").0.len());

        // A stale file of the second target fails the check of both.
        fs::write(root.join("copy/generated/typescript/types.d.ts"), "// edited\n").expect("write");
        let (code, out) = run(check, &root, &targets);
        assert_eq!(code, ExitCode::from(exit::STALE));
        assert!(out.contains(&format!("1 of {total} generated files are stale")), "{out}");
        assert!(out.contains("--- a/copy/generated/typescript/types.d.ts"), "{out}");
        fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn targets_that_would_write_the_same_file_are_an_error() {
        let root = scratch("overlap");
        let mut twice = fixture();
        twice.push(Target::new("again", fixture::contract(), Layout::for_crate("fixture")));
        let error = plan(&root, &twice).expect_err("the layouts overlap");
        assert!(error.to_string().starts_with("the fixture and again both generate `generated/"), "{error}");
        assert!(!root.join("openapi.yaml").exists(), "nothing is written");
        fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn an_invalid_contract_is_named_with_every_problem() {
        let root = scratch("invalid");
        let contract = contract::Contract::new(contract::Info::new("Broken", "1.0.0"));
        let broken = Target::new("the broken one", contract, Layout::for_crate("broken"));
        let error = plan(&root, &[broken]).expect_err("no problem type, no operation");
        assert!(error.to_string().starts_with("the broken one: the contract has "), "{error}");
        fs::remove_dir_all(&root).ok();
    }
}
