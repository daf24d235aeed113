//! TypeScript output: the validator compiler and the printer every TypeScript emitter goes through.

pub mod printer;
pub mod validator;

/// The runtime the validators import: result types, equality, lengths and format checkers.
pub const RUNTIME: &str = include_str!("runtime.ts");
