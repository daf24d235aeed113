//! The two engines' migrations stay in step: the same versions with the same names, and, once
//! applied, the same tables with the same columns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sqlx::Row;

use crate::common::{Cluster, fresh_postgres_database};

type Tables = BTreeMap<String, BTreeSet<String>>;

fn migration_files(engine: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn sqlite_tables() -> Tables {
    let dir = std::env::temp_dir().join(format!("devora-migrations-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = server::Db::open(&format!("sqlite://{}", dir.join("m.db").display()), 1).await.expect("SQLite migrates");
    let server::Db::Sqlite(pool) = &db else { unreachable!("a sqlite: URL opens SQLite") };
    let rows = sqlx::query(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("the catalogue reads");
    db.close().await;
    std::fs::remove_dir_all(&dir).ok();
    collect(rows.iter().map(|row| (row.get::<String, _>(0), row.get::<String, _>(1))))
}

async fn postgres_tables(cluster: &Cluster) -> Tables {
    let url = fresh_postgres_database(cluster.url()).await;
    let db = server::Db::open(&url, 1).await.expect("PostgreSQL migrates");
    let server::Db::Postgres(pool) = &db else { unreachable!("a postgres: URL opens PostgreSQL") };
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("the catalogue reads");
    db.close().await;
    collect(rows.iter().map(|row| (row.get::<String, _>(0), row.get::<String, _>(1))))
}

fn collect(pairs: impl Iterator<Item = (String, String)>) -> Tables {
    let mut tables = Tables::new();
    for (table, column) in pairs {
        tables.entry(table).or_default().insert(column);
    }
    tables
}

#[test]
fn both_engines_have_the_same_migration_files() {
    let sqlite = migration_files("sqlite");
    assert!(sqlite.len() >= 5, "{sqlite:?}");
    assert_eq!(sqlite, migration_files("postgres"), "migrations/sqlite and migrations/postgres differ");
}

#[tokio::test]
async fn both_engines_migrate_to_the_same_tables_and_columns() {
    let cluster = Cluster::get();
    let sqlite = sqlite_tables().await;
    let postgres = postgres_tables(&cluster).await;
    assert!(sqlite.contains_key("users") && sqlite["users"].contains("email"), "{sqlite:?}");
    assert_eq!(sqlite, postgres, "the engines' schemas differ (left: SQLite, right: PostgreSQL)");
}
