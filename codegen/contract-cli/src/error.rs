//! Why a command could not run. Each variant says what was being done; the cause, when there is
//! one, is its `source`, printed after it (`reading x.yaml: No such file or directory`).

use std::io;

/// A command that could not run: exit 2 ([`crate::exit::FAILURE`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A contract that does not generate, with every problem it has.
    #[error("{target}: {errors}")]
    Contract { target: String, errors: codegen::Errors },
    /// Two targets generate the same file: their layouts overlap.
    #[error("{first} and {second} both generate `{path}`: give them layouts in different folders")]
    Overlap { path: String, first: String, second: String },
    /// Reading, writing or listing a file or folder failed (`what` names the action and the path).
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    /// `git:` with nothing after it.
    #[error("`{argument}`: a revision must follow `git:` (such as `git:HEAD~1` or `git:main`)")]
    MissingRevision { argument: String },
    /// git could not be started.
    #[error("running git")]
    GitNotRunnable(#[source] io::Error),
    /// git refused the revision (`message` is what git said).
    #[error("`{argument}`: {message}")]
    Git { argument: String, message: String },
    /// The revision exists but does not have the document (a contract added since): `diff`
    /// reports it and compares nothing.
    #[error("`{document}` is not in `{rev}`: nothing to compare")]
    NotAtRevision { document: String, rev: String },
    /// A committed document that is not UTF-8.
    #[error("`{argument}`: {document} is not UTF-8")]
    NotUtf8 { argument: String, document: String },
    /// A document that does not parse.
    #[error("`{argument}` is not YAML or JSON")]
    NotYaml {
        argument: String,
        #[source]
        source: serde_yaml::Error,
    },
    /// A document that parses but is not OpenAPI 3.0 or 3.1.
    #[error(transparent)]
    NotOpenApi(#[from] codegen::diff::DiffError),
    /// `diff OLD` without NEW, in a workspace with no target whose document NEW would default to.
    #[error("there is no contract whose document NEW defaults to: give NEW")]
    NoTarget,
    /// Writing the command's output failed.
    #[error("writing the output")]
    Output(#[from] io::Error),
}

impl Error {
    /// `what` with its cause, such as `reading x: No such file or directory (os error 2)`.
    pub(crate) fn io(what: String) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io { what, source }
    }
}

/// The error and each of its causes, joined by `: `, as printed after `error: `.
pub use contract::error_chain as chain;
