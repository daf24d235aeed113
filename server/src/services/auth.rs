//! The `auth` tag: accounts, sign-in, tokens, password reset, OAuth.

use api_server::*;
use chrono::{DateTime, Duration, Utc};
use contract_server::RequestContext;
use schemas::auth::*;
use schemas::billing::SubscriptionStatus;
use uuid::Uuid;

use super::{UserRow, current_user};
use crate::App;
use crate::auth::{hash_password, random_token, token_hash, verify_password};
use crate::mailer::Message;

use crate::problems::{internal, is_unique_violation, problem};

/// How long a refresh token lives.
const REFRESH_DAYS: i64 = 30;
/// How long a password reset token lives.
const RESET_MINUTES: i64 = 15;
/// How long an OAuth state lives.
const STATE_MINUTES: i64 = 10;

async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| e.to_string())?
}

async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false)
}

impl App {
    /// A new token pair for a user (the refresh token is stored hashed).
    async fn token_pair(&self, user: UserRow) -> Result<TokenResponse, String> {
        let access_token = self.tokens.issue(&user.id, &user.role).map_err(|e| e.to_string())?;
        let refresh_token = random_token("rt_");
        sqlx::query("INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
            .bind(token_hash(&refresh_token))
            .bind(&user.id)
            .bind(Utc::now() + Duration::days(REFRESH_DAYS))
            .execute(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        Ok(TokenResponse {
            access_token,
            token_type: TokenType::Bearer,
            expires_in: self.tokens.access_seconds,
            refresh_token,
            user: user.into_response().map_err(|e| e.to_string())?,
        })
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!("{} WHERE email = ?", UserRow::SELECT)))
            .bind(email)
            .fetch_optional(&self.pool)
            .await
    }
}

