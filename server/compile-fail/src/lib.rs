//! Nothing to link: this crate exists for its test, `tests/drift.rs`, whose cases
//! (`tests/cases/*.rs`) are servers that drift from the contract and must not compile.
