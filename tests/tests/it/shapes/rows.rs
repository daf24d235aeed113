//! One test per row of the README's "serde support" table (the README cites them by name): the
//! row's types, what serde writes and what it reads, checked by [`super::harness`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::num::{NonZeroI64, NonZeroU32};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::json;

use super::harness::Row;
use super::types::*;

/// Declares every row: `table()` for the harness, and one `#[test]` per row.
macro_rules! rows {
    ($($(#[doc = $doc:literal])* $test:ident => $rows:expr;)*) => {
        /// Every row, by the name of its test.
        pub fn table() -> Vec<(&'static str, Vec<Row>)> {
            vec![$((stringify!($test), $rows),)*]
        }
        $(
            $(#[doc = $doc])*
            #[test]
            fn $test() {
                super::harness::check(stringify!($test));
            }
        )*
    };
}

const INTEGER_LITERALS: &str = "JSON Schema and JavaScript take `1.0` for the integer 1; serde_json reads only integer literals into integer types";

fn inner(text: &str) -> Inner {
    Inner { text: text.into() }
}

rows! {
    /// `rename` and `rename_all` on fields and variants.
    rename_and_rename_all => vec![
        Row::of(&[
            Renamed { user_name: "ada".into(), email: "ada@example.com".into(), level: Level::VeryLow },
            Renamed { user_name: "bob".into(), email: "b".into(), level: Level::High },
        ])
        .reads(&[
            r#"{"userName": "a", "e-mail": "x", "level": "very-low"}"#,
            r#"{"userName": "a", "e-mail": "x", "level": "HIGH"}"#,
            r#"{"user_name": "a", "e-mail": "x", "level": "HIGH"}"#,
            r#"{"userName": "a", "email": "x", "level": "HIGH"}"#,
            r#"{"userName": "a", "e-mail": "x", "level": "high"}"#,
            r#"{"userName": "a", "e-mail": "x", "level": "VeryLow"}"#,
        ])
        .never_writes(&[json!({"userName": "a", "e-mail": "x", "level": "Very-Low"})]),
    ];
    /// Externally tagged enums (serde's default): unit, newtype and struct variants.
    externally_tagged_enum => vec![
        Row::of(&[External::Unit, External::Newtype(7), External::Struct { flag: true }])
            .reads(&[
                r#""Unit""#,
                r#"{"Newtype": 7}"#,
                r#"{"Struct": {"flag": false}}"#,
                r#""Newtype""#,
                r#"{"Newtype": -1}"#,
                r#"{"Newtype": 1, "Struct": {"flag": true}}"#,
                r#"{"Other": 1}"#,
                r#"{"Struct": {}}"#,
            ])
            .lenient(r#"{"Unit": null}"#, "serde_json also reads a unit variant written as an object")
            .never_writes(&[json!({"Unit": null}), json!("Other")]),
    ];
    /// Internally tagged enums, `#[serde(tag = "...")]`.
    internally_tagged_enum => vec![
        Row::of(&[Internal::Unit, Internal::Newtype(inner("x")), Internal::Struct { flag: false }])
            .reads(&[
                r#"{"kind": "unit"}"#,
                r#"{"kind": "unit", "extra": 1}"#,
                r#"{"kind": "newtype", "text": "x"}"#,
                r#"{"kind": "struct", "flag": true, "extra": 1}"#,
                r#"{"kind": "newtype"}"#,
                r#"{"kind": "struct", "flag": 1}"#,
                r#"{"kind": "other"}"#,
                r#"{"kind": "Struct", "flag": true}"#,
                r#"{"flag": true}"#,
            ])
            .never_writes(&[json!({"kind": "other"})]),
    ];
    /// Adjacently tagged enums, `#[serde(tag = "...", content = "...")]`.
    adjacently_tagged_enum => vec![
        Row::of(&[Adjacent::Unit, Adjacent::Newtype("x".into()), Adjacent::Struct { flag: true }])
            .reads(&[
                r#"{"t": "Unit"}"#,
                r#"{"t": "Unit", "c": null}"#,
                r#"{"t": "Newtype", "c": "x"}"#,
                r#"{"c": {"flag": true}, "t": "Struct"}"#,
                r#"{"t": "Newtype"}"#,
                r#"{"t": "Newtype", "c": 5}"#,
                r#"{"t": "Other"}"#,
            ])
            .wider(r#"{"t": "Unit", "c": 5}"#, "schemars does not say that a unit variant's content is `null`")
            .never_writes(&[json!({"t": "Newtype"})]),
    ];
    /// Untagged enums, `#[serde(untagged)]`: unit (`null`), newtype and struct variants.
    untagged_enum => vec![
        Row::of(&[Untagged::Struct { flag: true }, Untagged::Newtype("x".into()), Untagged::Unit])
            .reads(&[r#"{"flag": true}"#, r#""x""#, "null", "5", r#"{"flag": "no"}"#, "{}", "[]"]),
    ];
    /// `#[serde(other)]`, with `#[schemars(extend("x-serde-other" = true))]` on the same variant.
    other_variant => vec![
        Row::of(&[Color::Red, Color::Green, Color::Unknown])
            .reads(&[r#""red""#, r#""purple""#, r#""unknown""#, r#""Red""#, r#""""#, "5", "null"])
            .lenient(r#"{"purple": null}"#, "serde_json also reads a unit variant written as an object")
            .never_writes(&[json!("purple")]),
        Row::of(&[Figure::Circle { radius: 1.5 }, Figure::Square { side: 2.0 }, Figure::Unknown])
            .reads(&[
                r#"{"type": "circle", "radius": 1}"#,
                r#"{"type": "triangle"}"#,
                r#"{"type": "triangle", "sides": 3}"#,
                r#"{"type": "unknown"}"#,
                r#"{"type": "circle"}"#,
                r#"{"type": 5}"#,
                r#"{"radius": 1}"#,
            ])
            .never_writes(&[json!({"type": "triangle"})]),
    ];
    /// `#[serde(alias = "...")]`, with `#[schemars(extend("x-serde-alias" = [...]))]` on the field.
    alias => vec![
        Row::of(&[
            Aliased { color: "red".into(), nickname: None },
            Aliased { color: "red".into(), nickname: Some("r".into()) },
        ])
        .reads(&[
            r#"{"color": "a"}"#,
            r#"{"colour": "a"}"#,
            r#"{"color": "a", "colour": "b"}"#,
            r#"{}"#,
            r#"{"color": "a", "nick": "n"}"#,
            r#"{"colour": "a", "handle": null}"#,
            r#"{"color": "a", "nick": "n", "handle": "m"}"#,
            r#"{"color": "a", "nickname": "n", "nick": "m"}"#,
        ])
        .never_writes(&[json!({"colour": "a"})]),
    ];
    /// `#[serde(default)]` on a struct, and `default` / `default = "path"` on fields.
    default => vec![
        Row::of(&[Defaults::default(), Defaults { count: 3, label: "x".into() }])
            .reads(&[r#"{}"#, r#"{"count": 1}"#, r#"{"label": 5}"#, r#"{"count": 300}"#])
            .never_writes(&[json!({})]),
        Row::of(&[FieldDefaults { name: "n".into(), size: 10, tags: vec!["a".into()] }])
            .reads(&[r#"{"name": "a"}"#, r#"{"name": "a", "size": 3, "tags": ["x"]}"#, r#"{"size": 3}"#])
            .never_writes(&[json!({"name": "a"})]),
    ];
    /// `#[serde(deny_unknown_fields)]`.
    deny_unknown_fields => vec![
        Row::of(&[Strict { id: 1, note: None }, Strict { id: 2, note: Some("n".into()) }])
            .reads(&[
                r#"{"id": 1}"#,
                r#"{"id": 1, "note": null}"#,
                r#"{"id": 1, "note": "x"}"#,
                r#"{"id": 1, "extra": 2}"#,
            ])
            .never_writes(&[json!({"id": 1, "extra": 2}), json!({"id": 1, "note": null})]),
    ];
    /// `Option<T>`, with and without `skip_serializing_if = "Option::is_none"`.
    option_and_skip_serializing_if => vec![
        Row::of(&[
            Optionals { plain: None, omitted: None },
            Optionals { plain: Some("p".into()), omitted: Some("o".into()) },
        ])
        .reads(&[r#"{}"#, r#"{"plain": null, "omitted": null}"#, r#"{"omitted": "x"}"#, r#"{"plain": 5}"#])
        .never_writes(&[json!({"plain": null, "omitted": null}), json!({})]),
    ];
    /// `Option<Option<T>>`; with `skip_serializing_if`, marked `x-serde-writes-null`.
    double_option => vec![
        Row::of(&[
            Patch { double: None, clear: None },
            Patch { double: Some(None), clear: Some(None) },
            Patch { double: Some(Some("d".into())), clear: Some(Some("c".into())) },
        ])
        .reads(&[r#"{}"#, r#"{"clear": null}"#, r#"{"double": "x", "clear": "y"}"#, r#"{"clear": 5}"#])
        .never_writes(&[json!({}), json!({"double": 5})]),
    ];
    /// `skip`, `skip_serializing`, `skip_deserializing`.
    skip => vec![
        Row::of(&[Skips { shown: "a".into(), password: "secret".into(), computed: 3, internal: 9 }])
            .reads(&[
                r#"{"shown": "a"}"#,
                r#"{"shown": "a", "password": "p"}"#,
                r#"{"shown": "a", "computed": 5, "internal": 1}"#,
                r#"{"shown": "a", "password": 5}"#,
                r#"{"password": "p"}"#,
            ])
            .never_writes(&[json!({"shown": "a"})]),
    ];
    /// Newtype structs and `#[serde(transparent)]`.
    transparent_and_newtypes => vec![
        Row::of(&[Newtypes { distance: Meters(2.5), tags: Tags { inner: vec!["a".into()] } }])
            .reads(&[
                r#"{"distance": 1, "tags": []}"#,
                r#"{"distance": "1", "tags": []}"#,
                r#"{"distance": 1, "tags": {"inner": []}}"#,
                r#"{"distance": [1], "tags": []}"#,
            ]),
    ];
    /// `#[serde(from = "...", into = "...")]` and `try_from`.
    from_into_try_from => vec![
        Row::of(&[Conversions { upper: "abc".to_owned().into(), slug: "a-b".to_owned().try_into().expect("a slug") }])
            .reads(&[
                r#"{"upper": "abc", "slug": "a-b"}"#,
                r#"{"upper": 5, "slug": "a"}"#,
                r#"{"upper": "x", "slug": "Not A Slug"}"#,
                r#"{"upper": "x", "slug": ""}"#,
            ]),
    ];
    /// Containers in containers: `Vec<Vec<Option<u8>>>`, `BTreeMap<String, Vec<Option<Box<T>>>>`.
    nested_generic_containers => vec![
        Row::of(&[Nested {
            grid: vec![vec![Some(1), None], vec![]],
            index: BTreeMap::from([("a".into(), vec![Some(Box::new(inner("x"))), None])]),
        }])
        .reads(&[
            r#"{"grid": [[null, 255]], "index": {}}"#,
            r#"{"grid": [[256]], "index": {}}"#,
            r#"{"grid": [null], "index": {}}"#,
            r#"{"grid": [], "index": {"a": [{"text": 1}]}}"#,
        ]),
    ];
    /// `#[serde(flatten)]` of a struct.
    flatten_struct => vec![
        Row::of(&[Stamped { id: 1, inner: inner("x") }]).reads(&[
            r#"{"id": 1, "text": "x"}"#,
            r#"{"id": 1, "text": "x", "more": 2}"#,
            r#"{"id": 1}"#,
            r#"{"id": 1, "inner": {"text": "x"}}"#,
        ]),
    ];
    /// `#[serde(flatten)]` of a map: the other keys.
    flatten_map => vec![
        Row::of(&[Flexible {
            name: "a".into(),
            extra: HashMap::from([("color".into(), json!("red")), ("n".into(), json!(1))]),
        }])
        .reads(&[r#"{"name": "a", "color": "red"}"#, r#"{"color": "red"}"#, r#"{"name": 5}"#]),
        Row::of(&[Counted { total: 2, counts: BTreeMap::from([("a".into(), 1)]) }])
            .reads(&[r#"{"total": 1, "a": 2}"#, r#"{"total": 1, "a": "x"}"#, r#"{"total": 1, "a": -1}"#])
            .never_writes(&[json!({"total": 1, "a": "x"})]),
    ];
    /// `#[serde(flatten)]` of an enum (internally and externally tagged).
    flatten_enum => vec![
        Row::of(&[
            Tagged { id: 1, kind: Internal::Unit },
            Tagged { id: 2, kind: Internal::Newtype(inner("x")) },
            Tagged { id: 3, kind: Internal::Struct { flag: true } },
        ])
        .reads(&[
            r#"{"id": 1, "kind": "unit"}"#,
            r#"{"id": 1, "kind": "struct", "flag": true}"#,
            r#"{"id": 1}"#,
            r#"{"kind": "unit"}"#,
            r#"{"id": 1, "kind": "nope"}"#,
        ]),
        Row::of(&[
            Choice { name: "a".into(), external: External::Unit },
            Choice { name: "b".into(), external: External::Newtype(7) },
            Choice { name: "c".into(), external: External::Struct { flag: false } },
        ])
        .reads(&[
            r#"{"name": "a", "Newtype": 7}"#,
            r#"{"name": "a", "Unit": null}"#,
            r#"{"name": "a"}"#,
            r#"{"name": "a", "Newtype": "x"}"#,
        ]),
    ];
    /// Maps with integer keys (serde writes the keys as decimal strings).
    integer_keys => vec![
        Row::of(&[Keyed {
            by_id: BTreeMap::from([(0, "z".into()), (1, "a".into()), (u32::MAX, "b".into())]),
            by_offset: HashMap::from([(-3, true), (0, false), (i64::MAX, true)]),
        }])
        .reads(&[
            r#"{"by_id": {"7": "a"}, "by_offset": {"-1": true}}"#,
            r#"{"by_id": {"x": "a"}, "by_offset": {}}"#,
            r#"{"by_id": {"-1": "a"}, "by_offset": {}}"#,
            r#"{"by_id": {"01": "a"}, "by_offset": {}}"#,
            r#"{"by_id": {"+1": "a"}, "by_offset": {}}"#,
            r#"{"by_id": {"١": "a"}, "by_offset": {}}"#,
            r#"{"by_id": {}, "by_offset": {"-0": true}}"#,
            r#"{"by_id": {}, "by_offset": {"1.5": true}}"#,
        ])
        .wider(r#"{"by_id": {"4294967296": "a"}, "by_offset": {}}"#, "the key's width is not in the schema"),
    ];
    /// Integer enums (`serde_repr`, with schemars' `JsonSchema_repr`).
    integer_enum_repr => vec![
        Row::of(&[Priority::Low, Priority::Normal, Priority::High])
            .reads(&["1", "5", "3", r#""1""#, "null"])
            .wider("1.0", INTEGER_LITERALS)
            .never_writes(&[json!(3)]),
    ];
    /// `char`.
    char => vec![
        Row::of(&[Character { letter: 'a' }, Character { letter: 'é' }, Character { letter: '😀' }]).reads(&[
            r#"{"letter": "a"}"#,
            r#"{"letter": "😀"}"#,
            r#"{"letter": ""}"#,
            r#"{"letter": "ab"}"#,
            r#"{"letter": "e\u0301"}"#,
            r#"{"letter": 1}"#,
        ]),
    ];
    /// Integers: each within its type's range (64-bit ones within ±(2^53 − 1), the integer policy).
    integers => vec![
        Row::of(&[
            Integers { tiny: i8::MIN, small: u16::MAX, medium: i32::MIN, count: u32::MAX, big: -(1 << 53) + 1, size: 0 },
            Integers { tiny: i8::MAX, small: 0, medium: i32::MAX, count: 0, big: (1 << 53) - 1, size: (1 << 53) - 1 },
        ])
        .reads(&[
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": 1, "big": 1, "size": 1}"#,
            r#"{"tiny": 128, "small": 1, "medium": 1, "count": 1, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 65536, "medium": 1, "count": 1, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 1, "medium": 2147483648, "count": 1, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 1, "medium": -2147483649, "count": 1, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": 4294967296, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": -1, "big": 1, "size": 1}"#,
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": 1, "big": 1, "size": -1}"#,
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": 1.5, "big": 1, "size": 1}"#,
        ])
        .wider(r#"{"tiny": 1, "small": 1, "medium": 1, "count": 1, "big": 1, "size": 1.0}"#, INTEGER_LITERALS)
        .lenient(
            r#"{"tiny": 1, "small": 1, "medium": 1, "count": 1, "big": 9007199254740992, "size": 1}"#,
            "the integer policy keeps 64-bit integers within ±(2^53 − 1), which JavaScript holds exactly",
        )
        .refuses_write(
            Integers { tiny: 0, small: 0, medium: 0, count: 0, big: 1 << 53, size: 0 },
            "the integer policy: a handler must not write a 64-bit integer beyond ±(2^53 − 1)",
        ),
    ];
    /// `NonZeroU32`, `NonZeroI64` and the other `NonZero*`.
    non_zero => vec![
        Row::of(&[NonZero { count: NonZeroU32::MIN, delta: NonZeroI64::new(-5).expect("not zero") }])
            .reads(&[
                r#"{"count": 1, "delta": -1}"#,
                r#"{"count": 0, "delta": 1}"#,
                r#"{"count": 1, "delta": 0}"#,
                r#"{"count": -1, "delta": 1}"#,
                r#"{"count": 4294967296, "delta": 1}"#,
            ]),
    ];
    /// `Cow`, `Box`, `Rc`, `Arc`: their content's shape.
    smart_pointers => vec![
        Row::of(&[Pointers {
            cow: Cow::Borrowed("c"),
            boxed: Box::new(inner("b")),
            rc: Rc::new(inner("r")),
            arc: Arc::new(vec![1, 65535]),
        }])
        .reads(&[
            r#"{"cow": "c", "boxed": {"text": "b"}, "rc": {"text": "r"}, "arc": []}"#,
            r#"{"cow": 1, "boxed": {"text": "b"}, "rc": {"text": "r"}, "arc": []}"#,
            r#"{"cow": "c", "boxed": {"text": "b"}, "rc": {"text": "r"}, "arc": [65536]}"#,
        ]),
    ];
    /// `Vec<u8>`: an array of numbers, as serde_json writes it.
    bytes => vec![
        Row::of(&[Bytes { data: vec![0, 255, 7] }, Bytes { data: vec![] }])
            .reads(&[r#"{"data": [0, 255]}"#, r#"{"data": [256]}"#, r#"{"data": [-1]}"#, r#"{"data": "AAE="}"#]),
    ];
    /// `f64` and `f32`.
    floats => vec![
        Row::of(&[Floats { ratio: 0.5, scale: 1.25 }, Floats { ratio: f64::MAX, scale: f32::MIN_POSITIVE }])
            .reads(&[
                r#"{"ratio": 1, "scale": 2}"#,
                // The text serde_json writes for `f32::MAX` and `f32::MIN` (above `f32::MAX` read
                // as an `f64`).
                r#"{"ratio": 1, "scale": 3.4028235e38}"#,
                r#"{"ratio": 1, "scale": -3.4028235e38}"#,
                r#"{"ratio": 1e300, "scale": 3.4028234663852886e38}"#,
                r#"{"ratio": 1, "scale": -1e39}"#,
                r#"{"ratio": "1", "scale": 1}"#,
                r#"{"ratio": null, "scale": 1}"#,
            ])
            .refuses_write(
                Floats { ratio: f64::NAN, scale: 1.0 },
                "serde_json writes NaN and infinities as `null`, which is no number",
            )
            .refuses_write(
                Floats { ratio: 1.0, scale: f32::INFINITY },
                "serde_json writes NaN and infinities as `null`, which is no number",
            ),
    ];
    /// `chrono`: `DateTime<Utc>` and `NaiveDate`.
    chrono => vec![
        Row::of(&[
            ChronoTimes {
                at: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("valid"),
                day: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("valid"),
            },
            ChronoTimes {
                at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("valid"),
                day: chrono::NaiveDate::from_ymd_opt(1, 1, 1).expect("valid"),
            },
        ])
        .reads(&[
            r#"{"at": "2023-11-14T22:13:20Z", "day": "2023-11-14"}"#,
            r#"{"at": "2023-11-14T22:13:20.5+01:00", "day": "2024-02-29"}"#,
            r#"{"at": "2023-11-14t22:13:20z", "day": "2023-11-14"}"#,
            r#"{"at": "2023-11-14T22:13:20", "day": "2023-11-14"}"#,
            r#"{"at": "yesterday", "day": "2023-11-14"}"#,
            r#"{"at": "2023-11-14T22:13:20Z", "day": "2023-02-30"}"#,
            r#"{"at": "2023-11-14T22:13:20Z", "day": "2023-11-14T00:00:00Z"}"#,
        ])
        .lenient(
            r#"{"at": "2023-11-14 22:13:20Z", "day": "2023-11-14"}"#,
            "chrono also reads a space between date and time",
        ),
    ];
    /// `time::OffsetDateTime` with `time::serde::rfc3339` (the field states its schema).
    time => vec![
        Row::of(&[TimeCrate { at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("valid") }])
            .reads(&[
                r#"{"at": "2023-11-14T22:13:20Z"}"#,
                r#"{"at": "2023-11-14T22:13:20.25-05:00"}"#,
                r#"{"at": "2023-11-14T22:13:20"}"#,
                r#"{"at": "2023-13-14T22:13:20Z"}"#,
                r#"{"at": 1700000000}"#,
            ]),
    ];
    /// `uuid::Uuid`.
    uuid => vec![
        Row::of(&[Ids { id: uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8) }])
            .reads(&[
                r#"{"id": "67e55044-10b1-426f-9247-bb680e5fe0c8"}"#,
                r#"{"id": "67E55044-10B1-426F-9247-BB680E5FE0C8"}"#,
                r#"{"id": "67e55044-10b1-426f-9247"}"#,
                r#"{"id": 1}"#,
            ])
            .lenient(r#"{"id": "67e5504410b1426f9247bb680e5fe0c8"}"#, "the uuid crate also reads other spellings")
            .lenient(
                r#"{"id": "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8"}"#,
                "the uuid crate also reads other spellings",
            ),
    ];
    /// `url::Url`.
    url => vec![
        Row::of(&[
            Links { link: "https://example.com/a?b=1#c".parse().expect("a URL") },
            Links { link: "mailto:ada@example.com".parse().expect("a URL") },
        ])
        .reads(&[r#"{"link": "https://example.com"}"#, r#"{"link": "relative/path"}"#, r#"{"link": ""}"#])
        .lenient(r#"{"link": "https://example.com/a b"}"#, "the url crate also reads (and escapes) spaces")
        .wider(
            r#"{"link": "http://999.999.999.999/"}"#,
            "`format: uri` (RFC 3986) takes any name for a host; the url crate (WHATWG) reads a host ending in a number as an IPv4 address and refuses an invalid one",
        ),
    ];
    /// Decimals written as strings (`rust_decimal` with its `serde` feature).
    decimal => vec![
        Row::of(&[
            Money { amount: rust_decimal::Decimal::new(-15, 3) },
            Money { amount: rust_decimal::Decimal::MAX },
            Money { amount: rust_decimal::Decimal::new(1, 28) },
        ])
        .reads(&[
            r#"{"amount": "1.5"}"#,
            r#"{"amount": 1.5}"#,
            r#"{"amount": 7}"#,
            r#"{"amount": "1e5"}"#,
            r#"{"amount": "abc"}"#,
            r#"{"amount": " 1"}"#,
            r#"{"amount": null}"#,
            r#"{"amount": "١"}"#,
        ])
        .lenient(r#"{"amount": "+1"}"#, "rust_decimal also reads a plus sign, `_` separators, `.5` and `5.`")
        .lenient(r#"{"amount": "1_000"}"#, "rust_decimal also reads a plus sign, `_` separators, `.5` and `5.`")
        .lenient(r#"{"amount": ".5"}"#, "rust_decimal also reads a plus sign, `_` separators, `.5` and `5.`")
        .lenient(r#"{"amount": "1E-5"}"#, "rust_decimal also reads negative exponents")
        .wider(r#"{"amount": "79228162514264337593543950336"}"#, "a decimal beyond 96 bits matches the pattern")
        .never_writes(&[json!({"amount": 1.5}), json!({"amount": "1e5"})]),
    ];
    /// `serde_json::Value`: any JSON.
    any_json => vec![
        Row::of(&[Anything { any: json!({"a": [1, null, "x"]}) }, Anything { any: json!(null) }])
            .reads(&[r#"{"any": null}"#, r#"{"any": [1, {"b": false}]}"#, "{}", "[]"]),
    ];
}

/// What the `skip` row's schemas leave out still reaches Rust: a field serde only reads holds
/// what was sent, a skipped one its default.
#[test]
fn skipped_fields_hold_what_serde_gives_them() {
    let read: Skips = serde_json::from_str(r#"{"shown": "a", "password": "p", "computed": 5, "internal": 1}"#)
        .expect("serde reads it");
    assert_eq!((read.password.as_str(), read.computed, read.internal), ("p", 0, 0));
}
