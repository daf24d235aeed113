//! Name mapping for TypeScript, in one place: schema names to type names, operation ids to method
//! and type names, with reserved words and invalid characters escaped, and collisions reported.

use std::collections::BTreeMap;

use super::printer::is_identifier;

/// A type name for a schema name: invalid characters become `_`, a leading digit or a reserved
/// word gets a `_` prefix.
pub fn type_name(schema: &str) -> String {
    let mut name: String =
        schema.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '$' { c } else { '_' }).collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !is_identifier(&name) {
        name.insert(0, '_');
    }
    name
}

fn words(id: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()).unwrap_or_default()
}

/// `get_project` → `GetProject`.
pub fn pascal(id: &str) -> String {
    type_name(&words(id).iter().map(|w| capitalize(w)).collect::<String>())
}

/// `get_project` → `getProject` (a method name; reserved words are fine as method names but get a
/// `_` suffix to stay usable as plain identifiers).
pub fn camel(id: &str) -> String {
    let words = words(id);
    let mut name = String::new();
    for (index, word) in words.iter().enumerate() {
        if index == 0 {
            name.push_str(&word.to_ascii_lowercase());
        } else {
            name.push_str(&capitalize(word));
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if !is_identifier(&name) {
        name.push('_');
    }
    name
}

/// Records every exported name with what it stands for, and reports the first clash.
#[derive(Default)]
pub struct Scope {
    names: BTreeMap<String, String>,
}

impl Scope {
    /// Claims `name` for `what`; returns the clash as (`name`, the earlier owner) when taken.
    pub fn claim(&mut self, name: &str, what: &str) -> Result<(), (String, String)> {
        match self.names.get(name) {
            Some(owner) if owner != what => Err((name.to_owned(), owner.clone())),
            _ => {
                self.names.insert(name.to_owned(), what.to_owned());
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("get_project"), "GetProject");
        assert_eq!(pascal("admin_list_users"), "AdminListUsers");
        assert_eq!(camel("get_project"), "getProject");
        assert_eq!(camel("getHTTPThing"), "getHttpthing");
        assert_eq!(camel("delete"), "delete_");
        assert_eq!(camel("9lives"), "_9lives");
        assert_eq!(type_name("Page_for_X"), "Page_for_X");
        assert_eq!(type_name("a-b"), "a_b");
        assert_eq!(type_name("string"), "_string");
        assert_eq!(type_name("1x"), "_1x");
        let mut scope = Scope::default();
        assert!(scope.claim("A", "schema A").is_ok());
        assert_eq!(scope.claim("A", "operation a"), Err(("A".into(), "schema A".into())));
    }
}
