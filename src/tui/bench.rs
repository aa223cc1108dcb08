//! Measurement mode for the benchmark script: with `LORE_BENCH_TUI=QUERY`
//! set, `lore` draws its first frame, waits for the background parse, then
//! types QUERY one key at a time through the real effects runner, drawing
//! each result, and exits printing how long each step took. Nothing here
//! runs otherwise.

use super::action::Action;
use super::app::update;
use super::input::Edit;
use super::model::App;
use super::runner::Runner;
use super::ui::{self, View};
use ratatui::DefaultTerminal;
use std::time::{Duration, Instant};

/// The environment variable that turns measurement on.
pub const VAR: &str = "LORE_BENCH_TUI";

/// The query to type, when measuring.
pub fn query() -> Option<String> {
    std::env::var(VAR).ok()
}

/// Applies `action` and hands its effects to the runner (no editor here).
fn apply(app: &mut App, runner: &Runner, action: Action) {
    for e in update(app, action) {
        let _ = runner.run(e);
    }
}

/// Waits for results until `done` says one was the awaited one.
fn wait(app: &mut App, runner: &Runner, done: impl Fn(&Action) -> bool) -> anyhow::Result<()> {
    loop {
        let a = runner.results.recv_timeout(Duration::from_secs(300))?;
        let last = done(&a);
        apply(app, runner, a);
        if last {
            return Ok(());
        }
    }
}

/// Types `query` key by key; each step is timed from the keystroke to the
/// frame showing its results. Returns the report.
pub fn run(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    runner: &Runner,
    view: &mut View,
    query: &str,
    start: Instant,
) -> anyhow::Result<String> {
    let first = start.elapsed();
    let mut report = format!("first frame: {:.1} ms\n", ms(first));
    // Type once the background parse is done: steady state.
    wait(app, runner, |a| {
        matches!(a, Action::KbLoaded(_) | Action::KbFailed(_))
    })?;
    let parsed = start.elapsed();
    if !query.is_empty() {
        apply(app, runner, Action::StartSearch);
        let mut times = Vec::new();
        for c in query.chars() {
            let t = Instant::now();
            apply(app, runner, Action::Input(Edit::Insert(c)));
            let id = app.search.sent;
            if app.search.shown < id {
                wait(
                    app,
                    runner,
                    |a| matches!(a, Action::SearchDone { id: got, .. } if *got >= id),
                )?;
            }
            terminal.draw(|f| {
                ui::draw(f, app, view);
            })?;
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
    }
    report.push_str(&format!(
        "whole KB parsed, linted and analysed in the background by: {:.0} ms\n",
        ms(parsed)
    ));
    Ok(report)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
