//! The Devora API v2 contract: every request and response type, and the operation table.
//!
//! This crate is the single source of truth: `cargo xtask generate` turns [`contract()`] into
//! `openapi.yaml` and everything under `generated/`. It depends only on serde, schemars, the
//! declaring crate `contract` and small value crates (chrono, uuid, url).
//!
//! Conventions every type follows:
//! - request types use `deny_unknown_fields`, so an unexpected field is an error, not a silent drop;
//! - `Option` fields of responses are always present and `null` when empty (`T | null` in
//!   TypeScript), while optional request fields may be left out;
//! - integers stay within ±(2^53 − 1), the range JavaScript numbers hold exactly; the generated
//!   schemas state the bound, so the server rejects what a browser could not represent;
//! - regular expressions use only syntax on which ECMA-262 (with the `u` flag) and Rust's `regex`
//!   agree: character classes such as `[0-9]`, never `\d` or look-around.

pub mod admin;
pub mod auth;
pub mod billing;
pub mod common;
pub mod generation;
pub mod meta;
pub mod projects;

mod operations;

pub use operations::contract;
