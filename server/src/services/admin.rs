//! The `admin` tag (the generated router enforces the admin role).

use api_server::*;
use chrono::Utc;
use contract_server::RequestContext;
use schemas::admin::*;
use schemas::auth::Role;

use super::listing::{List, like_pattern};
use super::{UserRow, answer, current_user};
use crate::App;
use crate::cache::Scope;
use crate::db::{lock_key, on_db, sql};

/// The detail of a `404` for an account that does not exist.
const NO_ACCOUNT: &str = "No account with this id.";

fn role_name(role: Role) -> &'static str {
    if role == Role::Admin { "admin" } else { "user" }
}

impl Admin for App {
    async fn admin_stats(&self, _: RequestContext) -> AdminStatsResponse {
        answer(async {
            let count = |text: &'static str| async move {
                on_db!(&self.db, pool => sqlx::query_as::<_, (i64,)>(sql(pool, text)).fetch_one(pool).await)
                    .map(|(n,)| n.max(0) as u64)
            };
            Ok(AdminStatsResponse::Ok(AdminStats {
                users: count("SELECT COUNT(*) FROM users").await?,
                disabled_users: count("SELECT COUNT(*) FROM users WHERE disabled = TRUE").await?,
                projects: count("SELECT COUNT(*) FROM projects").await?,
                files: count("SELECT COUNT(*) FROM files").await?,
                generation_jobs: 0,
                active_subscriptions: count("SELECT COUNT(*) FROM users WHERE subscription_status = 'active'").await?,
                computed_at: Utc::now(),
            }))
        })
        .await
    }

    async fn admin_list_users(&self, _: RequestContext, query: UserListQuery) -> AdminListUsersResponse {
        answer(async {
            let (rows, page) = List::new(
                UserRow::SELECT,
                "WHERE (?1 IS NULL OR role = ?1) AND (?2 IS NULL OR disabled = ?2) \
                 AND (?3 IS NULL OR LOWER(email) LIKE LOWER(?3) ESCAPE '\\' OR LOWER(full_name) LIKE LOWER(?3) ESCAPE '\\')",
                "ORDER BY created_at, id",
            )
            .bind(query.role.map(role_name))
            .bind(query.disabled)
            .bind(query.search.as_deref().map(like_pattern))
            .fetch_page::<UserRow>(&self.db, &query.pagination)
            .await?;
            let items = rows.into_iter().map(UserRow::into_response).collect::<Result<Vec<_>, _>>()?;
            Ok(AdminListUsersResponse::Ok(page.with(items)))
        })
        .await
    }

    async fn admin_update_user(
        &self,
        context: RequestContext,
        path: UserPath,
        body: AdminUserUpdate,
    ) -> AdminUpdateUserResponse {
        answer(async {
            let id = path.user_id.to_string();
            let me = context.principal.as_ref().map(|p| p.id.as_str()) == Some(id.as_str());
            if me && (body.role == Some(Role::User) || body.disabled == Some(true)) {
                return Ok(AdminUpdateUserResponse::conflict("An admin cannot demote or disable their own account."));
            }
            // A change that may take an admin away leaves at least one other enabled admin: checked in
            // the statement, under one lock for every such change, so that two admins demoting each
            // other at once cannot leave none.
            let removes_admin = body.role == Some(Role::User) || body.disabled == Some(true);
            let updated = on_db!(&self.db, pool => async {
                let mut tx = pool.begin().await?;
                lock_key(pool, &mut tx, "users:admins").await?;
                let updated = sqlx::query(sql(
                    pool,
                    "UPDATE users SET role = COALESCE(?1, role), disabled = COALESCE(?2, disabled) WHERE id = ?3 \
                     AND (?4 = FALSE OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE \
                     AND id <> ?3) > 0)",
                ))
                .bind(body.role.map(role_name))
                .bind(body.disabled)
                .bind(&id)
                .bind(removes_admin)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok::<_, sqlx::Error>(updated)
            }.await)?;
            if updated == 0 {
                return Ok(match current_user(self, &id).await? {
                    Some(_) => AdminUpdateUserResponse::conflict(
                        "No other enabled admin would remain; make another account admin first.",
                    ),
                    None => AdminUpdateUserResponse::not_found(NO_ACCOUNT),
                });
            }
            self.cache.invalidate(Scope::Profile, &id).await;
            self.authenticator.forget(&id);
            if body.disabled == Some(true) {
                // Every way back in ends: sessions (access and refresh tokens), and reset tokens
                // already mailed (enabling the account again revives none).
                self.end_sessions(&id).await?;
            }
            Ok(match current_user(self, &id).await? {
                Some(user) => AdminUpdateUserResponse::Ok(user.into_response()?),
                None => AdminUpdateUserResponse::not_found(NO_ACCOUNT),
            })
        })
        .await
    }
}
