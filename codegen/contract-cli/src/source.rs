//! Where `diff` reads a document: a file, the working tree's copy of a contract's document, or the
//! copy committed at a git revision (`git:<rev>`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::Error;

/// One side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    /// A file, relative to the project root.
    File(&'a str),
    /// A document at a git revision (`argument` is the whole `git:<rev>` as typed).
    Git { argument: &'a str, rev: &'a str },
}

impl<'a> Source<'a> {
    /// `git:<rev>` or a file path, as typed on the command line.
    pub fn parse(argument: &'a str) -> Result<Self, Error> {
        match argument.strip_prefix("git:") {
            Some(rev) if rev.is_empty() || rev.starts_with('-') => {
                Err(Error::MissingRevision { argument: argument.to_owned() })
            }
            Some(rev) => Ok(Self::Git { argument, rev }),
            None => Ok(Self::File(argument)),
        }
    }

    /// The document: a file is read as is; at a revision, `document` (a path relative to the
    /// project root) is read as committed ([`Error::NotAtRevision`] when the revision exists but
    /// does not have it: a contract added since).
    pub fn load(self, root: &Path, document: &str) -> Result<Value, Error> {
        let (argument, text) = match self {
            Self::File(path) => {
                let full = root.join(path);
                let text = std::fs::read_to_string(&full).map_err(Error::io(format!("reading {}", full.display())))?;
                (path, text)
            }
            Self::Git { argument, rev } => (argument, committed(root, argument, rev, document)?),
        };
        serde_yaml::from_str(&text).map_err(|source| Error::NotYaml { argument: argument.into(), source })
    }
}

/// `document` as committed at `rev`.
fn committed(root: &Path, argument: &str, rev: &str, document: &str) -> Result<String, Error> {
    // `./` makes the path relative to the project root even when the repository's top is above it.
    let output = git(root, &["show", &format!("{rev}:./{document}")])?;
    if !output.status.success() {
        let commit = git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
        if commit.status.success() {
            return Err(Error::NotAtRevision { document: document.into(), rev: rev.into() });
        }
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(Error::Git { argument: argument.into(), message });
    }
    String::from_utf8(output.stdout)
        .map_err(|_| Error::NotUtf8 { argument: argument.into(), document: document.into() })
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, Error> {
    Command::new("git").current_dir(root).args(args).output().map_err(Error::GitNotRunnable)
}
