//! Component names from schemars' schema ids: generic types get their arguments in their names,
//! and two Rust types that want the same name are an error naming both.
//!
//! schemars names a component after `JsonSchema::schema_name`, which for a derived generic type is
//! the bare type name: `Page<User>` and `Page<Project>` both want `Page`, and schemars numbers the
//! second (`Page2`), in the order it meets them. Its schema *ids* tell the types apart
//! (`app::Page<app::User>`), but the generator keeps the id → name table private; its `Debug`
//! output is the one place that shows it, so this module reads the table from there (a unit test
//! pins the format, so a schemars upgrade that changes it fails loudly here, not silently).
//!
//! The convention: a generic type's name is its arguments' names, then its own: `Page<User>` is
//! `UserPage`, `Page<Vec<User>>` is `UserListPage`, `Page<String>` is `StringPage`,
//! `Pair<User, Project>` is `UserProjectPair`. It holds even when a generic type is used once, so
//! adding a second use never renames the first. `#[schemars(rename = "...")]` still wins (a name
//! with placeholders, such as `"{T}Page"`, is left as schemars formats it).

use std::collections::BTreeMap;

use schemars::SchemaGenerator;

use crate::error::Error;

/// schemars' component names mapped to this crate's names (only those that change), and every
/// collision found.
pub(super) fn canonical(generator: &SchemaGenerator) -> (BTreeMap<String, String>, Vec<Error>) {
    let debug = format!("{generator:?}");
    let Some(table) = id_table(&debug) else {
        let reason = "schemars' generator no longer shows its schema ids; pin schemars to a 1.2 release".into();
        return (BTreeMap::new(), vec![Error::SchemaIds { reason }]);
    };
    let ids: BTreeMap<&str, &str> = table.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect();
    let mut memo = BTreeMap::new();
    let mut renames = BTreeMap::new();
    let mut owners: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (id, name) in &ids {
        let chosen = name_of_id(id, &ids, &mut memo);
        owners.entry(chosen.clone()).or_default().push((id, name));
        if chosen != *name {
            renames.insert((*name).to_owned(), chosen);
        }
    }
    let mut problems = Vec::new();
    for (name, mut owners) in owners {
        if owners.len() > 1 {
            // The one schemars met first (its bare name) is named first.
            owners.sort_by_key(|(_, assigned)| (assigned.len(), *assigned));
            problems.push(Error::SchemaNameCollision {
                name,
                first: owners[0].0.to_owned(),
                second: owners[1].0.to_owned(),
            });
        }
    }
    (renames, problems)
}

/// The name of the component whose schema id is `id` (memoized: arguments repeat).
fn name_of_id(id: &str, ids: &BTreeMap<&str, &str>, memo: &mut BTreeMap<String, String>) -> String {
    if let Some(name) = memo.get(id) {
        return name.clone();
    }
    let assigned = ids.get(id).copied().unwrap_or_default();
    let name = match parse(id) {
        Id::Named { path, args, .. } => {
            let own = last_segment(path);
            let numbered = assigned
                .strip_prefix(own)
                .is_some_and(|suffix| !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()));
            if assigned == own || numbered {
                let mut name: String = args.iter().map(|arg| display(arg, ids, memo)).collect();
                name.push_str(own);
                name
            } else {
                assigned.to_owned()
            }
        }
        _ => assigned.to_owned(),
    };
    memo.insert(id.to_owned(), name.clone());
    name
}

/// How a type argument reads inside a generic type's name.
fn display(id: &Id<'_>, ids: &BTreeMap<&str, &str>, memo: &mut BTreeMap<String, String>) -> String {
    let text = id.text();
    if ids.contains_key(text) {
        return name_of_id(text, ids, memo);
    }
    match id {
        Id::List(item, _) => display(item, ids, memo) + "List",
        Id::Tuple(items, _) => items.iter().map(|item| display(item, ids, memo)).collect::<String>() + "Tuple",
        Id::Named { path, args, .. } => {
            let mut name: String = args.iter().map(|arg| display(arg, ids, memo)).collect();
            name.push_str(&pascal(last_segment(path)));
            name
        }
    }
}

/// `int32` → `Int32`, `std::string` → `String`: the words of `text`, each capitalized.
fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The last `::` segment of a path.
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// A schema id as schemars spells it: `path::Name<A, B>`, `[T]` (a sequence), `[N; T]` (an
/// array), `(A,B)` (a tuple).
#[derive(Debug, PartialEq)]
enum Id<'a> {
    Named { path: &'a str, args: Vec<Id<'a>>, text: &'a str },
    List(Box<Id<'a>>, &'a str),
    Tuple(Vec<Id<'a>>, &'a str),
}

impl<'a> Id<'a> {
    /// The id's own text, as the table keys it.
    fn text(&self) -> &'a str {
        match self {
            Id::Named { text, .. } | Id::List(_, text) | Id::Tuple(_, text) => text,
        }
    }
}

