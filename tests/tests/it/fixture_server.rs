//! The fixture contract's generated server (`codegen/fixture/generated/fixture-server`),
//! implemented and driven through its router: what the emitter promises of any contract, tested
//! on one that is not the reference. Parameter kinds read a repeated query list and an integer,
//! the error constructors write their status once, an internal failure becomes the generic `500`,
//! an answer that breaks the contract is a `500` while response validation is on, and refusals and
//! deprecation carry their headers.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use contract::{I64String, U64String};
use contract_server::ResponseValidation;
use fixture::{Page, Priority, Todo, TodoCreate, TodoPath, TodoQuery, Window};
use fixture_server::{
    AuthError, Authenticator, BoxFuture, Core, CreateTodoResponse, DeleteTodoResponse, ListTodosResponse, Principal,
    RequestContext, Todos,
};
use serde_json::{Value, json};
use tower::ServiceExt;

/// `admin` is an admin, `user` is not; anything else is refused.
struct Tokens;

impl Authenticator for Tokens {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
        Box::pin(async move {
            match token {
                "admin" => Ok(Principal { id: "1".into(), roles: vec!["admin".into()] }),
                "user" => Ok(Principal { id: "2".into(), roles: Vec::new() }),
                _ => Err(AuthError::Invalid),
            }
        })
    }
}

/// A failure on the server's side, whose message must never reach a client.
#[derive(Debug, thiserror::Error)]
#[error("the store at 10.0.0.7 is down")]
struct StoreDown;

impl contract_server::InternalError for StoreDown {}

struct Store;

fn todo(id: u64, title: String) -> Todo {
    Todo {
        id,
        title,
        done_at: None,
        note: None,
        priority: Priority::Low,
        parent: None,
        sync_id: U64String(u64::MAX - id),
        changed_ns: I64String(0),
        window: Some(Window(480, 540)),
    }
}

impl Todos for Store {
    /// One to-do per requested priority, titled with the limit and changed at `since`: what the
    /// query was read as.
    async fn list_todos(&self, _: RequestContext, query: TodoQuery) -> ListTodosResponse {
        let limit = query.limit.map_or("none".to_owned(), |l| l.to_string());
        let changed_ns = query.since.unwrap_or_default();
        let items = (0..query.priority.len() as u64).map(|i| Todo { changed_ns, ..todo(i, format!("limit {limit}")) });
        ListTodosResponse::Ok(Page { items: items.collect(), next: None })
    }

    async fn create_todo(&self, _: RequestContext, body: TodoCreate) -> CreateTodoResponse {
        match body.title.as_str() {
            "taken" => CreateTodoResponse::conflict("A to-do with this title exists."),
            "boom" => StoreDown.into(),
            // Drift from the contract: its `u64` ids are bounded to 2^53 - 1.
            "huge" => CreateTodoResponse::Created(todo(HUGE_ID, body.title)),
            _ => CreateTodoResponse::Created(todo(7, body.title)),
        }
    }

    async fn delete_todo(&self, _: RequestContext, path: TodoPath) -> DeleteTodoResponse {
        DeleteTodoResponse::not_found(format!("No to-do {}.", path.todo_id))
    }
}

/// An id a JavaScript number cannot hold exactly: 2^53 + 1.
const HUGE_ID: u64 = (1 << 53) + 1;

/// A request through the router, with response validation as in every test build (enforced).
async fn call(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Vec<(String, String)>, Value) {
    call_with(ResponseValidation::default(), method, uri, token, body).await
}

