//! A third contract, of every serde attribute and shape the README's "serde support" table lists:
//! one echo operation per type (its body read, its answer written), so each type is described
//! both as serde reads it and as it writes it. [`rows`] holds a test per row of the table.

mod artifacts;
mod harness;
mod rows;
mod types;

use contract::{Contract, Info, Method, Operation, TypeRef};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The contract's problem type.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
struct Oops {
    title: String,
    status: u16,
}

/// `POST /echo/<name>`: reads the type and answers it.
fn echo(name: &str, ty: fn() -> TypeRef) -> Operation {
    let snake: String = name
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let sep = (i > 0 && c.is_ascii_uppercase()).then_some('_');
            sep.into_iter().chain(std::iter::once(c.to_ascii_lowercase()))
        })
        .collect();
    Operation::new(Method::Post, format!("echo_{snake}"), format!("/echo/{snake}"))
        .tag("shapes")
        .doc(&format!("Reads and answers a `{name}`."))
        .body_as(ty(), "application/json", true)
        .response_as(200, "The same value.", ty(), "application/json")
}

macro_rules! contract {
    ($($ty:ident),* $(,)?) => {
        /// Every type of [`types`] that a row checks, echoed.
        pub fn contract() -> Contract {
            let contract = Contract::new(Info::new("Shapes", "1.0.0"))
                .problem::<Oops>()
                .tag("shapes", "One operation per shape.");
            [$(echo(stringify!($ty), TypeRef::of::<types::$ty>),)*]
                .into_iter()
                .fold(contract, Contract::operation)
        }
    };
}

contract!(
    Renamed,
    External,
    Internal,
    Adjacent,
    Untagged,
    Color,
    Figure,
    Aliased,
    Defaults,
    FieldDefaults,
    Strict,
    Optionals,
    Patch,
    Skips,
    Newtypes,
    Conversions,
    Nested,
    Stamped,
    Flexible,
    Counted,
    Tagged,
    Choice,
    Keyed,
    Priority,
    Character,
    Integers,
    NonZero,
    Pointers,
    Bytes,
    Floats,
    ChronoTimes,
    TimeCrate,
    Ids,
    Links,
    Money,
    Anything,
);
