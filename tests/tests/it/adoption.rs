//! The README's "Use it in your own project", done as written: a fresh workspace outside the
//! repository is made of that section's code blocks (so the README cannot drift), with path
//! dependencies on this repository's crates (`../contract-toolkit`, a link to it); the section's
//! commands run in it: `generate` writes what the README's table says, `check` passes, then fails
//! (exit 1) once a generated file is edited, the server compiles against the generated crate, and
//! `diff git:HEAD` reports a contract change that breaks clients (exit 3).
//!
//! Blocks before the section's `sh` block are written before its commands run, blocks after it
//! afterwards. A block's first line names its file (`# Cargo.toml`, `// notes/src/lib.rs`); a second
//! block for the same file replaces the lines whose keys it gives (`members = [...]`).
//!
//! Speed: the workspace gets this repository's `Cargo.lock` (the versions already downloaded and
//! built here, so cargo runs offline) and builds into `target/adoption`, kept between runs, with the
//! workspace always at the same path: a rerun compiles only the workspace's own crates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tests::{project_root, read};

const SECTION: &str = "## Use it in your own project";

/// A fenced code block of the section.
struct Block {
    /// The fence's info string (`toml`, `rust`, `sh`).
    language: String,
    body: String,
}

impl Block {
    /// The file a block names on its first line, as a comment.
    fn file(&self) -> Option<&str> {
        let first = self.body.lines().next()?;
        first.strip_prefix("# ").or_else(|| first.strip_prefix("// ")).map(str::trim)
    }
}

/// The code blocks of the README's section, in order.
fn blocks() -> Vec<Block> {
    let readme = read("README.md");
    let start = readme.find(SECTION).unwrap_or_else(|| panic!("the README has no `{SECTION}` section"));
    let section = &readme[start..];
    let section = &section[..section[SECTION.len()..].find("\n## ").map_or(section.len(), |end| end + SECTION.len())];
    section
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|block| {
            let (language, body) = block.split_once('\n').unwrap_or((block, ""));
            Block { language: language.trim().to_owned(), body: body.to_owned() }
        })
        .collect()
}

/// The folder that holds the workspace and the link to this repository: always the same for one
/// checkout (so builds are incremental), different for two.
fn base() -> PathBuf {
    let checkout: String =
        project_root().to_string_lossy().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    std::env::temp_dir().join(format!("contract-adoption{checkout}"))
}

/// Writes a block's file: whole the first time, and its `key = value` lines over the same keys after.
fn write(workspace: &Path, block: &Block, written: &mut BTreeSet<String>) {
    let file =
        block.file().unwrap_or_else(|| panic!("a README block names no file on its first line:\n{}", block.body));
    let path = workspace.join(file);
    if written.insert(file.to_owned()) {
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("creating the folder");
        std::fs::write(&path, &block.body).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let mut text = std::fs::read_to_string(&path).expect("a file written before");
    for line in block.body.lines().skip(1) {
        let Some((key, _)) = line.split_once(" = ") else { continue };
        let old = text
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("the README changes `{key}` in {file}, which has no such line"))
            .to_owned();
        text = text.replace(&old, line);
    }
    std::fs::write(&path, text).expect("rewriting the file");
}

/// Runs `command` (`cargo ...` or `git ...`, no quoting) in the workspace.
fn run(workspace: &Path, command: &str) -> Output {
    let mut words = command.split_whitespace();
    let program = match words.next() {
        Some("cargo") => std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        Some(other) => other.to_owned(),
        None => panic!("an empty command"),
    };
    Command::new(program)
        .args(words)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", project_root().join("target/adoption"))
        .env("CARGO_NET_OFFLINE", "true")
        .env("GIT_AUTHOR_NAME", "adoption")
        .env("GIT_AUTHOR_EMAIL", "adoption@example.com")
        .env("GIT_COMMITTER_NAME", "adoption")
        .env("GIT_COMMITTER_EMAIL", "adoption@example.com")
        .output()
        .unwrap_or_else(|e| panic!("`{command}` does not start: {e}"))
}

