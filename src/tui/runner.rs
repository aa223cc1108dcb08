//! The effects runner: performs every `Effect` that `update` returns on
//! background workers (`worker`) and sends each result back as an `Action`
//! on one channel. Search and similar incidents are latest-wins; reads and
//! writes run in order; loading the KB keeps the newest request. The editor
//! round trips need the terminal and are handed back to the event loop.

use super::action::{Action, Effect, Io};
use super::data::Backend;
use super::worker::{Jobs, Worker, newest};
use super::{data, effects};
use crate::config::Config;
use crate::kb::Kb;
use crate::similar::Similarity;
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// How many hits one query asks for: two screens of the list. The tab's
/// kind and the facets go into the query, so these are the best of the
/// right documents; more would only cost snippets nobody sees (each hit's
/// snippet is most of a query's time).
pub const LIMIT: usize = 40;

/// How many similar incidents the side panel lists.
pub const SIMILAR: usize = 5;
/// How many the `n` form shows while drafting.
const DRAFT_SIMILAR: usize = 3;

enum SearchJob {
    Query(u64, String),
    Refresh,
}

enum SimilarJob {
    Kb(Arc<Kb>),
    Ask(Ask),
}

/// A question for the similar-incidents worker.
enum Ask {
    Id(String),
    /// The document being drafted in the `n` form (only the newest counts).
    Draft(Box<crate::doc::Doc>),
}

enum KbJob {
    Load,
    Analyse(Arc<Kb>, NaiveDate),
}

/// The workers, and the channel their results come back on.
pub struct Runner {
    search: Worker<SearchJob>,
    similar: Worker<SimilarJob>,
    io: Worker<Io>,
    kb: Worker<KbJob>,
    /// Where results come back (also the file watcher's `Changed`).
    pub out: Sender<Action>,
    pub results: Receiver<Action>,
}

impl Runner {
    /// Starts the workers. `open` builds the search backend on its worker,
    /// so opening the index never delays a frame.
    pub fn start<F>(root: PathBuf, config: Config, open: F) -> Runner
    where
        F: FnOnce() -> Result<Box<dyn Backend>, String> + Send + 'static,
    {
        let (out, results) = channel();
        let tx = out.clone();
        let search = Worker::start(move |jobs| search_body(jobs, open, tx));
        let tx = out.clone();
        let similar = Worker::start(move |jobs| similar_body(jobs, tx));
        let tx = out.clone();
        let (r, c) = (root.clone(), config.clone());
        let io = Worker::start(move |jobs: Jobs<Io>| {
            while let Some(batch) = jobs.next() {
                for job in batch {
                    if tx.send(effects::perform(&r, &c, job)).is_err() {
                        return;
                    }
                }
            }
        });
        let tx = out.clone();
        let kb = Worker::start(move |jobs| kb_body(jobs, root, tx));
        Runner {
            search,
            similar,
            io,
            kb,
            out,
            results,
        }
    }

    /// Performs `e` in the background; the editor effects come back for the
    /// event loop to run with the terminal.
    pub fn run(&self, e: Effect) -> Option<Effect> {
        match e {
            Effect::Search { id, query } => self.search.send(SearchJob::Query(id, query)),
            Effect::RefreshIndex => self.search.send(SearchJob::Refresh),
            Effect::LoadKb => self.kb.send(KbJob::Load),
            Effect::Analyse { kb, today } => self.kb.send(KbJob::Analyse(kb, today)),
            Effect::SetKb(kb) => self.similar.send(SimilarJob::Kb(kb)),
            Effect::Similar(id) => self.similar.send(SimilarJob::Ask(Ask::Id(id))),
            Effect::SimilarDraft(d) => self.similar.send(SimilarJob::Ask(Ask::Draft(d))),
            Effect::Io(io) => self.io.send(io),
            Effect::Edit(_) | Effect::EditExisting { .. } => return Some(e),
        }
        None
    }
}

/// Newest query wins; a refresh riding with stale queries is kept so the
/// next query sees the new text.
fn search_body<F>(jobs: Jobs<SearchJob>, open: F, out: Sender<Action>)
where
    F: FnOnce() -> Result<Box<dyn Backend>, String>,
{
    let mut backend = open();
    while let Some(batch) = jobs.next() {
        let (query, refresh) = newest(batch, |j| match j {
            SearchJob::Query(id, q) => Ok((id, q)),
            SearchJob::Refresh => Err(true),
        });
        if refresh && let Ok(b) = backend.as_mut() {
            let _ = b.refresh();
        }
        let Some((id, q)) = query else { continue };
        let result = match &backend {
            Ok(b) => b.search(&q, LIMIT),
            Err(e) => Err(e.clone()),
        };
        if out.send(Action::SearchDone { id, result }).is_err() {
            return;
        }
    }
}

