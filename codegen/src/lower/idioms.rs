//! Phase 1c: schemars idioms that the artifacts would read differently from serde, restated.
//!
//! - A map with integer keys (serde writes them as decimal strings, `{"7": …}`): schemars says
//!   `patternProperties: {"^\d+$": V}, additionalProperties: false`, which OpenAPI 3.0 (no
//!   `patternProperties`) would turn into "no key at all" and TypeScript into `{}`. It becomes
//!   `propertyNames: {pattern}` and `additionalProperties: V`: exact in 2020-12, a superset in 3.0
//!   (which has no `propertyNames`), `Record<string, V>` in TypeScript. The pattern is the key
//!   text serde reads: no sign on unsigned keys, no leading zero, no `-0`. The key's width is
//!   not in the schemars schema, so a key beyond it passes the schema and serde refuses it.
//! - An `f32`, `i32` or `u32` (`format: float`, `int32`, `uint32`): schemars gives no bounds (it
//!   does for 8- and 16-bit integers) and serde_json refuses a number beyond the type's range, so
//!   the schema gets the range as `minimum` and `maximum` (as the integer policy bounds 64-bit
//!   integers).
//! - `\d` in a pattern (schemars writes it for integer keys and decimals): ECMA-262, the regex
//!   dialect of JSON Schema and of the TypeScript validators, reads it as `[0-9]`; the Rust
//!   validator as any Unicode digit. It is written `[0-9]`, so both read the same.

use serde_json::{Map, Value, json};

use crate::schema::{self, Types};

/// An unsigned integer key, as serde_json reads it.
pub(crate) const UNSIGNED_KEY: &str = "^(0|[1-9][0-9]*)$";
/// A signed integer key, as serde_json reads it.
pub(crate) const SIGNED_KEY: &str = "^(0|-?[1-9][0-9]*)$";

/// Where an `f32` overflows: `2^128 - 2^103`, the midpoint between `f32::MAX` and the next power
/// of two. A number below it rounds to a finite `f32` (`f32::MAX`, which serde_json writes
/// `3.4028235e38`, a little above `3.4028234663852886e38`, is one); it and anything above round
/// to infinity, which serde_json would write as `null`. The schema keeps numbers strictly inside
/// with `exclusiveMaximum` and `exclusiveMinimum`. A `maximum` of `f32::MAX` refused what serde
/// writes.
pub(crate) const F32_OVERFLOW: f64 = 340_282_356_779_733_661_637_539_395_458_142_568_448.0;

/// Restates the idioms above everywhere in `schema`.
pub(super) fn restate(schema: &mut Value) {
    schema::walk_mut(schema, &mut |subschema| {
        let numeric = Types::of(subschema).is_some_and(|t| t.contains("integer") || t.contains("number"));
        let Some(object) = subschema.as_object_mut() else { return };
        integer_keys(object);
        match object.get("format").and_then(Value::as_str).filter(|_| numeric) {
            Some("float") => exclusive_bound(object, F32_OVERFLOW),
            Some("int32") => bound(object, json!(i32::MIN), json!(i32::MAX)),
            Some("uint32") => bound(object, json!(0), json!(u32::MAX)),
            _ => {}
        }
        if let Some(Value::String(pattern)) = object.get_mut("pattern") {
            *pattern = ascii_digits(pattern);
        }
        if let Some(Value::Object(patterns)) = object.get_mut("patternProperties") {
            *patterns = std::mem::take(patterns).into_iter().map(|(k, v)| (ascii_digits(&k), v)).collect();
        }
    });
}

/// Keeps numbers strictly between `-limit` and `limit`, unless the schema's own bounds are tighter.
fn exclusive_bound(object: &mut Map<String, Value>, limit: f64) {
    let below =
        |key: &str, object: &Map<String, Value>| object.get(key).and_then(Value::as_f64).is_some_and(|v| v < limit);
    let above =
        |key: &str, object: &Map<String, Value>| object.get(key).and_then(Value::as_f64).is_some_and(|v| v > -limit);
    if !below("maximum", object) && !below("exclusiveMaximum", object) {
        object.remove("maximum");
        object.insert("exclusiveMaximum".into(), json!(limit));
    }
    if !above("minimum", object) && !above("exclusiveMinimum", object) {
        object.remove("minimum");
        object.insert("exclusiveMinimum".into(), json!(-limit));
    }
}

