//! Prints a JSON value as block-style YAML that every YAML parser (1.1 or 1.2) reads back as the
//! same JSON: a string is left plain only when it cannot be mistaken for anything else (no number,
//! date, boolean word or indicator), multi-line strings use literal blocks, and everything else is
//! double-quoted with JSON escapes (which YAML's double-quoted style shares).

use serde_json::Value;

/// Renders `value` as a YAML document ending with a newline.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => print_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => print_seq(items, 0, &mut out),
        scalar => {
            out.push_str(&scalar_text(scalar, 0));
            out.push('\n');
        }
    }
    out
}

fn print_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key_text(key));
        out.push(':');
        print_value_after_key(value, indent, out);
    }
}

fn print_value_after_key(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            print_map(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            print_seq(items, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar, indent + 2));
            out.push('\n');
        }
    }
}

fn print_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry shares the dash's line; the others align with it.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    out.push_str(&key_text(key));
                    out.push(':');
                    print_value_after_key(value, indent + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                print_seq(inner, indent + 2, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn key_text(key: &str) -> String {
    if is_plain_safe(key) { key.to_owned() } else { quoted(key) }
}

fn scalar_text(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_text(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

fn string_text(s: &str, indent: usize) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    if let Some(block) = literal_block(s, indent) {
        return block;
    }
    quoted(s)
}

/// A literal block (`|` or `|-`) for multi-line text that survives one intact.
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') || s.starts_with([' ', '\t', '\n']) || s.ends_with("\n\n") {
        return None;
    }
    if s.chars().any(|c| {
        (c.is_control() && c != '\n') || c == '\u{feff}' || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}'
    }) {
        return None;
    }
    let (indicator, body) = match s.strip_suffix('\n') {
        Some(body) => ("|", body),
        None => ("|-", s),
    };
    if body.lines().any(|line| line.ends_with(' ')) {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = String::from(indicator);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A string that reads back as this same string in YAML 1.1 and 1.2, without quotes.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/' || first == '$') {
        return false;
    }
    if s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || " _-./$(){}',;+=`*".contains(c)) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check(value: Value, want: &str) {
        assert_eq!(render(&value), want);
        let back: Value = serde_yaml::from_str(want).expect("valid YAML");
        assert_eq!(back, value, "round trip");
    }

    #[test]
    fn scalars_that_look_like_other_types_are_quoted() {
        check(
            json!({"a": "2026-01-15T09:30:00Z", "b": "yes", "c": "200", "d": "", "e": "x: y", "f": "#x", "g": true, "h": 1.5, "i": null}),
            "a: \"2026-01-15T09:30:00Z\"\nb: \"yes\"\nc: \"200\"\nd: \"\"\ne: \"x: y\"\nf: \"#x\"\ng: true\nh: 1.5\ni: null\n",
        );
    }

    #[test]
    fn nesting_and_keys() {
        check(
            json!({"paths": {"/a/{id}": {"get": {"tags": ["x", "y"], "responses": {"200": {"description": "OK"}}}}}, "e": [], "m": {}}),
            "paths:\n  /a/{id}:\n    get:\n      tags:\n      - x\n      - \"y\"\n      responses:\n        \"200\":\n          description: OK\ne: []\nm: {}\n",
        );
    }

    #[test]
    fn sequences_of_maps_and_of_sequences() {
        check(json!([{"a": 1, "b": [1, [2, 3]]}, [true]]), "- a: 1\n  b:\n  - 1\n  -\n    - 2\n    - 3\n-\n  - true\n");
    }

    #[test]
    fn multi_line_text() {
        check(json!({"d": "one\n\ntwo"}), "d: |-\n  one\n\n  two\n");
        check(json!({"d": "one\n"}), "d: |\n  one\n");
        check(json!({"d": " lead\nx"}), "d: \" lead\\nx\"\n");
        check(json!({"d": "trail \nx"}), "d: \"trail \\nx\"\n");
    }
}
