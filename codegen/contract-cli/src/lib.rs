//! The `generate`, `check` and `diff` commands of the contract toolkit, for any workspace's xtask.
//!
//! A workspace lists its contracts as [`Target`]s (a name, a [`contract::Contract`] and the
//! [`Layout`] of its generated files, one layout each) and hands them to [`run`] with its root:
//!
//! ```no_run
//! # fn contract() -> contract::Contract { contract::Contract::new(contract::Info::new("Notes", "1.0.0")) }
//! use contract_cli::{Layout, Target};
//!
//! fn main() -> std::process::ExitCode {
//!     let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
//!     contract_cli::run(&root, &[Target::new("notes", contract(), Layout::for_crate("notes"))])
//! }
//! ```
//!
//! - `generate` writes every target's OpenAPI document and generated folder (atomically; files no
//!   longer produced are removed; folders named `node_modules` or `target` are left alone);
//! - `check` compares them with a fresh generation: exit 1 with a unified diff when they differ;
//! - `diff OLD [NEW]` reports breaking changes, for every target's document with `git:<rev>`.
//!
//! Exit codes ([`exit`]): 0 success, 1 stale generated files, 2 failure, 3 diff findings. An xtask
//! with tasks of its own embeds [`Command`] into its clap CLI (`#[command(flatten)]`) and calls
//! [`Command::execute`].

pub mod diff;
mod error;
pub mod exit;
pub mod files;
mod source;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use codegen::Layout;
pub use error::{Error, chain};

/// One contract of the workspace and where its files go.
pub struct Target {
    /// How messages name it (`the contract`, `vault`).
    pub name: String,
    pub contract: contract::Contract,
    pub layout: Layout,
}

impl Target {
    pub fn new(name: impl Into<String>, contract: contract::Contract, layout: Layout) -> Self {
        Self { name: name.into(), contract, layout }
    }
}

/// The commands, as clap subcommands.
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Regenerate every contract's OpenAPI document and generated folder (`openapi.yaml`, `generated/`).
    Generate,
    /// Fail (exit 1) with a diff when the committed generated files differ from a fresh generation.
    Check,
    /// Report breaking changes between two versions of the contracts.
    Diff(diff::Args),
}

impl Command {
    /// Runs the command on `targets`, with paths relative to `root`, writing its report to `out`.
    pub fn execute(&self, root: &Path, targets: &[Target], out: &mut dyn Write) -> Result<ExitCode, Error> {
        match self {
            Self::Generate => files::generate(root, targets, out),
            Self::Check => files::check(root, targets, out),
            Self::Diff(args) => diff::run(root, targets, args, out),
        }
    }
}

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Generate, check and diff the workspace's contracts",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Parses the command line, runs the command on `targets` under the project root `root`, and
/// returns its exit code; a failure is printed to stderr (`error: ...`) and exits 2.
pub fn run(root: &Path, targets: &[Target]) -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    match cli.command.execute(root, targets, &mut out) {
        Ok(code) => code,
        Err(error) => {
            let _ = out.flush();
            eprintln!("error: {}", chain(&error));
            exit::code(exit::FAILURE)
        }
    }
}
