//! Structural, direction-aware comparison of two schemas (2020-12 or OpenAPI 3.0 flavour).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::rules::{self, Rule};
use super::{Collector, Location, OperationRef, resolve};

#[cfg(test)]
mod tests {
    #[test]
    fn lookahead_patterns_split_into_their_parts() {
        assert_eq!(super::split_lookaheads("^(?=[\\s\\S]*(?:[A-Z]))(?=[\\s\\S]*(?:a(b)c))"), vec!["[A-Z]", "a(b)c"]);
        assert_eq!(super::split_lookaheads("^[a-z]+$"), vec!["^[a-z]+$"]);
        assert_eq!(super::split_lookaheads("^(?=[\\s\\S]*(?:[)]))x"), vec!["^(?=[\\s\\S]*(?:[)]))x"]);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// What clients send: may only widen.
    Request,
    /// What the server answers: may only narrow.
    Response,
}

/// One comparison of an (old, new) schema pair in one direction, done once per diff: the findings
/// it made itself, and the comparisons it led to.
#[derive(Default)]
struct Node {
    findings: Vec<Pending>,
    children: Vec<Key>,
}

/// A schema pair by address in the (immutable) documents, and the direction.
type Key = (usize, usize, Direction);

/// A finding before it is attached to operations.
struct Pending {
    rule: &'static Rule,
    location: Location,
    old: Option<Value>,
    new: Option<Value>,
    message: String,
}

/// Compares schemas of two documents, each pair once, whatever operations reach it.
pub(crate) struct Engine<'a> {
    pub(crate) old_doc: &'a Value,
    pub(crate) new_doc: &'a Value,
    /// Both documents have identical `components`: equal schemas need no walk.
    same_components: bool,
    nodes: HashMap<Key, Node>,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(old_doc: &'a Value, new_doc: &'a Value) -> Self {
        Self {
            old_doc,
            new_doc,
            same_components: old_doc.get("components") == new_doc.get("components"),
            nodes: HashMap::new(),
        }
    }

    /// Compares `old` and `new` (schemas of an operation) and records what changed for `operation`.
    pub(crate) fn compare_root(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        direction: Direction,
        location: &Location,
        operation: &OperationRef,
        out: &mut Collector,
    ) {
        let root = self.compare(old, new, direction, location);
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(key) = stack.pop() {
            if !seen.insert(key) {
                continue;
            }
            if let Some(node) = self.nodes.get(&key) {
                for p in &node.findings {
                    out.add(operation, p.rule, &p.location, p.old.clone(), p.new.clone(), p.message.clone());
                }
                stack.extend(node.children.iter().copied());
            }
        }
    }
}
/// What a schema says, with OpenAPI 3.0 and 2020-12 spellings made one.
#[derive(Default)]
struct Facts<'a> {
    /// The component the facts come from, when one reference supplied them.
    component: Option<String>,
    /// `None`: any type.
    types: Option<BTreeSet<String>>,
    nullable: bool,
    enumeration: Option<Vec<Value>>,
    properties: Vec<(String, &'a Value)>,
    required: BTreeSet<String>,
    /// `Some(false)` closed, `Some(schema)` a map, `None` open.
    additional: Option<&'a Value>,
    items: Option<&'a Value>,
    variants: Vec<&'a Value>,
    bounds: BTreeMap<&'static str, f64>,
    /// Every `pattern` that applies (from `allOf` members too); all must match.
    patterns: BTreeSet<String>,
    format: Option<&'a str>,
    unique: bool,
}