/// Parses an id; anything unexpected is kept whole as a path (its name is then its text's words).
fn parse(id: &str) -> Id<'_> {
    let id = id.trim();
    if let Some(inner) = id.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        // `[N; T]` puts the length first.
        let item = split_top(inner, ';').pop().unwrap_or(inner);
        return Id::List(Box::new(parse(item)), id);
    }
    if let Some(inner) = id.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        return Id::Tuple(split_top(inner, ',').into_iter().map(parse).collect(), id);
    }
    if let Some(open) = id.find('<')
        && let Some(inner) = id.strip_suffix('>').map(|rest| &rest[open + 1..])
    {
        let args = split_top(inner, ',').into_iter().map(parse).collect();
        return Id::Named { path: &id[..open], args, text: id };
    }
    Id::Named { path: id, args: Vec::new(), text: id }
}

/// `text` split at `separator`s outside brackets, each part trimmed.
fn split_top(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '<' | '[' | '(' => depth += 1,
            '>' | ']' | ')' => depth = depth.saturating_sub(1),
            c if c == separator && depth == 0 => {
                parts.push(text[start..index].trim());
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// The `schema_id_to_name` table of a generator's `Debug` output: schema id → component name.
/// It reads `schema_id_to_name: {SchemaUid("<id>", <Contract>): "<name>", ...}`.
fn id_table(debug: &str) -> Option<Vec<(String, String)>> {
    let start = debug.find("schema_id_to_name: {")? + "schema_id_to_name: {".len();
    let mut rest = &debug[start..];
    let mut table = Vec::new();
    loop {
        rest = rest.trim_start_matches([',', ' ']);
        if rest.starts_with('}') {
            return Some(table);
        }
        rest = rest.strip_prefix("SchemaUid(")?;
        let (id, after) = string_literal(rest)?;
        let close = after.find(')')?;
        rest = after[close + 1..].strip_prefix(": ")?;
        let (name, after) = string_literal(rest)?;
        rest = after;
        table.push((id, name));
    }
}

/// A Rust `Debug` string literal at the start of `text`: its value and the text after it.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[index + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                '0' => value.push('\0'),
                'u' => {
                    let mut hex = String::new();
                    for (_, c) in chars.by_ref() {
                        match c {
                            '{' => {}
                            '}' => break,
                            c => hex.push(c),
                        }
                    }
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_into_their_structure() {
        let id = "app::Page<[app::User]>";
        let Id::Named { path, args, text } = parse(id) else { panic!("named") };
        assert_eq!((path, text), ("app::Page", id));
        let user = Id::Named { path: "app::User", args: vec![], text: "app::User" };
        assert_eq!(args, vec![Id::List(Box::new(user), "[app::User]")]);
        let Id::Tuple(items, _) = parse("(string,boolean)") else { panic!("tuple") };
        assert_eq!(items.len(), 2);
        let Id::List(item, _) = parse("[3; int32]") else { panic!("array") };
        assert_eq!(*item, Id::Named { path: "int32", args: vec![], text: "int32" });
    }

    #[test]
    fn the_debug_table_is_read() {
        let debug = r#"SchemaGenerator { schema_id_to_name: {SchemaUid("a::Page<a::User>", Serialize): "Page", SchemaUid("a::Q\"x", Serialize): "Q\u{e9}"}, used_schema_names: {} }"#;
        let table = id_table(debug).expect("a table");
        assert_eq!(
            table,
            vec![("a::Page<a::User>".to_owned(), "Page".to_owned()), ("a::Q\"x".to_owned(), "Qé".to_owned())]
        );
    }

    #[test]
    fn names_follow_the_convention() {
        let ids: BTreeMap<&str, &str> = [
            ("a::User", "User"),
            ("a::Page<a::User>", "Page"),
            ("a::Page<string>", "Page2"),
            ("a::Page<[a::User]>", "Page3"),
            ("a::Page<a::Page<a::User>>", "Page4"),
            ("a::Pair<a::User, (string,int32)>", "Pair"),
            ("a::{T}Paged<a::User>", "UserPaged"),
            ("b::User", "User2"),
            ("x::Page2", "Page2"),
        ]
        .into_iter()
        .collect();
        let mut memo = BTreeMap::new();
        let mut name = |id: &str| name_of_id(id, &ids, &mut memo);
        assert_eq!(name("a::Page<a::User>"), "UserPage");
        assert_eq!(name("a::Page<string>"), "StringPage");
        assert_eq!(name("a::Page<[a::User]>"), "UserListPage");
        assert_eq!(name("a::Page<a::Page<a::User>>"), "UserPagePage");
        assert_eq!(name("a::Pair<a::User, (string,int32)>"), "UserStringInt32TuplePair");
        assert_eq!(name("a::{T}Paged<a::User>"), "UserPaged");
        assert_eq!(name("b::User"), "User", "numbered back, so the collision shows");
        assert_eq!(name("x::Page2"), "Page2", "a type really named `Page2` keeps it");
    }
}
