//! What an operator sees: the `server admin` command (no address becomes admin by registering),
//! the refusal of the retired `ADMIN_EMAILS`, and log levels a client cannot raise.

use std::process::Command;

use reqwest::StatusCode;

use crate::common;
use crate::e2e::{client, raw, register_and_login, status_of};

fn server_command(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.env("DATABASE_URL", database_url).env_remove("ADMIN_EMAILS").env("RUST_LOG", "off");
    command
}

#[tokio::test]
async fn server_admin_grant_makes_an_existing_account_admin() {
    let server = common::start().await;
    let token = register_and_login(&server, "ada@example.com").await;
    let denied = client(&server, Some(&token)).admin_stats().await.expect_err("not yet an admin");
    assert_eq!(status_of(&denied), Some(StatusCode::FORBIDDEN));

    let missing = server_command(&server.database_url).args(["admin", "grant", "nobody@example.com"]).output();
    let missing = missing.expect("runs");
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no account has the address nobody@example.com"), "{stderr}");

    let granted = server_command(&server.database_url).args(["admin", "grant", "ADA@example.com"]).output();
    let granted = granted.expect("runs");
    assert!(granted.status.success(), "{}", String::from_utf8_lossy(&granted.stderr));
    assert_eq!(String::from_utf8_lossy(&granted.stdout), "ADA@example.com is now an admin\n");
    // The running server reads roles through a one-second cache.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    client(&server, Some(&token)).admin_stats().await.expect("an admin now");

    let revoked = server_command(&server.database_url).args(["admin", "revoke", "ada@example.com"]).output();
    assert!(revoked.expect("runs").status.success());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let denied = client(&server, Some(&token)).admin_stats().await.expect_err("a plain user again");
    assert_eq!(status_of(&denied), Some(StatusCode::FORBIDDEN));
}

#[test]
fn a_wrong_command_line_and_the_retired_variable_are_refused() {
    let dir = std::env::temp_dir().join(format!("devora-cli-{}", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}", dir.join("cli.db").display());
    for args in [&["admin"][..], &["admin", "promote", "a@example.com"], &["serve-all"]] {
        let output = server_command(&url).args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("usage: server"), "{args:?}");
    }
    let output = server_command(&url).env("ADMIN_EMAILS", "boss@example.com").env("PORT", "0").output();
    let output = output.expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ADMIN_EMAILS is no longer read") && stderr.contains("server admin grant"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A `503` any client can bring about (OAuth with no provider configured) is no ERROR line: the
/// request trace logs a 5xx at WARN, so a client cannot fill the error log at will.
#[tokio::test]
async fn answers_a_client_can_bring_about_are_not_logged_as_errors() {
    let (captured, _logging) = common::capture_logs();
    let server = common::start().await;
    for _ in 0..3 {
        let (status, _, _) =
            raw(&server, reqwest::Method::GET, "/api/v2/auth/oauth/google/authorize", None, None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }
    let logs = captured.text();
    assert!(logs.contains("WARN") && logs.contains("503"), "the failures are logged: {logs}");
    assert!(!logs.contains("ERROR"), "{logs}");
}

/// Two admins demoting each other at once: one demotion is made, the other is a `409`, and one
/// enabled admin remains (each change that may take an admin away runs under one lock and counts
/// the others in its statement). Ten rounds, on both engines.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_demoting_each_other_leave_one_admin() {
    use api_server::{Admin, AdminUpdateUserResponse as Answer};
    let server = common::start().await;
    let mut ids = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        register_and_login(&server, email).await;
        let id = server::roles::change(&server.app.db, email, server::roles::Change::Grant).await;
        ids.push(id.expect("grant").expect("the account"));
    }
    let as_admin = |id: &str| contract_server::RequestContext {
        principal: Some(contract_server::Principal { id: id.to_owned(), roles: vec!["admin".into()] }),
        request_id: "test".into(),
        client_ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    };
    let admins = || async {
        let (count,): (i64,) = server::on_db!(&server.app.db, pool => {
            sqlx::query_as(server::db::sql(pool, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE"))
                .fetch_one(pool)
                .await
        })
        .expect("count");
        count
    };
    for round in 0..10 {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let demotions = [(0, 1), (1, 0)].map(|(by, of)| {
            let (app, barrier, context) = (server.app.clone(), barrier.clone(), as_admin(&ids[by]));
            let path = schemas::admin::UserPath { user_id: ids[of].parse().expect("uuid") };
            tokio::spawn(async move {
                barrier.wait().await;
                let demote = schemas::admin::AdminUserUpdate { role: Some(schemas::auth::Role::User), disabled: None };
                app.admin_update_user(context, path, demote).await
            })
        });
        let answers: Vec<Answer> =
            futures::future::join_all(demotions).await.into_iter().map(|a| a.expect("the task")).collect();
        let made = answers.iter().filter(|a| matches!(a, Answer::Ok(_))).count();
        let refused = answers.iter().filter(|a| matches!(a, Answer::Conflict(_))).count();
        assert_eq!((made, refused, admins().await), (1, 1, 1), "round {round}");
        // Both admins again for the next round.
        for email in ["ada@example.com", "bob@example.com"] {
            server::roles::change(&server.app.db, email, server::roles::Change::Grant).await.expect("grant");
        }
    }
}
