//! The agreement check behind every row of the serde support table: serde's verdicts against
//! the JSON Schemas (through the Rust `jsonschema` crate, as the server validates) and against the
//! generated TypeScript validators (in node), the TypeScript errors being the Rust ones.
//!
//! A row names one type of the shapes contract and gives what serde writes (both validators
//! accept it), what it never writes (both refuse it), and request texts: serde's verdict on each
//! is both validators' verdict. Where the schema knowingly says less or more than serde, the row
//! lists the text with the reason (the README says it too) and the check pins that difference.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tests::keyword_errors;

/// One type of the shapes contract, and the values and texts its row is checked on.
pub struct Row {
    /// The type's schema name (its request side may be `<name>Input`).
    name: String,
    /// serde's verdict on a request text.
    read: fn(&str) -> Result<(), String>,
    written: Vec<Value>,
    not_written: Vec<Value>,
    /// Values serde writes that the schema refuses by design, with why.
    refused_writes: Vec<(Value, &'static str)>,
    texts: Vec<&'static str>,
    /// Texts serde reads that the schema refuses (serde is lenient), with why.
    lenient: Vec<(&'static str, &'static str)>,
    /// Texts serde refuses that the schema accepts (the server answers them with a 422 when
    /// serde refuses), with why.
    wider: Vec<(&'static str, &'static str)>,
}

fn read<T: DeserializeOwned>(text: &str) -> Result<(), String> {
    serde_json::from_str::<T>(text).map(drop).map_err(|e| e.to_string())
}

impl Row {
    /// The row of `T`, with values serde writes.
    pub fn of<T: Serialize + DeserializeOwned + JsonSchema>(written: &[T]) -> Self {
        Self {
            name: T::schema_name().into_owned(),
            read: read::<T>,
            written: written.iter().map(|v| serde_json::to_value(v).expect("serde writes it")).collect(),
            not_written: Vec::new(),
            refused_writes: Vec::new(),
            texts: Vec::new(),
            lenient: Vec::new(),
            wider: Vec::new(),
        }
    }

    /// Request texts; both validators must give serde's verdict.
    pub fn reads(mut self, texts: &[&'static str]) -> Self {
        self.texts.extend(texts);
        self
    }

    /// Values serde never writes; both validators must refuse them.
    pub fn never_writes(mut self, values: &[Value]) -> Self {
        self.not_written.extend(values.iter().cloned());
        self
    }

    /// A value serde writes that the schema refuses by design.
    pub fn refuses_write(mut self, value: impl Serialize, why: &'static str) -> Self {
        self.refused_writes.push((serde_json::to_value(value).expect("serde writes it"), why));
        self
    }

    /// A text serde reads that the schema refuses.
    pub fn lenient(mut self, text: &'static str, why: &'static str) -> Self {
        self.lenient.push((text, why));
        self
    }

    /// A text serde refuses that the schema accepts.
    pub fn wider(mut self, text: &'static str, why: &'static str) -> Self {
        self.wider.push((text, why));
        self
    }
}

/// One value to judge with one schema, and whether both validators must accept it.
struct Case {
    test: &'static str,
    schema: String,
    value: Value,
    accept: bool,
    what: String,
}

/// The failures of every row, by the name of its test.
fn failures() -> &'static BTreeMap<&'static str, Vec<String>> {
    static FAILURES: OnceLock<BTreeMap<&'static str, Vec<String>>> = OnceLock::new();
    FAILURES.get_or_init(|| judge(super::rows::table()))
}

/// Asserts the rows of `test`.
pub fn check(test: &str) {
    let found = &failures()[test];
    assert!(found.is_empty(), "{} disagreements:\n{}", found.len(), found.join("\n"));
}

fn judge(table: Vec<(&'static str, Vec<Row>)>) -> BTreeMap<&'static str, Vec<String>> {
    let model = codegen::lower(&super::contract()).unwrap_or_else(|e| panic!("{e}"));
    let documents = codegen::jsonschema::emit(&model, codegen::HEADER);
    let mut found: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut cases = Vec::new();
    for (test, rows) in table {
        let failures = found.entry(test).or_default();
        for row in rows {
            let response = row.name.clone();
            let input = format!("{response}Input");
            let request = if model.schemas.contains_key(&input) { input } else { response.clone() };
            if !model.schemas.contains_key(&response) {
                failures.push(format!("{response}: not a schema of the shapes contract"));
                continue;
            }
            let mut case = |schema: &str, value: Value, accept: bool, what: String| {
                cases.push(Case { test, schema: schema.to_owned(), value, accept, what });
            };
            for value in row.written {
                case(&response, value, true, "serde writes it".into());
            }
            for value in row.not_written {
                case(&response, value, false, "serde never writes it".into());
            }
            for (value, why) in row.refused_writes {
                case(&response, value, false, format!("serde writes it, the schema refuses it: {why}"));
            }
            let parse = |text: &str| serde_json::from_str::<Value>(text).expect("request texts are JSON");
            for text in row.texts {
                let verdict = (row.read)(text);
                case(&request, parse(text), verdict.is_ok(), format!("serde says {verdict:?}"));
            }
            for (text, why) in row.lenient {
                match (row.read)(text) {
                    Ok(()) => case(&request, parse(text), false, format!("serde reads it, the schema refuses: {why}")),
                    Err(e) => {
                        failures.push(format!("{request}: {text} is listed as lenient but serde refuses it: {e}"))
                    }
                }
            }
            for (text, why) in row.wider {
                match (row.read)(text) {
                    Err(_) => case(&request, parse(text), true, format!("serde refuses it, the schema accepts: {why}")),
                    Ok(()) => failures.push(format!("{request}: {text} is listed as wider but serde reads it")),
                }
            }
        }
    }

    let validators: BTreeMap<&str, jsonschema::Validator> = cases
        .iter()
        .map(|c| c.schema.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|name| (name, tests::validator(&documents[name])))
        .collect();
    let dir = tests::typescript::TempDir::new("shapes-package");
    let files = codegen::emit(&model, &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"));
    tests::typescript::write_package(&files, dir.path());
    let typed: Vec<(String, Value)> = cases.iter().map(|c| (c.schema.clone(), c.value.clone())).collect();
    let (typescript, zod) = tests::typescript::verdicts_with_zod(dir.path(), &typed);
    assert_eq!(zod.len(), cases.len(), "a verdict of the package's zod.ts per case");
    for ((case, ts), zod) in cases.iter().zip(typescript).zip(zod) {
        let rust = keyword_errors(&validators[case.schema.as_str()], &case.value);
        let mut say = |party: &str, errors: &BTreeSet<(String, String)>| {
            found.entry(case.test).or_default().push(format!(
                "{}: {} ({}): {party} {} it {errors:?}",
                case.schema,
                case.value,
                case.what,
                if errors.is_empty() { "accepts" } else { "refuses" }
            ));
        };
        if rust.is_empty() != case.accept {
            say("the JSON Schema", &rust);
        }
        if zod != case.accept {
            say("the Zod schema (zod.ts)", &BTreeSet::from([("(safeParse)".to_owned(), format!("success: {zod}"))]));
        }
        if ts.is_empty() != case.accept {
            say("the TypeScript validator", &ts);
        } else if ts != rust {
            say("the TypeScript validator (errors unlike the Rust ones)", &ts);
        }
    }
    found
}
