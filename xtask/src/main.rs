//! Project tasks: `cargo xtask <task>`. `generate`, `check` and `diff` are `contract-cli`'s, run on
//! this workspace's contracts ([`targets`]); the other tasks are one module each. Output goes to an
//! injected writer.
//!
//! Exit codes are named in [`exit`]: 0 success, 1 stale generated files (`check`), 2 failure (an
//! invalid contract, a usage or IO error, a failing step), 3 diff findings, 4 conformance below the
//! required minimum.

mod bench;
mod conformance;
mod demo;
mod exit;
mod http;
mod load;
mod schemathesis;
mod synthetic;
mod test;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use contract_cli::{Layout, Target};

/// Generation clones and drops many small JSON values and tokens; with mimalloc's thread-local
/// free lists the synthetic contract generates in about a third less time than with glibc's
/// allocator (`cargo xtask bench`: 2.8 s → 1.7 s, measured once on a busy machine).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks of the contract toolkit", disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    #[command(flatten)]
    Contract(contract_cli::Command),
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
    /// Run schemathesis alone against a server built by `cargo build -p server -p fake-providers`
    /// (one step of `test`).
    Schemathesis,
    /// Run the server with every provider (payments, OAuth, generation) wired to the fakes of
    /// `fake-providers`, until Ctrl-C.
    Demo,
    /// Start a throw-away PostgreSQL and Redis on loopback ports (installing Debian's packages
    /// if missing), print the server variables that point at them, and stop both on Enter.
    Services,
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
        Task::Contract(command) => command.execute(&root, &targets(), &mut out).map_err(anyhow::Error::from),
        Task::Test => test::run(&root, &mut out),
        Task::Schemathesis => test::install_pip(&root.join("tests"), &mut out)
            .and_then(|venv| schemathesis::run(&root, &venv, &schemathesis::Store::default(), &mut out))
            .map(|()| ExitCode::SUCCESS),
        Task::Conformance { suite, format_assertion, min_passed } => {
            conformance::run(&root, suite.as_deref(), format_assertion, min_passed, &mut out)
        }
        Task::Demo => demo::run(&root, &mut out).map(|()| ExitCode::SUCCESS),
        Task::Services => test_services::serve_until_enter(&mut out).map(|()| ExitCode::SUCCESS),
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

/// What `generate` writes, `check` checks and `diff` compares: the reference contract, the
/// fixture contract whose generated Rust crates the workspace compiles (so every emitter's Rust
/// output is proven to build; its TypeScript package is private), and the two example back ends of
/// `examples/`. One entry per contract.
fn targets() -> Vec<Target> {
    vec![
        Target::new("the contract", schemas::contract(), Layout::default()),
        Target::new(
            "the fixture contract",
            fixture::contract(),
            Layout::for_crate("fixture").under("codegen/fixture").private_typescript_package(),
        ),
        Target::new("the SaaS-IA example", saas_ia::contract(), Layout::for_crate("saas-ia").under("examples/saas-ia")),
        Target::new("the Vault example", vault::contract(), Layout::for_crate("vault").under("examples/vault")),
    ]
}

/// The workspace root: the parent of this crate's folder.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
