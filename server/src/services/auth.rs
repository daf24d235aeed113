//! The `auth` tag: accounts, sign-in, tokens, password reset, OAuth.

use api_server::*;
use chrono::Utc;
use contract_server::{InternalError, RequestContext};
use schemas::auth::*;
use schemas::billing::SubscriptionStatus;
use tracing::Instrument;
use uuid::Uuid;

use super::{UserRow, answer, caller, current_user};
use crate::App;
use crate::auth::{hash_password, verify_password};
use crate::error::{ApiError, is_unique_violation};
use crate::mailer::Message;
use crate::oauth::OAuthError;
use crate::single_use::SingleUse;

/// Hashes a password off the async threads (argon2id is CPU-heavy).
async fn hash(password: String) -> Result<String, ApiError> {
    Ok(tokio::task::spawn_blocking(move || hash_password(&password)).await??)
}

async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false)
}

impl App {
    /// A new token pair for a user (the refresh token is stored hashed).
    /// An access token and a refresh token, the latter in `family` (a new family: a sign-in).
    async fn token_pair(&self, user: UserRow, family: Option<&str>) -> Result<TokenResponse, ApiError> {
        let access_token = self.tokens.issue(&user.id, &user.role)?;
        let refresh_token = crate::refresh::issue(&self.pool, &user.id, family).await?;
        Ok(TokenResponse {
            access_token,
            token_type: TokenType::Bearer,
            expires_in: self.tokens.access_seconds,
            refresh_token,
            user: user.into_response()?,
        })
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!("{} WHERE email = ?", UserRow::SELECT)))
            .bind(email)
            .fetch_optional(&self.pool)
            .await
    }

    /// The account just created with this id.
    async fn created_user(&self, id: &str) -> Result<UserRow, ApiError> {
        current_user(self, id).await?.ok_or(ApiError::Vanished("account"))
    }

    async fn set_password(&self, user_id: &str, password: String) -> Result<(), ApiError> {
        let hashed = hash(password).await?;
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hashed)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        revoke_sessions(&self.pool, user_id).await?;
        Ok(())
    }
}

