//! Projects and their files. A project is visible to its owner only.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::common::{Pagination, WebUrl};

/// A file name inside a project: 1 to 255 characters, no `/`, no `\`, no control character, no
/// `..` anywhere, and not `.`, so it can never leave the project's folder and every name is a
/// path segment a URL keeps (URLs resolve `.` and `..` segments away).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileName(pub String);

impl FileName {
    /// Whether `name` is a file name the schema accepts (for names the server makes itself, such
    /// as a generated file's).
    pub fn allows(name: &str) -> bool {
        (1..=255).contains(&name.chars().count())
            && !name.chars().any(|c| c == '/' || c == '\\' || c <= '\u{1f}')
            && !name.contains("..")
            && name != "."
    }
}

impl JsonSchema for FileName {
    fn schema_name() -> Cow<'static, str> {
        "FileName".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::FileName").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A file name inside a project: no `/`, `\\`, control character or `..`, and not `.`.",
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[^/\\\\\\x00-\\x1F]+$",
            "not": { "pattern": "\\.\\.|^\\.$" },
            "examples": ["main.rs"]
        })
    }
}

/// A new project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = ProjectCreate::example())]
pub struct ProjectCreate {
    /// Unique among the owner's projects.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2000))]
    pub description: Option<String>,
    /// The repository the project is pushed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_repo_url: Option<WebUrl>,
    /// Where the project is deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vercel_url: Option<WebUrl>,
}

impl ProjectCreate {
    fn example() -> Self {
        Self {
            name: "Landing page".into(),
            description: Some("Marketing site for the spring launch".into()),
            github_repo_url: Some(WebUrl::parse("https://github.com/devora/landing").expect("valid example URL")),
            vercel_url: None,
        }
    }
}

/// Changes to a project: absent fields are left as they are; `null` clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct ProjectUpdate {
    /// A new name; `null` leaves the name as it is (a project always has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schemars(length(max = 2000))]
    pub description: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub github_repo_url: Option<Option<WebUrl>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub vercel_url: Option<Option<WebUrl>>,
}

/// A field that is present: `Some(None)` for `null`, `Some(Some(v))` for a value (absent fields
/// take the `default`, `None`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A file of a project, without its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectFileSummary {
    pub name: FileName,
    /// Size of the content in bytes (UTF-8).
    pub size: u64,
    pub updated_at: DateTime<Utc>,
}

/// A project as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = Project::example())]
pub struct Project {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// The project's files, sorted by name.
    pub files: Vec<ProjectFileSummary>,
    pub github_repo_url: Option<WebUrl>,
    pub vercel_url: Option<WebUrl>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    fn example() -> Self {
        let at: DateTime<Utc> = "2026-02-01T12:00:00Z".parse().expect("valid example date");
        Self {
            id: Uuid::from_u128(0x1d6f_2c1e_77aa_4b0e_9e3d_5a8c_6f20_b3c4),
            name: "Landing page".into(),
            description: None,
            files: vec![ProjectFileSummary { name: FileName("index.html".into()), size: 1280, updated_at: at }],
            github_repo_url: Some(WebUrl::parse("https://github.com/devora/landing").expect("valid example URL")),
            vercel_url: None,
            created_at: at,
            updated_at: at,
        }
    }
}

/// A file with its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectFile {
    pub name: FileName,
    pub content: String,
    /// The language used for highlighting, when known.
    pub language: Option<String>,
    /// Size of the content in bytes (UTF-8).
    pub size: u64,
    pub updated_at: DateTime<Utc>,
}

/// The new content of a file, created if missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = FileUpsert::example())]
pub struct FileUpsert {
    /// At most 1 MiB (1,048,576 bytes) once encoded as UTF-8. JSON Schema counts characters, so
    /// `maxLength` bounds the characters (the same number) and the server also refuses more bytes,
    /// with a `422` at `/body/content` (keyword `maxLength`).
    #[schemars(length(max = 1048576))]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 32), regex(pattern = r"^[a-z0-9+#-]+$"))]
    pub language: Option<String>,
}

impl FileUpsert {
    /// The most bytes `content` may take once encoded as UTF-8.
    pub const MAX_CONTENT_BYTES: usize = 1 << 20;

    fn example() -> Self {
        Self { content: "fn main() {\n    println!(\"hello\");\n}\n".into(), language: Some("rust".into()) }
    }
}

/// Path of the operations on one project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPath {
    pub project_id: Uuid,
}

/// Path of the operations on one file of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFilePath {
    pub project_id: Uuid,
    pub file_name: FileName,
}

/// Filters of the project list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectListQuery {
    #[serde(flatten)]
    pub pagination: Pagination,
    /// Keeps projects whose name contains this text, ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    pub search: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::FileName;

    /// `FileName::allows` says what the schema says: its `pattern`, its `not` pattern and its
    /// length, tried on names at each edge.
    #[test]
    fn allows_agrees_with_the_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(FileName)).expect("JSON");
        let regex = |pointer: &str| {
            regress::Regex::new(schema.pointer(pointer).and_then(|p| p.as_str()).expect(pointer)).expect("ECMA-262")
        };
        let (pattern, not) = (regex("/pattern"), regex("/not/pattern"));
        let by_schema = |name: &str| {
            let length = name.chars().count();
            (1..=255).contains(&length) && pattern.find(name).is_some() && not.find(name).is_none()
        };
        let long = "é".repeat(255);
        let longer = "é".repeat(256);
        for name in [
            "main.rs",
            ".env",
            "a.b.c",
            "...",
            "..",
            ".",
            "a..b",
            "a/b",
            "a\\b",
            "tab\there",
            "\u{1f}",
            "\u{7f}",
            "",
            " ",
            "é",
            long.as_str(),
            longer.as_str(),
            "x.",
            ".x",
            "a\u{2028}b",
        ] {
            assert_eq!(FileName::allows(name), by_schema(name), "{name:?}");
        }
        assert!(!FileName::allows(".") && !FileName::allows("..") && FileName::allows(".env"));
    }
}
