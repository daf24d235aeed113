//! 64-bit integers that travel as decimal strings, for values a JavaScript number cannot hold.
//!
//! The default policy of `codegen` is to *range-limit* `i64`/`u64`: their schemas are bounded to
//! ±(2^53 − 1), the integers a JavaScript number holds exactly, so a client never reads a rounded
//! value. When the whole 64-bit range matters (snowflake ids, nanosecond timestamps, hashes),
//! [`I64String`] and [`U64String`] carry it as a JSON string instead:
//!
//! | | JSON | JSON Schema | TypeScript |
//! |---|---|---|---|
//! | [`I64String`] | `"-9223372036854775808"` | `type: string`, `format: int64`, `pattern` | `string` |
//! | [`U64String`] | `"18446744073709551615"` | `type: string`, `format: uint64`, `pattern` | `string` |
//!
//! Serde writes the canonical decimal form (`Display`: digits, a `-` for negative values, no `+`,
//! no leading zeros) and reads exactly that form, as a string only: a JSON number, `"+1"`, `"007"`,
//! `"-0"`, `" 1"` or a value out of range are refused. The schema's `pattern` matches exactly the
//! texts serde reads, range included, so the JSON Schema, the TypeScript validators and serde
//! agree on every value. `format` follows the OpenAPI format registry, which allows `int64` on
//! strings (and recommends strings beyond 2^53); `uint64` is schemars' name for `u64`.
//!
//! ```
//! use contract::{I64String, U64String};
//!
//! let id = U64String(u64::MAX);
//! assert_eq!(serde_json::to_string(&id).unwrap(), r#""18446744073709551615""#);
//! assert_eq!(serde_json::from_str::<U64String>(r#""18446744073709551615""#).unwrap(), id);
//! assert!(serde_json::from_str::<U64String>("18446744073709551615").is_err(), "a number is refused");
//! assert_eq!("-42".parse::<I64String>().unwrap(), I64String(-42));
//! assert_eq!(i64::from(I64String::from(-42)), -42);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not the canonical decimal form of a 64-bit integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseIntStringError {
    /// Not digits with an optional leading `-` and no leading zeros (`"+1"`, `"007"`, `"-0"`, `""`).
    NotCanonical,
    /// Canonical, but beyond the type's range.
    OutOfRange,
}

impl fmt::Display for ParseIntStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseIntStringError::NotCanonical => {
                "not a canonical decimal integer (digits, an optional leading `-`, no leading zeros)"
            }
            ParseIntStringError::OutOfRange => "out of the integer type's range",
        })
    }
}

impl std::error::Error for ParseIntStringError {}

/// Checks the canonical form: `0`, or a non-zero digit then digits, after a `-` when `signed`.
fn canonical(text: &str, signed: bool) -> Result<(), ParseIntStringError> {
    let digits = match text.strip_prefix('-') {
        Some(rest) if signed => rest,
        _ => text,
    };
    let negative = digits.len() != text.len();
    let well_formed = match digits.as_bytes() {
        [b'0'] => !negative,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if well_formed { Ok(()) } else { Err(ParseIntStringError::NotCanonical) }
}

macro_rules! int_string {
    (
        $(#[$doc:meta])*
        $name:ident($int:ty), signed: $signed:literal, format: $format:literal, pattern: $pattern:literal
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $int);

        impl $name {
            /// The schema's `pattern`: exactly the canonical decimal texts of the type's range
            /// (plain alternation, read alike by ECMA-262 and Rust engines).
            pub const PATTERN: &'static str = $pattern;
            /// The schema's `format`.
            pub const FORMAT: &'static str = $format;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntStringError;

            /// Reads the canonical form only (what [`Display`](fmt::Display) writes).
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                canonical(text, $signed)?;
                text.parse().map($name).map_err(|_| ParseIntStringError::OutOfRange)
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Decimal;

                impl Visitor<'_> for Decimal {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(
                            f,
                            "a string holding a canonical decimal {} from {} to {}",
                            stringify!($int),
                            <$int>::MIN,
                            <$int>::MAX
                        )
                    }

                    fn visit_str<E: de::Error>(self, text: &str) -> Result<$name, E> {
                        text.parse().map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
                    }
                }

                deserializer.deserialize_str(Decimal)
            }
        }

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn schema_id() -> Cow<'static, str> {
                Cow::Borrowed(concat!("contract::", stringify!($name)))
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "format": Self::FORMAT, "pattern": Self::PATTERN })
            }
        }
    };
}

