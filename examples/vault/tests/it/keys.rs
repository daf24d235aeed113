//! API keys: the secret is answered once and never stored or listed (only its prefix is), a key
//! authenticates like a session until it is revoked, and keys are private to their owner.

use reqwest::StatusCode;
use serde_json::Value;
use vault_client::types;

use crate::flow::{account, login, status_of};
use crate::server::{TestServer, start};

async fn signed_in(server: &TestServer, email: &str) -> vault_client::Client {
    let anonymous = server.client(None);
    anonymous.register(&account(email, "a password")).await.expect("register");
    let session = anonymous.login(&login(email, "a password")).await.expect("login").into_inner();
    server.client(Some(&session.access_token))
}

fn key_named(name: &str) -> types::ApiKeyCreate {
    types::ApiKeyCreate { name: name.parse().expect("name") }
}

#[tokio::test]
async fn the_secret_is_shown_once_and_only_its_prefix_is_listed() {
    let server = start().await;
    let ada = signed_in(&server, "ada@example.com").await;
    let created = ada.create_api_key(&key_named("ci")).await.expect("create").into_inner();
    assert_eq!((created.key.len(), created.prefix.len()), (35, 11), "vk_ + 32 hex digits; vk_ + 8");

    // What the list sends on the wire, read raw: no `key`, and the secret nowhere.
    let session = server.client(None).login(&login("ada@example.com", "a password")).await.expect("login");
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/api/apikeys", server.base))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("JSON");
    let listed = raw[0].as_object().expect("a key");
    let mut fields: Vec<&str> = listed.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["createdAt", "id", "lastUsedAt", "name", "prefix"]);
    assert!(!raw.to_string().contains(&created.key[11..]), "the secret's tail is never listed: {raw}");
}

#[tokio::test]
async fn a_key_authenticates_until_revoked() {
    let server = start().await;
    let ada = signed_in(&server, "ada@example.com").await;
    let created = ada.create_api_key(&key_named("deploy")).await.expect("create").into_inner();

    let with_key = server.client(Some(&created.key));
    let me = with_key.get_me().await.expect("the key authenticates").into_inner();
    assert_eq!(me.email, "ada@example.com");
    let listed = ada.list_api_keys().await.expect("list").into_inner();
    assert!(listed[0].last_used_at.is_some(), "the use is recorded");

    ada.revoke_api_key(&created.id).await.expect("revoke");
    assert_eq!(status_of(with_key.get_me().await), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(status_of(ada.revoke_api_key(&created.id).await), Some(StatusCode::NOT_FOUND), "already revoked");
    let made_up = format!("vk_{}", "0".repeat(32));
    assert_eq!(status_of(server.client(Some(&made_up)).get_me().await), Some(StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn keys_are_private_to_their_owner() {
    let server = start().await;
    let ada = signed_in(&server, "ada@example.com").await;
    let bob = signed_in(&server, "bob@example.com").await;
    let created = ada.create_api_key(&key_named("ada's")).await.expect("create").into_inner();

    assert!(bob.list_api_keys().await.expect("list").into_inner().is_empty());
    assert_eq!(status_of(bob.revoke_api_key(&created.id).await), Some(StatusCode::NOT_FOUND));
    assert_eq!(ada.list_api_keys().await.expect("list").into_inner().len(), 1, "bob revoked nothing");
    assert_eq!(status_of(server.client(None).list_api_keys().await), Some(StatusCode::UNAUTHORIZED));
}
