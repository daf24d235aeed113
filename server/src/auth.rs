//! Passwords (argon2id), access tokens (JWT, HS256, with expiry and issuer) and the
//! [`Authenticator`] the generated routers call. Opaque single-use tokens (refresh, reset, OAuth
//! state) are [`crate::single_use`]'s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::{Db, on_db, sql};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use contract_server::{AuthError, Authenticator, BoxFuture, Principal};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};

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
    /// The session the token was issued in ([`crate::sessions`]); tokens from before sessions
    /// have none and are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
}

/// Who a verified token speaks for: its user and session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bearer {
    pub user_id: String,
    pub session: String,
}

/// How far ahead of this server's clock a token's `iat` may be (a `nbf` gets none).
const CLOCK_LEEWAY_SECONDS: u64 = 30;

/// Issues and verifies access tokens.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_seconds: u32,
    /// Tokens verified recently → (bearer, expiry in Unix seconds, when verified): a signature is
    /// checked once per token and minute, never past the token's own expiry.
    verified: Mutex<HashMap<String, (Bearer, u64, Instant)>>,
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

    /// An access token for `user_id` in `session`, valid `access_seconds`.
    pub fn issue(&self, user_id: &str, role: &str, session: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            sub: user_id.into(),
            role: role.into(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + u64::from(self.access_seconds),
            sid: Some(session.into()),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user and session of a valid token (whether the session still lives is the
    /// authenticator's to check).
    fn verify(&self, token: &str) -> Result<Bearer, AuthError> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        if let Some((bearer, expires, at)) = self.verified.lock().unwrap_or_else(|p| p.into_inner()).get(token)
            && now < *expires
            && at.elapsed() < Duration::from_secs(60)
        {
            return Ok(bearer.clone());
        }
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            // `exp` is the first second the token no longer works (jsonwebtoken lets `exp == now` through).
            Ok(data) if data.claims.exp <= now => Err(AuthError::Expired),
            // Issued in the future beyond a clock's drift: not a token this server made.
            Ok(data) if data.claims.iat > now + CLOCK_LEEWAY_SECONDS => Err(AuthError::Invalid),
            Ok(data) => {
                let Some(session) = data.claims.sid else { return Err(AuthError::Revoked) };
                let bearer = Bearer { user_id: data.claims.sub, session };
                let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
                if verified.len() > 10_000 {
                    verified.clear();
                }
                verified.insert(token.to_owned(), (bearer.clone(), data.claims.exp, Instant::now()));
                Ok(bearer)
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

/// What is cached of a session: when it was read, its user, and the user's role while the
/// session lives and the account is enabled (`None` otherwise).
type CachedSession = (Instant, String, Option<String>);

/// How long the authenticator trusts what it read of a session. Changes made through this process
/// ([`DbAuthenticator::forget`]) apply at once; made through another process, within this time.
const SESSION_CACHE: Duration = Duration::from_secs(1);

/// Verifies a token, then that its session lives and its account is enabled. What is read of a
/// session is cached for [`SESSION_CACHE`], so a busy session costs one query a second, not one per
/// request.
pub struct DbAuthenticator {
    pub tokens: Arc<Tokens>,
    pub db: Db,
    cache: Mutex<HashMap<String, CachedSession>>,
}

impl DbAuthenticator {
    pub fn new(tokens: Arc<Tokens>, db: Db) -> Self {
        Self { tokens, db, cache: Mutex::new(HashMap::new()) }
    }

    /// Forgets what is cached of an account's sessions (after its role, its disabled flag or its
    /// sessions changed).
    pub fn forget(&self, user_id: &str) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, (_, user, _)| user != user_id);
    }

    /// The role of the bearer while its session lives and its account is enabled.
    async fn role(&self, bearer: &Bearer) -> Result<Option<String>, AuthError> {
        let now = Instant::now();
        if let Some((at, user, role)) = self.cache.lock().unwrap_or_else(|p| p.into_inner()).get(&bearer.session)
            && now.duration_since(*at) < SESSION_CACHE
            && *user == bearer.user_id
        {
            return Ok(role.clone());
        }
        let row: Option<(String,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT users.role FROM sessions JOIN users ON users.id = sessions.user_id \
                 WHERE sessions.id = ? AND sessions.user_id = ? AND sessions.ended_at IS NULL AND users.disabled = FALSE",
            ))
            .bind(&bearer.session)
            .bind(&bearer.user_id)
            .fetch_optional(pool)
            .await
        })
        .map_err(|error| {
            tracing::error!(%error, "reading a session to authenticate");
            AuthError::Invalid
        })?;
        let role = row.map(|(role,)| role);
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 100_000 {
            cache.clear();
        }
        cache.insert(bearer.session.clone(), (now, bearer.user_id.clone(), role.clone()));
        Ok(role)
    }
}

impl Authenticator for DbAuthenticator {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>> {
        Box::pin(async move {
            let bearer = self.tokens.verify(token)?;
            match self.role(&bearer).await? {
                Some(role) => Ok(Principal { id: bearer.user_id, roles: vec![role] }),
                None => Err(AuthError::Revoked),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token signed with the right key, with the given times.
    fn signed(tokens: &Tokens, iat: u64, exp: u64) -> String {
        let claims =
            Claims { sub: "u1".into(), role: "user".into(), iss: ISSUER.into(), iat, exp, sid: Some("s1".into()) };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding).expect("signs")
    }

    #[test]
    fn expiry_is_strict_and_tokens_from_the_future_are_refused() {
        let tokens = Tokens::new(b"a test secret of enough length!!", 900);
        let now = chrono::Utc::now().timestamp() as u64;
        assert_eq!(tokens.verify(&signed(&tokens, now - 10, now + 60)).ok().map(|b| b.user_id).as_deref(), Some("u1"));
        assert!(matches!(tokens.verify(&signed(&tokens, now - 900, now)), Err(AuthError::Expired)), "exp == now");
        assert!(matches!(tokens.verify(&signed(&tokens, now - 900, now - 1)), Err(AuthError::Expired)));
        let ahead = signed(&tokens, now + 3600, now + 4500);
        assert!(matches!(tokens.verify(&ahead), Err(AuthError::Invalid)), "issued an hour from now");
        assert!(tokens.verify(&signed(&tokens, now + 5, now + 905)).is_ok(), "a few seconds of clock drift");
    }

    #[test]
    fn a_token_from_before_sessions_is_refused() {
        let tokens = Tokens::new(b"a test secret of enough length!!", 900);
        let now = chrono::Utc::now().timestamp() as u64;
        let claims =
            Claims { sub: "u1".into(), role: "user".into(), iss: ISSUER.into(), iat: now, exp: now + 60, sid: None };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding).expect("signs");
        assert!(matches!(tokens.verify(&token), Err(AuthError::Revoked)));
        let issued = tokens.issue("u1", "user", "s1").expect("issues");
        assert_eq!(tokens.verify(&issued).ok(), Some(Bearer { user_id: "u1".into(), session: "s1".into() }));
    }
}
