//! The server's integration tests, one binary: end to end through the generated Rust client and
//! the generated TypeScript client, and the compile-fail cases that prove drift from the contract
//! does not compile.

mod common;
mod compile_fail;
mod e2e;
mod input_errors;
mod ts_client;
