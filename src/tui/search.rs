//! Search as you type: a worker thread that always runs the newest query
//! (stale ones are dropped unseen), and how its results reach the model.

use super::app::{App, Effect};
use super::data::{SearchFn, SearchOutcome};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

/// How many hits one query asks for; the list is filtered by tab and facets
/// afterwards, so this is generous.
pub const LIMIT: usize = 500;

/// The handle the event loop keeps: send queries, poll results.
pub struct Worker {
    tx: Sender<(u64, String)>,
    pub results: Receiver<(u64, Result<SearchOutcome, String>)>,
}

impl Worker {
    /// Starts the thread. `open` builds the search function on the worker
    /// (opening the index must not delay the first frame).
    pub fn start<F>(open: F) -> Worker
    where
        F: FnOnce() -> Result<Arc<SearchFn>, String> + Send + 'static,
    {
        let (tx, rx) = channel::<(u64, String)>();
        let (rtx, results) = channel();
        std::thread::spawn(move || {
            let search = open();
            while let Ok(mut req) = rx.recv() {
                // Newest wins: skip everything already superseded.
                loop {
                    match rx.try_recv() {
                        Ok(newer) => req = newer,
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => return,
                    }
                }
                let (id, query) = req;
                let result = match &search {
                    Ok(f) => f(&query, LIMIT),
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
        let _ = self.tx.send((id, query));
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
    Some(Effect::Search {
        id: app.search.sent,
        query,
    })
}

/// Shows results unless newer ones are already shown (results arrive in
/// order, so intermediate ones still appear while typing).
pub fn results(app: &mut App, id: u64, result: Result<SearchOutcome, String>) {
    if id < app.search.shown || !app.search.active() {
        return;
    }
    app.search.shown = id;
    match result {
        Ok(outcome) => {
            app.search.error = None;
            app.search.shown_query = app.search.input.text.trim().to_string();
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
            let f: Arc<SearchFn> = Arc::new(move |q: &str, _| {
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
            });
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
