//! The per-keyword judgements of a schema pair: types, enumerations, bounds, patterns, formats and
//! `uniqueItems`, each turned into findings by direction, plus the names variants are matched by.
//! The engine in `schema` calls them; they only read [`Facts`] and write to a [`Node`].

use std::collections::BTreeSet;

use serde_json::Value;

use super::collector::Location;
use super::document::resolve;
use super::facts::{Facts, LOWER_BOUNDS, facts};
use super::rules::{self, Rule};
use super::schema::{Direction, Node};

/// `accepts(set, t)`: `number` includes `integer`.
fn accepts(set: &BTreeSet<String>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

fn set_value(set: &BTreeSet<String>) -> Value {
    Value::Array(set.iter().map(|s| Value::from(s.as_str())).collect())
}

/// The rule for a narrowing of what the schema allows.
pub(super) fn tightened(direction: Direction) -> &'static Rule {
    match direction {
        Direction::Request => rules::REQUEST_CONSTRAINT_TIGHTENED,
        Direction::Response => rules::RESPONSE_NARROWED,
    }
}

/// The rule for a widening of what the schema allows.
pub(super) fn loosened(direction: Direction) -> &'static Rule {
    match direction {
        Direction::Request => rules::REQUEST_WIDENED,
        Direction::Response => rules::RESPONSE_CONSTRAINT_LOOSENED,
    }
}

/// The rule for a change that both narrows and widens.
fn changed(direction: Direction) -> &'static Rule {
    match direction {
        Direction::Request => rules::REQUEST_CONSTRAINT_TIGHTENED,
        Direction::Response => rules::RESPONSE_CONSTRAINT_LOOSENED,
    }
}

pub(super) fn compare_types(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
    let here = location.at("type");
    match (&o.types, &n.types) {
        (Some(old), Some(new)) => {
            let added: BTreeSet<String> = new.iter().filter(|t| !accepts(old, t)).cloned().collect();
            let removed: BTreeSet<String> = old.iter().filter(|t| !accepts(new, t)).cloned().collect();
            let (a, b) = (Some(set_value(old)), Some(set_value(new)));
            match direction {
                Direction::Request if !removed.is_empty() => {
                    node.add(rules::REQUEST_TYPE_CHANGED, &here, a, b, format!("no longer accepts {}", list(&removed)))
                }
                Direction::Request if !added.is_empty() => {
                    node.add(rules::REQUEST_WIDENED, &here, a, b, format!("now also accepts {}", list(&added)))
                }
                Direction::Response if added.len() == 1 && added.contains("null") => {
                    node.add(rules::RESPONSE_PROPERTY_BECAME_NULLABLE, &here, a, b, "may now be null".into())
                }
                Direction::Response if !added.is_empty() => {
                    node.add(rules::RESPONSE_TYPE_CHANGED, &here, a, b, format!("may now be {}", list(&added)))
                }
                Direction::Response if !removed.is_empty() => {
                    node.add(rules::RESPONSE_NARROWED, &here, a, b, format!("is no longer {}", list(&removed)))
                }
                _ => {}
            }
        }
        (None, Some(new)) => {
            let rule =
                if direction == Direction::Request { rules::REQUEST_TYPE_CHANGED } else { rules::RESPONSE_NARROWED };
            node.add(rule, &here, None, Some(set_value(new)), format!("now restricted to {}", list(new)));
        }
        (Some(old), None) => {
            let rule =
                if direction == Direction::Request { rules::REQUEST_WIDENED } else { rules::RESPONSE_TYPE_CHANGED };
            node.add(rule, &here, Some(set_value(old)), None, "now any type".into());
        }
        (None, None) => {}
    }
}

pub(super) fn compare_enums(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
    let here = location.at("enum");
    let request = direction == Direction::Request;
    match (&o.enumeration, &n.enumeration) {
        (Some(old), Some(new)) => {
            let removed: Vec<Value> = old.iter().filter(|v| !new.contains(v)).cloned().collect();
            let added: Vec<Value> = new.iter().filter(|v| !old.contains(v)).cloned().collect();
            if !removed.is_empty() {
                let rule = if request { rules::REQUEST_ENUM_VALUE_REMOVED } else { rules::RESPONSE_NARROWED };
                node.add(
                    rule,
                    &here,
                    Some(Value::Array(removed.clone())),
                    None,
                    format!("values removed: {}", values(&removed)),
                );
            }
            if !added.is_empty() {
                let rule = if request { rules::REQUEST_WIDENED } else { rules::RESPONSE_ENUM_VALUE_ADDED };
                node.add(
                    rule,
                    &here,
                    None,
                    Some(Value::Array(added.clone())),
                    format!("values added: {}", values(&added)),
                );
            }
        }
        (None, Some(new)) => node.add(
            tightened(direction),
            &here,
            None,
            Some(Value::Array(new.clone())),
            "now limited to an enumeration".into(),
        ),
        (Some(old), None) => node.add(
            loosened(direction),
            &here,
            Some(Value::Array(old.clone())),
            None,
            "no longer limited to an enumeration".into(),
        ),
        (None, None) => {}
    }
}

