//! The server's integration tests, one binary: end to end through the generated Rust client and
//! the generated TypeScript client, raw requests the typed clients cannot send (`input_errors`),
//! rate limits behind a reverse proxy (`proxies`), and the compile-fail cases that prove drift
//! from the contract does not compile.

mod common;
mod compile_fail;
mod e2e;
mod input_errors;
mod proxies;
mod ts_client;
