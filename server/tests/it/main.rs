//! The server's integration tests, one binary: end to end through the generated Rust client and
//! the generated TypeScript client, and the compile-fail cases that prove drift from the contract
//! does not compile; and the connection limits that keep slow clients from stopping the server.

mod common;
mod compile_fail;
mod e2e;
mod operator;
mod sessions;
mod slow_clients;
mod ts_client;
