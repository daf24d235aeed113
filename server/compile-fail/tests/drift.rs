//! The server fails to compile when it drifts from the contract: a missing operation, an
//! undeclared status (as a variant or through a constructor), or inputs of another type. Expected
//! compiler output is in `tests/cases/*.stderr` (written by `TRYBUILD=overwrite`, read before
//! committing).

#[test]
fn drift_from_the_contract_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/cases/*.rs");
}
