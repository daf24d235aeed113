//! A second, small contract declared here, using the serde features a real API uses. Its documents
//! must be valid, and its schemas must accept exactly what serde writes (responses) and reads
//! (requests).

use std::collections::BTreeMap;

use contract::{Contract, Info, RateLimit, op};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tests::{errors, oas31_validator, validator};

/// An account, written by the server.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Account {
    account_id: uuid::Uuid,
    display_name: String,
    /// Left out when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
    /// Written as `null` when unset; recursive.
    manager: Option<Box<Account>>,
    #[serde(flatten)]
    audit: Audit,
    settings: BTreeMap<String, Setting>,
    balance: Cents,
    kind: AccountKind,
    contacts: Vec<Contact>,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Audit {
    created_by: String,
    revision: u64,
}

/// Money in cents.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
struct Cents(i64);

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Setting {
    Toggle { enabled: bool },
    Limit { max: u32, unit: Option<String> },
    Label(LabelSetting),
    Off,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct LabelSetting {
    text: String,
}

/// Documented variants: schemars writes a `oneOf` of constants, which is still a query parameter.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum AccountKind {
    /// One person.
    Personal,
    /// A company of fewer than 50.
    SmallBusiness,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
enum Contact {
    Email { email: String },
    Phone(String),
}

/// Adjacently tagged events.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "t", content = "c")]
enum Event {
    Created(Box<Account>),
    Renamed {
        from: String,
        to: String,
    },
    /// A tuple variant: `c` is a two-item array.
    Moved(String, u32),
    Closed,
}

/// A generic type used with two arguments: `AccountPage` and `EventPage`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct Page<T> {
    items: Vec<T>,
    /// A tuple field: (offset, total).
    window: (u32, u32),
}

/// A tuple struct.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct Point(i32, i32);

/// Externally tagged, with a tuple variant.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
enum Shape {
    Line(Point, Point),
    Dot(Point),
}

/// A summary of the accounts: generic pages of two types, tuples of three kinds.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct Overview {
    accounts: Page<Account>,
    events: Page<Event>,
    shapes: Vec<Shape>,
    pair: (String, bool),
}

/// A new account, read by the server.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AccountCreate {
    #[schemars(length(min = 1, max = 50))]
    display_name: String,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default = "default_kind")]
    kind: AccountKind,
    #[serde(default)]
    settings: BTreeMap<String, Setting>,
}