/// Builds the similarity index once per version of the KB (the newest
/// queued) and answers for the documents the user opens.
fn similar_body(jobs: Jobs<SimilarJob>, out: Sender<Action>) {
    let mut asks: Vec<Ask> = Vec::new();
    let mut newer: Option<Arc<Kb>> = None;
    let take = |batch: Vec<SimilarJob>, asks: &mut Vec<Ask>, newer: &mut Option<Arc<Kb>>| {
        for j in batch {
            match j {
                SimilarJob::Kb(kb) => *newer = Some(kb),
                SimilarJob::Ask(a) => {
                    if matches!(a, Ask::Draft(_)) {
                        asks.retain(|x| !matches!(x, Ask::Draft(_)));
                    }
                    asks.push(a);
                }
            }
        }
    };
    loop {
        // Questions before the first KB cannot be answered.
        while newer.is_none() {
            let Some(batch) = jobs.next() else { return };
            take(batch, &mut asks, &mut newer);
            if newer.is_none() {
                asks.clear();
            }
        }
        let Some(kb) = newer.take() else { return };
        let sim = Similarity::new(&kb);
        loop {
            for ask in asks.drain(..) {
                let (id, found) = match ask {
                    Ask::Id(id) => {
                        let found = kb
                            .get(&id)
                            .map(|d| sim.similar_to(d, SIMILAR))
                            .unwrap_or_default();
                        (id, found)
                    }
                    Ask::Draft(d) => (
                        super::state::DRAFT_ID.to_string(),
                        sim.similar_to(&d, DRAFT_SIMILAR),
                    ),
                };
                if out.send(Action::SimilarDone(id, found)).is_err() {
                    return;
                }
            }
            let Some(batch) = jobs.next() else { return };
            take(batch, &mut asks, &mut newer);
            if newer.is_some() {
                break;
            }
        }
    }
}

/// Reads (a load asked for wins: it holds every change) or analyses the KB.
fn kb_body(jobs: Jobs<KbJob>, root: PathBuf, out: Sender<Action>) {
    let mut first = true;
    while let Some(batch) = jobs.next() {
        let (analyse, load) = newest(batch, |j| match j {
            KbJob::Analyse(kb, today) => Ok((kb, today)),
            KbJob::Load => Err(true),
        });
        let action = if load {
            if first && let Ok(cfg) = Config::load(&root) {
                // Temporary files killed writes left would show in `git status`.
                crate::store::sweep_temp_files(&root, &cfg);
            }
            first = false;
            match data::load_kb(&root) {
                Ok(kb) => Action::KbLoaded(Box::new(data::analyse(
                    Arc::new(kb),
                    crate::clock::today(),
                    true,
                ))),
                Err(e) => Action::KbFailed(format!("{e:#}")),
            }
        } else if let Some((kb, today)) = analyse {
            Action::KbLoaded(Box::new(data::analyse(kb, today, false)))
        } else {
            continue;
        };
        if out.send(action).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::data::FnBackend;
    use crate::tui::state::SearchOutcome;
    use std::time::Duration;

    #[test]
    fn worker_answers_the_newest_query() {
        let (gate_tx, gate_rx) = std::sync::mpsc::sync_channel::<()>(0);
        let (started_tx, started_rx) = std::sync::mpsc::sync_channel::<()>(1);
        let gate = std::sync::Mutex::new((gate_rx, started_tx));
        let w = Runner::start(
            PathBuf::from("/nonexistent"),
            Config::default(),
            move || {
                let f: Box<dyn Backend> = Box::new(FnBackend(move |q: &str, _| {
                    // The first query blocks until the test has queued two more.
                    if q == "a"
                        && let Ok(g) = gate.lock()
                    {
                        let _ = g.1.send(());
                        let _ = g.0.recv();
                    }
                    Ok(SearchOutcome {
                        total: q.len(),
                        ..SearchOutcome::default()
                    })
                }));
                Ok(f)
            },
        );
        let q = |id: u64, q: &str| Effect::Search {
            id,
            query: q.into(),
        };
        w.run(q(1, "a"));
        started_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        w.run(q(2, "ab"));
        w.run(q(3, "abc"));
        gate_tx.send(()).unwrap();
        let got: Vec<(u64, usize)> = (0..2)
            .map(
                |_| match w.results.recv_timeout(Duration::from_secs(5)).unwrap() {
                    Action::SearchDone { id, result } => (id, result.unwrap().total),
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(got, [(1, 1), (3, 3)]);
    }
}
