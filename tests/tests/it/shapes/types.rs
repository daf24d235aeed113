//! The Rust types of the shapes contract, one group per row of the README's "serde support"
//! table (`super::rows` names the row of each).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::num::{NonZeroI64, NonZeroU32};
use std::rc::Rc;
use std::sync::Arc;

use schemars::{JsonSchema, JsonSchema_repr};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_repr::{Deserialize_repr, Serialize_repr};

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Renamed {
    pub user_name: String,
    #[serde(rename = "e-mail")]
    pub email: String,
    pub level: Level,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    VeryLow,
    #[serde(rename = "HIGH")]
    High,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub enum External {
    Unit,
    Newtype(u32),
    Struct { flag: bool },
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Internal {
    Unit,
    Newtype(Inner),
    Struct { flag: bool },
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Inner {
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "t", content = "c")]
pub enum Adjacent {
    Unit,
    Newtype(String),
    Struct { flag: bool },
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Untagged {
    Struct { flag: bool },
    Newtype(String),
    Unit,
}

/// A unit-only enum with a fallback: serde reads any other string as `Unknown`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    Red,
    Green,
    #[serde(other)]
    #[schemars(extend("x-serde-other" = true))]
    Unknown,
}

/// An internally tagged enum with a fallback: serde reads any other tag as `Unknown`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Figure {
    Circle {
        radius: f64,
    },
    Square {
        side: f64,
    },
    #[serde(other)]
    #[schemars(extend("x-serde-other" = true))]
    Unknown,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Aliased {
    #[serde(alias = "colour")]
    #[schemars(extend("x-serde-alias" = ["colour"]))]
    pub color: String,
    #[serde(default, alias = "nick", alias = "handle", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-serde-alias" = ["nick", "handle"]))]
    pub nickname: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Defaults {
    pub count: u8,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct FieldDefaults {
    pub name: String,
    #[serde(default = "default_size")]
    pub size: u16,
    #[serde(default)]
    pub tags: Vec<String>,
}

fn default_size() -> u16 {
    10
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strict {
    pub id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Optionals {
    /// Always written, `null` when `None`.
    pub plain: Option<String>,
    /// Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Patch {
    /// Always written: `null` for `None` and `Some(None)`.
    pub double: Option<Option<String>>,
    /// Left out for `None`, `null` for `Some(None)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-serde-writes-null" = true))]
    pub clear: Option<Option<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Skips {
    pub shown: String,
    /// Read, never written.
    #[serde(skip_serializing, default)]
    pub password: String,
    /// Written, never read.
    #[serde(skip_deserializing)]
    pub computed: u32,
    #[serde(skip)]
    pub internal: u8,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Tags {
    pub inner: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Meters(pub f64);

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Newtypes {
    pub distance: Meters,
    pub tags: Tags,
}

/// Read from and written as a string, upper-cased on the way in.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(from = "String", into = "String")]
pub struct Upper(String);

impl From<String> for Upper {
    fn from(text: String) -> Self {
        Self(text.to_uppercase())
    }
}

impl From<Upper> for String {
    fn from(upper: Upper) -> Self {
        upper.0
    }
}

/// Read as a string that must be a slug; the rule `TryFrom` checks is stated for the schema.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(extend("pattern" = "^[a-z-]+$"))]
pub struct Slug(String);

impl TryFrom<String> for Slug {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            Ok(Self(text))
        } else {
            Err("a slug is lowercase ASCII letters and dashes")
        }
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Conversions {
    pub upper: Upper,
    pub slug: Slug,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Nested {
    pub grid: Vec<Vec<Option<u8>>>,
    pub index: BTreeMap<String, Vec<Option<Box<Inner>>>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Stamped {
    pub id: u32,
    #[serde(flatten)]
    pub inner: Inner,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Flexible {
    pub name: String,
    #[serde(flatten)]
    pub extra: HashMap<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Counted {
    pub total: u32,
    #[serde(flatten)]
    pub counts: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Tagged {
    pub id: u32,
    #[serde(flatten)]
    pub kind: Internal,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Choice {
    pub name: String,
    #[serde(flatten)]
    pub external: External,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Keyed {
    pub by_id: BTreeMap<u32, String>,
    pub by_offset: HashMap<i64, bool>,
}

#[derive(Clone, Copy, Debug, Serialize_repr, Deserialize_repr, JsonSchema_repr)]
#[repr(u8)]
pub enum Priority {
    Low = 1,
    Normal = 2,
    High = 5,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Character {
    pub letter: char,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Integers {
    pub tiny: i8,
    pub small: u16,
    pub medium: i32,
    pub count: u32,
    pub big: i64,
    pub size: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct NonZero {
    pub count: NonZeroU32,
    pub delta: NonZeroI64,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Pointers {
    pub cow: Cow<'static, str>,
    pub boxed: Box<Inner>,
    pub rc: Rc<Inner>,
    pub arc: Arc<Vec<u16>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Bytes {
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Floats {
    pub ratio: f64,
    pub scale: f32,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct ChronoTimes {
    pub at: chrono::DateTime<chrono::Utc>,
    pub day: chrono::NaiveDate,
}

/// `time` has no schemars support: the field says what its serde module writes.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct TimeCrate {
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: time::OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Ids {
    pub id: uuid::Uuid,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Links {
    pub link: url::Url,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    pub amount: rust_decimal::Decimal,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Anything {
    pub any: Value,
}
