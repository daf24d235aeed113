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
use crate::cache::Scope;
use crate::db::{Db, on_db, sql};
use crate::error::{ApiError, is_unique_violation};
use crate::mailer::Message;
use crate::oauth::{self, OAuthError};
use crate::sessions::{self, Rotation};
use crate::single_use::SingleUse;

/// Hashes a password off the async threads (argon2id is CPU-heavy).
async fn hash(password: String) -> Result<String, ApiError> {
    Ok(tokio::task::spawn_blocking(move || hash_password(&password)).await??)
}

async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false)
}

impl App {
    /// An access token and a refresh token (stored hashed) in `session`; `None` starts a session
    /// (a sign-in).
    async fn token_pair(&self, user: UserRow, session: Option<&str>) -> Result<Option<TokenResponse>, ApiError> {
        let session = match session {
            Some(session) => session.to_owned(),
            None => sessions::start(&self.db, &user.id).await?,
        };
        // `None`: the session ended meanwhile (a logout, a replay, a password change).
        let Some(refresh_token) = sessions::issue_refresh(&self.db, &user.id, &session).await? else {
            return Ok(None);
        };
        let access_token = self.tokens.issue(&user.id, &user.role, &session)?;
        Ok(Some(TokenResponse {
            access_token,
            token_type: TokenType::Bearer,
            expires_in: self.tokens.access_seconds,
            refresh_token,
            user: user.into_response()?,
        }))
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
        let text = format!("{} WHERE email = CAST(? AS CITEXT)", UserRow::SELECT);
        on_db!(&self.db, pool => sqlx::query_as::<_, UserRow>(sql(pool, text)).bind(email).fetch_optional(pool).await)
    }

    /// The account just created with this id.
    async fn created_user(&self, id: &str) -> Result<UserRow, ApiError> {
        current_user(self, id).await?.ok_or(ApiError::Vanished("account"))
    }

    async fn set_password(&self, user_id: &str, password: String) -> Result<(), ApiError> {
        let hashed = hash(password).await?;
        on_db!(&self.db, pool => {
            sqlx::query(sql(pool, "UPDATE users SET password_hash = ? WHERE id = ?"))
                .bind(&hashed)
                .bind(user_id)
                .execute(pool)
                .await.map(|done| done.rows_affected())
        })?;
        self.end_sessions(user_id).await?;
        Ok(())
    }

    /// Ends every session of an account (after a password change or reset, or when it is
    /// disabled): its refresh, access and pending reset tokens stop working at once.
    pub(super) async fn end_sessions(&self, user_id: &str) -> Result<(), sqlx::Error> {
        sessions::end_all(&self.db, user_id).await?;
        self.authenticator.forget(user_id);
        Ok(())
    }
}

impl Auth for App {
    async fn register(&self, _: RequestContext, body: UserCreate) -> RegisterResponse {
        answer(async {
            let email = body.email.trim().to_owned();
            let password_hash = hash(body.password.0).await?;
            let id = Uuid::new_v4().to_string();
            let inserted = on_db!(&self.db, pool => {
                sqlx::query(sql(
                    pool,
                    "INSERT INTO users (id, email, password_hash, full_name, created_at) VALUES (?, ?, ?, ?, ?)",
                ))
                .bind(&id)
                .bind(&email)
                .bind(&password_hash)
                .bind(&body.full_name)
                .bind(Utc::now())
                .execute(pool)
                .await
                .map(|_| ())
            });
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
            let email = body.email.trim();
            // Counted before the password is checked: parallel guesses cannot all pass.
            if let Err(seconds) = self.login_throttle.attempt(email).await {
                let minutes = seconds.div_ceil(60);
                return Ok(LoginResponse::too_many_requests(std::time::Duration::from_secs(seconds), format!(
                    "Too many failed sign-ins for this account: try again in {minutes} minute(s), or reset the password."
                )));
            }
            let user = self.user_by_email(email).await?;
            let stored = user.as_ref().and_then(|u| u.password_hash.clone());
            let valid = verify(body.password, stored).await;
            let refused = || LoginResponse::unauthorized("Sign-in refused: wrong email or password, or a disabled account.");
            Ok(match user {
                Some(user) if valid && !user.disabled => {
                    self.login_throttle.succeeded(email).await;
                    // `None`: the account's sessions were ended while this one started (its
                    // password changed, or it was disabled).
                    self.token_pair(user, None).await?.map_or_else(refused, LoginResponse::Ok)
                }
                _ => refused(),
            })
        })
        .await
    }

    async fn refresh_token(&self, _: RequestContext, body: RefreshRequest) -> RefreshTokenResponse {
        answer(async {
            let refused = || RefreshTokenResponse::unauthorized("The refresh token is unknown, used or expired.");
            let (user_id, session) = match sessions::rotate(&self.db, &body.refresh_token).await? {
                Rotation::Rotated { user_id, session } => (user_id, session),
                Rotation::Replayed { user_id } => {
                    self.authenticator.forget(&user_id);
                    return Ok(refused());
                }
                Rotation::Refused => return Ok(refused()),
            };
            Ok(match current_user(self, &user_id).await? {
                Some(user) if !user.disabled => {
                    // `None`: the session ended after the token was rotated (a replay of it, a
                    // logout, a password change).
                    self.token_pair(user, Some(&session)).await?.map_or_else(refused, RefreshTokenResponse::Ok)
                }
                _ => refused(),
            })
        })
        .await
    }