impl Auth for App {
    async fn register(&self, _: RequestContext, body: UserCreate) -> RegisterResponse {
        answer(async {
            let email = body.email.trim().to_owned();
            let password_hash = hash(body.password.0).await?;
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
                Err(error) if is_unique_violation(&error) => {
                    return Ok(RegisterResponse::conflict(format!("An account with {email} already exists.")));
                }
                inserted => inserted?,
            };
            Ok(RegisterResponse::Created(self.created_user(&id).await?.into_response()?))
        })
        .await
    }

    async fn login(&self, _: RequestContext, body: UserLogin) -> LoginResponse {
        answer(async {
            let user = self.user_by_email(body.email.trim()).await?;
            let stored = user.as_ref().and_then(|u| u.password_hash.clone());
            let valid = verify(body.password, stored).await;
            Ok(match user {
                Some(user) if valid && !user.disabled => LoginResponse::Ok(self.token_pair(user, None).await?),
                _ => LoginResponse::unauthorized("Sign-in refused: wrong email or password, or a disabled account."),
            })
        })
        .await
    }

    async fn refresh_token(&self, _: RequestContext, body: RefreshRequest) -> RefreshTokenResponse {
        answer(async {
            let refused = || RefreshTokenResponse::unauthorized("The refresh token is unknown, used or expired.");
            let Some((user_id, family)) = crate::refresh::rotate(&self.pool, &body.refresh_token).await? else {
                return Ok(refused());
            };
            Ok(match current_user(self, &user_id).await? {
                Some(user) if !user.disabled => RefreshTokenResponse::Ok(self.token_pair(user, Some(&family)).await?),
                _ => refused(),
            })
        })
        .await
    }

    async fn logout(&self, context: RequestContext, body: RefreshRequest) -> LogoutResponse {
        answer(async {
            SingleUse::Refresh.consume(&self.pool, &body.refresh_token, Some(&caller(&context))).await?;
            Ok(LogoutResponse::NoContent)
        })
        .await
    }

    async fn get_me(&self, context: RequestContext) -> GetMeResponse {
        answer(async {
            Ok(match current_user(self, &caller(&context)).await? {
                Some(user) => GetMeResponse::Ok(user.into_response()?),
                None => GetMeResponse::unauthorized("The account is gone."),
            })
        })
        .await
    }

    async fn update_me(&self, context: RequestContext, body: UserUpdate) -> UpdateMeResponse {
        answer(async {
            let user_id = caller(&context);
            let Some(user) = current_user(self, &user_id).await? else {
                return Ok(UpdateMeResponse::unauthorized("The account is gone."));
            };
            if let Some(password) = body.password {
                let Some(current) = body.current_password else {
                    return Ok(UpdateMeResponse::forbidden("Send `current_password` to change the password."));
                };
                if !verify(current, user.password_hash.clone()).await {
                    return Ok(UpdateMeResponse::forbidden("`current_password` is wrong."));
                }
                self.set_password(&user_id, password.0).await?;
            }
            if let Some(full_name) = body.full_name {
                sqlx::query("UPDATE users SET full_name = ? WHERE id = ?")
                    .bind(full_name)
                    .bind(&user_id)
                    .execute(&self.pool)
                    .await?;
            }
            Ok(match current_user(self, &user_id).await? {
                Some(user) => UpdateMeResponse::Ok(user.into_response()?),
                None => UpdateMeResponse::unauthorized("The account is gone."),
            })
        })
        .await
    }

    async fn request_password_reset(
        &self,
        _: RequestContext,
        body: PasswordResetRequest,
    ) -> RequestPasswordResetResponse {
        // The answer is the same, and as fast, whether or not the address has an account: the
        // token and the message are made after it, off the request path (in the request's span).
        let (pool, mailer) = (self.pool.clone(), self.mailer.clone());
        let email = body.email.trim().to_owned();
        tokio::spawn(
            async move {
                if let Err(error) = send_reset(&pool, mailer.as_ref(), &email).await {
                    error.log();
                }
            }
            .in_current_span(),
        );
        RequestPasswordResetResponse::Accepted
    }

    async fn reset_password(&self, _: RequestContext, body: PasswordReset) -> ResetPasswordResponse {
        answer(async {
            let Some(user_id) = SingleUse::PasswordReset.consume(&self.pool, &body.token, None).await? else {
                return Ok(ResetPasswordResponse::bad_request("The reset token is unknown, used or expired."));
            };
            self.set_password(&user_id, body.new_password.0).await?;
            Ok(ResetPasswordResponse::NoContent)
        })
        .await
    }

    async fn oauth_authorize(&self, _: RequestContext, path: OAuthProviderPath) -> OauthAuthorizeResponse {
        answer(async {
            let Some(client) = self.providers.get(path.provider) else {
                return Ok(OauthAuthorizeResponse::service_unavailable(not_configured(path.provider)));
            };
            let (state, expires_at) = SingleUse::OAuthState.issue(&self.pool, provider_name(path.provider)).await?;
            Ok(OauthAuthorizeResponse::Ok(OAuthAuthorizeResponse {
                authorization_url: client.authorization_url(&state),
                state,
                expires_at,
            }))
        })
        .await
    }

    async fn oauth_callback(
        &self,
        _: RequestContext,
        path: OAuthProviderPath,
        body: OAuthCallback,
    ) -> OauthCallbackResponse {
        answer(async {
            let Some(client) = self.providers.get(path.provider) else {
                return Ok(OauthCallbackResponse::service_unavailable(not_configured(path.provider)));
            };
            let state = SingleUse::OAuthState.consume(&self.pool, &body.state, Some(provider_name(path.provider)));
            if state.await?.is_none() {
                return Ok(OauthCallbackResponse::bad_request("The state is unknown, used or expired."));
            }
            let identity = match client.exchange(&body.code).await {
                Ok(identity) => identity,
                Err(OAuthError::Refused(reason)) => {
                    return Ok(OauthCallbackResponse::bad_request(format!(
                        "The provider refused the sign-in: {reason}"
                    )));
                }
                Err(OAuthError::Unreachable(reason)) => {
                    // What failed stays in the log: the answer names no internal host or error.
                    tracing::warn!(%reason, "the OAuth provider cannot be reached");
                    return Ok(OauthCallbackResponse::bad_gateway(
                        "The sign-in provider cannot be reached; try again later.",
                    ));
                }
            };
            let user = match self.user_by_email(&identity.email).await? {
                Some(user) => user,
                None => {
                    let id = Uuid::new_v4().to_string();
                    sqlx::query("INSERT INTO users (id, email, full_name, created_at) VALUES (?, ?, ?, ?)")
                        .bind(&id)
                        .bind(&identity.email)
                        .bind(&identity.full_name)
                        .bind(Utc::now())
                        .execute(&self.pool)
                        .await?;
                    self.created_user(&id).await?
                }
            };
            if user.disabled {
                return Ok(OauthCallbackResponse::bad_request("The account is disabled."));
            }
            Ok(OauthCallbackResponse::Ok(self.token_pair(user, None).await?))
        })
        .await
    }
}

/// Makes a reset token for the account of `email` (when there is an enabled one) and mails it.
async fn send_reset(pool: &sqlx::SqlitePool, mailer: &dyn crate::mailer::Mailer, email: &str) -> Result<(), ApiError> {
    let user: Option<(String, String)> = sqlx::query_as("SELECT id, email FROM users WHERE email = ? AND disabled = 0")
        .bind(email)
        .fetch_optional(pool)
        .await?;
    let Some((user_id, address)) = user else { return Ok(()) };
    let (token, _) = SingleUse::PasswordReset.issue(pool, &user_id).await?;
    let minutes = SingleUse::PasswordReset.lifetime().num_minutes();
    let message = Message {
        to: address,
        subject: "Reset your Devora password".into(),
        body: format!(
            "Someone asked to reset the password of this account. If it was you, use this token within {minutes} minutes; it works once:\n\n{token}\n"
        ),
    };
    Ok(mailer.send(message).await?)
}

/// After a password change, or when an account is disabled: every refresh token and pending reset
/// token of the account stops working.
pub(super) async fn revoke_sessions(pool: &sqlx::SqlitePool, user_id: &str) -> Result<(), sqlx::Error> {
    SingleUse::Refresh.revoke_all(pool, user_id).await?;
    SingleUse::PasswordReset.revoke_all(pool, user_id).await
}

fn provider_name(provider: OAuthProvider) -> &'static str {
    match provider {
        OAuthProvider::Google => "google",
        OAuthProvider::Github => "github",
    }
}

fn not_configured(provider: OAuthProvider) -> String {
    format!("Sign-in with {} is not configured on this server.", provider_name(provider))
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