impl Auth for App {
    async fn register(&self, _: RequestContext, body: UserCreate) -> RegisterResponse {
        let email = body.email.trim().to_owned();
        let password_hash = match hash(body.password.0).await {
            Ok(hash) => hash,
            Err(error) => return RegisterResponse::InternalServerError(internal(error)),
        };
        let role = if self.config.admin_emails.contains(&email.to_ascii_lowercase()) { "admin" } else { "user" };
        let id = Uuid::new_v4().to_string();
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, password_hash, full_name, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&email)
        .bind(&password_hash)
        .bind(&body.full_name)
        .bind(role)
        .bind(Utc::now())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                return RegisterResponse::Conflict(problem(
                    409,
                    "Email already registered",
                    format!("an account with {email} already exists"),
                ));
            }
            Err(error) => return RegisterResponse::InternalServerError(internal(error)),
        }
        match current_user(self, &id).await {
            Ok(Some(user)) => match user.into_response() {
                Ok(user) => RegisterResponse::Created(user),
                Err(error) => RegisterResponse::InternalServerError(internal(error)),
            },
            Ok(None) => RegisterResponse::InternalServerError(internal("the new account vanished")),
            Err(error) => RegisterResponse::InternalServerError(internal(error)),
        }
    }

    async fn login(&self, _: RequestContext, body: UserLogin) -> LoginResponse {
        let user = match self.user_by_email(body.email.trim()).await {
            Ok(user) => user,
            Err(error) => return LoginResponse::InternalServerError(internal(error)),
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let valid = verify(body.password, stored).await;
        let refused = || {
            LoginResponse::Unauthorized(problem(
                401,
                "Sign-in refused",
                "wrong email or password, or a disabled account",
            ))
        };
        match user {
            Some(user) if valid && !user.disabled => match self.token_pair(user).await {
                Ok(tokens) => LoginResponse::Ok(tokens),
                Err(error) => LoginResponse::InternalServerError(internal(error)),
            },
            _ => refused(),
        }
    }

    async fn refresh_token(&self, _: RequestContext, body: RefreshRequest) -> RefreshTokenResponse {
        // Mark the token used and read its owner in one statement, so a token works once even
        // when two requests race.
        let claimed: Result<Option<(String,)>, _> = sqlx::query_as(
            "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id",
        )
        .bind(Utc::now())
        .bind(token_hash(&body.refresh_token))
        .bind(Utc::now())
        .fetch_optional(&self.pool)
        .await;
        let refused = || {
            RefreshTokenResponse::Unauthorized(problem(
                401,
                "Refresh refused",
                "the refresh token is unknown, used or expired",
            ))
        };
        let user_id = match claimed {
            Ok(Some((user_id,))) => user_id,
            Ok(None) => return refused(),
            Err(error) => return RefreshTokenResponse::InternalServerError(internal(error)),
        };
        match current_user(self, &user_id).await {
            Ok(Some(user)) if !user.disabled => match self.token_pair(user).await {
                Ok(tokens) => RefreshTokenResponse::Ok(tokens),
                Err(error) => RefreshTokenResponse::InternalServerError(internal(error)),
            },
            Ok(_) => refused(),
            Err(error) => RefreshTokenResponse::InternalServerError(internal(error)),
        }
    }

    async fn logout(&self, context: RequestContext, body: RefreshRequest) -> LogoutResponse {
        let user_id = context.principal.map(|p| p.id).unwrap_or_default();
        let revoked = sqlx::query(
            "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND user_id = ? AND used_at IS NULL",
        )
        .bind(Utc::now())
        .bind(token_hash(&body.refresh_token))
        .bind(&user_id)
        .execute(&self.pool)
        .await;
        match revoked {
            Ok(_) => LogoutResponse::NoContent,
            Err(error) => LogoutResponse::InternalServerError(internal(error)),
        }
    }

    async fn get_me(&self, context: RequestContext) -> GetMeResponse {
        let user_id = context.principal.map(|p| p.id).unwrap_or_default();
        match current_user(self, &user_id).await.map(|u| u.map(UserRow::into_response)) {
            Ok(Some(Ok(user))) => GetMeResponse::Ok(user),
            Ok(None) => GetMeResponse::Unauthorized(problem(401, "Authentication required", "the account is gone")),
            Ok(Some(Err(error))) => GetMeResponse::InternalServerError(internal(error)),
            Err(error) => GetMeResponse::InternalServerError(internal(error)),
        }
    }

    async fn update_me(&self, context: RequestContext, body: UserUpdate) -> UpdateMeResponse {
        let user_id = context.principal.map(|p| p.id).unwrap_or_default();
        let user = match current_user(self, &user_id).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                return UpdateMeResponse::Unauthorized(problem(401, "Authentication required", "the account is gone"));
            }
            Err(error) => return UpdateMeResponse::InternalServerError(internal(error)),
        };
        if let Some(password) = body.password {
            let current = match body.current_password {
                Some(current) => current,
                None => {
                    return UpdateMeResponse::Forbidden(problem(
                        403,
                        "Current password required",
                        "send `current_password` to change the password",
                    ));
                }
            };
            if !verify(current, user.password_hash.clone()).await {
                return UpdateMeResponse::Forbidden(problem(403, "Wrong password", "`current_password` is wrong"));
            }
            let hashed = match hash(password.0).await {
                Ok(hashed) => hashed,
                Err(error) => return UpdateMeResponse::InternalServerError(internal(error)),
            };
            if let Err(error) = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
                .bind(hashed)
                .bind(&user_id)
                .execute(&self.pool)
                .await
            {
                return UpdateMeResponse::InternalServerError(internal(error));
            }
            if let Err(error) = revoke_sessions(&self.pool, &user_id).await {
                return UpdateMeResponse::InternalServerError(internal(error));
            }
        }
        if let Some(full_name) = body.full_name {
            if let Err(error) = sqlx::query("UPDATE users SET full_name = ? WHERE id = ?")
                .bind(full_name)
                .bind(&user_id)
                .execute(&self.pool)
                .await
            {
                return UpdateMeResponse::InternalServerError(internal(error));
            }
        }
        match current_user(self, &user_id).await.map(|u| u.map(UserRow::into_response)) {
            Ok(Some(Ok(user))) => UpdateMeResponse::Ok(user),
            Ok(None) => UpdateMeResponse::Unauthorized(problem(401, "Authentication required", "the account is gone")),
            Ok(Some(Err(error))) => UpdateMeResponse::InternalServerError(internal(error)),
            Err(error) => UpdateMeResponse::InternalServerError(internal(error)),
        }
    }

    async fn request_password_reset(
        &self,
        _: RequestContext,
        body: PasswordResetRequest,
    ) -> RequestPasswordResetResponse {
        // The answer is the same, and as fast, whether or not the address has an account: the
        // token and the message are made after it, off the request path.
        let (pool, mailer) = (self.pool.clone(), self.mailer.clone());
        let email = body.email.trim().to_owned();
        tokio::spawn(async move {
            if let Err(error) = send_reset(&pool, mailer.as_ref(), &email).await {
                tracing::error!(%error, "sending a password reset message");
            }
        });
        RequestPasswordResetResponse::Accepted
    }

    async fn reset_password(&self, _: RequestContext, body: PasswordReset) -> ResetPasswordResponse {
        let claimed: Result<Option<(String,)>, _> = sqlx::query_as(
            "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id",
        )
        .bind(Utc::now())
        .bind(token_hash(&body.token))
        .bind(Utc::now())
        .fetch_optional(&self.pool)
        .await;
        let user_id = match claimed {
            Ok(Some((user_id,))) => user_id,
            Ok(None) => {
                return ResetPasswordResponse::BadRequest(problem(
                    400,
                    "Reset refused",
                    "the reset token is unknown, used or expired",
                ));
            }
            Err(error) => return ResetPasswordResponse::InternalServerError(internal(error)),
        };
        let hashed = match hash(body.new_password.0).await {
            Ok(hashed) => hashed,
            Err(error) => return ResetPasswordResponse::InternalServerError(internal(error)),
        };
        let updated = async {
            sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
                .bind(hashed)
                .bind(&user_id)
                .execute(&self.pool)
                .await?;
            revoke_sessions(&self.pool, &user_id).await
        };
        match updated.await {
            Ok(_) => ResetPasswordResponse::NoContent,
            Err(error) => ResetPasswordResponse::InternalServerError(internal(error)),
        }
    }

    async fn oauth_authorize(&self, _: RequestContext, path: OAuthProviderPath) -> OauthAuthorizeResponse {
        let Some(client) = self.providers.get(path.provider) else {
            return OauthAuthorizeResponse::ServiceUnavailable(not_configured(path.provider));
        };
        let state = random_token("st_");
        let expires_at: DateTime<Utc> = Utc::now() + Duration::minutes(STATE_MINUTES);
        let stored = sqlx::query("INSERT INTO oauth_states (state_hash, provider, expires_at) VALUES (?, ?, ?)")
            .bind(token_hash(&state))
            .bind(provider_name(path.provider))
            .bind(expires_at)
            .execute(&self.pool)
            .await;
        match stored {
            Ok(_) => OauthAuthorizeResponse::Ok(OAuthAuthorizeResponse {
                authorization_url: client.authorization_url(&state),
                state,
                expires_at,
            }),
            Err(error) => OauthAuthorizeResponse::InternalServerError(internal(error)),
        }
    }

    async fn oauth_callback(
        &self,
        _: RequestContext,
        path: OAuthProviderPath,
        body: OAuthCallback,
    ) -> OauthCallbackResponse {
        let Some(client) = self.providers.get(path.provider) else {
            return OauthCallbackResponse::ServiceUnavailable(not_configured(path.provider));
        };
        let claimed: Result<Option<(String,)>, _> = sqlx::query_as(
            "UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND provider = ? AND used_at IS NULL AND expires_at > ? RETURNING provider",
        )
        .bind(Utc::now())
        .bind(token_hash(&body.state))
        .bind(provider_name(path.provider))
        .bind(Utc::now())
        .fetch_optional(&self.pool)
        .await;
        match claimed {
            Ok(Some(_)) => {}
            Ok(None) => {
                return OauthCallbackResponse::BadRequest(problem(
                    400,
                    "Sign-in refused",
                    "the state is unknown, used or expired",
                ));
            }
            Err(error) => return OauthCallbackResponse::InternalServerError(internal(error)),
        }
        let identity = match client.exchange(&body.code).await {
            Ok(identity) => identity,
            Err(crate::oauth::OAuthError::Refused(reason)) => {
                return OauthCallbackResponse::BadRequest(problem(400, "Sign-in refused", reason));
            }
            Err(crate::oauth::OAuthError::Unreachable(reason)) => {
                return OauthCallbackResponse::BadGateway(problem(502, "Provider unreachable", reason));
            }
        };
        let user = match self.user_by_email(&identity.email).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                let id = Uuid::new_v4().to_string();
                let created = sqlx::query("INSERT INTO users (id, email, full_name, created_at) VALUES (?, ?, ?, ?)")
                    .bind(&id)
                    .bind(&identity.email)
                    .bind(&identity.full_name)
                    .bind(Utc::now())
                    .execute(&self.pool)
                    .await;
                if let Err(error) = created {
                    return OauthCallbackResponse::InternalServerError(internal(error));
                }
                match current_user(self, &id).await {
                    Ok(Some(user)) => user,
                    Ok(None) => {
                        return OauthCallbackResponse::InternalServerError(internal("the new account vanished"));
                    }
                    Err(error) => return OauthCallbackResponse::InternalServerError(internal(error)),
                }
            }
            Err(error) => return OauthCallbackResponse::InternalServerError(internal(error)),
        };
        if user.disabled {
            return OauthCallbackResponse::BadRequest(problem(400, "Sign-in refused", "the account is disabled"));
        }
        match self.token_pair(user).await {
            Ok(tokens) => OauthCallbackResponse::Ok(tokens),
            Err(error) => OauthCallbackResponse::InternalServerError(internal(error)),
        }
    }
}