/// Narrows `minimum` and `maximum` to the range of the number's format.
fn bound(object: &mut Map<String, Value>, min: Value, max: Value) {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    if object.get("minimum").is_none_or(|current| f(current) < f(&min)) {
        object.insert("minimum".into(), min);
    }
    if object.get("maximum").is_none_or(|current| f(current) > f(&max)) {
        object.insert("maximum".into(), max);
    }
}

fn integer_keys(object: &mut Map<String, Value>) {
    if object.get("additionalProperties") != Some(&Value::Bool(false)) || object.contains_key("properties") {
        return;
    }
    let Some(Value::Object(patterns)) = object.get("patternProperties") else { return };
    let key = match patterns.keys().map(String::as_str).collect::<Vec<_>>()[..] {
        [r"^\d+$"] => UNSIGNED_KEY,
        [r"^-?\d+$"] => SIGNED_KEY,
        _ => return,
    };
    let value = patterns.values().next().cloned().unwrap_or(Value::Bool(true));
    object.shift_remove("patternProperties");
    object.shift_remove("additionalProperties");
    object.insert("propertyNames".into(), json!({ "type": "string", "pattern": key }));
    object.insert("additionalProperties".into(), value);
}

/// `pattern` with `\d` written `[0-9]` (`0-9` inside a class) and `\D` outside a class `[^0-9]`.
fn ascii_digits(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') if in_class => out.push_str("0-9"),
                Some('d') => out.push_str("[0-9]"),
                Some('D') if !in_class => out.push_str("[^0-9]"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound is where serde starts refusing an `f32`, on both sides, and what serde writes for
    /// the largest `f32` is inside it.
    #[test]
    fn an_f32_is_bounded_where_serde_overflows() {
        assert_eq!(F32_OVERFLOW, f64::from(f32::MAX) + 2f64.powi(103));
        let just_below = f64::from_bits(F32_OVERFLOW.to_bits() - 1);
        for sign in [1.0, -1.0] {
            // serde reads a number into an `f32` by rounding the `f64` it parsed.
            assert!(((sign * F32_OVERFLOW) as f32).is_infinite(), "{sign}");
            assert_eq!((sign * just_below) as f32, sign as f32 * f32::MAX);
            let read: f32 = serde_json::from_value(json!(sign * just_below)).expect("below the overflow");
            assert_eq!(read, sign as f32 * f32::MAX);
        }
        let written = serde_json::to_string(&f32::MAX).expect("JSON");
        assert!(written.parse::<f64>().is_ok_and(|v| v > f64::from(f32::MAX) && v < F32_OVERFLOW), "{written}");
        let mut schema = json!({"type": "number", "format": "float"});
        restate(&mut schema);
        assert_eq!(
            schema,
            json!({"type": "number", "format": "float", "exclusiveMaximum": F32_OVERFLOW, "exclusiveMinimum": -F32_OVERFLOW})
        );
        let mut tighter = json!({"type": "number", "format": "float", "minimum": 0, "maximum": 1});
        restate(&mut tighter);
        assert_eq!(tighter, json!({"type": "number", "format": "float", "minimum": 0, "maximum": 1}));
    }

    #[test]
    fn digits_are_written_ascii() {
        assert_eq!(ascii_digits(r"^-?\d+(\.\d+)?$"), r"^-?[0-9]+(\.[0-9]+)?$");
        assert_eq!(ascii_digits(r"[\d.]\D\\d"), r"[0-9.][^0-9]\\d");
        assert_eq!(ascii_digits(r"[\]\d]x"), r"[\]0-9]x");
    }

    #[test]
    fn integer_keyed_maps_name_their_keys() {
        let mut schema = json!({
            "type": "object",
            "additionalProperties": false,
            "patternProperties": { r"^-?\d+$": { "type": "boolean" } }
        });
        restate(&mut schema);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "propertyNames": { "type": "string", "pattern": SIGNED_KEY },
                "additionalProperties": { "type": "boolean" }
            })
        );
        let mut named_keys = json!({
            "type": "object",
            "additionalProperties": false,
            "patternProperties": { "^[a-z]+$": true }
        });
        let before = named_keys.clone();
        restate(&mut named_keys);
        assert_eq!(named_keys, before);
    }
}
