//! Invoices, private to their owner and newest first, and the camelCase JSON of the seed's tables
//! (`emailVerified`, `createdAt`, `FREE`/`PRO`) as it goes on the wire.

use reqwest::StatusCode;
use serde_json::{Value, json};
use vault::auth::Plan;
use vault::invoices::InvoiceStatus;

use crate::flow::{account, login, status_of};
use crate::server::start;

#[tokio::test]
async fn invoices_are_private_and_newest_first() {
    let server = start().await;
    let anonymous = server.client(None);
    let mut clients = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        anonymous.register(&account(email, "a password")).await.expect("register");
        let session = anonymous.login(&login(email, "a password")).await.expect("login").into_inner();
        clients.push(server.client(Some(&session.access_token)));
    }
    let (ada, bob) = (&clients[0], &clients[1]);
    let open = server.app.issue_invoice("ada@example.com", Plan::Pro, 900, InvoiceStatus::Open);
    let paid = server.app.issue_invoice("ada@example.com", Plan::Pro, 900, InvoiceStatus::Paid);

    let listed: Vec<_> = ada.list_invoices().await.expect("list").into_inner().into_iter().map(|i| i.id).collect();
    assert_eq!(listed, [paid.id, open.id]);
    let fetched = ada.get_invoice(&open.id).await.expect("get").into_inner();
    assert_eq!((fetched.amount, fetched.currency.as_str(), fetched.paid_at), (900, "eur", None));
    assert_eq!(ada.get_me().await.expect("me").into_inner().plan, vault_client::types::Plan::Pro, "paid PRO");

    assert!(bob.list_invoices().await.expect("list").into_inner().is_empty());
    assert_eq!(status_of(bob.get_invoice(&open.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(status_of(server.client(None).list_invoices().await), Some(StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn the_wire_format_is_the_seeds() {
    let server = start().await;
    let http = reqwest::Client::new();
    let registered = http
        .post(format!("{}/api/auth/register", server.base))
        .json(&json!({"email": "ada@example.com", "password": "a password"}))
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status(), StatusCode::CREATED);
    let user: Value = registered.json().await.expect("JSON");
    let mut fields: Vec<&str> = user.as_object().expect("an object").keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["createdAt", "email", "emailVerified", "id", "name", "plan", "role", "updatedAt"]);
    assert_eq!(
        (&user["role"], &user["plan"], &user["emailVerified"], &user["name"]),
        (&json!("USER"), &json!("FREE"), &json!(false), &Value::Null)
    );

    let session: Value = http
        .post(format!("{}/api/auth/login", server.base))
        .json(&json!({"email": "ada@example.com", "password": "a password"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    assert_eq!((&session["tokenType"], &session["expiresIn"]), (&json!("bearer"), &json!(2_592_000)));

    server.app.issue_invoice("ada@example.com", Plan::Pro, 900, InvoiceStatus::Open);
    let token = session["accessToken"].as_str().expect("a token");
    let invoices: Value = http
        .get(format!("{}/api/invoices", server.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("invoices")
        .json()
        .await
        .expect("JSON");
    let invoice = &invoices[0];
    assert_eq!(
        (&invoice["status"], &invoice["plan"], &invoice["paidAt"]),
        (&json!("open"), &json!("PRO"), &Value::Null)
    );
    assert!(invoice["periodStart"].is_string() && invoice["periodEnd"].is_string(), "{invoice}");

    // A request in snake_case is refused: requests deny unknown fields.
    let snake = http
        .post(format!("{}/api/auth/reset", server.base))
        .json(&json!({"token": "0123456789abcdef", "password": "a password", "new_password": "x"}))
        .send()
        .await
        .expect("reset");
    assert_eq!(snake.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
