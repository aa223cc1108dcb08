//! The library calls the terminal UI makes, gathered in one place: loading the
//! document list, reading one document, search hits, git history and diffs,
//! saving and committing. Views and `update` see only the plain types here.

use super::state::{CommitRow, Loaded, SearchHit, SearchOutcome};
use crate::config::Config;
use crate::doc::{Doc, Kind};
use crate::kb::Kb;
use crate::lint::Finding;
use crate::record::Record;
use crate::store::{self, SourceFile};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The records every list starts from.
pub fn load_records(root: &Path) -> Result<Vec<Record>> {
    let kb = Kb::load(root).with_context(|| format!("cannot load {}", root.display()))?;
    Ok(kb.docs.iter().map(Record::from_doc).collect())
}

/// The whole knowledge base, parsed (for backlinks, action items, lint).
pub fn load_kb(root: &Path) -> Result<Kb> {
    Kb::load(root).with_context(|| format!("cannot load {}", root.display()))
}

/// Reads and parses one document by its KB-relative path.
pub fn read_doc(root: &Path, cfg: &Config, rel: &Path, kind: Kind) -> Result<Doc> {
    let file = SourceFile {
        rel: rel.to_path_buf(),
        kind,
    };
    store::read_doc(root, &file, cfg)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.path.display(), e.message))
}

/// Commits a file the editor (or a new draft) just wrote, through the shared
/// write path. Returns a note for the status bar; a failed commit leaves the
/// saved file as it is and says why.
pub fn record_change(root: &Path, rel: &Path, message: &str) -> String {
    match crate::change::commit_doc(root, rel, message) {
        Ok(c) => crate::change::note(&c, message),
        Err(e) => format!("saved, but not committed ({e}) · {message}"),
    }
}

/// The commits that touched a document, newest first.
pub fn history(root: &Path, rel: &Path) -> Result<Vec<CommitRow>> {
    let commits = crate::store::git::history(root, rel)?;
    Ok(commits
        .into_iter()
        .map(|c| CommitRow {
            date: c.time.format("%Y-%m-%d %H:%M").to_string(),
            id: c.id,
            short: c.short,
            author: c.author,
            subject: c.subject,
        })
        .collect())
}

/// The unified diff a commit made to a document.
pub fn diff(root: &Path, rel: &Path, commit: &str) -> Result<String> {
    Ok(crate::store::git::diff(root, rel, commit)?)
}

/// The git user, as the author of a new document.
pub fn user_name(root: &Path) -> Option<String> {
    crate::store::git::user_name(root)
}

/// What the worker searches with: the index, or a stand-in in tests.
pub trait Backend: Send {
    fn search(&self, query: &str, limit: usize) -> Result<SearchOutcome, String>;
    /// Picks up files written since the index was opened.
    fn refresh(&mut self) -> Result<(), String>;
}

/// A backend from a plain function (nothing to refresh).
#[cfg(test)]
pub struct FnBackend<F>(pub F);

#[cfg(test)]
impl<F> Backend for FnBackend<F>
where
    F: Fn(&str, usize) -> Result<SearchOutcome, String> + Send,
{
    fn search(&self, query: &str, limit: usize) -> Result<SearchOutcome, String> {
        (self.0)(query, limit)
    }
    fn refresh(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// The worker's backend, or why search is unavailable.
pub type Opened = Result<Box<dyn Backend>, String>;

/// The search index as the worker's backend.
struct IndexBackend(crate::index::Searcher);

impl Backend for IndexBackend {
    fn search(&self, query: &str, limit: usize) -> Result<SearchOutcome, String> {
        let r = self.0.search(query, limit).map_err(|e| e.to_string())?;
        Ok(SearchOutcome {
            hits: r
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    record: h.record,
                    snippet: h.snippet.text,
                    highlights: h.snippet.highlights,
                })
                .collect(),
            total: r.total,
            fuzzy: r.fuzzy,
        })
    }

    fn refresh(&mut self) -> Result<(), String> {
        self.0.refresh().map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Opens the index (bringing it up to date with the files) and reads every
/// record from its stored fields, so start-up parses no Markdown. When the
/// index cannot be opened, the records come from parsing the files and the
/// search reports why it is unavailable.
pub fn open_index(root: &Path) -> Result<(Vec<Record>, Opened)> {
    match crate::index::Searcher::open(root).and_then(|s| Ok((s.records()?, s))) {
        Ok((records, searcher)) => Ok((records, Ok(Box::new(IndexBackend(searcher))))),
        Err(e) => Ok((load_records(root)?, Err(format!("search unavailable: {e}")))),
    }
}

/// Lints the KB and computes its trend figures as of `today`.
pub fn analyse(kb: Arc<Kb>, today: NaiveDate, from_disk: bool) -> Loaded {
    let mut findings: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
    for f in crate::lint::lint(&kb, today) {
        findings.entry(f.path.clone()).or_default().push(f);
    }
    let stats = crate::stats::compute(&kb, &crate::stats::Options::new(today));
    let slos = crate::slo::report(&kb, &crate::slo::Options::new(today));
    let anniversaries: Vec<(String, NaiveDate)> = crate::stats::anniversaries(&kb, today)
        .into_iter()
        .filter_map(|d| Some((d.title.clone(), d.meta.date?)))
        .collect();
    Loaded {
        kb,
        findings,
        stats,
        slos,
        anniversaries,
        from_disk,
    }
}
