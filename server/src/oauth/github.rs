//! GitHub: the OAuth app flow with PKCE (S256, accepted by GitHub since July 2025); the identity
//! is the primary verified address of `/user/emails`, the name comes from `/user`.

use contract_server::BoxFuture;
use serde::Deserialize;
use url::Url;

use super::{OAuthClient, OAuthError, OAuthIdentity, check_status, token_request, unreachable};
use crate::config::OAuthApp;

/// What GitHub is asked for.
pub const SCOPES: &str = "read:user user:email";

/// GitHub's client.
pub struct GitHub {
    app: OAuthApp,
    redirect_url: Url,
    http: reqwest::Client,
}

/// GitHub answers `200` even when it refuses a code, with `error` set.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct User {
    login: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Email {
    email: String,
    primary: bool,
    verified: bool,
}

impl GitHub {
    pub fn new(app: OAuthApp, redirect_url: Url, http: reqwest::Client) -> Self {
        Self { app, redirect_url, http }
    }

    /// `GET {api}/{path}` with the user's token.
    async fn api<T: serde::de::DeserializeOwned>(&self, path: &str, token: &str) -> Result<T, OAuthError> {
        let what = format!("GitHub's /{path}");
        let mut url = self.app.identity_url.clone();
        url.path_segments_mut()
            .map_err(|()| OAuthError::Unreachable(format!("{what}: the API URL cannot have a path")))?
            .pop_if_empty()
            .extend(path.split('/'));
        let answer = self
            .http
            .get(url)
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .send()
            .await
            .map_err(|e| unreachable(&what, &e))?;
        check_status(&what, answer.status())?;
        answer.json().await.map_err(|e| unreachable(&what, &e))
    }

    async fn identity(&self, code: &str, verifier: &str) -> Result<OAuthIdentity, OAuthError> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.app.client_id)
            .append_pair("client_secret", &self.app.client_secret)
            .append_pair("code", code)
            .append_pair("redirect_uri", self.redirect_url.as_str())
            .append_pair("code_verifier", verifier)
            .finish();
        let token: TokenAnswer =
            token_request(&self.http, &self.app.token_url, form, "GitHub's token endpoint").await?;
        let token = match (token.access_token, token.error) {
            (Some(token), None) => token,
            // GitHub's error codes (`bad_verification_code`, …) are fixed words, safe to repeat.
            (_, Some(error)) => return Err(OAuthError::Refused(format!("GitHub's token endpoint said {error}"))),
            (None, None) => {
                return Err(OAuthError::Unreachable("GitHub's token endpoint answered no token".into()));
            }
        };

        let user: User = self.api("user", &token).await?;
        let emails: Vec<Email> = self.api("user/emails", &token).await?;
        let Some(primary) = emails.into_iter().find(|e| e.primary && e.verified) else {
            return Err(OAuthError::Refused(format!(
                "the GitHub account {} has no primary verified email address",
                user.login
            )));
        };
        Ok(OAuthIdentity { email: primary.email, full_name: user.name })
    }
}

impl OAuthClient for GitHub {
    fn authorization_url(&self, state: &str, challenge: &str) -> Url {
        let mut url = self.app.auth_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.app.client_id)
            .append_pair("redirect_uri", self.redirect_url.as_str())
            .append_pair("scope", SCOPES)
            .append_pair("state", state)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        url
    }

    fn exchange<'a>(&'a self, code: &'a str, verifier: &'a str) -> BoxFuture<'a, Result<OAuthIdentity, OAuthError>> {
        Box::pin(self.identity(code, verifier))
    }
}
