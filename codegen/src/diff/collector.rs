//! Where findings go: a [`Location`] says where a change is, and the [`Collector`] merges the same
//! change reached from several operations into one finding and sorts the report.

use std::collections::BTreeMap;

use serde_json::Value;

use super::document::Op;
use super::rules::{self, Rule};
use super::{Finding, OperationRef};
use crate::schema::join;

/// Where a finding is.
#[derive(Clone, Debug)]
pub(super) struct Location {
    pub(super) pointer: String,
    pub(super) rust_type: Option<String>,
    pub(super) field: Option<String>,
}

impl Location {
    pub(super) fn operation(op: &Op<'_>) -> Self {
        Self { pointer: join(&join("#/paths", op.path), op.method), rust_type: None, field: None }
    }

    pub(super) fn at(&self, segment: &str) -> Self {
        Self { pointer: join(&self.pointer, segment), ..self.clone() }
    }
}

/// Collects findings, merging the same change reached from several operations.
#[derive(Default)]
pub(super) struct Collector {
    findings: BTreeMap<(&'static str, String, String, String), Finding>,
}

impl Collector {
    pub(super) fn add(
        &mut self,
        operation: &OperationRef,
        rule: &'static Rule,
        location: &Location,
        old: Option<Value>,
        new: Option<Value>,
        message: String,
    ) {
        let key = (rule.id, location.pointer.clone(), json_key(&old), json_key(&new));
        let finding = self.findings.entry(key).or_insert_with(|| Finding {
            rule,
            operations: Vec::new(),
            pointer: location.pointer.clone(),
            rust_type: location.rust_type.clone(),
            field: location.field.clone(),
            old,
            new,
            message,
        });
        if !finding.operations.contains(operation) {
            finding.operations.push(operation.clone());
            finding.operations.sort();
        }
    }

    pub(super) fn finish(self) -> Vec<Finding> {
        let order = |rule: &Rule| rules::ALL.iter().position(|r| r.id == rule.id).unwrap_or(usize::MAX);
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        findings.sort_by(|a, b| {
            (a.rule.level, order(a.rule), &a.pointer, &a.operations).cmp(&(
                b.rule.level,
                order(b.rule),
                &b.pointer,
                &b.operations,
            ))
        });
        findings
    }
}

fn json_key(value: &Option<Value>) -> String {
    value.as_ref().map(Value::to_string).unwrap_or_default()
}
