//! Regular expressions and formats: `pattern` and `patternProperties` become module-level
//! `RegExp` constants with the `u` flag (checked with `regress`, an ECMA-262 engine, at compile
//! time), except a `pattern` of one ASCII range (`[A-Z]`), a scan of the code units (`hasCharIn`);
//! asserted formats map to the runtime's checkers.

use super::CompileError;
use super::compile::Compiler;
use crate::typescript::ast::{Expr, Type};

impl Compiler<'_, '_> {
    /// The constant holding `pattern` as a `RegExp` with the `u` flag.
    pub(super) fn regex(&mut self, pattern: &str) -> Result<String, CompileError> {
        let pattern = unicode_safe(pattern);
        regress::Regex::with_flags(&pattern, "u")
            .map_err(|e| CompileError::InvalidPattern { pattern: pattern.clone(), reason: e.to_string() })?;
        let regex = Expr::new("RegExp", Vec::<Type>::new(), vec![Expr::str(pattern), Expr::str("u")]);
        Ok(self.constant("r", regex))
    }
}

/// `pattern` with identity escapes of punctuation (`\-`, `\_`, `\:`...) written as `\xHH`: the
/// `u` flag (which JSON Schema's ECMA-262 dialect needs for code points) rejects them, while every
/// engine reads the hex form alike.
pub(crate) fn unicode_safe(pattern: &str) -> String {
    const SYNTAX: &str = "^$\\.*+?()[]{}|/";
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next) if next.is_ascii_punctuation() && !SYNTAX.contains(next) || next == ' ' => {
                out.push_str(&format!("\\x{:02X}", next as u32));
            }
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The range of a pattern that is one class of one ASCII range, such as `[A-Z]`: a string
/// matches it (unanchored, with or without the `u` flag) when one of its code units is in the
/// range, since no code unit of a character outside ASCII is.
pub(crate) fn char_range(pattern: &str) -> Option<(u8, u8)> {
    let &[b'[', from, b'-', to, b']'] = pattern.as_bytes() else { return None };
    let plain = |c: u8| c.is_ascii_graphic() && !b"\\[]^-".contains(&c);
    (plain(from) && plain(to) && from <= to).then_some((from, to))
}

/// The asserted formats: name, the runtime's checker, and a value it accepts (what the mocks
/// answer for a string of that format). Every format the server's validator asserts is here.
const FORMATS: &[(&str, &str, &str)] = &[
    ("date-time", "isDateTime", "2026-01-01T00:00:00Z"),
    ("date", "isDate", "2026-01-01"),
    ("time", "isTime", "00:00:00Z"),
    ("email", "isEmail", "user@example.com"),
    ("uuid", "isUuid", "00000000-0000-4000-8000-000000000000"),
    ("uri", "isUri", "https://example.com/"),
    ("uri-reference", "isUriReference", "/"),
    ("ipv4", "isIpv4", "192.0.2.1"),
    ("ipv6", "isIpv6", "2001:db8::1"),
    ("hostname", "isHostname", "example.com"),
    ("duration", "isDuration", "P1D"),
    ("json-pointer", "isJsonPointer", "/a"),
    ("relative-json-pointer", "isRelativeJsonPointer", "0"),
    ("uri-template", "isUriTemplate", "https://example.com/{id}"),
    ("regex", "isRegex", "^a$"),
    ("iri", "isIri", "https://example.com/"),
    ("iri-reference", "isIriReference", "/"),
];

/// The runtime checker of an asserted format, if the compiler knows it.
pub(crate) fn format_checker(format: &str) -> Option<(&str, &'static str)> {
    FORMATS.iter().find(|(name, _, _)| *name == format).map(|(_, checker, _)| (format, *checker))
}

/// A string of an asserted format that its checker accepts.
pub(crate) fn format_sample(format: &str) -> Option<&'static str> {
    FORMATS.iter().find(|(name, _, _)| *name == format).map(|(_, _, sample)| *sample)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_escapes_become_hex() {
        assert_eq!(unicode_safe(r"^[0-9]{3}\-[0-9]{4}$"), r"^[0-9]{3}\x2D[0-9]{4}$");
        assert_eq!(unicode_safe(r"[a\-z\_]\d\.\/"), r"[a\x2Dz\x5F]\d\.\/");
        assert!(regress::Regex::with_flags(&unicode_safe(r"^\:\@\#\ $"), "u").is_ok());
    }

    #[test]
    fn one_ascii_range_is_a_scan_and_nothing_else_is() {
        assert_eq!(char_range("[A-Z]"), Some((b'A', b'Z')));
        assert_eq!(char_range("[0-9]"), Some((b'0', b'9')));
        for other in ["[^A-Z]", "[A-Z]+", "^[A-Z]", "[AZ]", "[Z-A]", "[\\-z]", r"[a-\u00ff]", "[é-z]", "[A-Za-z]"] {
            assert_eq!(char_range(other), None, "{other}");
        }
    }
}
