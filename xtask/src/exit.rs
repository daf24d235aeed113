//! The exit codes of every task, named once: CI scripts tell "the generated files are stale" from
//! "the contract broke" from "something failed" by the code alone. Success is `ExitCode::SUCCESS`.

use std::process::ExitCode;

/// `check`: the committed generated files differ from a fresh generation.
pub const STALE: u8 = 1;
/// Any task: it could not run (an invalid contract, a usage or IO error, a failing test step).
pub const FAILURE: u8 = 2;
/// `diff`: findings at or above `--fail-on`.
pub const FINDINGS: u8 = 3;
/// `conformance`: fewer tests passed than `--min-passed`.
pub const BELOW_MINIMUM: u8 = 4;

/// The exit code of `code`.
pub fn code(code: u8) -> ExitCode {
    ExitCode::from(code)
}
