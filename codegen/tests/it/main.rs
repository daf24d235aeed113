//! codegen's integration tests, one binary: every emitter's snapshots on a fixture contract, the
//! problems lowering reports, and the contract diff's rules.

mod diff;
mod emit;
mod errors;