const LOWER_BOUNDS: &[&str] = &["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
const UPPER_BOUNDS: &[&str] = &["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];

fn is_null_schema(schema: &Value) -> bool {
    crate::schema::is_null_type(schema) || schema.get("enum").is_some_and(|e| e == &Value::Array(vec![Value::Null]))
}

/// Reads the facts of `schema` (whose own `$ref`, if any, is already resolved) in `document`.
fn facts<'a>(document: &'a Value, schema: &'a Value) -> Facts<'a> {
    let mut facts = Facts::default();
    add_facts(document, schema, &mut facts, 0);
    if let Some(types) = &mut facts.types {
        if facts.nullable {
            types.insert("null".into());
        }
        if types.contains("number") {
            types.remove("integer");
        }
    }
    if let Some(values) = &mut facts.enumeration
        && values.iter().any(Value::is_null)
    {
        facts.nullable = true;
        values.retain(|v| !v.is_null());
        if let Some(types) = &mut facts.types {
            types.insert("null".into());
        }
    }
    facts
}

fn add_facts<'a>(document: &'a Value, schema: &'a Value, facts: &mut Facts<'a>, depth: usize) {
    if let Some(name) = component_name(schema) {
        facts.component.get_or_insert(name);
    }
    let schema = resolve(document, schema);
    let Some(object) = schema.as_object() else { return };
    if depth > 16 {
        return;
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        facts.nullable = true;
    }
    if let Some(types) = crate::schema::Types::of(schema) {
        intersect_types(facts, types.iter().map(str::to_owned).collect());
    }
    if let Some(value) = object.get("const") {
        facts.enumeration = Some(vec![value.clone()]);
    } else if let Some(Value::Array(values)) = object.get("enum") {
        facts.enumeration = Some(values.clone());
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (name, property) in properties {
            if !facts.properties.iter().any(|(n, _)| n == name) {
                facts.properties.push((name.clone(), property));
            }
        }
    }
    if let Some(Value::Array(names)) = object.get("required") {
        facts.required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for keyword in ["additionalProperties", "unevaluatedProperties"] {
        if let Some(value) = object.get(keyword)
            && value != &Value::Bool(true)
            && value.as_object().is_none_or(|o| !o.is_empty())
        {
            facts.additional.get_or_insert(value);
        }
    }
    if let Some(items) = object.get("items") {
        facts.items.get_or_insert(items);
    }
    for keyword in LOWER_BOUNDS.iter().chain(UPPER_BOUNDS).chain(&["multipleOf"]) {
        if let Some(number) = object.get(*keyword).and_then(Value::as_f64) {
            facts.bounds.insert(keyword, number);
        }
    }
    // OpenAPI 3.0: boolean exclusive bounds qualify minimum/maximum.
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if object.get(flag) == Some(&Value::Bool(true))
            && let Some(value) = facts.bounds.remove(bound)
        {
            facts
                .bounds
                .insert(if flag == "exclusiveMinimum" { "exclusiveMinimum" } else { "exclusiveMaximum" }, value);
        }
    }
    if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
        facts.patterns.extend(split_lookaheads(pattern));
    }
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        facts.format.get_or_insert(format);
    }
    if object.get("uniqueItems") == Some(&Value::Bool(true)) {
        facts.unique = true;
    }
    if let Some(Value::Array(members)) = object.get("allOf") {
        for member in members {
            add_facts(document, member, facts, depth + 1);
        }
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            let kept: Vec<&Value> = branches.iter().filter(|b| !is_null_schema(resolve(document, b))).collect();
            if kept.len() < branches.len() {
                facts.nullable = true;
            }
            if kept.len() == 1 {
                add_facts(document, kept[0], facts, depth + 1);
            } else {
                facts.variants.extend(kept);
            }
        }
    }
}

fn intersect_types(facts: &mut Facts<'_>, types: BTreeSet<String>) {
    facts.types = Some(match facts.types.take() {
        Some(existing) => existing.intersection(&types).cloned().collect(),
        None => types,
    });
}

/// `accepts(set, t)`: `number` includes `integer`.
fn accepts(set: &BTreeSet<String>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

fn set_value(set: &BTreeSet<String>) -> Value {
    Value::Array(set.iter().map(|s| Value::from(s.as_str())).collect())
}

/// The rule for a narrowing of what the schema allows.
fn tightened(direction: Direction) -> &'static Rule {
    match direction {
        Direction::Request => rules::REQUEST_CONSTRAINT_TIGHTENED,
        Direction::Response => rules::RESPONSE_NARROWED,
    }
}

/// The rule for a widening of what the schema allows.
fn loosened(direction: Direction) -> &'static Rule {
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

impl Node {
    fn add(
        &mut self,
        rule: &'static Rule,
        location: &Location,
        old: Option<Value>,
        new: Option<Value>,
        message: String,
    ) {
        self.findings.push(Pending { rule, location: location.clone(), old, new, message });
    }
}

