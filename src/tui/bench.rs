//! Measurement mode for the benchmark script: with `LORE_BENCH_TUI=QUERY`
//! set, `lore` draws its first frame, then types QUERY one key at a time
//! through the real search worker, drawing each result, and exits printing
//! how long each step took. Nothing here runs otherwise.

use super::app::{Action, App, Effect, update};
use super::input::Edit;
use super::search::Worker;
use ratatui::DefaultTerminal;
use std::time::{Duration, Instant};

/// The environment variable that turns measurement on.
pub const VAR: &str = "LORE_BENCH_TUI";

/// The query to type, when measuring.
pub fn query() -> Option<String> {
    std::env::var(VAR).ok()
}

/// Types `query` key by key; each step is timed from the keystroke to the
/// frame showing its results. Returns the report.
pub fn type_query(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    worker: &Worker,
    query: &str,
    first_frame: Duration,
) -> anyhow::Result<String> {
    let mut report = format!("first frame: {:.1} ms\n", ms(first_frame));
    if query.is_empty() {
        return Ok(report);
    }
    update(app, Action::StartSearch);
    let mut times = Vec::new();
    for c in query.chars() {
        let t = Instant::now();
        if let Some(Effect::Search { id, query }) = update(app, Action::Input(Edit::Insert(c))) {
            worker.send(id, query);
            // Wait for this request's answer (newer ones cannot exist here).
            loop {
                let (got, result) = worker.results.recv_timeout(Duration::from_secs(30))?;
                update(app, Action::SearchDone { id: got, result });
                if got >= id {
                    break;
                }
            }
        }
        terminal.draw(|f| super::ui::draw(f, app))?;
        let d = t.elapsed();
        report.push_str(&format!(
            "keystroke {:?}: {:.1} ms, {} hits\n",
            app.search.input.text,
            ms(d),
            app.rows.len()
        ));
        times.push(d);
    }
    times.sort();
    let median = times[times.len() / 2];
    let max = times.last().copied().unwrap_or_default();
    report.push_str(&format!(
        "keystrokes: {} , median {:.1} ms, max {:.1} ms\n",
        times.len(),
        ms(median),
        ms(max)
    ));
    Ok(report)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
