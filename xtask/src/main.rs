//! Project tasks: `cargo xtask <task>`. One module per task; output goes to an injected writer.
//!
//! Exit codes are named in [`exit`]: 0 success, 1 stale generated files (`check`), 2 failure (an
//! invalid contract, a usage or IO error, a failing step), 3 diff findings, 4 conformance below the
//! required minimum.

mod bench;
mod conformance;
mod diff;
mod exit;
mod files;
mod http;
mod load;
mod schemathesis;
mod synthetic;
mod test;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks of the contract toolkit", disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate `openapi.yaml` and everything under `generated/` from the contract.
    Generate,
    /// Fail (exit 1) with a diff when the committed generated files differ from a fresh generation.
    Check,
    /// Report breaking changes between two versions of the contract.
    Diff {
        /// The old document: a file, or `git:<rev>` for the committed `openapi.yaml` at a revision.
        old: String,
        /// The new document (default: the working tree's `openapi.yaml`).
        new: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: diff::Format,
        /// The lowest level that makes the command fail (exit 3).
        #[arg(long, value_enum, default_value = "breaking")]
        fail_on: diff::FailOn,
    },
    /// Run the JSON-Schema-Test-Suite against the TypeScript validator compiler (in node).
    Conformance {
        /// A directory of suite files (default: the shared draft2020-12 suite).
        #[arg(long)]
        suite: Option<std::path::PathBuf>,
        /// Assert `format` (by default it is an annotation, as 2020-12 says).
        #[arg(long)]
        format_assertion: bool,
        /// Fail (exit 4) when fewer tests pass.
        #[arg(long)]
        min_passed: Option<usize>,
    },
    /// Install the test tools (npm, from the lockfile) and run every test.
    Test,
    /// Measure generation time and peak memory, in a release build.
    Bench {
        /// Timed runs per case.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        iterations: u32,
        /// Which cases to run (one case alone gives that case's peak memory).
        #[arg(long, value_enum, default_value = "all")]
        case: bench::Case,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let mut out = std::io::stdout().lock();
    let result = match cli.task {
        Task::Generate => files::generate(&root, &mut out),
        Task::Check => files::check(&root, &mut out),
        Task::Test => test::run(&root, &mut out),
        Task::Conformance { suite, format_assertion, min_passed } => {
            conformance::run(&root, suite.as_deref(), format_assertion, min_passed, &mut out)
        }
        Task::Diff { old, new, format, fail_on } => diff::run(&root, &old, new.as_deref(), format, fail_on, &mut out),
        Task::Bench { iterations, case } => bench::run(&root, iterations, case, &mut out),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let _ = out.flush();
            eprintln!("error: {error:#}");
            exit::code(exit::FAILURE)
        }
    }
}

/// The workspace root: the parent of this crate's folder.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