fn default_kind() -> AccountKind {
    AccountKind::Personal
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct AccountPath {
    account_id: uuid::Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct EventQuery {
    #[serde(default)]
    kinds: Vec<AccountKind>,
    limit: Option<u16>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct Oops {
    title: String,
    status: u16,
}

fn contract() -> Contract {
    Contract::new(Info::new("Accounts", "0.3.0"))
        .problem::<Oops>()
        .tag("accounts", "Accounts.")
        .operation(
            op! {
                /// Create an account.
                post "/accounts" => create_account
            }
            .tag("accounts")
            .body::<AccountCreate>()
            .response::<Account>(201, "Created.")
            .rate_limit(RateLimit::per_minute(10)),
        )
        .operation(
            op! {
                /// Events of an account.
                get "/accounts/{account_id}/events" => list_events
            }
            .tag("accounts")
            .path::<AccountPath>()
            .query::<EventQuery>()
            .response::<Vec<Event>>(200, "Events.")
            .bearer()
            .etag(),
        )
        .operation(
            op! {
                /// An overview.
                get "/overview" => overview
            }
            .tag("accounts")
            .response::<Overview>(200, "The overview."),
        )
}

struct Documents {
    openapi31: Value,
    openapi30: String,
    schemas: BTreeMap<String, Value>,
}

fn documents() -> Documents {
    let files = codegen::generate(&contract(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"));
    let model = codegen::lower(&contract()).unwrap_or_else(|e| panic!("{e}"));
    Documents {
        openapi31: serde_yaml::from_str(&files["openapi.yaml"]).expect("YAML"),
        openapi30: files["generated/openapi-3.0.json"].clone(),
        schemas: codegen::jsonschema::emit(&model, codegen::HEADER),
    }
}

fn account(i: usize) -> Account {
    let mut settings = BTreeMap::new();
    settings.insert("beta".to_owned(), Setting::Toggle { enabled: i.is_multiple_of(2) });
    settings.insert(
        "quota".to_owned(),
        Setting::Limit { max: i as u32, unit: i.is_multiple_of(3).then(|| "GB".to_owned()) },
    );
    settings.insert("badge".to_owned(), Setting::Label(LabelSetting { text: format!("#{i}") }));
    settings.insert("legacy".to_owned(), Setting::Off);
    Account {
        account_id: uuid::Uuid::from_u128(i as u128 + 1),
        display_name: format!("Account {i}"),
        nickname: (i % 2 == 1).then(|| format!("n{i}")),
        manager: (i.is_multiple_of(4) && i > 0).then(|| Box::new(account(i - 1))),
        audit: Audit { created_by: "test".into(), revision: i as u64 },
        settings,
        balance: Cents(-(i as i64) * 1000),
        kind: if i.is_multiple_of(2) { AccountKind::Personal } else { AccountKind::SmallBusiness },
        contacts: vec![Contact::Email { email: format!("a{i}@example.com") }, Contact::Phone(format!("+33 6 {i:08}"))],
        created_at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0).expect("valid time"),
    }
}

#[test]
fn documents_are_valid() {
    let docs = documents();
    let problems = errors(&oas31_validator(), &docs.openapi31);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let spec: openapiv3::OpenAPI = serde_json::from_str(&docs.openapi30).expect("openapiv3 parses");
    progenitor::Generator::default().generate_tokens(&spec).expect("progenitor accepts it");
    // Parameters come from the struct fields, the `Option` stripped of `null`.
    let parameters = &docs.openapi31["paths"]["/accounts/{account_id}/events"]["get"]["parameters"];
    let names: Vec<&str> =
        parameters.as_array().expect("parameters").iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["account_id", "kinds", "limit", "If-None-Match"]);
    assert_eq!(parameters[2]["schema"]["type"], "integer");
}

#[test]
fn schemas_accept_what_serde_writes() {
    let docs = documents();
    let account_schema = validator(&docs.schemas["Account"]);
    for i in 0..40 {
        let value = serde_json::to_value(account(i)).expect("serializes");
        let problems = errors(&account_schema, &value);
        assert!(problems.is_empty(), "Account #{i} {value:#}\n{}", problems.join("\n"));
    }
    let event_schema = validator(&docs.schemas["Event"]);
    let events =
        [Event::Created(Box::new(account(4))), Event::Renamed { from: "a".into(), to: "b".into() }, Event::Closed];
    for event in events {
        let value = serde_json::to_value(&event).expect("serializes");
        assert!(errors(&event_schema, &value).is_empty(), "{value:#}");
    }
}

fn overview() -> Overview {
    let events =
        vec![Event::Moved("here".into(), 3), Event::Renamed { from: "a".into(), to: "b".into() }, Event::Closed];
    Overview {
        accounts: Page { items: (0..3).map(account).collect(), window: (0, 3) },
        events: Page { items: events, window: (10, 13) },
        shapes: vec![Shape::Line(Point(0, 0), Point(-1, 5)), Shape::Dot(Point(2, 2))],
        pair: ("x".into(), true),
    }
}

/// Tuples (fields, tuple structs, tuple variants externally and adjacently tagged) are exact-length
/// `prefixItems` closed by `items: false` in 3.1, arrays of the items' union with `minItems` =
/// `maxItems` in 3.0; a generic type used with two arguments gets one readable name per use.
#[test]
fn tuples_and_generic_types_are_exact() {
    let docs = documents();
    let schemas = &docs.openapi31["components"]["schemas"];
    for name in ["AccountPage", "EventPage", "Point", "Shape", "Overview"] {
        assert!(
            schemas.get(name).is_some(),
            "{name} in {:?}",
            schemas.as_object().map(|o| o.keys().collect::<Vec<_>>())
        );
    }
    assert!(schemas.get("Page").is_none() && schemas.get("Page2").is_none());
    assert_eq!(schemas["Overview"]["properties"]["accounts"]["$ref"], "#/components/schemas/AccountPage");
    assert_eq!(schemas["Point"]["items"], false);
    assert_eq!(schemas["Point"]["minItems"], 2);
    let v30: Value = serde_json::from_str(&docs.openapi30).expect("JSON");
    let point30 = &v30["components"]["schemas"]["Point"];
    assert_eq!(
        point30["items"],
        json!({"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX}),
        "{point30}"
    );
    assert_eq!((point30["minItems"].as_u64(), point30["maxItems"].as_u64()), (Some(2), Some(2)));
    let pair30 = &v30["components"]["schemas"]["Overview"]["properties"]["pair"];
    assert_eq!(pair30["items"]["anyOf"], json!([{"type": "string"}, {"type": "boolean"}]), "{pair30}");

    let schema = validator(&docs.schemas["Overview"]);
    let good = serde_json::to_value(overview()).expect("serializes");
    let problems = errors(&schema, &good);
    assert!(problems.is_empty(), "{good:#}\n{}", problems.join("\n"));
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("a tuple one item too long", |v| v["pair"] = json!(["x", true, 1])),
        ("a tuple one item short", |v| v["accounts"]["window"] = json!([0])),
        ("a tuple item of the wrong type", |v| v["pair"] = json!([true, "x"])),
        ("a tuple variant with three items", |v| v["events"]["items"][0]["c"] = json!(["here", 3, 4])),
        ("a tuple struct with one item", |v| v["shapes"][1]["Dot"] = json!([2])),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!schema.is_valid(&bad), "{what}: {bad:#}");
        let serde_reads = serde_json::from_value::<Overview>(bad.clone()).is_ok();
        assert!(!serde_reads, "serde refuses it too ({what})");
    }
}

#[test]
fn schemas_reject_what_serde_would_not_write() {
    let docs = documents();
    let account_schema = validator(&docs.schemas["Account"]);
    let good = serde_json::to_value(account(3)).expect("serializes");
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("missing flattened field", |v| {
            v.as_object_mut().map(|o| o.remove("createdBy"));
        }),
        ("null where the field is skipped instead", |v| v["nickname"] = Value::Null),
        ("unknown tag", |v| v["settings"]["beta"]["type"] = "dial".into()),
        ("kind in the wrong case", |v| v["kind"] = "personal".into()),
        ("revision above 2^53", |v| v["revision"] = json!(9_007_199_254_740_993_u64)),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!account_schema.is_valid(&bad), "{what}: {bad:#}");
    }
}

#[test]
fn request_schemas_match_what_serde_reads() {
    let docs = documents();
    let create = validator(&docs.schemas["AccountCreate"]);
    let cases = [
        json!({"displayName": "x"}),
        json!({"displayName": "x", "nickname": null, "kind": "SMALL_BUSINESS", "settings": {"s": {"type": "off"}}}),
        json!({"displayName": ""}),
        json!({"displayName": "x", "extra": 1}),
        json!({"nickname": "x"}),
        json!({"displayName": "x", "kind": "Personal"}),
    ];
    for case in cases {
        // `length(min = 1)` is a schema rule serde does not check; every other verdict must agree.
        let serde_accepts = serde_json::from_value::<AccountCreate>(case.clone()).is_ok() && case["displayName"] != "";
        assert_eq!(create.is_valid(&case), serde_accepts, "{case}");
    }
}

#[test]
fn recursive_types_reference_their_own_root() {
    let docs = documents();
    assert_eq!(docs.schemas["Account"]["properties"]["manager"]["anyOf"][0]["$ref"], "#");
}

#[test]
fn a_type_read_and_written_differently_is_split_into_an_input_shape() {
    // `Setting::Limit::unit` is an `Option` without `skip_serializing_if`: serde writes it always
    // (`null` when empty) but reads it as optional. The request side gets its own name.
    let docs = documents();
    let written = &docs.schemas["Setting"]["oneOf"][1]["required"];
    let read = &docs.schemas["SettingInput"]["oneOf"][1]["required"];
    assert_eq!(written, &json!(["type", "max", "unit"]));
    assert_eq!(read, &json!(["type", "max"]));
    let create = &docs.openapi31["components"]["schemas"]["AccountCreate"]["properties"]["settings"];
    assert_eq!(create["additionalProperties"]["$ref"], "#/components/schemas/SettingInput");
    let account = &docs.openapi31["components"]["schemas"]["Account"]["properties"]["settings"];
    assert_eq!(account["additionalProperties"]["$ref"], "#/components/schemas/Setting");
}

/// The TypeScript package of this contract type-checks under the strictest settings, with a
/// consumer that narrows the tagged unions and walks the recursive type.
#[test]
fn typescript_types_of_the_second_contract_type_check() {
    let files = codegen::generate(&contract(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"));
    let types = &files["generated/typescript/src/types.ts"];
    assert!(
        types.contains("export type Setting = {\n  type: \"toggle\";"),
        "internally tagged enum as a discriminated union:\n{types}"
    );
    assert!(types.contains("manager: Account | null;"), "recursive, nullable:\n{types}");
    assert!(types.contains("nickname?: string;"), "skipped when None: optional, never null:\n{types}");
    let consumer = r#"import { validateAccount, createClient, type Account, type Setting, type Event, type SettingInput, type Overview, type AccountPage, type EventPage } from "./package/index.js";
export function describe(setting: Setting): string {
  switch (setting.type) {
    case "toggle": return setting.enabled ? "on" : "off";
    case "limit": return `${setting.max} ${setting.unit ?? ""}`;
    case "label": return setting.text;
    case "off": return "off";
  }
}
export function depth(account: Account): number {
  return account.manager === null ? 0 : 1 + depth(account.manager);
}
export function event(e: Event): string {
  return e.t === "Renamed" ? `${e.c.from} -> ${e.c.to}` : e.t;
}
export const input: SettingInput = { type: "limit", max: 3 };
export function total(o: Overview): number {
  const [offset, count]: [number, number] = o.accounts.window;
  const moved = o.events.items.map((e) => (e.t === "Moved" ? e.c[0].length + e.c[1] : 0));
  const dots = o.shapes.map((s) => ("Dot" in s ? s.Dot[0] : s.Line[1][1]));
  const page: AccountPage = o.accounts;
  const events: EventPage = o.events;
  return offset + count + moved.length + dots.length + page.items.length + events.items.length + (o.pair[1] ? 1 : 0);
}
export async function load(id: string): Promise<number> {
  const answer = await createClient({ baseUrl: "http://127.0.0.1:1" }).listEvents({ path: { account_id: id }, query: { kinds: ["PERSONAL"] } });
  return answer.status === 200 ? answer.body.length : -1;
}
export const ok: boolean = validateAccount({}).ok;
"#;
    if let Err(output) = tests::typescript::type_check(&files, consumer) {
        panic!("tsc rejects the generated TypeScript:\n{output}");
    }
}
