//! Passwords (argon2id), access tokens (JWT, HS256, with expiry and issuer) and the
//! [`Authenticator`] the generated routers call. Opaque single-use tokens (refresh, reset, OAuth
//! state) are [`crate::single_use`]'s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use contract_server::{AuthError, Authenticator, BoxFuture, Principal};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

/// The `iss` of every access token.
pub const ISSUER: &str = "devora-api";

/// A verified password hash of a password nobody has, so that an unknown email costs as much
/// time as a wrong password.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not a password of anyone").unwrap_or_default());

/// Hashes a password with argon2id and a random salt (CPU-heavy: call from a blocking task).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    Argon2::default().hash_password(password.as_bytes()).map(|hash| hash.to_string())
}

/// Checks a password against a stored hash (or the dummy one when there is none).
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let hash = hash.unwrap_or(DUMMY_HASH.as_str());
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    iss: String,
    iat: u64,
    exp: u64,
}

/// How far ahead of this server's clock a token's `iat` may be (a `nbf` gets none).
const CLOCK_LEEWAY_SECONDS: u64 = 30;

/// Issues and verifies access tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_seconds: u32,
    /// Tokens verified recently → (user id, expiry in Unix seconds): a signature is checked once
    /// per token and minute, never past the token's own expiry.
    verified: Mutex<HashMap<String, (String, u64, Instant)>>,
}

impl Tokens {
    pub fn new(secret: &[u8], access_seconds: u32) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_seconds,
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// An access token for `user_id`, valid `access_seconds`.
    pub fn issue(&self, user_id: &str, role: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            sub: user_id.into(),
            role: role.into(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + u64::from(self.access_seconds),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user id of a valid token.
    fn verify(&self, token: &str) -> Result<String, AuthError> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        if let Some((user_id, expires, at)) = self.verified.lock().unwrap_or_else(|p| p.into_inner()).get(token)
            && now < *expires
            && at.elapsed() < Duration::from_secs(60)
        {
            return Ok(user_id.clone());
        }
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            // `exp` is the first second the token no longer works (jsonwebtoken lets `exp == now` through).
            Ok(data) if data.claims.exp <= now => Err(AuthError::Expired),
            // Issued in the future beyond a clock's drift: not a token this server made.
            Ok(data) if data.claims.iat > now + CLOCK_LEEWAY_SECONDS => Err(AuthError::Invalid),
            Ok(data) => {
                let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
                if verified.len() > 10_000 {
                    verified.clear();
                }
                verified.insert(token.to_owned(), (data.claims.sub.clone(), data.claims.exp, Instant::now()));
                Ok(data.claims.sub)
            }
            Err(error) => Err(match error.kind() {
                ErrorKind::ExpiredSignature => AuthError::Expired,
                ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
                    AuthError::Malformed
                }
                _ => AuthError::Invalid,
            }),
        }
    }
}

/// What is cached of an account: when it was read, and its role and disabled flag (`None` when the
/// account is gone).
type CachedAccount = (Instant, Option<(String, bool)>);

/// Verifies a token, then that its account exists and is enabled (answers cached one second, so
/// that disabling an account takes effect at once in practice, without a query per request).
pub struct DbAuthenticator {
    pub tokens: Arc<Tokens>,
    pub pool: SqlitePool,
    cache: Mutex<HashMap<String, CachedAccount>>,
}

impl DbAuthenticator {
    pub fn new(tokens: Arc<Tokens>, pool: SqlitePool) -> Self {
        Self { tokens, pool, cache: Mutex::new(HashMap::new()) }
    }

    /// Forgets what is cached of an account (after a role or disabled change).
    pub fn forget(&self, user_id: &str) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).remove(user_id);
    }

    async fn account(&self, user_id: &str) -> Result<Option<(String, bool)>, AuthError> {
        let now = Instant::now();
        if let Some((at, account)) = self.cache.lock().unwrap_or_else(|p| p.into_inner()).get(user_id)
            && now.duration_since(*at) < Duration::from_secs(1)
        {
            return Ok(account.clone());
        }
        let row: Option<(String, bool)> = sqlx::query_as("SELECT role, disabled FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|error| {
                tracing::error!(%error, "reading an account to authenticate");
                AuthError::Invalid
            })?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 100_000 {
            cache.clear();
        }
        cache.insert(user_id.to_owned(), (now, row.clone()));
        Ok(row)
    }
}

impl Authenticator for DbAuthenticator {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
        Box::pin(async move {
            let user_id = self.tokens.verify(token)?;
            match self.account(&user_id).await? {
                Some((role, false)) => Ok(Principal { id: user_id, roles: vec![role] }),
                _ => Err(AuthError::Revoked),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token signed with the right key, with the given times.
    fn signed(tokens: &Tokens, iat: u64, exp: u64) -> String {
        let claims = Claims { sub: "u1".into(), role: "user".into(), iss: ISSUER.into(), iat, exp };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding).expect("signs")
    }

    #[test]
    fn expiry_is_strict_and_tokens_from_the_future_are_refused() {
        let tokens = Tokens::new(b"a test secret of enough length!!", 900);
        let now = chrono::Utc::now().timestamp() as u64;
        assert_eq!(tokens.verify(&signed(&tokens, now - 10, now + 60)).ok().as_deref(), Some("u1"));
        assert!(matches!(tokens.verify(&signed(&tokens, now - 900, now)), Err(AuthError::Expired)), "exp == now");
        assert!(matches!(tokens.verify(&signed(&tokens, now - 900, now - 1)), Err(AuthError::Expired)));
        let ahead = signed(&tokens, now + 3600, now + 4500);
        assert!(matches!(tokens.verify(&ahead), Err(AuthError::Invalid)), "issued an hour from now");
        assert!(tokens.verify(&signed(&tokens, now + 5, now + 905)).is_ok(), "a few seconds of clock drift");
    }
}
