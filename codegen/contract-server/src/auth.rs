//! Who is calling: the bearer token of a request goes to the server's [`Authenticator`], and the
//! operation's [`Security`] decides whether the [`Principal`] it yields may call it. The runtime
//! knows no token format; the server does.

use axum::http::HeaderMap;
use axum::http::header;

use crate::BoxFuture;
use crate::rejection::Rejection;
use crate::spec::Security;

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// A stable identifier (the user id); rate limits are counted per principal.
    pub id: String,
    pub roles: Vec<String>,
}

/// Why a bearer token was refused (all answer `401`); the message is the problem's `detail`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("send `Authorization: Bearer <token>`")]
    Missing,
    #[error("the bearer token is malformed")]
    Malformed,
    #[error("the bearer token has expired")]
    Expired,
    #[error("the bearer token is not valid")]
    Invalid,
    /// The account behind the token is disabled or gone.
    #[error("the account behind the token is disabled")]
    Revoked,
}

/// Verifies bearer tokens; the server implements it.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Principal, AuthError>>;
}

/// The bearer token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer_token(headers: &HeaderMap) -> Result<&str, AuthError> {
    let value = headers.get(header::AUTHORIZATION).ok_or(AuthError::Missing)?;
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(AuthError::Malformed),
    }
}

/// Step 1 of [`crate::prepare`]: the principal of a non-public operation (`401` without one),
/// holding the operation's role (`403` without it); `None` on public operations.
pub(crate) async fn authorize(
    authenticator: &dyn Authenticator,
    security: Security,
    headers: &HeaderMap,
) -> Result<Option<Principal>, Rejection> {
    if security == Security::Public {
        return Ok(None);
    }
    let principal = authenticator.authenticate(bearer_token(headers)?).await?;
    if let Security::Role(role) = security
        && !principal.roles.iter().any(|r| r == role)
    {
        return Err(Rejection::Forbidden { role });
    }
    Ok(Some(principal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: Option<&'static [u8]>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_bytes(value).expect("header value"));
        }
        headers
    }

    #[test]
    fn bearer_tokens_are_read_in_any_case() {
        assert_eq!(bearer_token(&headers(Some(b"Bearer abc"))), Ok("abc"));
        assert_eq!(bearer_token(&headers(Some(b"bEaReR  abc "))), Ok("abc"));
        assert_eq!(bearer_token(&headers(None)), Err(AuthError::Missing));
        assert_eq!(bearer_token(&headers(Some(b"Basic abc"))), Err(AuthError::Malformed));
        assert_eq!(bearer_token(&headers(Some(b"Bearer   "))), Err(AuthError::Malformed));
        assert_eq!(bearer_token(&headers(Some(b"Bearer \xff"))), Err(AuthError::Malformed));
    }
}
