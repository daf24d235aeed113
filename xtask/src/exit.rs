//! The exit codes of every task, named once: CI scripts tell "the generated files are stale" from
//! "the contract broke" from "something failed" by the code alone. Success is `ExitCode::SUCCESS`.
//! 0–3 are `contract-cli`'s (`generate`, `check`, `diff`), shared by the other tasks; 4 is ours.

pub use contract_cli::exit::{FAILURE, code};

/// `conformance`: fewer tests passed than `--min-passed`.
pub const BELOW_MINIMUM: u8 = 4;
