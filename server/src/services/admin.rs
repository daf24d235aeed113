//! The `admin` tag (the generated router enforces the admin role).

use api_server::*;
use chrono::Utc;
use contract_server::RequestContext;
use schemas::admin::*;
use schemas::auth::Role;
use schemas::common::Page;

use super::{UserRow, current_user, like_pattern, offset};
use crate::App;
use crate::problems::{internal, problem};

impl Admin for App {
    async fn admin_stats(&self, _: RequestContext) -> AdminStatsResponse {
        let count = |sql: &'static str| async move {
            sqlx::query_as::<_, (i64,)>(sql).fetch_one(&self.pool).await.map(|(n,)| n.max(0) as u64)
        };
        let counts = async {
            Ok::<_, sqlx::Error>(AdminStats {
                users: count("SELECT COUNT(*) FROM users").await?,
                disabled_users: count("SELECT COUNT(*) FROM users WHERE disabled = 1").await?,
                projects: count("SELECT COUNT(*) FROM projects").await?,
                files: count("SELECT COUNT(*) FROM files").await?,
                generation_jobs: 0,
                active_subscriptions: count("SELECT COUNT(*) FROM users WHERE subscription_status = 'active'").await?,
                computed_at: Utc::now(),
            })
        };
        match counts.await {
            Ok(stats) => AdminStatsResponse::Ok(stats),
            Err(error) => AdminStatsResponse::InternalServerError(internal(error)),
        }
    }

    async fn admin_list_users(&self, _: RequestContext, query: UserListQuery) -> AdminListUsersResponse {
        let (page, per_page) = (query.pagination.page.max(1), query.pagination.per_page.clamp(1, 100));
        let role = query.role.map(|r| if r == Role::Admin { "admin" } else { "user" });
        let pattern = query.search.as_deref().map(like_pattern);
        let filter = "WHERE (?1 IS NULL OR role = ?1) AND (?2 IS NULL OR disabled = ?2) AND (?3 IS NULL OR email LIKE ?3 ESCAPE '\\' OR full_name LIKE ?3 ESCAPE '\\')";
        let total: Result<(i64,), _> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM users {filter}")))
                .bind(role)
                .bind(query.disabled)
                .bind(&pattern)
                .fetch_one(&self.pool)
                .await;
        let rows = sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!(
            "{} {filter} ORDER BY created_at, id LIMIT ?4 OFFSET ?5",
            UserRow::SELECT
        )))
        .bind(role)
        .bind(query.disabled)
        .bind(&pattern)
        .bind(i64::from(per_page))
        .bind(offset(page, per_page))
        .fetch_all(&self.pool)
        .await;
        let (total, rows) = match (total, rows) {
            (Ok((total,)), Ok(rows)) => (total, rows),
            (Err(error), _) | (_, Err(error)) => return AdminListUsersResponse::InternalServerError(internal(error)),
        };
        match rows.into_iter().map(UserRow::into_response).collect::<Result<Vec<_>, _>>() {
            Ok(items) => AdminListUsersResponse::Ok(Page { items, page, per_page, total: total.max(0) as u64 }),
            Err(error) => AdminListUsersResponse::InternalServerError(internal(error)),
        }
    }

    async fn admin_update_user(
        &self,
        context: RequestContext,
        path: UserPath,
        body: AdminUserUpdate,
    ) -> AdminUpdateUserResponse {
        let id = path.user_id.to_string();
        let me = context.principal.as_ref().map(|p| p.id.as_str()) == Some(id.as_str());
        if me && (body.role == Some(Role::User) || body.disabled == Some(true)) {
            return AdminUpdateUserResponse::Conflict(problem(
                409,
                "Not on yourself",
                "an admin cannot demote or disable their own account",
            ));
        }
        let role = body.role.map(|r| if r == Role::Admin { "admin" } else { "user" });
        let updated =
            sqlx::query("UPDATE users SET role = COALESCE(?, role), disabled = COALESCE(?, disabled) WHERE id = ?")
                .bind(role)
                .bind(body.disabled)
                .bind(&id)
                .execute(&self.pool)
                .await;
        match updated {
            Ok(result) if result.rows_affected() == 0 => {
                return AdminUpdateUserResponse::NotFound(problem(404, "Not found", "no such account"));
            }
            Ok(_) => self.authenticator.forget(&id),
            Err(error) => return AdminUpdateUserResponse::InternalServerError(internal(error)),
        }
        if body.disabled == Some(true) {
            let revoked = sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
                .bind(Utc::now())
                .bind(&id)
                .execute(&self.pool)
                .await;
            if let Err(error) = revoked {
                return AdminUpdateUserResponse::InternalServerError(internal(error));
            }
        }
        match current_user(self, &id).await.map(|u| u.map(UserRow::into_response)) {
            Ok(Some(Ok(user))) => AdminUpdateUserResponse::Ok(user),
            Ok(None) => AdminUpdateUserResponse::NotFound(problem(404, "Not found", "no such account")),
            Ok(Some(Err(error))) => AdminUpdateUserResponse::InternalServerError(internal(error)),
            Err(error) => AdminUpdateUserResponse::InternalServerError(internal(error)),
        }
    }
}