impl<'a> Engine<'a> {
    fn compare(&mut self, old: &'a Value, new: &'a Value, direction: Direction, location: &Location) -> Key {
        let key = (old as *const Value as usize, new as *const Value as usize, direction);
        if self.nodes.contains_key(&key) {
            // Done, or in progress higher up (a recursive schema): either way it is a child.
            return key;
        }
        self.nodes.insert(key, Node::default());
        let mut node = Node::default();
        let unchanged = self.same_components && resolve(self.old_doc, old) == resolve(self.new_doc, new);
        if !unchanged {
            let o = facts(self.old_doc, old);
            let n = facts(self.new_doc, new);
            // A change inside a named schema is located at that schema, so the operations that
            // share it share one finding.
            let location = match &o.component {
                Some(name) => Location {
                    pointer: super::push("#/components/schemas", name),
                    rust_type: self
                        .old_doc
                        .pointer(&format!("/components/schemas/{}/x-rust-path", crate::schema::escape(name)))
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    field: None,
                },
                None => location.clone(),
            };
            compare_types(&o, &n, direction, &location, &mut node);
            compare_enums(&o, &n, direction, &location, &mut node);
            compare_bounds(&o, &n, direction, &location, &mut node);
            self.compare_object(&o, &n, direction, &location, &mut node);
            if let (Some(a), Some(b)) = (o.items, n.items) {
                node.children.push(self.compare(a, b, direction, &location.at("items")));
            }
            self.compare_variants(&o, &n, direction, &location, &mut node);
        }
        self.nodes.insert(key, node);
        key
    }

    fn compare_object(
        &mut self,
        o: &Facts<'a>,
        n: &Facts<'a>,
        direction: Direction,
        location: &Location,
        node: &mut Node,
    ) {
        let new_properties: BTreeMap<&str, &'a Value> = n.properties.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let old_properties: BTreeMap<&str, &'a Value> = o.properties.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let closed = |facts: &Facts<'_>| facts.additional == Some(&Value::Bool(false));
        let request = direction == Direction::Request;
        for (name, old_property) in &o.properties {
            let here = Location { field: Some(name.clone()), ..location.at("properties").at(name) };
            let (was_required, is_required) = (o.required.contains(name), n.required.contains(name));
            match new_properties.get(name.as_str()) {
                Some(new_property) => {
                    match (request, was_required, is_required) {
                        (true, false, true) => node.add(
                            rules::REQUEST_PROPERTY_BECAME_REQUIRED,
                            &here,
                            Some(false.into()),
                            Some(true.into()),
                            format!("`{name}` became required"),
                        ),
                        (true, true, false) => node.add(
                            rules::REQUEST_WIDENED,
                            &here,
                            Some(true.into()),
                            Some(false.into()),
                            format!("`{name}` became optional"),
                        ),
                        (false, true, false) => node.add(
                            rules::RESPONSE_PROPERTY_BECAME_OPTIONAL,
                            &here,
                            Some(true.into()),
                            Some(false.into()),
                            format!("`{name}` may now be absent"),
                        ),
                        (false, false, true) => node.add(
                            rules::RESPONSE_NARROWED,
                            &here,
                            Some(false.into()),
                            Some(true.into()),
                            format!("`{name}` is now always present"),
                        ),
                        _ => {}
                    }
                    node.children.push(self.compare(old_property, new_property, direction, &here));
                }
                None if request && closed(n) => node.add(
                    rules::REQUEST_PROPERTY_REMOVED,
                    &here,
                    Some(name.as_str().into()),
                    None,
                    format!("`{name}` is no longer accepted"),
                ),
                None if request => node.add(
                    rules::REQUEST_WIDENED,
                    &here,
                    Some(name.as_str().into()),
                    None,
                    format!("`{name}` is no longer read"),
                ),
                None if was_required => node.add(
                    rules::RESPONSE_PROPERTY_REMOVED,
                    &here,
                    Some(name.as_str().into()),
                    None,
                    format!("`{name}` is no longer returned"),
                ),
                None => node.add(
                    rules::RESPONSE_NARROWED,
                    &here,
                    Some(name.as_str().into()),
                    None,
                    format!("optional `{name}` is no longer returned"),
                ),
            }
        }
        for (name, _) in &n.properties {
            if old_properties.contains_key(name.as_str()) {
                continue;
            }
            let here = Location { field: Some(name.clone()), ..location.at("properties").at(name) };
            let rule = match (request, n.required.contains(name)) {
                (true, true) => rules::REQUEST_PROPERTY_ADDED_REQUIRED,
                (true, false) => rules::REQUEST_PROPERTY_ADDED,
                (false, _) => rules::RESPONSE_PROPERTY_ADDED,
            };
            node.add(rule, &here, None, Some(name.as_str().into()), format!("new property `{name}`"));
        }
        match (closed(o), closed(n)) {
            (false, true) => node.add(
                tightened(direction),
                &location.at("additionalProperties"),
                None,
                Some(false.into()),
                "unknown properties are now rejected".into(),
            ),
            (true, false) => node.add(
                loosened(direction),
                &location.at("additionalProperties"),
                Some(false.into()),
                None,
                "unknown properties are now allowed".into(),
            ),
            _ => {}
        }
        if let (Some(a), Some(b)) = (o.additional, n.additional)
            && a.is_object()
            && b.is_object()
        {
            node.children.push(self.compare(a, b, direction, &location.at("additionalProperties")));
        }
    }

