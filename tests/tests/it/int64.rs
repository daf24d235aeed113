//! 64-bit integers as strings (`contract::U64String`, `contract::I64String`) on the fixture's
//! `Todo`: values beyond 2^53 travel exactly through serde, are accepted by the committed JSON
//! Schema (the Rust `jsonschema` crate, as the server validates) and by the generated TypeScript
//! validators (`tests/typescript/agreement.mjs`); every text serde refuses is refused by both, with
//! the same `(path, keyword)` pairs. The fixture's `TodoZod` (`zod.ts`) gives the same verdicts.

use std::collections::BTreeSet;

use contract::{I64String, U64String};
use fixture::{Priority, Todo};
use serde_json::{Value, json};
use tests::{keyword_errors, project_root, read_json};

fn todo(sync_id: u64, changed_ns: i64) -> Todo {
    Todo {
        id: 1,
        title: "Sync".into(),
        done_at: None,
        note: None,
        priority: Priority::High,
        parent: None,
        sync_id: U64String(sync_id),
        changed_ns: I64String(changed_ns),
        window: None,
    }
}

#[test]
fn values_beyond_2_53_travel_exactly_and_every_refusal_agrees() {
    let validator =
        tests::validator(&read_json(&project_root().join("codegen/fixture/generated/jsonschema/Todo.json")));
    let rust = |value: &Value| keyword_errors(&validator, value);

    // What serde writes, at and around every bound.
    let mut written = Vec::new();
    for (sync_id, changed_ns) in [
        (0, 0),
        ((1 << 53) + 1, -(1 << 53) - 1),
        (u64::MAX, i64::MIN),
        (u64::MAX - 1, i64::MAX),
        (10_000_000_000_000_000_000, -1),
    ] {
        let todo = todo(sync_id, changed_ns);
        let text = serde_json::to_string(&todo).expect("serializes");
        assert!(text.contains(&format!("\"sync_id\":\"{sync_id}\"")), "written as a string: {text}");
        assert!(text.contains(&format!("\"changed_ns\":\"{changed_ns}\"")), "written as a string: {text}");
        let back: Todo = serde_json::from_str(&text).expect("reads back");
        assert_eq!((back.sync_id.0, back.changed_ns.0), (sync_id, changed_ns), "exactly, beyond 2^53");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(rust(&value), BTreeSet::new(), "the JSON Schema accepts what serde writes: {value}");
        written.push(value);
    }

    // What serde refuses, one field at a time.
    let base = written[0].clone();
    let mut refused = Vec::new();
    for (field, text) in [
        ("sync_id", json!(9_007_199_254_740_993_u64)),
        ("sync_id", json!("18446744073709551616")),
        ("sync_id", json!("-1")),
        ("sync_id", json!("+1")),
        ("sync_id", json!("007")),
        ("sync_id", json!("")),
        ("sync_id", json!(" 1")),
        ("sync_id", json!("1e3")),
        ("changed_ns", json!("-0")),
        ("changed_ns", json!("9223372036854775808")),
        ("changed_ns", json!("-9223372036854775809")),
        ("changed_ns", json!(-5)),
        ("changed_ns", json!(null)),
    ] {
        let mut value = base.clone();
        value[field] = text.clone();
        assert!(serde_json::from_value::<Todo>(value.clone()).is_err(), "serde refuses {field}: {text}");
        let errors = rust(&value);
        assert!(!errors.is_empty(), "the JSON Schema refuses {field}: {text}");
        assert!(errors.iter().all(|(path, _)| *path == format!("/{field}")), "{errors:?}");
        refused.push((value, errors));
    }

    let mut values = written.clone();
    values.extend(refused.iter().map(|(value, _)| value.clone()));
    let cases: Vec<(String, Value)> = values.into_iter().map(|value| ("Todo".to_owned(), value)).collect();
    let (verdicts, zod) =
        tests::typescript::verdicts_with_zod(&project_root().join("codegen/fixture/generated/typescript"), &cases);
    for ((value, verdict), zod) in written.iter().zip(&verdicts).zip(&zod) {
        assert_eq!(verdict, &BTreeSet::new(), "TypeScript accepts what serde writes: {value}");
        assert!(zod, "TodoZod accepts what serde writes: {value}");
    }
    for (((value, errors), verdict), zod) in refused.iter().zip(&verdicts[written.len()..]).zip(&zod[written.len()..]) {
        assert_eq!(verdict, errors, "TypeScript refuses as Rust does: {value}");
        assert!(!zod, "TodoZod refuses as Rust does: {value}");
    }
    assert_eq!(zod.len(), cases.len(), "a Zod verdict per case");
}
