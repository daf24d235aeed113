//! Outgoing mail. The default [`OutboxMailer`] writes messages to the `outbox` table, where an
//! operator's relay (or a test) picks them up.

use crate::db::{Db, on_db, sql};
use contract_server::BoxFuture;

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
    pub db: Db,
}

impl Mailer for OutboxMailer {
    fn send<'a>(&'a self, message: Message) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            on_db!(&self.db, pool => {
                sqlx::query(sql(pool, "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)"))
                    .bind(&message.to)
                    .bind(&message.subject)
                    .bind(&message.body)
                    .bind(chrono::Utc::now())
                    .execute(pool)
                    .await.map(|done| done.rows_affected())
            })?;
            Ok(())
        })
    }
}