/// Runs `command` and asserts its exit code; its stdout.
fn exits(workspace: &Path, command: &str, code: i32) -> String {
    let output = run(workspace, command);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "`{command}` in {}:\nstdout:\n{stdout}\nstderr:\n{}",
        workspace.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// This repository's lock file, so the workspace resolves to what is downloaded and built here.
fn copy_lock(workspace: &Path) {
    std::fs::copy(project_root().join("Cargo.lock"), workspace.join("Cargo.lock")).expect("copying Cargo.lock");
}

#[test]
fn a_fresh_workspace_adopts_the_toolkit_as_the_readme_says() {
    let blocks = blocks();
    let commands_at = blocks.iter().position(|b| b.language == "sh").expect("the section has an `sh` block");
    let commands: Vec<&str> = blocks[commands_at]
        .body
        .lines()
        .map(|line| line.split_once(" #").map_or(line, |(command, _)| command).trim())
        .filter(|line| !line.is_empty())
        .collect();
    let [generate, check, diff] = commands[..] else {
        panic!("adoption.rs runs generate, check and diff; the README's commands are {commands:?}")
    };
    assert_eq!(
        [generate, check, diff],
        ["cargo xtask generate", "cargo xtask check", "cargo xtask diff git:HEAD"],
        "adoption.rs knows how to run these commands only"
    );

    let base = base();
    let toolkit = base.join("contract-toolkit");
    std::fs::create_dir_all(&base).expect("creating the base folder");
    if std::fs::read_link(&toolkit).ok() != Some(project_root()) {
        let _ = std::fs::remove_file(&toolkit);
        std::os::unix::fs::symlink(project_root(), &toolkit).expect("linking the toolkit");
    }
    let workspace = base.join("notes");
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(&workspace).expect("creating the workspace");

    // The files before the commands, then the commands.
    let mut written = BTreeSet::new();
    for block in &blocks[..commands_at] {
        write(&workspace, block, &mut written);
    }
    copy_lock(&workspace);
    let out = exits(&workspace, generate, 0);
    for file in ["openapi.yaml", "generated/notes-server/src/lib.rs", "generated/notes-client/src/lib.rs"] {
        assert!(out.contains(&format!("created  {file}\n")), "{out}");
    }
    for path in table_paths() {
        assert!(workspace.join(&path).exists(), "the README's table names `{path}`, which generate did not write");
    }

    let out = exits(&workspace, check, 0);
    let total: usize = out
        .strip_suffix(" generated files are up to date\n")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("`{check}` said: {out}"));

    // A hand edit is caught, and generate repairs it.
    let edited = workspace.join("generated/notes-server/src/lib.rs");
    let text = std::fs::read_to_string(&edited).expect("the generated server");
    std::fs::write(&edited, format!("{text}// edited\n")).expect("editing");
    let out = exits(&workspace, check, 1);
    assert!(
        out.contains("--- a/generated/notes-server/src/lib.rs\n+++ b/generated/notes-server/src/lib.rs\n"),
        "{out}"
    );
    let stale = format!("\n1 of {total} generated files are stale or missing; run `cargo xtask generate`");
    assert!(out.contains(&stale), "{out}");
    let out = exits(&workspace, generate, 0);
    assert!(out.contains("updated  generated/notes-server/src/lib.rs\n") && out.ends_with(", 1 changed\n"), "{out}");
    exits(&workspace, check, 0);

    // The files after the commands: the generated crates become members, and the server compiles.
    for block in &blocks[commands_at + 1..] {
        write(&workspace, block, &mut written);
    }
    copy_lock(&workspace);
    exits(&workspace, "cargo check --quiet --package server --package notes-client", 0);

    // A contract change that breaks clients: a new required request field.
    exits(&workspace, "git init --quiet", 0);
    exits(&workspace, "git add --all", 0);
    exits(&workspace, "git commit --quiet --no-gpg-sign --message contract", 0);
    let contract = workspace.join("notes/src/lib.rs");
    let text = std::fs::read_to_string(&contract).expect("the contract");
    let changed = text.replace("pub struct NoteCreate {\n", "pub struct NoteCreate {\n    pub title: String,\n");
    assert_ne!(changed, text, "the README's contract has no `NoteCreate` struct to change");
    std::fs::write(&contract, changed).expect("changing the contract");
    exits(&workspace, generate, 0);
    let out = exits(&workspace, diff, 3);
    assert!(out.starts_with("contract diff: 1 breaking, 0 warnings, 0 info (1.0.0 → 1.0.0)\n"), "{out}");
    assert!(out.contains("request-property-added-required"), "{out}");
    exits(&workspace, check, 0);

    std::fs::remove_dir_all(&workspace).ok();
}

/// The paths in the first column of the section's table (`<Type>` patterns left out).
fn table_paths() -> Vec<String> {
    let readme = read("README.md");
    let section = &readme[readme.find(SECTION).expect("the section")..];
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .flat_map(|line| line.split('|').nth(1).unwrap_or_default().split('`').skip(1).step_by(2).map(str::to_owned))
        .filter(|path| !path.contains('<'))
        .collect()
}
