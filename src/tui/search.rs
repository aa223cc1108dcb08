//! Search as you type: a worker thread that always runs the newest query
//! (stale ones are dropped unseen), and how its results reach the model.

use super::app::{App, Effect};
use super::data::SearchOutcome;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// How many hits one query asks for: a few screens of the list. The tab's
/// kind and the facets go into the query, so these are the best of the
/// right documents; more would only cost snippets nobody sees.
pub const LIMIT: usize = 100;

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

enum Request {
    Query(u64, String),
    Refresh,
}

/// The handle the event loop keeps: send queries, poll results.
pub struct Worker {
    tx: Sender<Request>,
    pub results: Receiver<(u64, Result<SearchOutcome, String>)>,
}

impl Worker {
    /// Starts the thread. `open` builds the backend on the worker, so
    /// opening the index never delays a frame.
    pub fn start<F>(open: F) -> Worker
    where
        F: FnOnce() -> Result<Box<dyn Backend>, String> + Send + 'static,
    {
        let (tx, rx) = channel::<Request>();
        let (rtx, results) = channel();
        std::thread::spawn(move || {
            let mut backend = open();
            while let Ok(first) = rx.recv() {
                // Newest wins: skip every query already superseded, but
                // keep a refresh so the next query sees the new text.
                let mut refresh = false;
                let mut query = None;
                let mut next = Some(first);
                while let Some(req) = next {
                    match req {
                        Request::Query(id, q) => query = Some((id, q)),
                        Request::Refresh => refresh = true,
                    }
                    next = match rx.try_recv() {
                        Ok(r) => Some(r),
                        Err(TryRecvError::Empty) => None,
                        Err(TryRecvError::Disconnected) => return,
                    };
                }
                if refresh && let Ok(b) = backend.as_mut() {
                    let _ = b.refresh();
                }
                let Some((id, q)) = query else { continue };
                let result = match &backend {
                    Ok(b) => b.search(&q, LIMIT),
                    Err(e) => Err(e.clone()),
                };
                if rtx.send((id, result)).is_err() {
                    return;
                }
            }
        });
        Worker { tx, results }
    }

    pub fn send(&self, id: u64, query: String) {
        let _ = self.tx.send(Request::Query(id, query));
    }

    /// Asks the worker to pick up written files before the next query.
    pub fn refresh(&self) {
        let _ = self.tx.send(Request::Refresh);
    }
}

/// The request for the current search text, or nothing when it is empty.
pub fn request(app: &mut App) -> Option<Effect> {
    app.search.sent += 1;
    let query = app.search.input.text.trim().to_string();
    if query.is_empty() {
        app.search.shown = app.search.sent;
        app.search.outcome = SearchOutcome::default();
        app.search.shown_query.clear();
        app.search.error = None;
        app.refresh_rows();
        return None;
    }
    app.search.pending.push((app.search.sent, query.clone()));
    Some(Effect::Search {
        id: app.search.sent,
        query: format!("{}{query}", scope(app)),
    })
}

/// Filters of the query language for the tab's kind and the active facets
/// (values holding spaces stay a filter of the list only).
fn scope(app: &App) -> String {
    let mut out = String::new();
    if let Some(kind) = app.tab.kind() {
        out.push_str(&format!("kind:{} ", kind.as_str()));
    }
    let mut facets: Vec<_> = app.filter.iter().collect();
    facets.sort_by_key(|(g, _)| g.label());
    for (g, v) in facets {
        if !v.is_empty() && !v.contains(char::is_whitespace) && !v.contains('"') {
            out.push_str(&format!("{}:{v} ", g.label()));
        }
    }
    out
}

/// Shows results unless newer ones are already shown (results arrive in
/// order, so intermediate ones still appear while typing).
pub fn results(app: &mut App, id: u64, result: Result<SearchOutcome, String>) {
    let query = app
        .search
        .pending
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, q)| q.clone());
    // Answers come in order: requests up to this one are settled.
    app.search.pending.retain(|(i, _)| *i > id);
    if id < app.search.shown || !app.search.active() {
        return;
    }
    app.search.shown = id;
    match result {
        Ok(outcome) => {
            app.search.error = None;
            app.search.shown_query = query.unwrap_or_default();
            app.search.outcome = outcome;
            app.selected = 0;
            app.offset = 0;
        }
        Err(e) => app.search.error = Some(e),
    }
    app.refresh_rows();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn worker_answers_the_newest_query() {
        let (gate_tx, gate_rx) = std::sync::mpsc::sync_channel::<()>(0);
        let (started_tx, started_rx) = std::sync::mpsc::sync_channel::<()>(1);
        let gate = std::sync::Mutex::new((gate_rx, started_tx));
        let w = Worker::start(move || {
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
        });
        w.send(1, "a".into());
        started_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        w.send(2, "ab".into());
        w.send(3, "abc".into());
        gate_tx.send(()).unwrap();
        let got: Vec<(u64, usize)> = (0..2)
            .map(|_| {
                let (id, r) = w.results.recv_timeout(Duration::from_secs(5)).unwrap();
                (id, r.unwrap().total)
            })
            .collect();
        assert_eq!(got, [(1, 1), (3, 3)]);
    }
}
