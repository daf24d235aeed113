//! How list operations filter and page: one `COUNT(*)` and one page of rows, with the same filter
//! and arguments, and the `Page` the contract answers.

use schemas::common::{Page, Pagination};
use sqlx::{FromRow, Row};

use crate::db::{Db, on_db, sql};

/// A filter's argument: the types filters use, bound the same way on either engine.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

impl From<Option<&str>> for Arg {
    fn from(value: Option<&str>) -> Self {
        Arg::Text(value.map(str::to_owned))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value)
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(Some(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_owned()))
    }
}

impl From<Option<bool>> for Arg {
    fn from(value: Option<bool>) -> Self {
        Arg::Bool(value)
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Self {
        Arg::Int(value)
    }
}

/// Binds `$args` in order to the query `$query` (either engine's).
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(value) => query.bind(value.clone()),
                Arg::Int(value) => query.bind(*value),
                Arg::Bool(value) => query.bind(*value),
            };
        }
        query
    }};
}

/// A filtered list: `{select} {filter} {order}`, counted as `SELECT COUNT(*) FROM ({select} {filter})`
/// (the engines flatten it into a plain count). The filter's arguments are numbered from `?1` in
/// the order they are bound; the page's `LIMIT` and `OFFSET` come after them.
pub(crate) struct List {
    /// `SELECT … FROM …`.
    select: &'static str,
    /// `WHERE …`, shared by the count and the page.
    filter: &'static str,
    /// `ORDER BY …`: a total order, so that pages neither skip nor repeat rows.
    order: &'static str,
    arguments: Vec<Arg>,
}

impl List {
    pub fn new(select: &'static str, filter: &'static str, order: &'static str) -> Self {
        Self { select, filter, order, arguments: Vec::new() }
    }

    /// Binds the filter's next argument.
    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.arguments.push(value.into());
        self
    }

    /// Reads the page `pagination` asks for (pages start at 1 and hold 1 to 100 rows).
    pub async fn fetch_page<R>(self, db: &Db, pagination: &Pagination) -> Result<(Vec<R>, PageInfo), sqlx::Error>
    where
        R: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let (page, per_page) = (pagination.page.max(1), pagination.per_page.clamp(1, 100));
        let count_text = format!("SELECT COUNT(*) FROM ({} {}) AS listed", self.select, self.filter);
        let n = self.arguments.len();
        let page_text = format!("{} {} {} LIMIT ?{} OFFSET ?{}", self.select, self.filter, self.order, n + 1, n + 2);
        let (limit, offset) = (i64::from(per_page), (i64::from(page) - 1) * i64::from(per_page));
        // No argument holds NUL: the runtime refuses it in every input (`Core::refusing_nul`).
        let arguments = &self.arguments;
        let (total, rows): (i64, Vec<R>) = on_db!(db, pool => {
            let total = bind_all!(sqlx::query(sql(pool, count_text)), arguments).fetch_one(pool).await?.try_get::<i64, _>(0)?;
            let rows = bind_all!(sqlx::query_as::<_, R>(sql(pool, page_text)), arguments)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        Ok((rows, PageInfo { page, per_page, total: total.max(0) as u64 }))
    }
}

/// Where a page is, and how many items all pages hold.
pub(crate) struct PageInfo {
    page: u32,
    per_page: u32,
    total: u64,
}

impl PageInfo {
    /// The page of `items` (made from the page's rows, in their order).
    pub fn with<T>(self, items: Vec<T>) -> Page<T> {
        Page { items, page: self.page, per_page: self.per_page, total: self.total }
    }
}

/// A `LIKE` pattern matching `search` anywhere, with `%`, `_` and `\` taken literally
/// (filters use `ESCAPE '\'`).
pub(crate) fn like_pattern(search: &str) -> String {
    let escaped = search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
