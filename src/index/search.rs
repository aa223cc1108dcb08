//! `Searcher`: an open, fresh index that answers queries repeatedly (the TUI
//! queries on every keystroke from a background thread) and lists all records
//! from stored fields.

use super::build::{self, Opened, UpdateStats};
use super::plan::Planner;
use super::query;
use super::schema::{self, Fields};
use super::snippet::{self, Snippet};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::store;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument};

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub record: Record,
    pub score: f32,
    pub snippet: Snippet,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// How many documents matched in all (hits holds at most `limit`).
    pub total: usize,
    /// Nothing matched exactly, so these came from the typo-tolerant search.
    pub fuzzy: bool,
    /// No document matched every word, so these match any of them, best first.
    pub any_word: bool,
    /// Query terms left out to keep the search bounded.
    pub ignored: usize,
}

/// An open index. Cheap to query repeatedly; `Send + Sync`.
pub struct Searcher {
    root: PathBuf,
    reader: IndexReader,
    fields: Fields,
    stats: UpdateStats,
}

fn index_err(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}

fn reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

impl Searcher {
    /// Opens the index of the KB at `root`, bringing it up to date first
    /// (rebuilding it when missing or damaged). When another process holds the
    /// writer lock, searches the index as it is; when `.lore/` cannot be
    /// written at all, builds one in memory.
    pub fn open(root: &Path) -> Result<Searcher> {
        let cfg = Config::load(root)?;
        let opened = match build::ensure(root, &cfg, false, false, build::Check::Quick) {
            Ok(o) => o,
            Err(e) => {
                let mut o = build::in_memory(root, &cfg)?;
                o.stats.notice = Some(format!(
                    "cannot write the search index ({e}); searching the files without it"
                ));
                o
            }
        };
        Searcher::from_opened(root, &cfg, opened)
    }

    fn from_opened(root: &Path, cfg: &Config, opened: Opened) -> Result<Searcher> {
        let Opened {
            index,
            fields,
            stats,
        } = opened;
        match reader(&index) {
            Ok(reader) => Ok(Searcher {
                root: root.to_path_buf(),
                reader,
                fields,
                stats,
            }),
            Err(e) => {
                // Segment files unreadable although meta.json was fine.
                let reason = format!("the search index is damaged ({e}); rebuilding it");
                let o = build::rebuild_because(root, cfg, false, Some(reason))?;
                let reader = reader(&o.index).map_err(index_err)?;
                Ok(Searcher {
                    root: root.to_path_buf(),
                    reader,
                    fields: o.fields,
                    stats: o.stats,
                })
            }
        }
    }

    /// What opening did: counts, and a notice when the index was rebuilt or
    /// could only be read.
    pub fn stats(&self) -> &UpdateStats {
        &self.stats
    }

    /// Re-checks the files, indexes what changed and makes the changes
    /// visible to the next search.
    pub fn refresh(&mut self) -> Result<UpdateStats> {
        let cfg = Config::load(&self.root)?;
        let opened = build::ensure(&self.root, &cfg, false, false, build::Check::Full)?;
        let stats = opened.stats.clone();
        if stats.rebuilt {
            *self = Searcher::from_opened(&self.root.clone(), &cfg, opened)?;
        } else {
            self.reader.reload().map_err(index_err)?;
        }
        self.stats = stats.clone();
        Ok(stats)
    }

    fn planner(&self) -> Planner {
        Planner {
            fields: self.fields,
            text: schema::text_analyzer(),
            name: schema::name_analyzer(),
        }
    }

    /// Runs a query of the SPEC section 6 language. Never fails on the query
    /// text; when nothing matches exactly and the query has free words, a
    /// typo-tolerant search runs and `fuzzy` is set.
    pub fn search(&self, q: &str, limit: usize) -> Result<SearchResults> {
        let parsed = query::parse(q);
        let mut planner = self.planner();
        let searcher = self.reader.searcher();
        let mut fuzzy = false;
        let mut plan = planner.plan(&parsed, false);
        let mut found = self.run(&searcher, &plan, limit)?;
        if found.1 == 0 && Planner::has_fuzzy_words(&parsed) {
            plan = planner.plan(&parsed, true);
            found = self.run(&searcher, &plan, limit)?;
            fuzzy = true;
        }
        // No document has every word: rank those with any of them.
        let mut any_word = false;
        if found.1 == 0
            && let Some(widened) = query::any_word(&parsed)
        {
            plan = planner.plan(&widened, false);
            found = self.run(&searcher, &plan, limit)?;
            (any_word, fuzzy) = (found.1 > 0, false);
        }
        let (docs, total) = found;
        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            let Some(record) = self.record_at(&searcher, addr)? else {
                continue;
            };
            let snippet = self.snippet(&record, &plan.terms);
            hits.push(Hit {
                record,
                score,
                snippet,
            });
        }
        Ok(SearchResults {
            hits,
            total,
            fuzzy: fuzzy && total > 0,
            any_word,
            ignored: parsed.ignored,
        })
    }

    fn run(
        &self,
        searcher: &tantivy::Searcher,
        plan: &super::plan::Plan,
        limit: usize,
    ) -> Result<(Vec<(f32, DocAddress)>, usize)> {
        let top = TopDocs::with_limit(limit.max(1));
        let (mut docs, total) = if plan.has_text {
            searcher
                .search(&*plan.query, &(top.order_by_score(), Count))
                .map_err(index_err)?
        } else {
            let (docs, total): (Vec<(Option<i64>, DocAddress)>, usize) = searcher
                .search(
                    &*plan.query,
                    &(top.order_by_fast_field::<i64>("date", Order::Desc), Count),
                )
                .map_err(index_err)?;
            (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
        };
        docs.truncate(limit);
        Ok((docs, total))
    }

    fn record_at(&self, searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Option<Record>> {
        let doc: TantivyDocument = searcher.doc(addr).map_err(index_err)?;
        Ok(self.record_of(&doc))
    }

    fn record_of(&self, doc: &TantivyDocument) -> Option<Record> {
        let json = doc.get_first(self.fields.record).and_then(|v| v.as_str())?;
        serde_json::from_str(json).ok()
    }

    /// The snippet from the file as it is now; the summary if it is gone.
    fn snippet(&self, r: &Record, terms: &[(String, u8)]) -> Snippet {
        match store::read_text(&self.root, Path::new(&r.path)) {
            Ok(text) => snippet::for_body(crate::doc::body_of(&text), terms),
            Err(_) => snippet::for_body(&r.summary, terms),
        }
    }

    /// Every document's record from the stored fields, postmortems newest
    /// first, then runbooks, as `Kb` orders them.
    pub fn records(&self) -> Result<Vec<Record>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let store = seg.get_store_reader(64).map_err(index_err)?;
            for doc in store.iter::<TantivyDocument>(seg.alive_bitset()) {
                let doc = doc.map_err(index_err)?;
                if let Some(r) = self.record_of(&doc) {
                    out.push(r);
                }
            }
        }
        sort_records(&mut out);
        Ok(out)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Documents in the index.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Postmortems before runbooks; newest first, then by id (as `kb` sorts).
pub fn sort_records(rs: &mut [Record]) {
    rs.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn searcher_can_move_to_a_background_thread() {
        fn is<T: Send + Sync>() {}
        is::<super::Searcher>();
    }
}