    fn compare_variants(
        &mut self,
        o: &Facts<'a>,
        n: &Facts<'a>,
        direction: Direction,
        location: &Location,
        node: &mut Node,
    ) {
        if o.variants.is_empty() && n.variants.is_empty() {
            return;
        }
        let old_keys = variant_keys(self.old_doc, &o.variants);
        let new_keys = variant_keys(self.new_doc, &n.variants);
        let here = location.at("oneOf");
        for (index, key) in old_keys.iter().enumerate() {
            match new_keys.iter().position(|k| k == key) {
                Some(position) => node.children.push(self.compare(
                    o.variants[index],
                    n.variants[position],
                    direction,
                    &here.at(&index.to_string()),
                )),
                None => {
                    let rule = if direction == Direction::Request {
                        rules::REQUEST_ENUM_VALUE_REMOVED
                    } else {
                        rules::RESPONSE_NARROWED
                    };
                    node.add(
                        rule,
                        &here.at(&index.to_string()),
                        Some(key.clone().into()),
                        None,
                        format!("variant {key} removed"),
                    );
                }
            }
        }
        for (index, key) in new_keys.iter().enumerate() {
            if !old_keys.contains(key) {
                let rule = if direction == Direction::Request {
                    rules::REQUEST_WIDENED
                } else {
                    rules::RESPONSE_ENUM_VALUE_ADDED
                };
                node.add(
                    rule,
                    &here.at(&index.to_string()),
                    None,
                    Some(key.clone().into()),
                    format!("variant {key} added"),
                );
            }
        }
    }
}

fn compare_types(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
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

fn compare_enums(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
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

fn compare_bounds(o: &Facts<'_>, n: &Facts<'_>, direction: Direction, location: &Location, node: &mut Node) {
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
}

fn show_set(set: &BTreeSet<String>) -> String {
    if set.is_empty() { "none".into() } else { set.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ") }
}

/// The parts of a pattern of the form `^(?=[\s\S]*(?:P1))(?=[\s\S]*(?:P2))…` (how the OpenAPI 3.0
/// rendering writes several patterns that must all match), or the pattern itself.
fn split_lookaheads(pattern: &str) -> Vec<String> {
    const OPEN: &str = "(?=[\\s\\S]*(?:";
    let Some(mut rest) = pattern.strip_prefix('^') else { return vec![pattern.to_owned()] };
    let mut parts = Vec::new();
    while let Some(inner) = rest.strip_prefix(OPEN) {
        // Find the `)` closing `(?:`, skipping escapes and character classes.
        let bytes = inner.as_bytes();
        let (mut depth, mut i, mut class) = (0usize, 0usize, false);
        let end = loop {
            match bytes.get(i) {
                None => return vec![pattern.to_owned()],
                Some(b'\\') => i += 1,
                Some(b'[') if !class => class = true,
                Some(b']') if class => class = false,
                Some(b'(') if !class => depth += 1,
                Some(b')') if !class && depth == 0 => break i,
                Some(b')') if !class => depth -= 1,
                _ => {}
            }
            i += 1;
        };
        parts.push(inner[..end].to_owned());
        match inner[end..].strip_prefix("))") {
            Some(after) => rest = after,
            None => return vec![pattern.to_owned()],
        }
    }
    if rest.is_empty() && !parts.is_empty() { parts } else { vec![pattern.to_owned()] }
}

/// A name for each variant: its discriminator (`tag=value`) when every variant has one, else its position.
fn variant_keys(document: &Value, variants: &[&Value]) -> Vec<String> {
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

fn component_name(schema: &Value) -> Option<String> {
    let reference = schema.get("$ref")?.as_str()?;
    let name = reference.strip_prefix("#/components/schemas/").or_else(|| reference.strip_prefix("#/$defs/"))?;
    Some(crate::schema::unescape(name).into_owned())
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