pub(super) fn compare_bounds(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
    let keywords: BTreeSet<&&str> = o.bounds.keys().chain(n.bounds.keys()).collect();
    for keyword in keywords {
        let (old, new) = (o.bounds.get(*keyword).copied(), n.bounds.get(*keyword).copied());
        if old == new {
            continue;
        }
        let lower = LOWER_BOUNDS.contains(keyword);
        let tighter = match (old, new) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) if **keyword == *"multipleOf" => {
                if (b / a).fract() == 0.0 {
                    Some(true)
                } else if (a / b).fract() == 0.0 {
                    Some(false)
                } else {
                    None
                }
            }
            (Some(a), Some(b)) => Some(if lower { b > a } else { b < a }),
            (None, None) => continue,
        };
        let rule = match tighter {
            Some(true) => tightened(direction),
            Some(false) => loosened(direction),
            None => changed(direction),
        };
        let (a, b) = (old.map(number), new.map(number));
        node.add(rule, &location.at(keyword), a.clone(), b.clone(), format!("{keyword}: {} → {}", show(&a), show(&b)));
    }
    let added: Vec<&String> = n.patterns.difference(&o.patterns).collect();
    let removed: Vec<&String> = o.patterns.difference(&n.patterns).collect();
    if !added.is_empty() || !removed.is_empty() {
        let rule = match (added.is_empty(), removed.is_empty()) {
            (false, true) => tightened(direction),
            (true, false) => loosened(direction),
            _ => changed(direction),
        };
        let show = |set: &BTreeSet<String>| Value::Array(set.iter().map(|p| Value::from(p.as_str())).collect());
        let (a, b) = (Some(show(&o.patterns)), Some(show(&n.patterns)));
        node.add(
            rule,
            &location.at("pattern"),
            a.clone(),
            b.clone(),
            format!("pattern: {} → {}", show_set(&o.patterns), show_set(&n.patterns)),
        );
    }
    for (keyword, old, new) in [("format", o.format, n.format)] {
        if old == new {
            continue;
        }
        let rule = match (old, new) {
            (None, Some(_)) => tightened(direction),
            (Some(_), None) => loosened(direction),
            _ => changed(direction),
        };
        let (a, b) = (old.map(Value::from), new.map(Value::from));
        node.add(rule, &location.at(keyword), a.clone(), b.clone(), format!("{keyword}: {} → {}", show(&a), show(&b)));
    }
    if o.unique != n.unique {
        let rule = if n.unique { tightened(direction) } else { loosened(direction) };
        node.add(
            rule,
            &location.at("uniqueItems"),
            Some(o.unique.into()),
            Some(n.unique.into()),
            format!("uniqueItems: {} → {}", o.unique, n.unique),
        );
    }
    // What `not` refuses cannot be compared in general: a new or changed one is judged a tightening
    // (as a changed pattern is), a removed one a loosening.
    if o.nots != n.nots {
        let rule = match (o.nots.is_subset(&n.nots), n.nots.is_subset(&o.nots)) {
            (true, false) => tightened(direction),
            (false, true) => loosened(direction),
            _ => changed(direction),
        };
        let show = |set: &BTreeSet<String>| -> Value {
            Value::Array(set.iter().map(|s| serde_json::from_str(s).unwrap_or(Value::Null)).collect())
        };
        node.add(
            rule,
            &location.at("not"),
            Some(show(&o.nots)),
            Some(show(&n.nots)),
            format!("not: {} → {}", show_set(&o.nots), show_set(&n.nots)),
        );
    }
}

fn show_set(set: &BTreeSet<String>) -> String {
    if set.is_empty() { "none".into() } else { set.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ") }
}

/// A name for each variant: its discriminator (`tag=value`) when every variant has one, else its position.
pub(super) fn variant_keys(document: &Value, variants: &[&Value]) -> Vec<String> {
    let discriminators: Vec<Option<String>> = variants.iter().map(|v| discriminator(document, v)).collect();
    if discriminators.iter().all(Option::is_some) {
        discriminators.into_iter().flatten().collect()
    } else {
        (0..variants.len()).map(|i| format!("#{i}")).collect()
    }
}

/// `tag=value` for the first property whose schema is a single constant.
fn discriminator(document: &Value, variant: &Value) -> Option<String> {
    let facts = facts(document, resolve(document, variant));
    let mut constants: Vec<String> = facts
        .properties
        .iter()
        .filter(|(name, _)| facts.required.contains(name))
        .filter_map(|(name, schema)| {
            let property = facts_single(document, schema)?;
            Some(format!("{name}={property}"))
        })
        .collect();
    if constants.is_empty() {
        // A unit variant of an externally tagged enum is a bare string constant.
        return facts.enumeration.as_ref().filter(|v| v.len() == 1).map(|v| format!("={}", v[0]));
    }
    constants.sort();
    Some(constants.join(","))
}

fn facts_single(document: &Value, schema: &Value) -> Option<String> {
    let facts = facts(document, resolve(document, schema));
    facts.enumeration.filter(|v| v.len() == 1).map(|v| v[0].to_string())
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 { Value::from(n as i64) } else { Value::from(n) }
}

fn show(value: &Option<Value>) -> String {
    value.as_ref().map_or_else(|| "none".into(), Value::to_string)
}

fn list(set: &BTreeSet<String>) -> String {
    set.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

fn values(values: &[Value]) -> String {
    values.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")
}
