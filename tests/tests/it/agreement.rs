//! Agreement across languages: for every type of the reference contract, values that serde writes
//! pass both the Rust `jsonschema` validator (what the server uses) and the generated TypeScript
//! validators; mutated values are rejected by both with the same set of `(path, keyword)`.
//!
//! Values are generated from the type's schema, then round-tripped through serde with the Rust
//! type itself (deserialize, serialize), so what is checked is what serde really puts on the wire.
//! The package's Zod schemas (`zod.ts`) are held to the same verdicts: `XZod.safeParse(value)`
//! succeeds exactly when the Rust validator accepts the value.
//! Request-only types are checked as serde reads them: the generated value, once serde accepts it.
//! The TypeScript side runs in node (`tests/typescript/agreement.mjs`), with the TypeScript
//! compiler from `tests/node_modules` (installed by `cargo xtask test`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use tests::{keyword_errors, project_root, read_json};

const VALUES_PER_TYPE: usize = 1000;
const MUTANTS_PER_TYPE: usize = 300;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo) as u64 + 1) as i64 }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Round-trips a JSON value through the Rust type named `name`: what serde reads, then writes.
fn roundtrip(name: &str, value: Value) -> Option<Result<Value, String>> {
    use schemas::{admin::*, auth::*, billing::*, common::*, generation::*, meta::*, projects::*};
    macro_rules! table {
        ($($name:literal => $ty:ty,)*) => {
            match name {
                $($name => Some(serde_json::from_value::<$ty>(value).map_err(|e| e.to_string()).and_then(|v| serde_json::to_value(&v).map_err(|e| e.to_string()))),)*
                _ => None,
            }
        };
    }
    table! {
        "AdminStats" => AdminStats, "AdminUserUpdate" => AdminUserUpdate, "AgentRole" => AgentRole,
        "AgenticRequest" => AgenticRequest, "ApiRoot" => ApiRoot, "BackendFramework" => BackendFramework,
        "BillingInterval" => BillingInterval, "CheckoutSession" => CheckoutSession,
        "CheckoutSessionCreate" => CheckoutSessionCreate, "DatabaseKind" => DatabaseKind, "FieldError" => FieldError,
        "FileName" => FileName, "FileUpsert" => FileUpsert, "FrontendFramework" => FrontendFramework,
        "FullStackRequest" => FullStackRequest, "GeneratedFile" => GeneratedFile, "GenerationJob" => GenerationJob,
        "GenerationJobPage" => Page<GenerationJob>,
        "GenerationKind" => GenerationKind, "GenerationResult" => GenerationResult, "Health" => Health,
        "HealthStatus" => HealthStatus, "Invoice" => Invoice, "InvoiceList" => InvoiceList,
        "InvoiceStatus" => InvoiceStatus, "JobStatus" => JobStatus, "ModelInfo" => ModelInfo, "ModelList" => ModelList,
        "JobEvent" => JobEvent,
        "OAuthAuthorizeResponse" => OAuthAuthorizeResponse, "OAuthCallback" => OAuthCallback,
        "OAuthProvider" => OAuthProvider, "OpenApiDocument" => OpenApiDocument, "Password" => Password,
        "PasswordReset" => PasswordReset, "PasswordResetRequest" => PasswordResetRequest, "PlanId" => PlanId,
        "PortalSession" => PortalSession, "PortalSessionCreate" => PortalSessionCreate, "Problem" => Problem,
        "Project" => Project, "ProjectCreate" => ProjectCreate, "ProjectFile" => ProjectFile,
        "ProjectFileSummary" => ProjectFileSummary, "ProjectPage" => Page<Project>, "ProjectUpdate" => ProjectUpdate,
        "RefreshRequest" => RefreshRequest, "Role" => Role, "SimpleGenerationRequest" => SimpleGenerationRequest,
        "Subscription" => Subscription, "SubscriptionPlan" => SubscriptionPlan,
        "SubscriptionStatus" => SubscriptionStatus, "TokenResponse" => TokenResponse, "TokenType" => TokenType,
        "TokenUsage" => TokenUsage, "UserCreate" => UserCreate, "UserLogin" => UserLogin,
        "UserResponse" => UserResponse, "UserResponsePage" => Page<UserResponse>, "UserUpdate" => UserUpdate,
        "WebhookAck" => WebhookAck, "WebhookEvent" => WebhookEvent, "WebhookEventData" => WebhookEventData,
        "WebhookOutcome" => WebhookOutcome,
    }
}

