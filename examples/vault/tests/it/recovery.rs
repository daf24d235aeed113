//! Password recovery on the server's clock: a reset token works for 15 minutes and once; a reset
//! ends the account's sessions; `recover` answers the same whether or not the address has an
//! account. Sessions themselves last 30 days.

use chrono::Duration;
use reqwest::StatusCode;
use vault_client::types;

use crate::flow::{account, login, status_of};
use crate::server::{RESET_MINUTES, SESSION_DAYS, TestServer, start};

fn recovery(email: &str) -> types::PasswordRecovery {
    types::PasswordRecovery { email: email.parse().expect("email") }
}

fn reset(token: &str, password: &str) -> types::PasswordReset {
    types::PasswordReset { token: token.parse().expect("token"), password: password.parse().expect("password") }
}

/// Asks for a reset of `email` and returns the mailed token.
async fn reset_token(server: &TestServer, email: &str) -> String {
    server.client(None).recover(&recovery(email)).await.expect("recover");
    server.app.outbox().last().expect("a mail").reset_token.clone()
}

#[tokio::test]
async fn a_reset_token_expires_after_15_minutes() {
    let server = start().await;
    let anonymous = server.client(None);
    for email in ["ada@example.com", "bob@example.com"] {
        anonymous.register(&account(email, "first password")).await.expect("register");
    }
    let ada_token = reset_token(&server, "ada@example.com").await;
    let bob_token = reset_token(&server, "bob@example.com").await;

    server.app.advance(Duration::minutes(RESET_MINUTES) - Duration::seconds(1));
    anonymous.reset(&reset(&ada_token, "new password")).await.expect("14:59 after the mail, the token works");
    server.app.advance(Duration::seconds(1));
    let late = anonymous.reset(&reset(&bob_token, "new password")).await;
    assert_eq!(status_of(late), Some(StatusCode::BAD_REQUEST), "15:00 after the mail, it has expired");
    anonymous.login(&login("bob@example.com", "first password")).await.expect("bob's password is unchanged");
}

#[tokio::test]
async fn a_reset_token_works_once_and_ends_the_sessions() {
    let server = start().await;
    let anonymous = server.client(None);
    anonymous.register(&account("ada@example.com", "first password")).await.expect("register");
    let session = anonymous.login(&login("ada@example.com", "first password")).await.expect("login").into_inner();
    let ada = server.client(Some(&session.access_token));
    let first = reset_token(&server, "ada@example.com").await;
    let second = reset_token(&server, "ada@example.com").await;

    anonymous.reset(&reset(&first, "second password")).await.expect("reset");
    assert_eq!(status_of(anonymous.reset(&reset(&first, "third password")).await), Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        status_of(anonymous.reset(&reset(&second, "third password")).await),
        Some(StatusCode::BAD_REQUEST),
        "a reset voids the account's other tokens"
    );
    assert_eq!(status_of(ada.get_me().await), Some(StatusCode::UNAUTHORIZED), "the old session ended");
    let made_up = "0123456789abcdef0123456789abcdef";
    assert_eq!(status_of(anonymous.reset(&reset(made_up, "third password")).await), Some(StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn recover_tells_nothing_about_who_is_registered() {
    let server = start().await;
    let answer = server.client(None).recover(&recovery("nobody@example.com")).await.expect("recover");
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    assert!(server.app.outbox().is_empty(), "no mail for an unknown address");
}

#[tokio::test]
async fn a_session_lasts_30_days() {
    let server = start().await;
    let anonymous = server.client(None);
    anonymous.register(&account("ada@example.com", "a password")).await.expect("register");
    let session = anonymous.login(&login("ada@example.com", "a password")).await.expect("login").into_inner();
    let ada = server.client(Some(&session.access_token));
    server.app.advance(Duration::days(SESSION_DAYS) - Duration::seconds(1));
    ada.get_me().await.expect("still valid");
    server.app.advance(Duration::seconds(1));
    assert_eq!(status_of(ada.get_me().await), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(status_of(anonymous.get_me().await), Some(StatusCode::UNAUTHORIZED), "no token at all");
}