    async fn logout(&self, context: RequestContext, body: RefreshRequest) -> LogoutResponse {
        answer(async {
            // The session of the refresh token ends, with every access token issued in it.
            let user_id = caller(&context);
            if let Some(session) = sessions::of_refresh_token(&self.db, &body.refresh_token, &user_id).await? {
                sessions::end(&self.db, &session).await?;
                self.authenticator.forget(&user_id);
            }
            Ok(LogoutResponse::NoContent)
        })
        .await
    }

    async fn get_me(&self, context: RequestContext) -> GetMeResponse {
        answer(async {
            let user_id = caller(&context);
            let profile = self.cache.read(Scope::Profile, &user_id, "me", async {
                match current_user(self, &user_id).await? {
                    Some(user) => Ok(Some(user.into_response()?)),
                    None => Ok(None),
                }
            });
            Ok(match profile.await? {
                Some(user) => GetMeResponse::Ok(user),
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
                on_db!(&self.db, pool => {
                    sqlx::query(sql(pool, "UPDATE users SET full_name = ? WHERE id = ?"))
                        .bind(&full_name)
                        .bind(&user_id)
                        .execute(pool)
                        .await.map(|done| done.rows_affected())
                })?;
                self.cache.invalidate(Scope::Profile, &user_id).await;
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
        let (db, mailer) = (self.db.clone(), self.mailer.clone());
        let email = body.email.trim().to_owned();
        tokio::spawn(
            async move {
                if let Err(error) = send_reset(&db, mailer.as_ref(), &email).await {
                    error.log();
                }
            }
            .in_current_span(),
        );
        RequestPasswordResetResponse::Accepted
    }

    async fn reset_password(&self, _: RequestContext, body: PasswordReset) -> ResetPasswordResponse {
        answer(async {
            let Some(user_id) = SingleUse::PasswordReset.consume(&self.db, &body.token, None).await? else {
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
            let started = oauth::start(&self.db, path.provider).await?;
            Ok(OauthAuthorizeResponse::Ok(OAuthAuthorizeResponse {
                authorization_url: client.authorization_url(&started.state, &started.challenge),
                state: started.state,
                expires_at: started.expires_at,
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
            // The state is spent whatever happens next: a code works once at the provider too.
            let Some(verifier) = oauth::finish(&self.db, path.provider, &body.state).await? else {
                return Ok(OauthCallbackResponse::bad_request("The state is unknown, used or expired."));
            };
            let identity = match client.exchange(&body.code, &verifier).await {
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
            // The account of this verified email (any sign-in method), or a new one.
            let email = identity.email.trim();
            let user = match self.user_by_email(email).await? {
                Some(user) => user,
                None => {
                    let id = Uuid::new_v4().to_string();
                    let inserted = on_db!(&self.db, pool => {
                        sqlx::query(sql(pool, "INSERT INTO users (id, email, full_name, created_at) VALUES (?, ?, ?, ?)"))
                            .bind(&id)
                            .bind(email)
                            .bind(&identity.full_name)
                            .bind(Utc::now())
                            .execute(pool)
                            .await
                            .map(|_| ())
                    });
                    match inserted {
                        // Registered a moment ago by another request: link to that account.
                        Err(error) if is_unique_violation(&error) => {
                            self.user_by_email(email).await?.ok_or(ApiError::Vanished("account"))?
                        }
                        inserted => {
                            inserted?;
                            self.created_user(&id).await?
                        }
                    }
                }
            };
            if user.disabled {
                return Ok(OauthCallbackResponse::bad_request("The account is disabled."));
            }
            // `None`: the account's sessions were ended while this one started.
            Ok(match self.token_pair(user, None).await? {
                Some(pair) => OauthCallbackResponse::Ok(pair),
                None => OauthCallbackResponse::bad_request(
                    "The account's sessions were ended while this sign-in ran (a password change, or the account was disabled); sign in again.",
                ),
            })
        })
        .await
    }
}

/// Makes a reset token for the account of `email` (when there is an enabled one) and mails it.
async fn send_reset(db: &Db, mailer: &dyn crate::mailer::Mailer, email: &str) -> Result<(), ApiError> {
    let user: Option<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(sql(pool, "SELECT id, email FROM users WHERE email = CAST(? AS CITEXT) AND disabled = FALSE"))
            .bind(email)
            .fetch_optional(pool)
            .await
    })?;
    let Some((user_id, address)) = user else { return Ok(()) };
    // At most RESET_MAILS_PER_HOUR messages to one address, however many clients ask.
    let issued = SingleUse::PasswordReset.issue_at_most(
        db,
        &user_id,
        crate::throttle::RESET_MAILS_PER_HOUR,
        chrono::Duration::hours(1),
    );
    let Some((token, _)) = issued.await? else {
        tracing::warn!("a password reset was asked for again: the address already got its messages this hour");
        return Ok(());
    };
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

/// The `503` detail of an unconfigured provider: what the operator sets.
fn not_configured(provider: OAuthProvider) -> String {
    let [id, secret, redirect] = oauth::variables(provider);
    format!(
        "Sign-in with {} is not configured on this server: set {id}, {secret} and {redirect}.",
        oauth::provider_name(provider)
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
