//! `lore import`: a team's existing postmortems come in with their structure.
//! Each file is read by the same document model as every KB document (so its
//! timeline table, stated durations and follow-up bullets count); its foreign
//! front matter is mapped to lore's fields (`map`); a title, date, severity,
//! services, factors and the team's own ids are inferred where missing, each
//! with where it came from; the front matter is written anew and the body is
//! kept byte for byte (only links between imported files are pointed at
//! their new paths). A second import of the same folder adds nothing; a
//! changed source is reported and re-imported only with `update`.

mod emit;
mod infer;
pub mod map;
mod plan;
mod source;
pub mod suggest;

pub use plan::{Inferred, Item, Options, Outcome, Report, Totals, plan};
pub use suggest::{Suggestion, suggest};

use crate::error::Result;
use crate::store;
use std::path::{Path, PathBuf};

/// Writes what `plan` decided (new files never over an existing one; updates
/// in place). Returns the paths written, relative to the KB root, for one
/// commit.
pub fn apply(root: &Path, report: &Report) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for item in &report.items {
        let Some(t) = &item.target else { continue };
        match item.outcome {
            Outcome::Import => store::create_doc_batched(root, t, item.text.as_bytes())?,
            Outcome::Update => store::save_doc(root, t, &item.text)?,
            _ => continue,
        }
        written.push(t.clone());
    }
    // Durable before the commit, in one flush instead of one per file.
    store::sync_all_files(root, &written)?;
    Ok(written)
}
