//! Google: OpenID Connect's authorization code flow with PKCE; the identity comes from the
//! userinfo endpoint, and only a verified email signs in.

use contract_server::BoxFuture;
use serde::Deserialize;
use url::Url;

use super::{OAuthClient, OAuthError, OAuthIdentity, check_status, token_request, unreachable};
use crate::config::OAuthApp;

/// What Google is asked for.
pub const SCOPES: &str = "openid email profile";

/// Google's client.
pub struct Google {
    app: OAuthApp,
    redirect_url: Url,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
}

#[derive(Deserialize)]
struct UserInfo {
    email: Option<String>,
    #[serde(default)]
    email_verified: bool,
    name: Option<String>,
}

impl Google {
    pub fn new(app: OAuthApp, redirect_url: Url, http: reqwest::Client) -> Self {
        Self { app, redirect_url, http }
    }

    async fn identity(&self, code: &str, verifier: &str) -> Result<OAuthIdentity, OAuthError> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", self.redirect_url.as_str())
            .append_pair("client_id", &self.app.client_id)
            .append_pair("client_secret", &self.app.client_secret)
            .append_pair("code_verifier", verifier)
            .finish();
        let token: TokenAnswer =
            token_request(&self.http, &self.app.token_url, form, "Google's token endpoint").await?;

        let answer = self
            .http
            .get(self.app.identity_url.clone())
            .bearer_auth(&token.access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| unreachable("Google's userinfo endpoint", &e))?;
        check_status("Google's userinfo endpoint", answer.status())?;
        let info: UserInfo = answer.json().await.map_err(|e| unreachable("Google's userinfo endpoint", &e))?;
        match info.email {
            Some(email) if info.email_verified => Ok(OAuthIdentity { email, full_name: info.name }),
            Some(_) => Err(OAuthError::Refused("the Google account's email address is not verified".into())),
            None => Err(OAuthError::Refused("the Google account has no email address".into())),
        }
    }
}

impl OAuthClient for Google {
    fn authorization_url(&self, state: &str, challenge: &str) -> Url {
        let mut url = self.app.auth_url.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
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
