//! How list operations filter and page: one `COUNT(*)` and one page of rows, with the same filter
//! and arguments, and the `Page` the contract answers.

use schemas::common::{Page, Pagination};
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, AssertSqlSafe, Encode, FromRow, Sqlite, SqlitePool, Type};

/// A filtered list: `{select} {filter} {order}`, counted as `SELECT COUNT(*) FROM ({select} {filter})`
/// (SQLite flattens it into a plain count). The filter's arguments are numbered from `?1` in the
/// order they are bound; the page's `LIMIT` and `OFFSET` come after them.
pub(crate) struct List {
    /// `SELECT … FROM …`.
    select: &'static str,
    /// `WHERE …`, shared by the count and the page.
    filter: &'static str,
    /// `ORDER BY …`: a total order, so that pages neither skip nor repeat rows.
    order: &'static str,
    arguments: SqliteArguments,
    /// The first argument that could not be encoded, reported when the list is read.
    invalid: Option<BoxDynError>,
}

impl List {
    pub fn new(select: &'static str, filter: &'static str, order: &'static str) -> Self {
        Self { select, filter, order, arguments: SqliteArguments::default(), invalid: None }
    }

    /// Binds the filter's next argument.
    pub fn bind<'t, T: Encode<'t, Sqlite> + Type<Sqlite>>(mut self, value: T) -> Self {
        if let Err(error) = self.arguments.add(value) {
            self.invalid.get_or_insert(error);
        }
        self
    }

    /// Reads the page `pagination` asks for (pages start at 1 and hold 1 to 100 rows).
    pub async fn fetch_page<R>(
        self,
        pool: &SqlitePool,
        pagination: &Pagination,
    ) -> Result<(Vec<R>, PageInfo), sqlx::Error>
    where
        R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        if let Some(error) = self.invalid {
            return Err(sqlx::Error::Encode(error));
        }
        let (page, per_page) = (pagination.page.max(1), pagination.per_page.clamp(1, 100));
        let (total,): (i64,) = sqlx::query_as_with(
            AssertSqlSafe(format!("SELECT COUNT(*) FROM ({} {})", self.select, self.filter)),
            self.arguments.clone(),
        )
        .fetch_one(pool)
        .await?;
        let count = self.arguments.len();
        let mut arguments = self.arguments;
        arguments.add(i64::from(per_page)).map_err(sqlx::Error::Encode)?;
        arguments.add((i64::from(page) - 1) * i64::from(per_page)).map_err(sqlx::Error::Encode)?;
        let sql = format!("{} {} {} LIMIT ?{} OFFSET ?{}", self.select, self.filter, self.order, count + 1, count + 2);
        let rows = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
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
