//! The exit codes of the commands, named once: CI scripts tell "the generated files are stale" from
//! "the contract broke" from "something failed" by the code alone. Success is `ExitCode::SUCCESS`.
//! An xtask that embeds these commands keeps 0–3 for them and numbers its own codes from 4.

use std::process::ExitCode;

/// `check`: the committed generated files differ from a fresh generation.
pub const STALE: u8 = 1;
/// Any command: it could not run (an invalid contract, a usage or IO error).
pub const FAILURE: u8 = 2;
/// `diff`: findings at or above `--fail-on`.
pub const FINDINGS: u8 = 3;

/// The exit code of `code`.
pub fn code(code: u8) -> ExitCode {
    ExitCode::from(code)
}
