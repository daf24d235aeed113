//! `diff OLD [NEW]`: breaking changes between two versions of the contracts.
//!
//! OLD and NEW are OpenAPI 3.0/3.1 files (YAML or JSON) or `git:<rev>`. With `git:<rev>` and no
//! file (`diff git:HEAD~1`, `diff git:v1 git:v2`), every target's document is compared with its
//! copy at the revision (NEW defaults to the working tree), and a target whose document the
//! revision does not have is reported as such. With a file on either side, one pair of documents
//! is compared, and `git:<rev>` or the missing NEW mean the first target's document.
//! Exit 0 when nothing at or above `--fail-on` was found (or the major version went up), 3 when
//! something was, 2 on usage or input errors.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use codegen::diff::{self, Level, Report};
use serde_json::{Map, Value};

use crate::source::Source;
use crate::{Error, Target, exit};

/// The arguments of `diff`.
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// The old document: a file, or `git:<rev>` for every contract's committed document at a revision.
    pub old: String,
    /// The new document: a file, or `git:<rev>` (default: the working tree's documents).
    pub new: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// The lowest level that makes the command fail (exit 3).
    #[arg(long, value_enum, default_value = "breaking")]
    pub fail_on: FailOn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Breaking,
    Warning,
    Never,
}

/// What one comparison gave: a report, or why there was nothing to compare.
enum Outcome {
    Report(Report),
    Missing(String),
}

/// One comparison, with the target it belongs to when every target is compared.
struct Section<'a> {
    target: Option<&'a Target>,
    outcome: Outcome,
}

pub fn run(root: &Path, targets: &[Target], args: &Args, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let old = Source::parse(&args.old)?;
    let new = args.new.as_deref().map(Source::parse).transpose()?;
    let every_target = matches!(old, Source::Git { .. }) && !matches!(new, Some(Source::File(_)));
    let sections = if every_target {
        let mut sections = Vec::new();
        for target in targets {
            let outcome = compare(root, old, new, &target.layout.openapi)?;
            sections.push(Section { target: Some(target), outcome });
        }
        sections
    } else {
        let document = targets.first().map(|t| t.layout.openapi.as_str());
        let needs_document = matches!(old, Source::Git { .. }) || !matches!(new, Some(Source::File(_)));
        let document = match (document, needs_document) {
            (Some(document), _) => document,
            (None, false) => "",
            (None, true) => return Err(Error::NoTarget),
        };
        vec![Section { target: None, outcome: compare(root, old, new, document)? }]
    };

    let headings = every_target && targets.len() > 1;
    if args.format == Format::Json {
        // One JSON document: the report's object, or an array of one object per target.
        let mut objects: Vec<Value> = sections.iter().map(json_section).collect();
        let document = if headings { Value::Array(objects) } else { objects.pop().unwrap_or_default() };
        let text = serde_json::to_string_pretty(&document).map_err(std::io::Error::from)?;
        writeln!(out, "{text}")?;
    } else {
        for (index, section) in sections.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            write_section(section, args.format == Format::Markdown, headings, out)?;
        }
    }

    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Level::Breaking),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Never => None,
    };
    let fails = sections.iter().any(|s| matches!(&s.outcome, Outcome::Report(report) if report.fails(threshold)));
    Ok(if fails { exit::code(exit::FINDINGS) } else { ExitCode::SUCCESS })
}

/// Compares `old` with `new` (the working tree's `document` when absent).
fn compare(root: &Path, old: Source, new: Option<Source>, document: &str) -> Result<Outcome, Error> {
    let new = new.unwrap_or(Source::File(document));
    let documents = old.load(root, document).and_then(|old| Ok((old, new.load(root, document)?)));
    match documents {
        Ok((old, new)) => Ok(Outcome::Report(diff::diff(&old, &new)?)),
        Err(absent @ Error::NotAtRevision { .. }) => Ok(Outcome::Missing(absent.to_string())),
        Err(error) => Err(error),
    }
}

