//! `cargo xtask bench`: in a release build, times generation of the reference contract and of a
//! synthetic contract of 1,000 types and 500 operations, and the diff of two synthetic documents
//! with 50 scattered changes; reports the peak resident memory of the process.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use codegen::Layout;

use crate::synthetic;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Case {
    All,
    /// Generation: the contract documents alone, then everything.
    Generate,
    /// Only the contract documents (OpenAPI 3.1/3.0, JSON Schemas), for their peak memory alone.
    Documents,
    Diff,
    /// The generated TypeScript validators against ajv 8, in node.
    Validators,
    /// `GET /api/v2/projects/{id}` through the generated router against a hand-written handler,
    /// under load from `wrk` (release build).
    Server,
    /// The same route on SQLite, PostgreSQL, PostgreSQL with Redis, and two instances, under
    /// `wrk` (release build; starts a throw-away PostgreSQL and Redis).
    Stores,
}

pub fn run(root: &Path, iterations: u32, case: Case, out: &mut dyn Write) -> Result<ExitCode> {
    if case == Case::Server {
        crate::load::run(root, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if case == Case::Stores {
        crate::load::stores(root, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if case == Case::Validators || (case == Case::All && !cfg!(debug_assertions)) {
        // Node does the timing; a debug or release build of xtask makes no difference to it.
        writeln!(out, "generated TypeScript validators vs ajv 8 (node, one process):")?;
        out.flush()?;
        let status = Command::new("node")
            .current_dir(root)
            .args(["tests/typescript/bench.mjs", "generated/typescript", "generated/jsonschema"])
            .status()
            .context("running node (and `cargo xtask test` once, for the npm packages)")?;
        if !status.success() {
            bail!("the validator benchmark failed");
        }
        if case == Case::Validators {
            return Ok(ExitCode::SUCCESS);
        }
        writeln!(out)?;
    }
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the same task from a release build.
        writeln!(out, "building xtask in release mode...")?;
        out.flush()?;
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args(["run", "--quiet", "--release", "--package", "xtask", "--", "bench", "--iterations"])
            .arg(iterations.to_string())
            .arg("--case")
            .arg(format!("{case:?}").to_lowercase())
            .status()
            .context("running the release build of xtask")?;
        return Ok(if status.success() { ExitCode::SUCCESS } else { crate::exit::code(crate::exit::FAILURE) });
    }

    writeln!(out, "release build, {iterations} timed runs per case (after one warm-up)")?;
    writeln!(out, "{:<44} {:>10} {:>10} {:>10} {:>12}", "case", "min", "median", "max", "output")?;
    if matches!(case, Case::All | Case::Generate | Case::Documents) {
        generation(iterations, case != Case::Documents, out)?;
    }
    if matches!(case, Case::All | Case::Diff) {
        diff(iterations, out)?;
    }
    match peak_rss_kib() {
        Some(kib) => writeln!(out, "peak resident memory of this process: {:.1} MiB", kib as f64 / 1024.0)?,
        None => writeln!(out, "peak resident memory: unavailable (no /proc/self/status)")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Lowering and the contract documents (OpenAPI 3.1, 3.0, JSON Schemas), without the code emitters.
fn documents(
    contract: &contract::Contract,
    layout: &Layout,
) -> Result<std::collections::BTreeMap<String, String>, codegen::Errors> {
    let model = codegen::lower(contract)?;
    Ok(codegen::emit_documents(&model, layout))
}

fn generation(iterations: u32, everything: bool, out: &mut dyn Write) -> Result<()> {
    let layout = Layout::default();
    let reference = measure(iterations, || documents(&schemas::contract(), &layout))?;
    report(out, "reference: documents", &reference)?;
    if everything {
        let reference = measure(iterations, || codegen::generate(&schemas::contract(), &layout))?;
        report(out, "reference: everything (+TS, server, client)", &reference)?;
    }

    let (types, operations) = (1000, 500);
    let build_started = Instant::now();
    let contract = synthetic::contract(types, operations);
    let build = build_started.elapsed();
    let synthetic = measure(iterations, || documents(&contract, &layout))?;
    report(out, &format!("synthetic {types}/{operations}: documents"), &synthetic)?;
    if everything {
        let synthetic = measure(iterations, || codegen::generate(&contract, &layout))?;
        report(out, &format!("synthetic {types}/{operations}: everything"), &synthetic)?;
    }
    writeln!(
        out,
        "(types reference each other in modules of {}; building the synthetic contract took {})",
        synthetic::MODULE,
        millis(build)
    )?;
    Ok(())
}

/// Diffs two synthetic documents (1,000 schemas, 500 operations) that differ in 50 places.
fn diff(iterations: u32, out: &mut dyn Write) -> Result<()> {
    let model = codegen::lower(&synthetic::contract(1000, 500)).map_err(|errors| anyhow!("{errors}"))?;
    let old = codegen::openapi::emit(&model, codegen::openapi::Version::V3_1);
    drop(model);
    let new = synthetic::changed(&old, 50);
    let report = codegen::diff::diff(&old, &new)?;
    let mut times = Vec::new();
    for _ in 0..iterations {
        let started = Instant::now();
        let again = codegen::diff::diff(&old, &new)?;
        times.push(started.elapsed());
        if again != report {
            bail!("two diffs differ: the report is not deterministic");
        }
    }
    times.sort();
    let findings = report.findings.len();
    let operations: usize = report.findings.iter().map(|f| f.operations.len()).sum();
    let summary = format!("{findings} findings");
    writeln!(
        out,
        "{:<44} {:>10} {:>10} {:>10} {:>12}",
        "diff: 1000 schemas, 500 operations, 50 changes",
        millis(times[0]),
        millis(times[times.len() / 2]),
        millis(times[times.len() - 1]),
        summary
    )?;
    writeln!(
        out,
        "({} breaking, {} warnings, {} info; {operations} operation references in all)",
        report.count(codegen::diff::Level::Breaking),
        report.count(codegen::diff::Level::Warning),
        report.count(codegen::diff::Level::Info)
    )?;
    Ok(())
}

struct Measurement {
    times: Vec<Duration>,
    files: usize,
    bytes: usize,
}

fn measure(
    iterations: u32,
    mut generate: impl FnMut() -> Result<std::collections::BTreeMap<String, String>, codegen::Errors>,
) -> Result<Measurement> {
    // Runs are compared by hash, so that at most one output is alive at a time and the peak
    // memory is that of one generation.
    let warm = generate().map_err(|errors| anyhow!("{errors}"))?;
    let (files, bytes, expected) = (warm.len(), warm.values().map(String::len).sum(), fingerprint(&warm));
    drop(warm);
    let mut times = Vec::new();
    for _ in 0..iterations {
        let started = Instant::now();
        let output = generate().map_err(|errors| anyhow!("{errors}"))?;
        times.push(started.elapsed());
        if fingerprint(&output) != expected {
            bail!("two generations differ: output is not deterministic");
        }
    }
    times.sort();
    Ok(Measurement { times, files, bytes })
}

/// A hash of every path and content (SipHash with fixed keys: stable within one process).
fn fingerprint(files: &std::collections::BTreeMap<String, String>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}

fn report(out: &mut dyn Write, case: &str, m: &Measurement) -> Result<()> {
    let median = m.times[m.times.len() / 2];
    writeln!(
        out,
        "{:<44} {:>10} {:>10} {:>10} {:>12}",
        case,
        millis(m.times[0]),
        millis(median),
        millis(m.times[m.times.len() - 1]),
        format!("{} files, {:.1} MiB", m.files, m.bytes as f64 / 1_048_576.0)
    )?;
    Ok(())
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// VmHWM of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
