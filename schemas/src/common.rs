//! Shapes shared by every tag: the problem document and pagination.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An error answer, in the style of RFC 9457 (problem details for HTTP APIs).
///
/// Every 4xx and 5xx response of the API has this body, served as `application/problem+json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = example_problem())]
pub struct Problem {
    /// A URI reference identifying the problem type.
    #[serde(rename = "type")]
    #[schemars(extend("format" = "uri-reference"))]
    pub type_: String,
    /// A short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code of this answer.
    #[schemars(range(min = 400, max = 599))]
    pub status: u16,
    /// A human-readable explanation specific to this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every invalid field of the request, when the request failed validation (422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// How the generated server's response constructors build a problem (`type` is `about:blank`: the
/// title is the status's reason phrase, as RFC 9457 asks).
impl contract::ProblemDetails for Problem {
    fn from_status(status: u16, title: &'static str, detail: String) -> Self {
        Problem { type_: "about:blank".into(), title: title.into(), status, detail: Some(detail), errors: Vec::new() }
    }
}

fn example_problem() -> Problem {
    Problem {
        type_: "about:blank".into(),
        title: "Unprocessable Content".into(),
        status: 422,
        detail: Some("2 rules of the contract are broken".into()),
        errors: vec![
            FieldError {
                path: "/body/password".into(),
                keyword: "pattern".into(),
                message: "must contain at least one digit".into(),
            },
            FieldError {
                path: "/body/email".into(),
                keyword: "format".into(),
                message: "is not an email address".into(),
            },
        ],
    }
}

/// One broken rule of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldError {
    /// A JSON pointer to the invalid value, prefixed by where it was: `/body`, `/query`, `/path` or `/header`.
    pub path: String,
    /// The JSON Schema keyword that failed (`required`, `pattern`, `maxLength`...).
    pub keyword: String,
    /// What is wrong, in words.
    pub message: String,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Page<T> {
    /// The items of this page, in a stable order.
    pub items: Vec<T>,
    /// The page number, starting at 1.
    #[schemars(range(min = 1))]
    pub page: u32,
    /// The page size that was applied.
    #[schemars(range(min = 1, max = 100))]
    pub per_page: u32,
    /// How many items all pages hold.
    pub total: u64,
}

/// Which page of a list to return.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The page number, starting at 1.
    #[serde(default = "default_page")]
    #[schemars(range(min = 1, max = 100000))]
    pub page: u32,
    /// How many items a page holds.
    #[serde(default = "default_per_page")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: u32,
}

fn default_page() -> u32 {
    1
}

fn default_per_page() -> u32 {
    20
}

impl Default for Pagination {
    fn default() -> Self {
        Self { page: default_page(), per_page: default_per_page() }
    }
}

/// A link a front end may render: an `http` or `https` URL with a host and no credentials
/// (`javascript:`, `file:`, `data:` and `https://user:secret@host` are refused).
///
/// serde reads it as `url::Url` does, then checks the scheme and the credentials; the schema says
/// the same with a `pattern` (the scheme in any case, then an authority without `@`), so the server,
/// the JSON Schema and the TypeScript validators agree on what is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "url::Url", into = "url::Url")]
pub struct WebUrl(url::Url);

/// Why a URL is not a [`WebUrl`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebUrlError {
    #[error("not a URL: {0}")]
    Unparsable(#[from] url::ParseError),
    #[error("only http and https links are accepted, not `{0}:`")]
    Scheme(String),
    #[error("a link must not carry credentials")]
    Credentials,
}

impl WebUrl {
    /// The pattern of the schema: what [`WebUrl::parse`] accepts, written for ECMA-262 and Rust alike.
    pub const PATTERN: &str = "^[Hh][Tt][Tt][Pp][Ss]?://[^@/?#]+([/?#].*)?$";

    pub fn parse(text: &str) -> Result<Self, WebUrlError> {
        Self::try_from(url::Url::parse(text)?)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl TryFrom<url::Url> for WebUrl {
    type Error = WebUrlError;

    fn try_from(url: url::Url) -> Result<Self, Self::Error> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebUrlError::Scheme(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebUrlError::Credentials);
        }
        Ok(Self(url))
    }
}

impl From<WebUrl> for url::Url {
    fn from(url: WebUrl) -> Self {
        url.0
    }
}

impl JsonSchema for WebUrl {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WebUrl".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "uri", "pattern": Self::PATTERN })
    }
}

#[cfg(test)]
mod tests {
    use super::WebUrl;

    #[test]
    fn only_http_links_without_credentials_are_web_urls() {
        let pattern = regress::Regex::new(WebUrl::PATTERN).expect("an ECMA-262 pattern");
        for good in ["https://github.com/devora/landing", "HTTP://example.com", "http://127.0.0.1:8080/a?b=c#d"] {
            assert!(WebUrl::parse(good).is_ok(), "{good}");
            assert!(pattern.find(good).is_some(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "https://user:pw@example.com/",
            "https://user@example.com",
            "ftp://example.com",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
            assert!(pattern.find(bad).is_none(), "{bad}");
        }
    }
}