/// A section as text or Markdown (JSON is one document for all sections: [`json_section`]).
fn write_section(section: &Section, markdown: bool, heading: bool, out: &mut dyn Write) -> Result<(), Error> {
    if let Some(target) = section.target.filter(|_| heading) {
        if markdown {
            writeln!(out, "### {} (`{}`)\n", target.name, target.layout.openapi)?;
        } else {
            writeln!(out, "== {}: {} ==", target.name, target.layout.openapi)?;
        }
    }
    match &section.outcome {
        Outcome::Report(report) if markdown => write!(out, "{}", diff::render::markdown(report))?,
        Outcome::Report(report) => write!(out, "{}", diff::render::text(report))?,
        Outcome::Missing(message) => writeln!(out, "{message}")?,
    }
    Ok(())
}

/// A section as JSON: the target's name and document (when there are targets), then the report's
/// own fields, unchanged.
fn json_section(section: &Section) -> Value {
    let mut object = Map::new();
    if let Some(target) = section.target {
        object.insert("target".into(), target.name.clone().into());
        object.insert("document".into(), target.layout.openapi.clone().into());
    }
    match &section.outcome {
        Outcome::Report(report) => {
            if let Value::Object(fields) = diff::render::json(report) {
                object.extend(fields);
            }
        }
        Outcome::Missing(message) => {
            object.insert("skipped".into(), message.clone().into());
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::process::Command;

    use super::*;
    use crate::Layout;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("contract-cli-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// A folder with `old.json` and, as the first target's document, `openapi.yaml`.
    fn documents(name: &str, old: &Value, new: &Value) -> PathBuf {
        let dir = scratch(name);
        std::fs::write(dir.join("old.json"), old.to_string()).expect("write");
        std::fs::write(dir.join("openapi.yaml"), serde_json::to_string_pretty(new).expect("JSON")).expect("write");
        dir
    }

    fn document(version: &str, max_length: u32) -> Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "version": version},
            "paths": {"/a": {"post": {
                "operationId": "a",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "string", "maxLength": max_length}}}},
                "responses": {"204": {"description": "Done"}}
            }}}
        })
    }

    fn fixture(name: &str, layout: Layout) -> Target {
        Target::new(name, fixture::contract(), layout)
    }

    fn args(old: &str, new: Option<&str>, format: Format, fail_on: FailOn) -> Args {
        Args { old: old.into(), new: new.map(Into::into), format, fail_on }
    }

    fn run_diff(root: &Path, targets: &[Target], args: &Args) -> (Result<ExitCode, Error>, String) {
        let mut out = Vec::new();
        let code = run(root, targets, args, &mut out);
        (code, String::from_utf8(out).expect("UTF-8"))
    }

    #[test]
    fn exit_codes_follow_fail_on_and_the_major_version() {
        let targets = [fixture("the contract", Layout::for_crate("fixture"))];
        let root = documents("codes", &document("1.0.0", 10), &document("1.1.0", 5));
        let (code, out) = run_diff(&root, &targets, &args("old.json", None, Format::Text, FailOn::Breaking));
        assert_eq!(code.expect("runs"), ExitCode::from(exit::FINDINGS));
        assert!(out.starts_with("contract diff: 1 breaking, 0 warnings, 0 info (1.0.0 → 1.1.0)\n"), "{out}");
        let never = args("old.json", None, Format::Json, FailOn::Never);
        assert_eq!(run_diff(&root, &targets, &never).0.expect("runs"), ExitCode::SUCCESS);

        let bumped = documents("bumped", &document("1.0.0", 10), &document("2.0.0", 5));
        let (code, out) = run_diff(&bumped, &targets, &args("old.json", None, Format::Markdown, FailOn::Breaking));
        assert_eq!(code.expect("runs"), ExitCode::SUCCESS, "{out}");
        assert!(out.starts_with("**Contract diff** ✅ 1 breaking"), "{out}");
        std::fs::remove_dir_all(root).ok();
        std::fs::remove_dir_all(bumped).ok();
    }

    #[test]
    fn bad_inputs_are_errors_with_a_message() {
        let targets = [fixture("the contract", Layout::for_crate("fixture"))];
        let root = documents("inputs", &document("1.0.0", 10), &document("1.0.0", 10));
        let error = |old: &str| {
            let (result, _) = run_diff(&root, &targets, &args(old, None, Format::Text, FailOn::Breaking));
            crate::chain(&result.expect_err(old))
        };
        assert!(error("nope.yaml").contains("nope.yaml"));
        std::fs::write(root.join("junk.yaml"), "openapi: [").expect("write");
        assert!(error("junk.yaml").starts_with("`junk.yaml` is not YAML or JSON: "));
        std::fs::write(root.join("swagger.json"), r#"{"swagger": "2.0"}"#).expect("write");
        assert!(error("swagger.json").contains("not OpenAPI 3.0 or 3.1"));
        assert!(error("git:").contains("a revision must follow"));

        // Two files need no target; one file and no target has nothing to compare it with.
        let (code, _) = run_diff(&root, &[], &args("old.json", Some("openapi.yaml"), Format::Text, FailOn::Breaking));
        assert_eq!(code.expect("runs"), ExitCode::SUCCESS);
        let (no_target, _) = run_diff(&root, &[], &args("old.json", None, Format::Text, FailOn::Breaking));
        assert!(matches!(no_target, Err(Error::NoTarget)));
        std::fs::remove_dir_all(root).ok();
    }

    fn git(root: &Path, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(root)
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// `diff git:<rev>` compares every target's document with its committed copy; a document the
    /// revision does not have is reported, and the others are still compared.
    #[test]
    fn a_revision_is_compared_target_by_target() {
        let root = scratch("git");
        let first = fixture("first", Layout::for_crate("fixture"));
        let second = fixture("second", Layout::for_crate("fixture").under("second"));
        crate::files::generate(&root, std::slice::from_ref(&first), &mut Vec::new()).expect("generates");
        git(&root, &["init", "--quiet"]);
        git(&root, &["add", "."]);
        git(&root, &["commit", "--quiet", "-m", "the first contract"]);
        let targets = [first, second];
        crate::files::generate(&root, &targets, &mut Vec::new()).expect("generates");

        // Nothing changed in the first; the second is new.
        let (code, out) = run_diff(&root, &targets, &args("git:HEAD", None, Format::Text, FailOn::Breaking));
        assert_eq!(code.expect("runs"), ExitCode::SUCCESS, "{out}");
        let version = fixture::contract().info.version;
        assert_eq!(
            out,
            format!(
                "== first: openapi.yaml ==\ncontract diff: 0 breaking, 0 warnings, 0 info ({version} → {version})\n\n\
                 == second: second/openapi.yaml ==\n`second/openapi.yaml` is not in `HEAD`: nothing to compare\n"
            )
        );

        // The first loses an operation: a breaking change, exit 3.
        let path = root.join("openapi.yaml");
        let mut edited: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("YAML");
        edited["paths"]["/todos"].as_object_mut().expect("an object").remove("post");
        std::fs::write(&path, edited.to_string()).expect("write");
        let (code, out) = run_diff(&root, &targets, &args("git:HEAD", None, Format::Json, FailOn::Breaking));
        assert_eq!(code.expect("runs"), ExitCode::from(exit::FINDINGS), "{out}");
        let reports: Vec<Value> = serde_json::from_str(&out).expect("one JSON array, a report per target");
        assert_eq!(reports.len(), 2, "{out}");
        assert_eq!((&reports[0]["target"], &reports[0]["document"]), (&"first".into(), &"openapi.yaml".into()));
        assert_eq!(reports[0]["summary"]["breaking"], 1, "{out}");
        assert_eq!(reports[0]["findings"][0]["rule"], "operation-removed", "{out}");
        assert_eq!(reports[1]["skipped"], "`second/openapi.yaml` is not in `HEAD`: nothing to compare");

        // A revision git does not know is an error, not a missing document.
        let (unknown, _) = run_diff(&root, &targets, &args("git:nope", None, Format::Text, FailOn::Breaking));
        let message = crate::chain(&unknown.expect_err("no such revision"));
        assert!(message.starts_with("`git:nope`: fatal: "), "{message}");
        std::fs::remove_dir_all(root).ok();
    }
}
