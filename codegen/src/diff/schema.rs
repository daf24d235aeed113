//! Structural, direction-aware comparison of two schemas (2020-12 or OpenAPI 3.0 flavour).
//!
//! This is the engine: it walks an (old, new) pair once per diff and direction, records what changed
//! and which pairs it led to, and lets every operation that reaches a pair collect its findings. What
//! a schema says is read in `facts`; each keyword family is judged in `keywords`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::OperationRef;
use super::collector::{Collector, Location};
use super::document::resolve;
use super::facts::{Facts, facts};
use super::keywords::{compare_bounds, compare_enums, compare_types, loosened, tightened, variant_keys};
use super::rules::{self, Rule};
use crate::schema::join;

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
pub(super) struct Node {
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

impl Node {
    pub(super) fn add(
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
                    pointer: join("#/components/schemas", name),
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
            if let (Some(a), Some(b)) = (o.content_schema, n.content_schema) {
                node.children.push(self.compare(a, b, direction, &location.at("contentSchema")));
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
