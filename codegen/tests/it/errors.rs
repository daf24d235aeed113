//! A contract with many mistakes: lowering reports every one of them, each naming what to fix.

use contract::{Contract, Info, Operation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema)]
struct Problem {
    title: String,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Item {
    id: u32,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct WrongPath {
    item: u32,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct OptionalPath {
    id: Option<u32>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind")]
enum EnumQuery {
    A { a: u32 },
    B { b: u32 },
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct NestedQuery {
    filter: Item,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Huge {
    /// A 128-bit counter.
    counter: u128,
}

mod other {
    /// Another type that is also called `Item`.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct Item {
        pub name: String,
    }
}

/// An operation with a tag and a summary, and no response yet.
fn bare(id: &'static str, path: &'static str) -> Operation {
    Operation::new(contract::Method::Get, id, path).tag("t").summary("S.")
}

/// A well-formed operation answering an `Item`.
fn op(id: &'static str, path: &'static str) -> Operation {
    bare(id, path).response::<Item>(200, "OK.")
}

#[test]
fn every_problem_is_reported_at_once() {
    let contract = Contract::new(Info::new("Broken", "0.0.1"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(op("dup", "/a"))
        .operation(op("dup", "/b"))
        .operation(op("same_route", "/items/{x}").path::<Item>())
        .operation(op("same_route_2", "/items/{y}").path::<Item>())
        .operation(op("wrong_path", "/w/{id}").path::<WrongPath>())
        .operation(op("no_path_type", "/n/{id}"))
        .operation(op("optional_path", "/o/{id}").path::<OptionalPath>())
        .operation(op("enum_query", "/e").query::<EnumQuery>())
        .operation(op("nested_query", "/q").query::<NestedQuery>())
        .operation(Operation::new(contract::Method::Get, "untagged", "/u").summary("S.").response::<Item>(200, "OK."))
        .operation(op("unknown_tag", "/ut").tag("nope"))
        .operation(Operation::new(contract::Method::Get, "no_summary", "/ns").tag("t").response::<Item>(200, "OK."))
        .operation(
            op("bad_statuses", "/s")
                .error(200, "Not an error.")
                .empty(204, "Deleted.")
                .response::<Item>(404, "Not a success."),
        )
        .operation(bare("no_success", "/ns2").error(404, "x"))
        .operation(op("get_with_body", "/gb").body::<Item>())
        .operation(op("mixed", "/m").empty(202, "Accepted, no body."))
        .operation(bare("huge", "/h").response::<Huge>(200, "Huge."))
        .operation(bare("collision", "/c").response::<other::Item>(200, "Another Item."))
        .operation(op("bad id", "//bad"));
    let errors = codegen::lower(&contract).expect_err("the contract is broken");
    insta::assert_snapshot!(errors.to_string());
}

#[test]
fn a_contract_without_problem_type_is_rejected() {
    let contract = Contract::new(Info::new("No problem", "1.0.0")).tag("t", "T.").operation(op("a", "/a"));
    let errors = codegen::lower(&contract).expect_err("no problem type");
    assert_eq!(errors.0, vec![codegen::Error::MissingProblemType]);
}

/// A schema whose TypeScript name is also an operation's response type.
#[derive(Serialize, Deserialize, JsonSchema)]
struct GetItemResponse {
    id: u32,
}

#[test]
fn emitter_checks_are_reported_with_the_others() {
    let contract = Contract::new(Info::new("Clashing", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .tag("u", "U.")
        .operation(op("get_item", "/items"))
        .operation(bare("item_page", "/page").response::<GetItemResponse>(200, "A clash."))
        .operation(Operation::new(contract::Method::Get, "no_summary", "/ns").tag("t").response::<Item>(200, "OK."))
        .operation(
            Operation::new(contract::Method::Post, "other_tag", "/items").tag("u").summary("S.").empty(204, "Done."),
        );
    let errors = codegen::lower(&contract).expect_err("the contract is broken").0;
    let clash = codegen::Error::NameClash {
        language: codegen::Language::TypeScript,
        name: "GetItemResponse".into(),
        first: "schema `GetItemResponse`".into(),
        second: "operation `get_item`".into(),
    };
    assert!(errors.contains(&codegen::Error::MissingSummary { operation: "no_summary".into() }), "{errors:?}");
    assert!(errors.contains(&clash), "{errors:?}");
    assert!(
        errors.contains(&codegen::Error::TagsSharePath { path: "/items".into(), tags: "t, u".into() }),
        "{errors:?}"
    );
}

/// A schema named like the validator of an operation's inline response body.
#[derive(Serialize, Deserialize, JsonSchema)]
struct ListItems200 {
    id: u32,
}

#[test]
fn inline_body_validators_and_rust_items_are_claimed_too() {
    let contract = Contract::new(Info::new("Clashing", "1.0.0"))
        .problem::<Problem>()
        .tag("core", "A tag whose trait would be called `Core`.")
        .operation(bare("list_items", "/items").tag("core").response::<Vec<Item>>(200, "An inline array body."))
        .operation(bare("other", "/other").tag("core").response::<ListItems200>(200, "A clash."));
    let errors = codegen::lower(&contract).expect_err("the contract is broken").0;
    assert_eq!(
        errors,
        vec![
            codegen::Error::NameClash {
                language: codegen::Language::TypeScript,
                name: "validateListItems200".into(),
                first: "schema `ListItems200`".into(),
                second: "operation `list_items` (200 body)".into(),
            },
            codegen::Error::NameClash {
                language: codegen::Language::Rust,
                name: "Core".into(),
                first: "the runtime's re-export".into(),
                second: "tag `core` (its trait)".into(),
            },
        ]
    );
}

mod clashes {
    /// A schema whose guard `isUuid` is also a runtime function the validators import.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct Uuid {
        pub value: String,
    }

    /// A schema named like the runtime's error type, which `index.ts` re-exports.
    #[derive(serde::Serialize, schemars::JsonSchema)]
    pub struct ValidationError {
        pub path: String,
    }
}

#[test]
fn the_runtimes_names_and_the_generated_rusts_own_are_claimed() {
    let contract = Contract::new(Info::new("Clashing", "1.0.0"))
        .problem::<Problem>()
        .tag("s", "A tag whose trait `S` the routers' type parameter would shadow.")
        .tag("2fa", "A tag that cannot start a Rust identifier.")
        .operation(bare("get_uuid", "/uuid").tag("s").response::<clashes::Uuid>(200, "A clash."))
        .operation(bare("get_error", "/error").tag("s").response::<clashes::ValidationError>(200, "A clash."));
    let errors = codegen::lower(&contract).expect_err("the contract is broken").0;
    let runtime = |name: &str, schema: &str| codegen::Error::NameClash {
        language: codegen::Language::TypeScript,
        name: name.into(),
        first: "the package's runtime".into(),
        second: format!("schema `{schema}`"),
    };
    assert!(errors.contains(&codegen::Error::InvalidTag { tag: "2fa".into() }), "{errors:?}");
    assert!(errors.contains(&runtime("isUuid", "Uuid")), "{errors:?}");
    assert!(errors.contains(&runtime("ValidationError", "ValidationError")), "{errors:?}");
    assert!(
        errors.contains(&codegen::Error::NameClash {
            language: codegen::Language::Rust,
            name: "S".into(),
            first: "the routers' type parameter".into(),
            second: "tag `s` (its trait)".into(),
        }),
        "{errors:?}"
    );
}

/// A schema named like another schema's Standard Schema (`ItemSchema`).
#[derive(Serialize, Deserialize, JsonSchema)]
struct ItemSchema {
    id: u32,
}

/// The client's functions share the package's scope with the schemas' exports and the runtime's,
/// and `createClient` binds its parameters around them: every clash is an error naming both.
#[test]
fn operation_functions_and_standard_schemas_are_claimed() {
    let contract = Contract::new(Info::new("Clashing", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(op("validate_item", "/validate"))
        .operation(op("create_client", "/client"))
        .operation(op("options", "/options"))
        .operation(bare("schema", "/schema").response::<ItemSchema>(200, "A clash."));
    let errors = codegen::lower(&contract).expect_err("the contract is broken").0;
    let clash = |name: &str, first: &str, second: &str| codegen::Error::NameClash {
        language: codegen::Language::TypeScript,
        name: name.into(),
        first: first.into(),
        second: second.into(),
    };
    assert_eq!(
        errors,
        vec![
            clash("ItemSchema", "schema `Item`", "schema `ItemSchema`"),
            clash("createClient", "the package's runtime", "operation `create_client` (its function)"),
            clash("options", "a parameter of `createClient` and of its methods", "operation `options` (its function)"),
            clash("validateItem", "schema `Item`", "operation `validate_item` (its function)"),
        ]
    );

    // The client runtime's functions are reached as `R.send`, never by name: operations may take them.
    let fine = Contract::new(Info::new("Fine", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(op("send", "/send"))
        .operation(op("stream", "/stream"));
    assert!(codegen::lower(&fine).is_ok());
}

/// Markers of serde attributes schemars cannot see, each misused.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Marked {
    #[schemars(extend("x-serde-other" = true))]
    not_a_variant: String,
    #[serde(alias = "colour")]
    #[schemars(extend("x-serde-alias" = "colour"))]
    color: String,
    /// The marker names another field (a slip: serde's own alias is `breadth`).
    #[serde(alias = "breadth")]
    #[schemars(extend("x-serde-alias" = ["size"]))]
    length: u32,
    size: u32,
    #[schemars(extend("x-serde-writes-null" = true))]
    always_written: Option<Option<String>>,
    #[schemars(extend("x-serde-typo" = true))]
    typo: bool,
}

#[test]
fn misplaced_serde_markers_name_the_type_and_field() {
    let contract = Contract::new(Info::new("Markers", "1.0.0")).problem::<Problem>().tag("t", "T.").operation(
        Operation::new(contract::Method::Post, "mark", "/m")
            .tag("t")
            .summary("S.")
            .body::<Marked>()
            .response::<Marked>(200, "OK."),
    );
    let errors = codegen::lower(&contract).expect_err("the markers are misplaced");
    let lines: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "type `Marked` (it::errors::Marked), at `/properties/color` (field `color`): `x-serde-alias` must be a list of names, as in `[\"old_name\"]`",
            "type `Marked` (it::errors::Marked), at `/properties/length` (field `length`): alias `size` is already the name of a field",
            "type `Marked` (it::errors::Marked), at `/properties/not_a_variant` (field `not_a_variant`): `x-serde-other` marks the `#[serde(other)]` unit variant of an enum: a string tag, or an object variant with its tag",
            "type `Marked` (it::errors::Marked), at `/properties/typo` (field `typo`): unknown marker `x-serde-typo`; the markers are `x-serde-other`, `x-serde-alias` and `x-serde-writes-null`",
            "type `Marked` (it::errors::Marked), at `/properties/always_written` (field `always_written`): serde always writes this field, so `x-serde-writes-null` says nothing; it marks an `Option<Option<T>>` with `skip_serializing_if`",
        ],
        "{errors}"
    );
}

/// A generic type with a misused marker, used with two arguments.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Tagged<T> {
    #[schemars(extend("x-serde-typo" = true))]
    flag: bool,
    item: T,
}

#[test]
fn problems_in_a_generic_type_name_each_use_by_its_final_name() {
    let contract = Contract::new(Info::new("Markers", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(bare("item", "/i").response::<Tagged<Item>>(200, "OK."))
        .operation(bare("text", "/t").response::<Tagged<String>>(200, "OK."));
    let errors = codegen::lower(&contract).expect_err("the markers are misplaced");
    let names: Vec<String> = errors
        .0
        .iter()
        .map(|error| match error {
            codegen::Error::Unrenderable { name, .. } => name.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(names, ["ItemTagged", "StringTagged"], "{errors}");
}

#[test]
fn inline_bodies_get_the_64_bit_policy_and_refuse_128_bits() {
    let contract = |wide: bool| {
        let op = bare("counts", "/c");
        let op = if wide { op.response::<Vec<u128>>(200, "OK.") } else { op.response::<Vec<u64>>(200, "OK.") };
        Contract::new(Info::new("Counts", "1.0.0")).problem::<Problem>().tag("t", "T.").operation(op)
    };
    let model = codegen::lower(&contract(false)).unwrap_or_else(|e| panic!("{e}"));
    let schema = &model.operations[0].responses[0].body.as_ref().expect("a body").schema;
    assert_eq!(schema["items"]["maximum"], 9_007_199_254_740_991_u64, "{schema}");
    let errors = codegen::lower(&contract(true)).expect_err("128-bit integers");
    assert_eq!(
        errors.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "type `alloc::vec::Vec<u128>`, at `/items`: 128-bit integers cannot travel as JSON numbers; use a 64-bit integer or a string"
        ],
        "{errors}"
    );
}

/// Headers that declare what an event stream implies.
#[derive(Serialize, Deserialize, JsonSchema)]
struct ResumeHeaders {
    #[serde(rename = "last-event-id")]
    last_event_id: Option<String>,
}

/// An event stream is a `GET` answering one named event type, at a success status, without an
/// ETag; each mistake names the operation, the Rust type and the status.
#[test]
fn event_streams_that_make_no_sense_are_refused() {
    let stream = |id, method| {
        Operation::new(method, id, format!("/{id}")).tag("t").summary("S.").event_stream::<Item>(200, "Events.")
    };
    let contract = Contract::new(Info::new("Streams", "0.0.1"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(stream("fine", contract::Method::Get))
        .operation(stream("posted", contract::Method::Post))
        .operation(stream("twice", contract::Method::Get).event_stream::<Item>(201, "Again."))
        .operation(stream("cached", contract::Method::Get).etag())
        .operation(bare("inline", "/inline").event_stream::<String>(200, "Text."))
        .operation(bare("redirect", "/redirect").response::<Item>(200, "OK.").event_stream::<Item>(303, "Elsewhere."))
        .operation(stream("resumed", contract::Method::Get).headers::<ResumeHeaders>());
    let errors = codegen::lower(&contract).expect_err("invalid").0;
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let item = std::any::type_name::<Item>();
    assert_eq!(
        messages,
        [
            format!(
                "operation `posted`: the event stream of {item} (status 200) needs a `GET` operation (a browser's `EventSource` and reconnections only send `GET`)"
            ),
            format!(
                "operation `twice`: the event stream of {item} (status 201) is the second event-stream response; an operation answers at most one stream"
            ),
            format!(
                "operation `cached`: the event stream of {item} (status 200) cannot be combined with `.etag()`: a stream has no representation to validate"
            ),
            "operation `inline`: the event stream of alloc::string::String (status 200) needs a named event type (a struct or an enum), not an inline schema".to_owned(),
            format!("operation `redirect`: the event stream of {item} (status 303) needs a success (2xx) status"),
            format!(
                "operation `resumed`: the event stream of {item} (status 200) implies the `Last-Event-ID` header; remove it from the header parameters"
            ),
        ],
        "{messages:#?}"
    );
}

/// A type that contains itself with no way out (a required member), and one whose pattern has an
/// assertion the mocks cannot write a string for.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Chain {
    name: String,
    next: Box<Chain>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Word {
    #[schemars(regex(pattern = r"^\bw[a-z]*$"))]
    word: String,
}

#[test]
fn values_the_mocks_cannot_build_name_the_type_and_field() {
    let contract = Contract::new(Info::new("Mocks", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(bare("chain", "/chain").response::<Chain>(200, "OK."))
        .operation(bare("word", "/word").response::<Word>(200, "OK."));
    let errors = codegen::lower(&contract).expect_err("no mock value");
    let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "type `Chain` (it::errors::Chain), at `/properties/next` (field `next`): the mocks (`msw.ts`) need a value and none can be built (`Chain` contains itself here, with no way out such as an optional member or an empty array); give the type an example (`#[schemars(example = ...)]`)",
            "type `Word` (it::errors::Word), at `/properties/word` (field `word`): the mocks (`msw.ts`) need a value and none can be built (no string can be read off the pattern `^\\bw[a-z]*$`: `\\b` is not supported); give the type an example (`#[schemars(example = ...)]`)",
        ]
    );
}

/// Fields the Rust client (progenitor) would give one name.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Spellings {
    #[serde(rename = "a-b")]
    dashed: u8,
    #[serde(rename = "a_b")]
    snake: u8,
    #[serde(rename = "userId")]
    camel: u8,
    user_id: u8,
}

/// Values the Rust client would give one variant name.
#[derive(Serialize, Deserialize, JsonSchema)]
enum Cases {
    #[serde(rename = "a")]
    Lower,
    #[serde(rename = "A")]
    Upper,
}

/// A type that would shadow `String` in the Rust client.
#[derive(Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "String")]
struct Text {
    text: String,
}

#[test]
fn names_the_rust_client_cannot_tell_apart_name_the_type_and_fields() {
    let contract = Contract::new(Info::new("Spellings", "1.0.0"))
        .problem::<Problem>()
        .tag("t", "T.")
        .operation(bare("spellings", "/spellings").response::<Spellings>(200, "OK."))
        .operation(bare("cases", "/cases").response::<Cases>(200, "OK."))
        .operation(bare("text", "/text").response::<Text>(200, "OK."));
    let errors = codegen::lower(&contract).expect_err("names the client cannot tell apart");
    let messages: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "type `Cases` (it::errors::Cases), at `/`: the Rust client would name the values \"a\", \"A\" all `A`; rename all but one",
            "type `Spellings` (it::errors::Spellings), at `/`: the Rust client would name the fields \"a-b\", \"a_b\" all `a_b`; rename all but one",
            "type `Spellings` (it::errors::Spellings), at `/`: the Rust client would name the fields \"userId\", \"user_id\" all `user_id`; rename all but one",
            "the Rust name `String` of schema `String` (it::errors::Text) is already taken by the standard library's `String`, which the Rust client uses; rename one of them",
        ],
        "{messages:#?}"
    );
}
