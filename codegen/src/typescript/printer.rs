//! The one place where TypeScript text is quoted, escaped and indented. Emitters build code
//! through these helpers, never by pasting unescaped strings into source.

use serde_json::Value;

/// Words that cannot be identifiers (ECMAScript reserved words, strict-mode and TypeScript ones).
const RESERVED: &[&str] = &[
    "any",
    "arguments",
    "as",
    "async",
    "await",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "constructor",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "get",
    "if",
    "implements",
    "import",
    "in",
    "infer",
    "instanceof",
    "interface",
    "is",
    "keyof",
    "let",
    "module",
    "namespace",
    "never",
    "new",
    "null",
    "number",
    "object",
    "of",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "require",
    "return",
    "set",
    "static",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "unique",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Names inherited from `Object.prototype`: `x[name]` is not `undefined` on a plain object.
pub const PROTOTYPE_NAMES: &[&str] = &[
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
];

/// A string literal (JSON's escaping is valid TypeScript).
pub fn string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A JSON value as a TypeScript expression. Objects go through `JSON.parse` so that keys such as
/// `__proto__` stay data.
pub fn json(value: &Value) -> String {
    match value {
        Value::Object(_) | Value::Array(_) => format!("JSON.parse({})", string(&value.to_string())),
        other => other.to_string(),
    }
}

/// Whether `s` is a plain identifier (ASCII letters, digits, `_`, `$`; not a reserved word).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !RESERVED.contains(&s)
}

/// A property name in an object type or literal: bare when possible, quoted otherwise.
pub fn property_key(name: &str) -> String {
    let bare = {
        let mut chars = name.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    if bare { name.to_owned() } else { string(name) }
}

/// `object.name` or `object["name"]`.
pub fn member(object: &str, name: &str) -> String {
    if is_identifier(name) || (RESERVED.contains(&name) && property_key(name) == name) {
        format!("{object}.{name}")
    } else {
        format!("{object}[{}]", string(name))
    }
}

/// A JSDoc block for `text` (may be several lines), or nothing for empty text.
pub fn doc(text: &str, indent: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let text = text.replace("*/", "*\\/");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// Lines of code with indentation.
#[derive(Default)]
pub struct Writer {
    text: String,
    depth: usize,
}

impl Writer {
    /// One line at the current depth.
    pub fn line(&mut self, line: impl AsRef<str>) {
        let line = line.as_ref();
        if !line.is_empty() {
            for _ in 0..self.depth {
                self.text.push_str("  ");
            }
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    /// A line that opens a block (`... {`), then one level deeper.
    pub fn open(&mut self, line: impl AsRef<str>) {
        self.line(line);
        self.depth += 1;
    }

    /// One level shallower, then a line that closes a block.
    pub fn close(&mut self, line: impl AsRef<str>) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    /// A line between two blocks (`} else {`), at the outer depth.
    pub fn middle(&mut self, line: impl AsRef<str>) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
        self.depth += 1;
    }

    /// Raw text (already indented, such as a JSDoc block).
    pub fn raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_names() {
        assert_eq!(string("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(json(&serde_json::json!({"__proto__": 1})), r#"JSON.parse("{\"__proto__\":1}")"#);
        assert_eq!(json(&serde_json::json!(1.5)), "1.5");
        assert!(is_identifier("userId") && !is_identifier("class") && !is_identifier("1a") && !is_identifier("a-b"));
        assert_eq!(property_key("content-type"), "\"content-type\"");
        assert_eq!(property_key("default"), "default");
        assert_eq!(member("x", "a"), "x.a");
        assert_eq!(member("x", "a b"), "x[\"a b\"]");
        assert_eq!(doc("a */ b", ""), "/** a *\\/ b */\n");
    }
}
