//! The fixture contract's generated server (`codegen/fixture/generated/fixture-server`),
//! implemented and driven through its router: what the emitter promises of any contract, tested
//! on one that is not the reference. Parameter kinds read a repeated query list and an integer,
//! the error constructors write their status once, an internal failure becomes the generic `500`,
//! an answer that breaks the contract is a `500` while response validation is on, and refusals and
//! deprecation carry their headers. The event stream is tested on the wire (ids, JSON data, the
//! `Last-Event-ID` a resumed stream starts after, a dropped connection, an event that breaks the
//! contract) and, served on 127.0.0.1, through the generated TypeScript client in node
//! (`tests/typescript/events.mjs`), which resumes a stream the server drops.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use contract::{I64String, U64String};
use contract_server::{Event, EventStream, Interrupted, ResponseValidation};
use fixture::{Page, Priority, Todo, TodoCreate, TodoEvent, TodoPath, TodoQuery, Window};
use fixture_server::{
    AuthError, Authenticator, BoxFuture, Core, CreateTodoResponse, DeleteTodoResponse, ListTodosResponse, Principal,
    RequestContext, Todos, WatchTodoResponse,
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

/// The server; it remembers the `Last-Event-ID` of every event-stream request.
#[derive(Default)]
struct Store {
    resumed: Mutex<Vec<Option<String>>>,
}

/// The events of to-do 1 and 2, with their ids: two steps (the second note over two lines), then
/// `done`.
fn steps() -> Vec<Event<TodoEvent>> {
    vec![
        Event::new(Some("1".into()), TodoEvent::Step { step: 1, note: "first".into() }),
        Event::new(Some("2".into()), TodoEvent::Step { step: 2, note: "second\nline".into() }),
        Event::new(Some("3".into()), TodoEvent::Done { steps: 2 }),
    ]
}

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

    /// To-do 1 streams [`steps`] after `last_event_id`; to-do 2 too, but a first connection (no
    /// `Last-Event-ID`) is dropped after two events; to-do 3 sends an event that breaks the
    /// contract (`step` 0) between two good ones; any other is a `404`.
    async fn watch_todo(&self, _: RequestContext, path: TodoPath, last_event_id: Option<String>) -> WatchTodoResponse {
        self.resumed.lock().expect("log").push(last_event_id.clone());
        let after: usize = last_event_id.and_then(|id| id.parse().ok()).unwrap_or(0);
        let events: Vec<Result<Event<TodoEvent>, Interrupted>> = match path.todo_id {
            1 => steps().into_iter().skip(after).map(Ok).collect(),
            // The failure comes a moment later, as a real one would: the two events are on the
            // wire by then (hyper writes what it has when the body waits).
            2 if after == 0 => {
                use futures::StreamExt;
                let sent = futures::stream::iter(steps().into_iter().take(2).map(Ok::<_, Interrupted>));
                let failure = futures::stream::once(async {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    Err(Interrupted)
                });
                return WatchTodoResponse::Ok(EventStream::try_new(sent.chain(failure)));
            }
            2 => steps().into_iter().skip(after).map(Ok).collect(),
            3 => vec![
                Ok(Event::new(None, TodoEvent::Step { step: 1, note: "fine".into() })),
                Ok(Event::new(None, TodoEvent::Step { step: 0, note: "drifted".into() })),
                Ok(Event::new(None, TodoEvent::Done { steps: 2 })),
            ],
            id => return WatchTodoResponse::not_found(format!("No to-do {id}.")),
        };
        WatchTodoResponse::Ok(EventStream::try_new(futures::stream::iter(events)))
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
    let router = fixture_server::todos_router(Arc::new(Store::default()), core).expect("the fixture's specs compile");
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

/// An event-stream request through the router: status, headers, and the body's text up to where
/// it ended (`Err` with that text when the connection was dropped).
async fn stream(
    validation: ResponseValidation,
    uri: &str,
    last_event_id: Option<&str>,
) -> (StatusCode, Vec<(String, String)>, Result<String, String>) {
    use futures::StreamExt;
    let core = Arc::new(Core::new(Arc::new(Tokens), 1 << 16).with_response_validation(validation));
    let router = fixture_server::todos_router(Arc::new(Store::default()), core).expect("the fixture's specs compile");
    let mut request = Request::builder().uri(uri);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = router.oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    let mut body = response.into_body().into_data_stream();
    let mut text = Vec::new();
    let ended = loop {
        match body.next().await {
            None => break Ok(()),
            Some(Err(_)) => break Err(()),
            Some(Ok(bytes)) => text.extend_from_slice(&bytes),
        }
    };
    let text = String::from_utf8(text).expect("UTF-8");
    (status, headers, ended.map(|()| text.clone()).map_err(|()| text))
}

#[tokio::test]
async fn an_event_stream_is_server_sent_events_of_json_data() {
    let (status, headers, body) = stream(ResponseValidation::default(), "/todos/1/events", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), Some("text/event-stream"));
    assert_eq!(header(&headers, "cache-control"), Some("no-store"), "a stream is never stored");
    assert!(header(&headers, "x-request-id").is_some());
    assert_eq!(
        body.expect("the stream ends normally"),
        "id: 1\ndata: {\"type\":\"step\",\"step\":1,\"note\":\"first\"}\n\n\
         id: 2\ndata: {\"type\":\"step\",\"step\":2,\"note\":\"second\\nline\"}\n\n\
         id: 3\ndata: {\"type\":\"done\",\"steps\":2}\n\n",
        "one `id:` and one `data:` line of JSON per event"
    );

    let (_, _, body) = stream(ResponseValidation::default(), "/todos/1/events", Some("2")).await;
    assert_eq!(body.as_deref(), Ok("id: 3\ndata: {\"type\":\"done\",\"steps\":2}\n\n"), "resumed after event 2");

    let (status, headers, body) = stream(ResponseValidation::default(), "/todos/9/events", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "content-type"), Some("application/problem+json"));
    assert_eq!(body.as_deref(), Ok("{\"title\":\"Not Found\",\"status\":404}"));
}