struct Generator<'a> {
    schemas: &'a BTreeMap<String, Value>,
    rng: Rng,
    /// Validators of string subschemas, by their JSON text (for rejection sampling).
    strings: BTreeMap<String, jsonschema::Validator>,
}

impl Generator<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(name) => self.resolve(&self.schemas[name]),
            None => schema,
        }
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema).clone();
        let Some(object) = schema.as_object() else { return json!("anything") };
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                let branch = self.rng.pick(branches).clone();
                return self.value(&branch, depth + 1);
            }
        }
        if let Some(value) = object.get("const") {
            return value.clone();
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            return self.rng.pick(values).clone();
        }
        let types: Vec<String> = match object.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ if object.contains_key("properties") => vec!["object".into()],
            _ => return json!(format!("free text {}", self.rng.below(100))),
        };
        let t = if types.len() > 1 && types.contains(&"null".to_owned()) && self.rng.chance(30) {
            "null".to_owned()
        } else {
            types.iter().find(|t| *t != "null").cloned().unwrap_or_else(|| "null".into())
        };
        match t.as_str() {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.chance(50)),
            "integer" => {
                let lo = object.get("minimum").and_then(Value::as_i64).unwrap_or(-1_000_000);
                let hi = object.get("maximum").and_then(Value::as_i64).unwrap_or(1_000_000);
                let value = match self.rng.below(4) {
                    0 => lo,
                    1 => hi,
                    _ => self.rng.range(lo, hi.min(lo.saturating_add(10_000))),
                };
                json!(value)
            }
            "number" => json!(self.rng.range(-100_000, 100_000) as f64 / 8.0),
            "string" => self.string(&schema),
            "array" => {
                let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = object.get("maxItems").and_then(Value::as_u64).unwrap_or(min + 3).min(min + 3);
                let count = self.rng.range(min as i64, max as i64) as usize;
                let items = object.get("items").cloned().unwrap_or(json!({}));
                let mut out: Vec<Value> = Vec::new();
                let mut tries = 0;
                while out.len() < count && tries < 50 {
                    tries += 1;
                    let item = if depth > 6 { json!(null) } else { self.value(&items, depth + 1) };
                    if object.get("uniqueItems") == Some(&Value::Bool(true)) && out.contains(&item) {
                        continue;
                    }
                    out.push(item);
                }
                Value::Array(out)
            }
            _ => {
                let mut out = Map::new();
                let required: Vec<&str> = object
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (name, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    if required.contains(&name.as_str()) || self.rng.chance(60) {
                        let value = self.value(property, depth + 1);
                        out.insert(name.clone(), value);
                    }
                }
                match object.get("additionalProperties") {
                    Some(Value::Object(additional)) => {
                        for i in 0..self.rng.below(3) {
                            let value = self.value(&Value::Object(additional.clone()), depth + 1);
                            out.insert(format!("key{i}"), value);
                        }
                    }
                    Some(Value::Bool(true)) if !object.contains_key("properties") => {
                        for i in 0..self.rng.below(3) {
                            out.insert(format!("field{i}"), json!(i));
                        }
                    }
                    _ => {}
                }
                if let Some(min) = object.get("minProperties").and_then(Value::as_u64) {
                    for (name, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
                        if out.len() as u64 >= min {
                            break;
                        }
                        let value = self.value(property, depth + 1);
                        out.insert(name.clone(), value);
                    }
                }
                Value::Object(out)
            }
        }
    }

    fn string(&mut self, schema: &Value) -> Value {
        let key = schema.to_string();
        if !self.strings.contains_key(&key) {
            let validator =
                jsonschema::options().should_validate_formats(true).build(schema).expect("string schema compiles");
            self.strings.insert(key.clone(), validator);
        }
        for _ in 0..500 {
            let candidate = self.string_candidate(schema);
            if self.strings[&key].is_valid(&candidate) {
                return candidate;
            }
        }
        panic!("could not generate a string for {schema}");
    }

    fn string_candidate(&mut self, schema: &Value) -> Value {
        let n = self.rng.below(1_000_000);
        if let Some(format) = schema.get("format").and_then(Value::as_str) {
            let text = match format {
                "email" => format!("user{n}@example{}.com", n % 7),
                "uri" => format!("https://example.com/{}/item-{n}?q={}", self.rng.below(9), self.rng.below(99)),
                "uuid" => format!(
                    "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                    self.rng.next() as u32,
                    self.rng.below(0x10000),
                    self.rng.below(0x1000),
                    self.rng.below(0x1000),
                    self.rng.next() & 0xFFFF_FFFF_FFFF
                ),
                "date-time" => format!(
                    "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                    self.rng.range(0, 99),
                    self.rng.range(1, 12),
                    self.rng.range(1, 28),
                    self.rng.range(0, 23),
                    self.rng.range(0, 59),
                    self.rng.range(0, 59)
                ),
                "uri-reference" => format!("https://devora.dev/problems/{n}"),
                _ => format!("value-{n}"),
            };
            return json!(text);
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as i64;
        let max = schema.get("maxLength").and_then(Value::as_u64).unwrap_or(40).min(40) as i64;
        let max = max.max(min);
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
            && pattern.starts_with('^')
            && pattern.ends_with('$')
        {
            return json!(self.string_matching(&pattern[1..pattern.len() - 1], min as usize, max as usize));
        }
        let length = self.rng.range(min, max) as usize;
        const ALPHABET: &[char] = &['a', 'b', 'Z', 'Q', '3', '7', 'é', ' ', '-', '_', 'ß', '😀', 'k', 'M', '0'];
        json!((0..length).map(|_| *self.rng.pick(ALPHABET)).collect::<String>())
    }

    /// A string matching a regular expression of atoms (literals, escapes, classes) with quantifiers.
    fn string_matching(&mut self, pattern: &str, min: usize, max: usize) -> String {
        let chars: Vec<char> = pattern.chars().collect();
        let mut atoms: Vec<(Vec<char>, bool, usize, usize)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (set, negated) = if chars[i] == '[' {
                let mut j = i + 1;
                let negated = chars.get(j) == Some(&'^');
                if negated {
                    j += 1;
                }
                let mut set = Vec::new();
                while j < chars.len() && chars[j] != ']' {
                    let c = if chars[j] == '\\' {
                        j += 1;
                        match chars[j] {
                            'x' => {
                                let code = u32::from_str_radix(&chars[j + 1..j + 3].iter().collect::<String>(), 16)
                                    .expect("hex escape");
                                j += 2;
                                char::from_u32(code).expect("char")
                            }
                            other => other,
                        }
                    } else {
                        chars[j]
                    };
                    if chars.get(j + 1) == Some(&'-') && chars.get(j + 2).is_some_and(|c| *c != ']') {
                        let mut end = chars[j + 2];
                        j += 2;
                        if end == '\\' {
                            j += 1;
                            end = if chars[j] == 'x' {
                                let code = u32::from_str_radix(&chars[j + 1..j + 3].iter().collect::<String>(), 16)
                                    .expect("hex escape");
                                j += 2;
                                char::from_u32(code).expect("char")
                            } else {
                                chars[j]
                            };
                        }
                        set.extend((c as u32..=end as u32).filter_map(char::from_u32));
                    } else {
                        set.push(c);
                    }
                    j += 1;
                }
                i = j + 1;
                (set, negated)
            } else if chars[i] == '\\' {
                i += 2;
                (vec![chars[i - 1]], false)
            } else {
                i += 1;
                (vec![chars[i - 1]], false)
            };
            let (lo, hi) = match chars.get(i) {
                Some('+') => {
                    i += 1;
                    (1, 8)
                }
                Some('*') => {
                    i += 1;
                    (0, 8)
                }
                Some('?') => {
                    i += 1;
                    (0, 1)
                }
                Some('{') => {
                    let end = chars[i..].iter().position(|c| *c == '}').expect("closing brace") + i;
                    let inner: String = chars[i + 1..end].iter().collect();
                    i = end + 1;
                    let (a, b) = inner.split_once(',').map_or((inner.as_str(), inner.as_str()), |(a, b)| (a, b));
                    (a.parse().unwrap_or(0), b.parse().unwrap_or(8))
                }
                _ => (1, 1),
            };
            atoms.push((set, negated, lo, hi));
        }
        let mut out = String::new();
        for (set, negated, lo, hi) in &atoms {
            let count = self.rng.range(*lo as i64, *hi as i64) as usize;
            for _ in 0..count {
                let c = if *negated {
                    let pool = ['a', 'Z', '9', '.', ' ', 'é', '😀', '_', '-', 'q'];
                    let allowed: Vec<char> = pool.iter().copied().filter(|c| !set.contains(c)).collect();
                    *self.rng.pick(&allowed)
                } else {
                    *self.rng.pick(set)
                };
                out.push(c);
            }
        }
        let _ = (min, max);
        out
    }
}

