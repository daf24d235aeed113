//! The three report formats: text (terminal), Markdown (a PR comment) and JSON (stable, for tools).
//!
//! JSON shape (stable; fields are only ever added):
//! ```json
//! { "old_version": "1.0.0", "new_version": "1.1.0", "major_bump": false,
//!   "summary": { "breaking": 1, "warning": 0, "info": 2 },
//!   "findings": [ { "rule": "response-property-removed", "level": "breaking",
//!                   "operations": [ { "method": "GET", "path": "/a", "id": "get_a" } ],
//!                   "pointer": "#/components/schemas/A/properties/x",
//!                   "rust_type": "crate::A", "field": "x",
//!                   "old": "x", "new": null, "message": "`x` is no longer returned" } ] }
//! ```

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Finding, Level, Report};

const LEVELS: [Level; 3] = [Level::Breaking, Level::Warning, Level::Info];

fn summary(report: &Report) -> String {
    let mut line = format!(
        "{} breaking, {} warning{}, {} info ({} → {})",
        report.count(Level::Breaking),
        report.count(Level::Warning),
        if report.count(Level::Warning) == 1 { "" } else { "s" },
        report.count(Level::Info),
        version(&report.old_version),
        version(&report.new_version),
    );
    if report.major_bumped() && report.count(Level::Breaking) > 0 {
        line.push_str("; the major version went up, so breaking changes are announced");
    }
    line
}

fn version(v: &str) -> &str {
    if v.is_empty() { "?" } else { v }
}

fn location(finding: &Finding) -> String {
    let mut text = finding.pointer.clone();
    match (&finding.rust_type, &finding.field) {
        (Some(rust), Some(field)) => write!(text, " ({rust}, field `{field}`)").ok(),
        (Some(rust), None) => write!(text, " ({rust})").ok(),
        (None, Some(field)) => write!(text, " (field `{field}`)").ok(),
        (None, None) => None,
    };
    text
}

fn change(finding: &Finding) -> String {
    let show = |v: &Option<Value>| v.as_ref().map_or_else(|| "—".to_owned(), Value::to_string);
    format!("{} → {}", show(&finding.old), show(&finding.new))
}

/// Plain text for a terminal.
pub fn text(report: &Report) -> String {
    let mut out = format!("contract diff: {}\n", summary(report));
    for finding in &report.findings {
        let operations: Vec<String> = finding.operations.iter().map(ToString::to_string).collect();
        let _ = write!(
            out,
            "\n{:<8} {}: {}\n  at {}\n  change: {}\n  affects: {}\n  why: {}\n",
            finding.rule.level.as_str().to_uppercase(),
            finding.rule.id,
            finding.message,
            location(finding),
            change(finding),
            operations.join(", "),
            finding.rule.description,
        );
    }
    out
}

/// Markdown for a pull-request comment: the summary line first, then a table per level.
pub fn markdown(report: &Report) -> String {
    let icon = if report.count(Level::Breaking) > 0 && !report.major_bumped() { "❌" } else { "✅" };
    let mut out = format!("**Contract diff** {icon} {}\n", summary(report));
    for level in LEVELS {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.rule.level == level).collect();
        if findings.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n### {} ({})\n\n| rule | change | where | operations |\n|---|---|---|---|\n",
            capitalized(level.as_str()),
            findings.len()
        );
        for finding in findings {
            let operations: Vec<String> =
                finding.operations.iter().map(|o| format!("`{} {}`", o.method, o.path)).collect();
            let _ = writeln!(
                out,
                "| `{}` | {} ({}) | `{}` | {} |",
                finding.rule.id,
                cell(&finding.message),
                cell(&change(finding)),
                cell(&location(finding)),
                operations.join("<br>"),
            );
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for finding in report.findings.iter().filter(|f| f.rule.level != Level::Info) {
        if !seen.contains(&finding.rule.id) {
            if seen.is_empty() {
                out.push_str("\n<details><summary>Rules</summary>\n\n");
            }
            seen.push(finding.rule.id);
            let _ = writeln!(out, "- `{}`: {}", finding.rule.id, finding.rule.description);
        }
    }
    if !seen.is_empty() {
        out.push_str("\n</details>\n");
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The stable JSON report.
pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule.id,
                "level": f.rule.level.as_str(),
                "operations": f.operations.iter().map(|o| json!({"method": o.method, "path": o.path, "id": o.id})).collect::<Vec<_>>(),
                "pointer": f.pointer,
                "rust_type": f.rust_type,
                "field": f.field,
                "old": f.old,
                "new": f.new,
                "message": f.message,
            })
        })
        .collect();
    json!({
        "old_version": report.old_version,
        "new_version": report.new_version,
        "major_bump": report.major_bumped(),
        "summary": {
            "breaking": report.count(Level::Breaking),
            "warning": report.count(Level::Warning),
            "info": report.count(Level::Info),
        },
        "findings": findings,
    })
}
