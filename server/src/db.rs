//! The database: SQLite (the default, embedded) or PostgreSQL (the scale-out store several
//! instances share), chosen by the scheme of `DATABASE_URL`.
//!
//! The business logic is written once. Each query is written in one SQL that both engines run
//! (no engine-only functions; booleans as `TRUE`/`FALSE`; case-insensitive search as
//! `LOWER(…) LIKE LOWER(…)`; an email compared as `email = CAST(? AS CITEXT)`, which PostgreSQL
//! compares without case and SQLite reads as a text cast compared under the column's
//! `COLLATE NOCASE`: a bare `?` is bound as `text`, and `citext = text` compares with case), with SQLite's `?`/`?N` placeholders, and run through [`on_db!`],
//! which compiles the statement once per engine: [`sql`] hands SQLite the text as written and
//! PostgreSQL the text with `$N` placeholders. Rows decode into the same types on both (text ids,
//! `TIMESTAMPTZ`/RFC 3339 text times, booleans, 64-bit integers). Uniqueness (emails, project
//! names, webhook event ids, idempotency keys) is enforced by each engine's unique indexes, never
//! by reading first. Caps and quotas (reset mails per address, generations per month) count and
//! insert in one statement, in a transaction that first takes [`lock_key`] on what is capped: on
//! PostgreSQL two such statements could otherwise both count before either inserts. Each engine has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`), kept in step by a test (same versions, same tables and columns).
//!
//! Why not `sqlx::Any`: it decodes none of chrono's types and passes placeholders through
//! unchanged, so it would leave both problems to every query.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

/// A pool of connections to one of the two engines (clones share it).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got {scheme}:)")]
    Scheme { scheme: String },
    #[error("cannot open the database")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply the database migrations")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating a SQLite file if missing) and migrates the database at `url`, with at most
    /// `max_connections` connections.
    pub async fn open(url: &str, max_connections: u32) -> Result<Db, OpenError> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme).unwrap_or_default();
        let db = match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(OpenError::Connect)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .connect_with(options)
                    .await
                    .map_err(OpenError::Connect)?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await.map_err(OpenError::Migrate)?;
                Db::Sqlite(pool)
            }
            "postgres" | "postgresql" => {
                let options = PgConnectOptions::from_str(url).map_err(OpenError::Connect)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(OpenError::Connect)?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await.map_err(OpenError::Migrate)?;
                Db::Postgres(pool)
            }
            other => return Err(OpenError::Scheme { scheme: other.to_owned() }),
        };
        Ok(db)
    }

    /// Closes every connection (later queries fail).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }
}

/// Runs `$body` once for the engine of `$db` (a `&Db`), with `$pool` bound to that engine's pool:
/// the statement is written once and compiled for both engines. Build its SQL with [`sql`].
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub use crate::on_db;

/// An engine's way of writing placeholders, and of serializing writers.
pub trait Dialect {
    /// `text` (written with SQLite's `?` and `?N` placeholders) as this engine reads it.
    fn adapt(text: Cow<'static, str>) -> Cow<'static, str>;

    /// The statement that, run first in a transaction with a key bound, makes every other
    /// transaction running it with the same key wait until this one ends; `None` where writers
    /// are serialized already.
    const KEY_LOCK: Option<&'static str>;
}

impl Dialect for SqlitePool {
    fn adapt(text: Cow<'static, str>) -> Cow<'static, str> {
        text
    }

    /// SQLite has one writer at a time, and a writing statement takes the write lock before it
    /// reads: a count and an insert in one statement cannot interleave with another writer.
    const KEY_LOCK: Option<&'static str> = None;
}

impl Dialect for PgPool {
    fn adapt(text: Cow<'static, str>) -> Cow<'static, str> {
        Cow::Owned(numbered(&text))
    }

    /// Under PostgreSQL's read committed, two `INSERT … SELECT … WHERE (SELECT COUNT(*) …) < cap`
    /// can both count before either inserts, and both insert: a transaction-scoped advisory lock
    /// on the key makes them take turns (released at commit or rollback).
    const KEY_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))");
}

/// Makes the rest of `tx` wait for every other transaction that locked `key` (see
/// [`Dialect::KEY_LOCK`]): what a statement that counts before it writes (a cap, a quota) runs
/// first, so that concurrent requests cannot both see room.
pub async fn lock_key<P, DB>(_pool: &P, tx: &mut sqlx::Transaction<'_, DB>, key: &str) -> Result<(), sqlx::Error>
where
    P: Dialect,
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if let Some(text) = P::KEY_LOCK {
        sqlx::query(AssertSqlSafe(text)).bind(key).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The SQL `text` for the engine of `pool` (see [`on_db!`]).
pub fn sql<P: Dialect>(_pool: &P, text: impl Into<Cow<'static, str>>) -> AssertSqlSafe<Cow<'static, str>> {
    AssertSqlSafe(P::adapt(text.into()))
}

/// `?N` → `$N`, and each bare `?` → `$k` where `k` counts the placeholders so far (as SQLite numbers
/// them). Text inside single quotes is left alone.
fn numbered(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut next = 0u32;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let index = match digits.parse::<u32>() {
                    Ok(index) => index,
                    Err(_) => next + 1,
                };
                next = next.max(index);
                out.push('$');
                out.push_str(&index.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(numbered("SELECT a FROM t WHERE b = ? AND c = ?"), "SELECT a FROM t WHERE b = $1 AND c = $2");
        assert_eq!(numbered("UPDATE t SET a = ?1, b = ?1 WHERE c = ?2"), "UPDATE t SET a = $1, b = $1 WHERE c = $2");
        // A bare `?` after `?N` takes the next number after the largest so far, as in SQLite.
        assert_eq!(numbered("?2 ?1 ?"), "$2 $1 $3");
        assert_eq!(numbered("a LIKE ? ESCAPE '\\' AND b = '?'"), "a LIKE $1 ESCAPE '\\' AND b = '?'");
        assert_eq!(numbered("IN (?, ?, ?)"), "IN ($1, $2, $3)");
    }
}
