//! Outgoing mail. The default [`OutboxMailer`] writes messages to the `outbox` table, where an
//! operator's relay (or a test) picks them up.

use contract_server::BoxFuture;
use sqlx::SqlitePool;

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends mail.
pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(&'a self, message: Message) -> BoxFuture<'a, Result<(), sqlx::Error>>;
}

/// Writes each message to the `outbox` table.
pub struct OutboxMailer {
    pub pool: SqlitePool,
}

impl Mailer for OutboxMailer {
    fn send<'a>(&'a self, message: Message) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)")
                .bind(&message.to)
                .bind(&message.subject)
                .bind(&message.body)
                .bind(chrono::Utc::now())
                .execute(&self.pool)
                .await?;
            Ok(())
        })
    }
}