#[tokio::test]
async fn a_failing_stream_drops_the_connection_after_its_last_good_event() {
    let (status, _, body) = stream(ResponseValidation::default(), "/todos/2/events", None).await;
    assert_eq!(status, StatusCode::OK);
    let sent = body.expect_err("no normal end: the client must resume");
    assert!(sent.ends_with("id: 2\ndata: {\"type\":\"step\",\"step\":2,\"note\":\"second\\nline\"}\n\n"), "{sent}");
}

#[tokio::test]
async fn an_event_that_breaks_the_contract_ends_the_stream_while_validation_is_enforced() {
    let first = "data: {\"type\":\"step\",\"step\":1,\"note\":\"fine\"}\n\n";
    let (_, _, body) = stream(ResponseValidation::Enforce, "/todos/3/events", None).await;
    assert_eq!(body, Err(first.to_owned()), "the broken event is not sent and the connection drops");

    let (_, _, body) = stream(ResponseValidation::Log, "/todos/3/events", None).await;
    let body = body.expect("logged, sent as written");
    assert!(body.starts_with(first) && body.contains("\"step\":0"), "{body}");
    let (_, _, body) = stream(ResponseValidation::Off, "/todos/3/events", None).await;
    assert!(body.expect("not checked").contains("\"step\":0"));
}

/// The generated TypeScript client (`codegen/fixture/generated/typescript`), run in node against
/// the fixture's server on 127.0.0.1: it reads and validates the events, resumes after a given
/// id, reconnects with `Last-Event-ID` when the server drops the stream, throws typed errors for
/// a refusal and for an event that breaks the contract, and parses the wire format's corners
/// (CRLF, lone CR, comments, multi-line data, `retry:`) from a scripted `fetch`.
#[test]
fn the_typescript_client_follows_and_resumes_event_streams() {
    tests::typescript::node_tool("typescript");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let store = Arc::new(Store::default());
    // Broken events are sent (and logged): the client is the one that must refuse them.
    let core = Arc::new(Core::new(Arc::new(Tokens), 1 << 16).with_response_validation(ResponseValidation::Log));
    let router = fixture_server::todos_router(store.clone(), core).expect("the fixture's specs compile");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let address = listener.local_addr().expect("address");
    runtime.spawn(async move { axum::serve(listener, router).await });
    let root = tests::project_root();
    let output = std::process::Command::new("node")
        .arg(root.join("tests/typescript/events.mjs"))
        .arg(root.join("codegen/fixture/generated/typescript"))
        .arg(format!("http://{address}"))
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let resumed = store.resumed.lock().expect("log").clone();
    let ids: Vec<Option<&str>> = resumed.iter().map(Option::as_deref).collect();
    assert!(
        ids.windows(2).any(|pair| pair == [None, Some("2")]),
        "the dropped stream of to-do 2 was resumed with Last-Event-ID 2: {resumed:?}"
    );
}
