//! The cross-artifact tests, one binary: the documents against the official OAS 3.1 schema and
//! third-party readers, examples against their schemas, a second contract against serde, a third
//! of every serde shape (`shapes`: one test per row of the README's serde support table), the
//! TypeScript validators against the Rust validator, 64-bit integers as strings across serde and
//! both validators, the fixture's generated server implemented and driven, the TypeScript
//! package as npm installs it (plain node, `tsc` resolutions, Vite, esbuild, react-hook-form), a
//! fresh workspace adopting the toolkit as the README says, and tidy checks of the repository's
//! text.

mod adoption;
mod agreement;
mod examples;
mod fixture_server;
mod generality;
mod int64;
mod openapi;
mod readme;
mod runtime_ts;
mod shapes;
mod tidy;
mod typescript_package;
