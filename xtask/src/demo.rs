//! `cargo xtask demo`: the server with every provider wired to the fakes of `fake-providers` (on
//! free loopback ports), on a SQLite file of its own, in the foreground until Ctrl-C. What a
//! newcomer runs to exercise every operation of the contract on one machine.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::schemathesis::{Server, start_fakes};

pub fn run(root: &Path, out: &mut dyn Write) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet", "-p", "server", "-p", "fake-providers"])
        .status()
        .context("running cargo build")?;
    if !built.success() {
        bail!("the server or fake-providers does not build");
    }
    let (fakes, variables) = start_fakes(root)?;
    let _fakes = Server(fakes);
    writeln!(out, "fake providers on loopback; the server gets:")?;
    for (name, value) in &variables {
        writeln!(out, "  {name}={value}")?;
    }
    writeln!(out, "the server's data: devora-demo.db (delete it to start over); Ctrl-C stops everything")?;
    out.flush()?;
    let status = Command::new(root.join("target/debug/server"))
        .current_dir(root)
        .envs(variables)
        .env("DATABASE_URL", "sqlite://devora-demo.db")
        .status()
        .context("starting the server")?;
    // Ctrl-C reaches the server too: its graceful stop is a success.
    if !status.success() && status.code().is_some() {
        bail!("the server stopped: {status}");
    }
    Ok(())
}
