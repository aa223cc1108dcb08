//! The search index: a Tantivy index in `.lore/index` over every document,
//! kept up to date incrementally from a manifest of file stamps and hashes,
//! queried with the language of SPEC section 6, with snippets.
//!
//! Only this module names Tantivy types; `cli` and `tui` call the functions
//! and types re-exported here.

mod build;
mod manifest;
mod plan;
pub mod query;
mod readonly;
mod schema;
mod search;
mod snippet;
pub mod stem;

pub use build::{UpdateStats, index_dir, update_paths};
pub use query::{MAX_ATOMS, MAX_QUERY_BYTES};
pub use search::{Hit, SearchResults, Searcher, sort_records};
pub use snippet::{Snippet, plain_text};

use crate::config::Config;
use crate::error::Result;
use crate::record::Record;
use std::path::Path;

/// Brings the index up to date, re-reading only files whose content changed;
/// rebuilds it when it is missing, damaged or from another version. Waits for
/// another lore process that is writing the index.
pub fn update(root: &Path, progress: bool) -> Result<UpdateStats> {
    let cfg = Config::load(root)?;
    Ok(build::ensure(root, &cfg, progress, true, build::Check::Full)?.stats)
}

/// Throws the index away and indexes every document again; `progress` shows a
/// bar when stderr is a terminal.
pub fn rebuild(root: &Path, progress: bool) -> Result<UpdateStats> {
    let cfg = Config::load(root)?;
    Ok(build::rebuild_because(root, &cfg, progress, None)?.stats)
}

/// All records from the index's stored fields (postmortems newest first, then
/// runbooks), updating the index first if files changed. `list` and the TUI
/// start from this instead of parsing every Markdown file.
pub fn records(root: &Path) -> Result<Vec<Record>> {
    Searcher::open(root)?.records()
}