async fn call_with(
    validation: ResponseValidation,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Vec<(String, String)>, Value) {
    let core = Arc::new(Core::new(Arc::new(Tokens), 1 << 16).with_response_validation(validation));
    let router = fixture_server::todos_router(Arc::new(Store), core).expect("the fixture's specs compile");
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request.header("content-type", "application/json").body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    let response = router.oneshot(request.expect("request")).await.expect("infallible");
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn query_parameters_are_read_by_their_kinds() {
    let (status, headers, body) = call(Method::GET, "/todos?priority=low&priority=high&limit=3", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(2), "a repeated parameter is a list: {body}");
    assert_eq!(body["items"][0]["title"], "limit 3");
    assert_eq!(body["items"][0]["window"], json!([480, 540]), "a tuple struct is an array");
    assert!(header(&headers, "etag").is_some(), "list_todos declares an ETag");

    let (status, _, problem) = call(Method::GET, "/todos?limit=many", None, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["path"], "/query/limit", "{problem}");
}

#[tokio::test]
async fn sixty_four_bit_strings_travel_exactly() {
    let (status, _, body) = call(Method::GET, "/todos?priority=low&since=-9223372036854775808", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["items"][0]["changed_ns"], "-9223372036854775808",
        "an I64String query parameter, read and written back"
    );
    assert_eq!(body["items"][0]["sync_id"], "18446744073709551615", "a U64String, beyond 2^53");

    for since in ["007", "9223372036854775808", "1.5"] {
        let (status, _, problem) = call(Method::GET, &format!("/todos?since={since}"), None, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{since}: {problem}");
        assert_eq!(problem["errors"][0]["path"], "/query/since", "{problem}");
        assert_eq!(problem["errors"][0]["keyword"], "pattern", "{problem}");
    }
}

#[tokio::test]
async fn constructors_write_the_status_once() {
    let (status, _, problem) = call(Method::POST, "/todos", Some("user"), Some(json!({"title": "taken"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem, json!({"title": "Conflict", "status": 409}));

    let (status, headers, problem) = call(Method::DELETE, "/todos/5", Some("admin"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem, json!({"title": "Not Found", "status": 404}));
    assert_eq!(header(&headers, "deprecation"), Some("true"));

    let (status, _, body) = call(Method::POST, "/todos", Some("user"), Some(json!({"title": "Water"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["title"], "Water");
}

#[tokio::test]
async fn an_internal_failure_is_the_generic_500() {
    let (status, headers, problem) = call(Method::POST, "/todos", Some("user"), Some(json!({"title": "boom"}))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(problem, json!({"title": "Internal Server Error", "status": 500}));
    assert!(!problem.to_string().contains("10.0.0.7"), "the cause stays in the log");
    assert!(header(&headers, "x-request-id").is_some());
}

#[tokio::test]
async fn an_answer_that_breaks_the_contract_is_a_500_while_validation_is_on() {
    assert_eq!(ResponseValidation::default(), ResponseValidation::Enforce, "on in debug builds and tests");
    let huge = Some(json!({"title": "huge"}));
    let (status, headers, problem) = call(Method::POST, "/todos", Some("user"), huge.clone()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
    assert_eq!(problem, json!({"title": "Internal Server Error", "status": 500}), "the contract's problem");
    assert_eq!(header(&headers, "content-type"), Some("application/problem+json"));
    assert!(header(&headers, "x-request-id").is_some());

    for validation in [ResponseValidation::Log, ResponseValidation::Off] {
        let (status, _, body) = call_with(validation, Method::POST, "/todos", Some("user"), huge.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{validation}: the answer goes out as written");
        assert_eq!(body["id"].as_u64(), Some(HUGE_ID), "{validation}: {body}");
    }
}

#[tokio::test]
async fn refusals_follow_the_contract() {
    let (status, headers, problem) = call(Method::POST, "/todos", None, Some(json!({"title": "x"}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(header(&headers, "www-authenticate"), Some("Bearer"));

    let (status, _, _) = call(Method::DELETE, "/todos/5", Some("user"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "delete_todo needs the admin role");

    let (status, _, problem) =
        call(Method::POST, "/todos", Some("user"), Some(json!({"title": "x", "extra": 1}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "TodoCreate denies unknown fields: {problem}");
}
