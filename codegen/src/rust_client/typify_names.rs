//! The names progenitor (through typify 0.8) gives a schema's fields and enum values in the Rust
//! client, so that lowering can refuse what would not compile, naming the type and the fields,
//! instead of progenitor writing two fields of one name or panicking on two variants of one.
//!
//! The rules are typify's `sanitize` (`typify-impl/src/util.rs`) and its second try for enum
//! variants (`type_entry.rs`), written again here: a test holds them to typify's own examples.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// What typify names a type (`PascalCase`).
pub fn type_name(name: &str) -> String {
    sanitize(name, |s| s.to_pascal_case())
}

/// What typify names a struct field (`snake_case`).
pub fn field(name: &str) -> String {
    sanitize(name, |s| s.to_snake_case())
}

/// What typify names the variants of a string enum, or the values that still share a name after
/// its second try (`None`: every variant has a name of its own).
pub fn variant_clashes<'a>(values: &[&'a str]) -> Option<Vec<(String, Vec<&'a str>)>> {
    let first: Vec<String> = values.iter().map(|v| sanitize(v, |s| s.to_pascal_case())).collect();
    if unique(&first) {
        return None;
    }
    let second: Vec<String> = values
        .iter()
        .map(|v| sanitize(&v.replace(|c: char| c == '_' || !is_xid_continue(c), "X"), |s| s.to_pascal_case()))
        .collect();
    let clashes = clashes(values, &second);
    (!clashes.is_empty()).then_some(clashes)
}

/// The names given to more than one of `items`, each with the items that share it, in order.
pub fn clashes<'a>(items: &[&'a str], names: &[String]) -> Vec<(String, Vec<&'a str>)> {
    let mut found: Vec<(String, Vec<&'a str>)> = Vec::new();
    for (item, name) in items.iter().zip(names) {
        match found.iter_mut().find(|(n, _)| n == name) {
            Some((_, sharing)) => sharing.push(item),
            None => found.push((name.clone(), vec![item])),
        }
    }
    found.retain(|(_, sharing)| sharing.len() > 1);
    found
}

fn unique(names: &[String]) -> bool {
    names.iter().enumerate().all(|(i, name)| !names[..i].contains(name))
}

fn sanitize(input: &str, to_case: impl Fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(&input.replace('\'', "").replace(|c: char| !is_xid_continue(c), "-")),
    };
    let prefix = to_case("x");
    let out = match out.chars().next() {
        None => prefix,
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if is_keyword(&out) { format!("{out}_") } else { out }
}

/// The words typify suffixes with `_` (Rust's keywords, `gen` and `_`).
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// typify's own examples (`util.rs`), and the shapes a review found progenitor cannot compile.
    #[test]
    fn names_as_typify_gives_them() {
        assert_eq!(field("type"), "type_");
        assert_eq!(field("ref"), "ref_");
        assert_eq!(field("gen"), "gen_");
        assert_eq!(field("+1"), "plus1");
        assert_eq!(field("-1"), "minus1");
        assert_eq!(field("Ipv6Net"), "ipv6_net");
        assert_eq!(field("userId"), "user_id");
        assert_eq!(field("a-b"), "a_b");
        assert_eq!(field("A_B"), "a_b");
        assert_eq!(field(""), "x");
        assert_eq!(field("9lives"), "x9lives");
        assert_eq!(variant_clashes(&["draft", "live"]), None);
        assert_eq!(variant_clashes(&["a_b", "aB"]), None, "the second try tells them apart");
        assert_eq!(variant_clashes(&["a-b", "a_b"]), Some(vec![("AXb".to_owned(), vec!["a-b", "a_b"])]));
        assert_eq!(variant_clashes(&["a", "A"]), Some(vec![("A".to_owned(), vec!["a", "A"])]));
        assert_eq!(variant_clashes(&["", "\u{2028}"]), Some(vec![("X".to_owned(), vec!["", "\u{2028}"])]));
    }
}
