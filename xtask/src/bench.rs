//! `cargo xtask bench`: times generation of the reference contract and of a synthetic contract of
//! 1,000 types and 500 operations, in a release build, and reports the peak resident memory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use codegen::Layout;

use crate::synthetic;

pub fn run(root: &Path, iterations: u32, out: &mut dyn Write) -> Result<ExitCode> {
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the same task from a release build.
        writeln!(out, "building xtask in release mode...")?;
        out.flush()?;
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args(["run", "--quiet", "--release", "--package", "xtask", "--", "bench", "--iterations"])
            .arg(iterations.to_string())
            .status()
            .context("running the release build of xtask")?;
        return Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::from(2) });
    }

    let layout = Layout::default();
    writeln!(out, "generation benchmark, release build, {iterations} timed runs per case (after one warm-up)")?;
    writeln!(out, "{:<44} {:>10} {:>10} {:>10} {:>12}", "case", "min", "median", "max", "output")?;

    let reference = measure(iterations, || codegen::generate(&schemas::contract(), &layout))?;
    report(out, "reference contract (schemas::contract)", &reference)?;

    let (types, operations) = (1000, 500);
    let build_started = Instant::now();
    let contract = synthetic::contract(types, operations);
    let build = build_started.elapsed();
    let synthetic = measure(iterations, || codegen::generate(&contract, &layout))?;
    report(out, &format!("synthetic: {types} types, {operations} operations"), &synthetic)?;
    writeln!(
        out,
        "(types reference each other in modules of {}; building the synthetic contract took {})",
        synthetic::MODULE,
        millis(build)
    )?;

    match peak_rss_kib() {
        Some(kib) => writeln!(out, "peak resident memory of this process: {:.1} MiB", kib as f64 / 1024.0)?,
        None => writeln!(out, "peak resident memory: unavailable (no /proc/self/status)")?,
    }
    Ok(ExitCode::SUCCESS)
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