/// One place in a value where a mutation can apply, with the schema in force there.
fn sites(generator: &Generator<'_>, schema: &Value, value: &Value, pointer: String, out: &mut Vec<(String, Value)>) {
    let schema = generator.resolve(schema).clone();
    out.push((pointer.clone(), schema.clone()));
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(keyword) {
            // Descend through the branch that accepts the value (the non-null one for `Option`).
            if let Some(branch) =
                branches.iter().find(|b| !b.get("type").is_some_and(|t| t == "null") && !value.is_null())
                && branches.len() == 2
            {
                sites(generator, branch, value, pointer.clone(), out);
            }
        }
    }
    match value {
        Value::Object(map) => {
            for (name, item) in map {
                if let Some(property) =
                    schema.pointer(&format!("/properties/{}", name.replace('~', "~0").replace('/', "~1")))
                {
                    sites(
                        generator,
                        property,
                        item,
                        format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (index, item) in items.iter().enumerate() {
                    sites(generator, item_schema, item, format!("{pointer}/{index}"), out);
                }
            }
        }
        _ => {}
    }
}

/// A mutation of the value at `pointer` that its schema forbids, if one applies.
fn mutate(rng: &mut Rng, value: &Value, pointer: &str, schema: &Value) -> Option<Value> {
    let mut mutant = value.clone();
    let target = mutant.pointer_mut(pointer)?;
    let object = schema.as_object()?;
    let mut options: Vec<Value> = Vec::new();
    if let Value::Object(map) = target {
        if let Some(Value::Array(required)) = object.get("required")
            && let Some(name) = required.iter().filter_map(Value::as_str).find(|n| map.contains_key(*n))
        {
            let mut smaller = map.clone();
            smaller.remove(name);
            options.push(Value::Object(smaller));
        }
        if object.get("additionalProperties") == Some(&Value::Bool(false)) {
            let mut larger = map.clone();
            larger.insert("unexpected_field".into(), json!(1));
            options.push(Value::Object(larger));
        }
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        options.push(if types.contains(&"string") { json!(12345) } else { json!("wrong type") });
    }
    if object.get("enum").is_some() || object.get("const").is_some() {
        options.push(json!("not-a-valid-value"));
    }
    if let Some(max) = object.get("maxLength").and_then(Value::as_u64) {
        options.push(json!("a".repeat(max as usize + 1)));
    }
    if let Some(min) = object.get("minLength").and_then(Value::as_u64).filter(|m| *m > 0) {
        options.push(json!("b".repeat(min as usize - 1)));
    }
    if object.get("format").is_some() {
        options.push(json!("not a valid value"));
    }
    if object.get("pattern").is_some() || object.get("allOf").is_some() {
        options.push(json!("!!!"));
    }
    if let Some(max) = object.get("maximum").and_then(Value::as_i64) {
        options.push(json!(max + 1));
    }
    if let Some(min) = object.get("minimum").and_then(Value::as_i64) {
        options.push(json!(min - 1));
    }
    if let (Some(max), Value::Array(items)) = (object.get("maxItems").and_then(Value::as_u64), &*target)
        && let Some(first) = items.first()
    {
        let mut longer = items.clone();
        while longer.len() as u64 <= max {
            longer.push(first.clone());
        }
        options.push(Value::Array(longer));
    }
    if options.is_empty() {
        return None;
    }
    *target = rng.pick(&options).clone();
    Some(mutant)
}

#[test]
fn rust_and_typescript_validators_agree_on_serde_output_and_on_mutants() {
    let root = project_root();

    let model = codegen::lower(&schemas::contract()).unwrap_or_else(|e| panic!("{e}"));
    let schemas: BTreeMap<String, Value> = model.schemas.iter().map(|(k, v)| (k.clone(), v.schema.clone())).collect();
    let mut generator = Generator { schemas: &schemas, rng: Rng(0x9E37_79B9_7F4A_7C15), strings: BTreeMap::new() };

    let mut cases: Vec<(String, Value)> = Vec::new();
    let mut expected: Vec<Option<BTreeSet<(String, String)>>> = Vec::new();
    let mut per_type: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for name in schemas.keys() {
        let validator = tests::validator(&read_json(&root.join(format!("generated/jsonschema/{name}.json"))));
        let root_schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut accepted = 0;
        let mut rejected_by_serde = 0;
        let mut mutants = 0;
        let mut attempts = 0;
        while accepted < VALUES_PER_TYPE {
            attempts += 1;
            assert!(attempts < VALUES_PER_TYPE * 20, "{name}: serde rejects too many generated values");
            let raw = generator.value(&root_schema, 0);
            // A response type is checked as serde writes it; a request-only type as serde reads it
            // (the raw value, once serde has accepted it): the contract describes each direction.
            let written = match roundtrip(name, raw.clone()) {
                None => panic!("no Rust type for schema {name}: add it to the table"),
                Some(Err(_)) => {
                    rejected_by_serde += 1;
                    continue;
                }
                Some(Ok(written)) if model.schemas[name].in_response => written,
                Some(Ok(_)) => raw,
            };
            let errors = keyword_errors(&validator, &written);
            assert!(errors.is_empty(), "{name}: the Rust validator rejects what serde wrote: {written}\n{errors:?}");
            if mutants < MUTANTS_PER_TYPE {
                let mut places = Vec::new();
                sites(&generator, &root_schema, &written, String::new(), &mut places);
                let (pointer, schema) = generator.rng.pick(&places).clone();
                if let Some(mutant) = mutate(&mut generator.rng, &written, &pointer, &schema) {
                    let errors = keyword_errors(&validator, &mutant);
                    if !errors.is_empty() {
                        cases.push((name.clone(), mutant));
                        expected.push(Some(errors));
                        mutants += 1;
                    }
                }
            }
            cases.push((name.clone(), written));
            expected.push(None);
            accepted += 1;
        }
        per_type.insert(name.clone(), (accepted, mutants, rejected_by_serde));
    }

    let (results, zod) = tests::typescript::verdicts_with_zod(&root.join("generated/typescript"), &cases);
    assert_eq!(zod.len(), cases.len(), "the package's zod.ts gave no verdicts");

    let mut disagreements = Vec::new();
    let mut valid_total = 0;
    let mut mutant_total = 0;
    // Zod (`zod.ts`) gives a verdict only: it must be the Rust validator's accept or reject.
    let mut zod_disagreements = Vec::new();
    for (((name, value), want), accepted) in cases.iter().zip(&expected).zip(&zod) {
        if *accepted != want.is_none() {
            let rust = if want.is_none() { "accepts" } else { "rejects" };
            zod_disagreements.push(format!("{name}: Rust {rust}, {name}Zod does not: {value}"));
        }
    }
    for (((name, value), want), got) in cases.iter().zip(&expected).zip(&results) {
        match want {
            None => {
                valid_total += 1;
                if !got.is_empty() {
                    disagreements.push(format!("{name}: TypeScript rejects what serde wrote: {value} {got:?}"));
                }
            }
            Some(want) => {
                mutant_total += 1;
                if got != want {
                    disagreements.push(format!("{name}: {value}\n    rust: {want:?}\n    ts:   {got:?}"));
                }
            }
        }
    }
    println!("{:<26} {:>7} {:>8} {:>14}", "type", "valid", "mutants", "serde refused");
    for (name, (valid, mutants, refused)) in &per_type {
        println!("{name:<26} {valid:>7} {mutants:>8} {refused:>14}");
    }
    println!("agreement: {valid_total} valid values and {mutant_total} mutants, {} disagreements", disagreements.len());
    println!(
        "zod agreement: {valid_total} valid values and {mutant_total} mutants, {} disagreements",
        zod_disagreements.len()
    );
    assert!(
        zod_disagreements.is_empty(),
        "{} Zod disagreements:\n{}",
        zod_disagreements.len(),
        zod_disagreements.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Links (`schemas::common::WebUrl`, issue 10, item 9): serde (the url crate's WHATWG parsing),
/// the Rust validator and the TypeScript validators on `ProjectCreate.github_repo_url`. Hosts that
/// end in a number are IPv4 addresses to WHATWG; the schema accepts the valid ones in dotted
/// decimal and refuses the rest, as serde does. The differences left are pinned with their reason.
#[test]
fn links_get_serdes_verdict_from_both_validators() {
    use schemas::projects::ProjectCreate;
    /// serde reads them and the schema accepts them.
    const AGREED: &[&str] = &[
        "https://github.com/devora/landing",
        "http://192.0.2.7:8080/repo",
        "http://255.255.255.255/",
        "http://[2001:db8::1]:443/",
        "http://999.example.com/",
        "http://example.0xg/",
        "http://example.com:65535/",
    ];
    /// Both refuse them.
    const REFUSED: &[&str] = &[
        "http://999.999.999.999/",
        "http://1.2.3.256/",
        "http://256.1.1.1/",
        "http://1.2.3.4.5/",
        "http://09.1.1.1/",
        "http://0x7g.1/",
        "http://4294967296/",
        "http://example.123/",
        "http://example.0x1f/",
        "http://example.com:65536/",
        "http://[:::1]/",
        "http://[1.2.3.4]/",
        "javascript:alert(1)",
        "https://user:pw@example.com/",
    ];
    /// serde reads them, the schema refuses them: one spelling of an IPv4 address is enough for a
    /// link, and hosts with percent-encoding or empty labels are no links to render.
    const LENIENT: &[&str] = &[
        "http://0x7f.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://017.0.0.1/",
        "http://1.2.3.4./",
        "http://%31.2.3.4/",
        "http://a..b/",
    ];
    /// The schema accepts them, serde refuses them (the server answers `422` at the field, keyword
    /// `format`): a regex does not decode Punycode.
    const WIDER: &[&str] = &["http://xn--zz.example/"];

    let root = project_root();
    let validator = tests::validator(&read_json(&root.join("generated/jsonschema/ProjectCreate.json")));
    let groups = [(AGREED, true, true), (REFUSED, false, false), (LENIENT, true, false), (WIDER, false, true)];
    let mut cases = Vec::new();
    let mut wanted = Vec::new();
    for (texts, serde_reads, schema_accepts) in groups {
        for text in texts {
            let body = json!({"name": "Landing", "github_repo_url": text});
            let serde = serde_json::from_value::<ProjectCreate>(body.clone());
            assert_eq!(serde.is_ok(), serde_reads, "serde on {text}: {serde:?}");
            let rust = keyword_errors(&validator, &body);
            assert_eq!(rust.is_empty(), schema_accepts, "the JSON Schema on {text}: {rust:?}");
            cases.push(("ProjectCreate".to_owned(), body));
            wanted.push(rust);
        }
    }
    let typescript = tests::typescript::verdicts(&root.join("generated/typescript"), &cases);
    for (((_, body), rust), ts) in cases.iter().zip(&wanted).zip(&typescript) {
        assert_eq!(ts, rust, "the TypeScript validator and the Rust one on {}", body["github_repo_url"]);
    }
}
