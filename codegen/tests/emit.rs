//! Snapshots of every emitter on one small fixture contract. Read a changed snapshot before
//! accepting it: it is the exact text users get.

use contract::{Contract, Info, RateLimit, op};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A to-do item.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Todo {
    id: u64,
    /// What to do.
    #[schemars(length(min = 1, max = 200))]
    title: String,
    /// `null` until done.
    done_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    priority: Priority,
    parent: Option<Box<Todo>>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Priority {
    Low,
    High,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = TodoCreate::example())]
struct TodoCreate {
    title: String,
    #[serde(default)]
    priority: Option<Priority>,
}

impl TodoCreate {
    fn example() -> Self {
        Self { title: "Water the plants".into(), priority: Some(Priority::High) }
    }
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct TodoPath {
    todo_id: u64,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct TodoQuery {
    /// Only these priorities.
    #[serde(default)]
    priority: Vec<Priority>,
    limit: Option<u8>,
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Problem {
    title: String,
    status: u16,
}

fn fixture() -> Contract {
    Contract::new(Info::new("Todos", "1.2.0").description("A tiny API.").license("MIT", "MIT"))
        .server("http://127.0.0.1:3000", "Local")
        .problem::<Problem>()
        .tag("todos", "To-do items.")
        .operation(
            op! {
                /// List to-dos.
                ///
                /// Newest first.
                get "/todos" => list_todos
            }
            .tag("todos")
            .query::<TodoQuery>()
            .response::<Vec<Todo>>(200, "The to-dos.")
            .etag()
            .rate_limit(RateLimit::per_minute(100)),
        )
        .operation(
            op! {
                /// Create a to-do.
                post "/todos" => create_todo
            }
            .tag("todos")
            .body::<TodoCreate>()
            .response::<Todo>(201, "Created.")
            .error(409, "Same title exists.")
            .bearer(),
        )
        .operation(
            op! {
                /// Delete a to-do.
                delete "/todos/{todo_id}" => delete_todo
            }
            .tag("todos")
            .path::<TodoPath>()
            .empty(204, "Deleted.")
            .error(404, "No such to-do.")
            .role("admin")
            .deprecated(),
        )
}

fn files() -> std::collections::BTreeMap<String, String> {
    codegen::generate(&fixture(), &codegen::Layout::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn openapi_3_1() {
    insta::assert_snapshot!(files()["openapi.yaml"]);
}

#[test]
fn openapi_3_0() {
    insta::assert_snapshot!(files()["generated/openapi-3.0.json"]);
}

#[test]
fn json_schema_files() {
    let files = files();
    let names: Vec<&str> =
        files.keys().filter(|k| k.starts_with("generated/jsonschema/")).map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "generated/jsonschema/Priority.json",
            "generated/jsonschema/Problem.json",
            "generated/jsonschema/Todo.json",
            "generated/jsonschema/TodoCreate.json"
        ],
        "parameter structs are spread into parameters, not emitted as types"
    );
    insta::assert_snapshot!(files["generated/jsonschema/Todo.json"]);
}

#[test]
fn output_is_sorted_and_deterministic() {
    let a = files();
    let b = files();
    assert_eq!(a, b);
    let document: serde_json::Value = serde_json::from_str(&a["generated/openapi-3.0.json"]).expect("JSON");
    let schemas: Vec<&String> = document["components"]["schemas"].as_object().expect("schemas").keys().collect();
    let mut sorted = schemas.clone();
    sorted.sort();
    assert_eq!(schemas, sorted);
}

#[test]
fn parameter_kinds_come_with_the_spec() {
    let files = files();
    let server: String = files["generated/api-server/src/lib.rs"].split_whitespace().collect();
    for param in [
        r#"Param{name:"priority",kind:::contract_server::Kind::List(&::contract_server::Kind::Text),}"#,
        r#"Param{name:"limit",kind:::contract_server::Kind::Integer,}"#,
        r#"Param{name:"todo_id",kind:::contract_server::Kind::Integer,}"#,
    ] {
        assert!(server.contains(param), "{param} in {server}");
    }
}
