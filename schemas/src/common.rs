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
/// (`javascript:`, `file:`, `data:` and `https://user:secret@host` are refused), of at most
/// [`WebUrl::MAX_LENGTH`] characters as sent.
///
/// serde reads it as `url::Url` does (WHATWG parsing), then checks the length (of the text as
/// sent, as `maxLength` counts it, not of the normalized URL), the scheme and the credentials; the schema says the same with `format: uri` and a `pattern`, so the server, the
/// JSON Schema and the TypeScript validators agree on what is accepted. The pattern's host is
/// a bracketed IPv6 address (its syntax is `format: uri`'s to check), a dotted-decimal IPv4
/// address, or a name of ASCII letters, digits, `-` and `_` whose last label is not a number:
/// WHATWG reads a host ending in a number (`1.2.3.256`, `example.0x1f`) as an IPv4 address and
/// refuses it when it is not one, and reads `0x7f.1` or `2130706433` as `127.0.0.1`, which the
/// schema leaves to its one canonical spelling. A port is at most 65535. What the pattern still
/// accepts and the url crate refuses: a label `xn--` that is not valid Punycode (the server
/// answers it with a `422` at the field, as every value serde refuses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "url::Url")]
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
    #[error("a link of {0} characters is longer than the {max} allowed", max = WebUrl::MAX_LENGTH)]
    TooLong(usize),
}

impl WebUrl {
    /// The pattern of the schema: what [`WebUrl::parse`] accepts (see the type's docs), written
    /// for ECMA-262 and Rust alike.
    pub const PATTERN: &str = concat!(
        "^[Hh][Tt][Tt][Pp][Ss]?://",
        "(?:",
        // An IPv6 address, whose syntax `format: uri` checks.
        r"\[[0-9A-Fa-f:.]+\]",
        // An IPv4 address in dotted decimal.
        r"|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
        // A name whose last label is not a number: not only digits, and not `0x` and hex digits.
        r"|(?:[A-Za-z0-9_-]+\.)*",
        "(?:(?:[1-9][0-9]*|0[0-9]+)?[A-Za-z_-]|0[A-WYZa-wyz_-]|0[Xx][0-9A-Fa-f]*[G-Zg-z_-])[A-Za-z0-9_-]*",
        r"\.?",
        ")",
        // A port up to 65535, leading zeros allowed.
        "(?::(?:0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?)?",
        "(?:[/?#].*)?$",
    );

    /// The longest link, in characters (Unicode scalar values, as JSON Schema's `maxLength`
    /// counts): what browsers and payment providers take everywhere.
    pub const MAX_LENGTH: usize = 2048;

    pub fn parse(text: &str) -> Result<Self, WebUrlError> {
        let length = text.chars().count();
        if length > Self::MAX_LENGTH {
            return Err(WebUrlError::TooLong(length));
        }
        Self::try_from(url::Url::parse(text)?)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn as_url(&self) -> &url::Url {
        &self.0
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

impl TryFrom<String> for WebUrl {
    type Error = WebUrlError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
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
        schemars::json_schema!({ "type": "string", "format": "uri", "maxLength": Self::MAX_LENGTH, "pattern": Self::PATTERN })
    }
}

#[cfg(test)]
mod tests {
    use super::{WebUrl, WebUrlError};

    fn pattern() -> regress::Regex {
        regress::Regex::new(WebUrl::PATTERN).expect("an ECMA-262 pattern")
    }

    #[test]
    fn only_http_links_without_credentials_are_web_urls() {
        let pattern = pattern();
        for good in [
            "https://github.com/devora/landing",
            "HTTP://example.com",
            "http://127.0.0.1:8080/a?b=c#d",
            "http://255.255.255.255/",
            "http://0.0.0.0",
            "http://[::1]:80/",
            "http://example.com.:/",
            "http://a-b_c.example:0080/x",
            "http://999.example.com/",
            "http://example.123a/",
            "http://example.0xg/",
            "http://example.08a/",
            "http://example.0_/",
            "http://localhost:65535",
        ] {
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
            // Hosts that end in a number are IPv4 addresses to WHATWG, and these are not valid ones.
            "http://999.999.999.999/",
            "http://1.2.3.256/",
            "http://256.1.1.1",
            "http://1.2.3.4.5/",
            "http://09.1.1.1/",
            "http://0x7g.1/",
            "http://4294967296/",
            "http://example.123/",
            "http://example.0x1f/",
            "http://example.com:65536/",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
            assert!(pattern.find(bad).is_none(), "{bad}");
        }
        // The length as sent: `é` is one character, though the URL spells it in six.
        let longest = format!("https://example.com/{}", "é".repeat(WebUrl::MAX_LENGTH - 20));
        assert!(WebUrl::parse(&longest).is_ok_and(|url| url.as_str().len() > WebUrl::MAX_LENGTH));
        let longer = format!("{longest}x");
        assert_eq!(WebUrl::parse(&longer), Err(WebUrlError::TooLong(WebUrl::MAX_LENGTH + 1)));
        let from_json: Result<WebUrl, _> = serde_json::from_value(serde_json::Value::String(longer));
        assert!(from_json.is_err_and(|e| e.to_string().contains("longer than the 2048 allowed")));
    }

    /// What the url crate reads that the pattern refuses: other spellings of IPv4 addresses, and
    /// hosts no link needs (empty labels, sub-delimiters, percent-encoding).
    #[test]
    fn the_pattern_accepts_one_spelling_of_an_ipv4_host() {
        let pattern = pattern();
        for lenient in [
            "http://0x7f.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://017.0.0.1/",
            "http://1.2.3.4./",
            "http://0x/",
            "http://%31.2.3.4/",
            "http://a..b/",
            "http://a!b/",
        ] {
            assert!(WebUrl::parse(lenient).is_ok(), "{lenient}");
            assert!(pattern.find(lenient).is_none(), "{lenient}");
        }
        // The difference left: Punycode is not checked by the pattern (serde refuses, with a 422).
        assert!(pattern.find("http://xn--zz.example/").is_some());
        assert!(WebUrl::parse("http://xn--zz.example/").is_err());
    }

    /// Every host of up to four labels from numbers in every base, names and their mixtures, with
    /// and without a trailing dot and a port: what the pattern accepts, the url crate accepts.
    #[test]
    fn every_host_the_pattern_accepts_parses() {
        let pattern = pattern();
        let labels = [
            "0",
            "1",
            "9",
            "00",
            "08",
            "017",
            "255",
            "256",
            "999",
            "4294967295",
            "0x",
            "0x7f",
            "0X1F",
            "0xg",
            "a",
            "1a",
            "0a",
            "_",
            "-",
            "0_",
            "",
        ];
        let mut hosts: Vec<String> = Vec::new();
        let mut last: Vec<String> = labels.iter().map(|label| label.to_string()).collect();
        for _ in 1..4 {
            let longer =
                last.iter().flat_map(|host| labels.iter().map(move |label| format!("{host}.{label}"))).collect();
            hosts.append(&mut last);
            last = longer;
        }
        hosts.append(&mut last);
        let (mut accepted, mut checked) = (0, 0);
        for host in &hosts {
            for suffix in ["", ".", ":", ":80", ":065535", ":65536"] {
                let url = format!("http://{host}{suffix}/");
                checked += 1;
                if pattern.find(&url).is_some() {
                    accepted += 1;
                    assert!(WebUrl::parse(&url).is_ok(), "the pattern accepts {url}, the url crate refuses it");
                }
            }
        }
        assert!(accepted > 10_000 && checked > 1_000_000, "{accepted} of {checked}");
    }
}