/// Makes a reset token for the account of `email` (when there is an enabled one) and mails it.
async fn send_reset(
    pool: &sqlx::SqlitePool,
    mailer: &dyn crate::mailer::Mailer,
    email: &str,
) -> Result<(), sqlx::Error> {
    let user: Option<(String, String)> = sqlx::query_as("SELECT id, email FROM users WHERE email = ? AND disabled = 0")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    let Some((user_id, address)) = user else { return Ok(()) };
    let token = random_token("pr_");
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
        .bind(token_hash(&token))
        .bind(&user_id)
        .bind(Utc::now() + Duration::minutes(RESET_MINUTES))
        .execute(pool)
        .await?;
    let message = Message {
        to: address,
        subject: "Reset your Devora password".into(),
        body: format!(
            "Someone asked to reset the password of this account. If it was you, use this token within {RESET_MINUTES} minutes; it works once:\n\n{token}\n"
        ),
    };
    mailer.send(message).await
}

/// After a password change: every refresh token and pending reset token of the account stops working.
async fn revoke_sessions(pool: &sqlx::SqlitePool, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
        .bind(Utc::now())
        .bind(user_id)
        .execute(pool)
        .await?;
    sqlx::query("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
        .bind(Utc::now())
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

fn provider_name(provider: OAuthProvider) -> &'static str {
    match provider {
        OAuthProvider::Google => "google",
        OAuthProvider::Github => "github",
    }
}

fn not_configured(provider: OAuthProvider) -> schemas::common::Problem {
    problem(
        503,
        "Provider not configured",
        format!("sign-in with {} is not configured on this server", provider_name(provider)),
    )
}

/// Parses the stored subscription status.
pub(super) fn subscription_status(text: &str) -> SubscriptionStatus {
    match text {
        "active" => SubscriptionStatus::Active,
        "canceled" => SubscriptionStatus::Canceled,
        "past_due" => SubscriptionStatus::PastDue,
        _ => SubscriptionStatus::Inactive,
    }
}
