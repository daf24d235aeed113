//! Every example in the contract validates against its own schema, with formats asserted, and
//! deserializes into its Rust type.

use serde::de::DeserializeOwned;
use serde_json::Value;
use tests::{errors, project_root, read_json, validator};

fn schema_of(name: &str) -> Value {
    read_json(&project_root().join(format!("generated/jsonschema/{name}.json")))
}

/// Checks the examples of `name` and returns how many there were.
fn check_examples<T: DeserializeOwned>(name: &str) -> usize {
    let schema = schema_of(name);
    let examples = schema["examples"].as_array().cloned().unwrap_or_default();
    let validator = validator(&schema);
    for example in &examples {
        let problems = errors(&validator, example);
        assert!(problems.is_empty(), "an example of {name} breaks its schema:\n{}", problems.join("\n"));
        serde_json::from_value::<T>(example.clone())
            .unwrap_or_else(|e| panic!("an example of {name} does not deserialize: {e}"));
    }
    examples.len()
}

#[test]
fn examples_validate_and_deserialize() {
    use schemas::{auth::*, billing::*, common::*, generation::*, meta::*, projects::*};
    let counts = [
        check_examples::<Problem>("Problem"),
        check_examples::<Password>("Password"),
        check_examples::<UserCreate>("UserCreate"),
        check_examples::<UserLogin>("UserLogin"),
        check_examples::<UserResponse>("UserResponse"),
        check_examples::<TokenResponse>("TokenResponse"),
        check_examples::<FileName>("FileName"),
        check_examples::<ProjectCreate>("ProjectCreate"),
        check_examples::<Project>("Project"),
        check_examples::<FileUpsert>("FileUpsert"),
        check_examples::<SubscriptionPlan>("SubscriptionPlan"),
        check_examples::<CheckoutSessionCreate>("CheckoutSessionCreate"),
        check_examples::<SimpleGenerationRequest>("SimpleGenerationRequest"),
        check_examples::<AgenticRequest>("AgenticRequest"),
        check_examples::<FullStackRequest>("FullStackRequest"),
        check_examples::<GenerationJob>("GenerationJob"),
        check_examples::<ApiRoot>("ApiRoot"),
    ];
    assert!(counts.iter().all(|&n| n >= 1), "each key type carries an example: {counts:?}");
}

#[test]
fn every_example_anywhere_validates() {
    // Catches examples on types the list above forgets.
    let dir = project_root().join("generated/jsonschema");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("generated/jsonschema") {
        let path = entry.expect("entry").path();
        let schema = read_json(&path);
        let validator = validator(&schema);
        for example in schema["examples"].as_array().into_iter().flatten() {
            seen += 1;
            let problems = errors(&validator, example);
            assert!(problems.is_empty(), "{}: example breaks the schema:\n{}", path.display(), problems.join("\n"));
        }
    }
    assert!(seen >= 17, "found {seen} examples");
}

#[test]
fn validation_rules_of_the_seeds_hold() {
    let password = validator(&schema_of("Password"));
    assert!(password.is_valid(&"Sup3rSecret".into()));
    // Each broken rule is its own error: length, upper, lower, digit.
    let broken = errors(&password, &"abc".into());
    assert_eq!(broken.len(), 3, "{broken:?}");
    assert!(!password.is_valid(&"ALLUPPER123".into()));
    assert!(!password.is_valid(&"nodigitsHere".into()));
    // ECMA-262 and Rust agree on ASCII classes: a non-ASCII digit is not a digit.
    assert!(!password.is_valid(&"Abcdefgh\u{0663}".into()));

    let file_name = validator(&schema_of("FileName"));
    for good in ["main.rs", ".env", "a.b.c", "résumé.txt"] {
        assert!(file_name.is_valid(&good.into()), "{good}");
    }
    for bad in ["..", "../etc/passwd", "a/b", "a\\b", "x..y", "", "tab\there"] {
        assert!(!file_name.is_valid(&bad.into()), "{bad:?} must be rejected");
    }

    let user = validator(&schema_of("UserCreate"));
    let extra = serde_json::json!({"email": "a@b.co", "password": "Sup3rSecret", "admin": true});
    assert!(!user.is_valid(&extra), "unknown fields are rejected");
    let bad_email = serde_json::json!({"email": "not-an-email", "password": "Sup3rSecret"});
    assert!(!user.is_valid(&bad_email), "email format is asserted");

    let query = validator(&schema_of("GenerationJob"));
    let mut job = schema_of("GenerationJob")["examples"][0].clone();
    job["progress"] = 101.into();
    assert!(!query.is_valid(&job), "progress is at most 100");
}

#[test]
fn sixty_four_bit_integers_are_bounded_to_the_javascript_safe_range() {
    let stats = schema_of("AdminStats");
    assert_eq!(stats["properties"]["users"]["maximum"], 9_007_199_254_740_991_i64);
    assert_eq!(stats["properties"]["users"]["minimum"], 0);
    let invoice = schema_of("Invoice");
    assert_eq!(invoice["properties"]["amount_due"]["minimum"], -9_007_199_254_740_991_i64);
}
