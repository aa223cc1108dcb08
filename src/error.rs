//! The library's error type. Every variant that concerns a file carries its path
//! (and line, where there is one) so the CLI can say `lore: error: FILE:LINE: …`.

use std::path::PathBuf;

/// Errors of the lore library; the CLI and TUI wrap them with `anyhow` context.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error(
        "no knowledge base found (no lore.toml in {} or any parent); run `lore init` or pass --kb DIR",
        start.display()
    )]
    NoKb { start: PathBuf },
    #[error("unknown document id `{id}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownId {
        id: String,
        suggestion: Option<String>,
    },
    #[error("{}: already exists", .0.display())]
    Exists(PathBuf),
    #[error("{0}")]
    Invalid(String),
    #[error("git: {0}")]
    Git(String),
    #[error("index: {0}")]
    Index(String),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
