//! End to end through the generated Rust client (progenitor): register → login → create a key →
//! list keys → revoke → recover → reset → sign in with the new password.

use reqwest::StatusCode;
use vault_client::types;

use crate::server::start;

pub fn account(email: &str, password: &str) -> types::UserCreate {
    types::UserCreate {
        email: email.parse().expect("email"),
        password: password.parse().expect("password"),
        name: None,
    }
}

pub fn login(email: &str, password: &str) -> types::UserLogin {
    types::UserLogin { email: email.parse().expect("email"), password: password.parse().expect("password") }
}

pub fn status_of<T>(result: Result<T, vault_client::Error<types::Problem>>) -> Option<StatusCode> {
    result.err().and_then(|error| error.status())
}

#[tokio::test]
async fn register_login_keys_recover_reset_login() {
    let server = start().await;
    let anonymous = server.client(None);

    let user = anonymous.register(&account("ada@example.com", "first password")).await.expect("register");
    assert_eq!(user.status(), StatusCode::CREATED);
    assert_eq!((user.role, user.plan, user.email_verified), (types::Role::User, types::Plan::Free, false));
    assert_eq!(
        status_of(anonymous.register(&account("ADA@example.com", "another one")).await),
        Some(StatusCode::CONFLICT)
    );

    let session = anonymous.login(&login("ada@example.com", "first password")).await.expect("login").into_inner();
    assert_eq!((session.user.id, session.expires_in.get()), (user.id, 30 * 24 * 3600));
    let ada = server.client(Some(&session.access_token));

    let name = types::ApiKeyCreateName::try_from("deploy bot").expect("name");
    let created = ada.create_api_key(&types::ApiKeyCreate { name }).await.expect("create key").into_inner();
    assert!(created.key.starts_with(created.prefix.as_str()), "{} / {}", *created.key, *created.prefix);
    let keys = ada.list_api_keys().await.expect("list keys").into_inner();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].id, keys[0].prefix.as_str(), keys[0].last_used_at),
        (created.id, created.prefix.as_str(), None)
    );

    let revoked = ada.revoke_api_key(&created.id).await.expect("revoke");
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert!(ada.list_api_keys().await.expect("list keys").into_inner().is_empty());

    let recover = types::PasswordRecovery { email: "ada@example.com".parse().expect("email") };
    assert_eq!(anonymous.recover(&recover).await.expect("recover").status(), StatusCode::ACCEPTED);
    let mails = server.app.outbox();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "ada@example.com");
    let reset = types::PasswordReset {
        token: mails[0].reset_token.parse().expect("token"),
        password: "second password".parse().expect("password"),
    };
    assert_eq!(anonymous.reset(&reset).await.expect("reset").status(), StatusCode::NO_CONTENT);

    let old = anonymous.login(&login("ada@example.com", "first password")).await;
    assert_eq!(status_of(old), Some(StatusCode::UNAUTHORIZED), "the old password no longer works");
    let renewed = anonymous.login(&login("ada@example.com", "second password")).await.expect("login").into_inner();
    assert_eq!(renewed.user.id, user.id);
    assert!(renewed.user.email_verified, "a reset proves the address");
}