int_string! {
    /// An `i64` written and read as a JSON string of its decimal digits (`"-42"`), so values
    /// beyond ±2^53 reach JavaScript exactly. See the [module docs](self).
    I64String(i64), signed: true, format: "int64",
    pattern: "^(?:0|-?(?:[1-9][0-9]{0,17}|[1-8][0-9]{18}|9[0-1][0-9]{17}|92[0-1][0-9]{16}|922[0-2][0-9]{15}|9223[0-2][0-9]{14}|92233[0-6][0-9]{13}|922337[0-1][0-9]{12}|92233720[0-2][0-9]{10}|922337203[0-5][0-9]{9}|9223372036[0-7][0-9]{8}|92233720368[0-4][0-9]{7}|922337203685[0-3][0-9]{6}|9223372036854[0-6][0-9]{5}|92233720368547[0-6][0-9]{4}|922337203685477[0-4][0-9]{3}|9223372036854775[0-7][0-9]{2}|922337203685477580[0-6]|9223372036854775807)|-9223372036854775808)$"
}

int_string! {
    /// A `u64` written and read as a JSON string of its decimal digits (`"42"`), so values
    /// beyond 2^53 reach JavaScript exactly. See the [module docs](self).
    U64String(u64), signed: false, format: "uint64",
    pattern: "^(?:0|[1-9][0-9]{0,18}|1[0-7][0-9]{18}|18[0-3][0-9]{17}|184[0-3][0-9]{16}|1844[0-5][0-9]{15}|18446[0-6][0-9]{14}|184467[0-3][0-9]{13}|1844674[0-3][0-9]{12}|184467440[0-6][0-9]{10}|1844674407[0-2][0-9]{9}|18446744073[0-6][0-9]{8}|1844674407370[0-8][0-9]{6}|18446744073709[0-4][0-9]{5}|184467440737095[0-4][0-9]{4}|18446744073709550[0-9]{3}|18446744073709551[0-5][0-9]{2}|1844674407370955160[0-9]|1844674407370955161[0-4]|18446744073709551615)$"
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The alternation matching the canonical decimals from 1 to `max` (no leading zeros): fewer
    /// digits than `max`, then, digit by digit, `max`'s prefix, a smaller digit, any digits.
    fn one_to(max: &str) -> String {
        let digits: Vec<u32> = max.chars().filter_map(|c| c.to_digit(10)).collect();
        let class = |low: u32, high: u32| if low == high { low.to_string() } else { format!("[{low}-{high}]") };
        let any = |n: usize| match n {
            0 => String::new(),
            1 => "[0-9]".to_owned(),
            n => format!("[0-9]{{{n}}}"),
        };
        let mut alternatives = vec![format!("[1-9][0-9]{{0,{}}}", digits.len() - 2)];
        for (i, digit) in digits.iter().enumerate() {
            let low = if i == 0 { 1 } else { 0 };
            if *digit > low {
                alternatives.push(format!("{}{}{}", &max[..i], class(low, digit - 1), any(digits.len() - i - 1)));
            }
        }
        alternatives.push(max.to_owned());
        alternatives.join("|")
    }

    #[test]
    fn the_patterns_are_the_ranges_derived_digit_by_digit() {
        let u64_pattern = format!("^(?:0|{})$", one_to(&u64::MAX.to_string()));
        assert_eq!(U64String::PATTERN, u64_pattern);
        let i64_pattern = format!("^(?:0|-?(?:{})|{})$", one_to(&i64::MAX.to_string()), i64::MIN);
        assert_eq!(I64String::PATTERN, i64_pattern);
    }

    /// Texts around every boundary, and malformed ones.
    fn texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            "-",
            "+1",
            "007",
            "-0",
            "00",
            "0",
            "1",
            "-1",
            " 1",
            "1 ",
            "1.0",
            "1e3",
            "0x10",
            "١",
            "9".repeat(25).as_str(),
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        for bound in [i128::from(i64::MIN), i128::from(i64::MAX), i128::from(u64::MAX), 1 << 53, -(1 << 53)] {
            for delta in [-11, -10, -1, 0, 1, 10] {
                texts.push((bound + delta).to_string());
            }
        }
        // Every digit position of the maxima, one lower and one higher.
        for max in [u64::MAX.to_string(), i64::MAX.to_string()] {
            for i in 0..max.len() {
                for replacement in '0'..='9' {
                    let mut text = max.clone();
                    text.replace_range(i..=i, &replacement.to_string());
                    texts.push(text.clone());
                    texts.push(format!("-{text}"));
                }
            }
        }
        texts
    }

    /// `T`'s pattern matches exactly the texts `T` reads, and every text it reads is written back unchanged.
    fn agree<T: JsonSchema + FromStr + fmt::Display>(pattern: &str)
    where
        T::Err: fmt::Debug,
    {
        let schema = T::json_schema(&mut SchemaGenerator::default());
        assert_eq!(schema.get("type"), Some(&json!("string")));
        assert_eq!(schema.get("pattern"), Some(&json!(pattern)));
        let regex = regress::Regex::with_flags(pattern, "u").expect("an ECMA-262 pattern");
        for text in texts() {
            let parsed = text.parse::<T>().map(|value| value.to_string());
            let matches = regex.find(&text).is_some();
            assert_eq!(parsed.is_ok(), matches, "{text:?}: parsed {parsed:?}, pattern matches: {matches}");
            if let Ok(written) = parsed {
                assert_eq!(written, text, "canonical texts are written back unchanged");
            }
        }
    }

    #[test]
    fn the_schema_and_from_str_accept_exactly_the_same_texts() {
        agree::<I64String>(I64String::PATTERN);
        agree::<U64String>(U64String::PATTERN);
    }

    #[test]
    fn serde_writes_strings_and_reads_only_strings() {
        for value in [i64::MIN, -(1 << 53) - 1, -1, 0, 1, (1 << 53) + 1, i64::MAX] {
            let json = serde_json::to_value(I64String(value)).expect("serializes");
            assert_eq!(json, json!(value.to_string()));
            assert_eq!(serde_json::from_value::<I64String>(json).expect("reads back"), I64String(value));
        }
        for value in [0, (1 << 53) + 1, u64::MAX - 1, u64::MAX] {
            let json = serde_json::to_value(U64String(value)).expect("serializes");
            assert_eq!(json, json!(value.to_string()));
            assert_eq!(serde_json::from_value::<U64String>(json).expect("reads back"), U64String(value));
        }
        for refused in [json!(1), json!(1.5), json!(null), json!(["1"]), json!("-1"), json!("18446744073709551616")] {
            let error = serde_json::from_value::<U64String>(refused.clone()).expect_err("refused");
            assert!(error.to_string().contains("canonical decimal u64"), "{refused}: {error}");
        }
        let error = serde_json::from_str::<I64String>(r#""+5""#).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "invalid value: string \"+5\", expected a string holding a canonical decimal i64 from \
             -9223372036854775808 to 9223372036854775807 at line 1 column 4"
        );
    }

    #[test]
    fn parse_errors_say_why() {
        assert_eq!("007".parse::<U64String>(), Err(ParseIntStringError::NotCanonical));
        assert_eq!("-1".parse::<U64String>(), Err(ParseIntStringError::NotCanonical));
        assert_eq!("9223372036854775808".parse::<I64String>(), Err(ParseIntStringError::OutOfRange));
        assert_eq!("-9223372036854775808".parse::<I64String>(), Ok(I64String(i64::MIN)));
        assert!(ParseIntStringError::NotCanonical.to_string().contains("no leading zeros"));
    }
}
