//! The terminal UI (SPEC section 8): an Elm-style model (`app`), the keymap,
//! one file per view, and the event loop here. A thin layer over the library;
//! it never touches tantivy, tera or gix types.

mod actions;
pub mod app;
mod bench;
mod data;
mod detail;
mod effects;
mod form;
mod help;
mod history;
mod input;
pub mod keymap;
mod list;
mod markdown;
mod nav;
mod ops;
mod overlay;
mod search;
mod similar;
mod state;
mod terminal;
mod theme;
mod trends;
mod ui;
mod wrap;

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod test_kb;

use crate::doc::Kind;
use anyhow::{Context, Result};
use app::{Action, App, Effect, Job, update};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

type Loaded = Box<data::Loaded>;
/// What the background analysis sends: the loaded KB or why it failed.
type Analysis = Result<Loaded, String>;

/// The threads the UI hands work to.
struct Workers {
    search: search::Worker,
    similar: similar::Worker,
    kb_tx: Sender<Analysis>,
    kb_rx: Receiver<Analysis>,
}

/// Opens the terminal UI on the KB at `root` and runs it until the user quits.
pub fn run(root: &Path) -> Result<ExitCode> {
    let start = Instant::now();
    let config = crate::config::Config::load(root)?;
    let (records, backend) = data::open_index(root)?;
    let mut app = App::new(
        root.to_path_buf(),
        config,
        records,
        theme::Theme::from_env(),
    );
    let (kb_tx, kb_rx) = channel();
    let workers = Workers {
        search: search::Worker::start(move || backend),
        similar: similar::Worker::start(),
        kb_tx,
        kb_rx,
    };
    let mut terminal = terminal::init().context("cannot set up the terminal")?;
    let result = event_loop(&mut terminal, &mut app, &workers, start);
    terminal::restore();
    if let Ok(Some(report)) = &result {
        eprint!("{report}");
    }
    result.map(|_| ExitCode::SUCCESS)
}

/// Parses the whole KB, lints it and computes its figures off the UI thread.
fn load_in_background(root: PathBuf, tx: Sender<Analysis>) {
    std::thread::spawn(move || {
        // Temporary files killed writes left would show in `git status`.
        if let Ok(cfg) = crate::config::Config::load(&root) {
            crate::store::sweep_temp_files(&root, &cfg);
        }
        let loaded = data::load_kb(&root)
            .map(|kb| Box::new(data::analyse(Arc::new(kb), crate::clock::today())))
            .map_err(|e| format!("{e:#}"));
        let _ = tx.send(loaded);
    });
}

fn research(app: &mut App, w: &Workers) {
    if app.search.active()
        && let Some(Effect::Search { id, query }) = search::request(app)
    {
        w.search.send(id, query);
    }
}

/// Starts the background work that actions asked for.
fn run_jobs(app: &mut App, w: &Workers) {
    for job in std::mem::take(&mut app.jobs) {
        match job {
            Job::RefreshIndex => {
                w.search.refresh();
                research(app, w);
            }
            Job::Research => research(app, w),
            Job::NewKb => {
                if let Some(kb) = app.kb.clone() {
                    w.similar.set_kb(kb);
                }
                // The open document needs its similar incidents again.
                if let Some(o) = &app.open {
                    w.similar.ask(o.doc.id.clone());
                }
            }
            Job::Similar(id) => w.similar.ask(id),
            Job::Reanalyse => {
                if let Some(kb) = app.kb.clone() {
                    let tx = w.kb_tx.clone();
                    let today = app.today();
                    std::thread::spawn(move || {
                        let _ = tx.send(Ok(Box::new(data::analyse(kb, today))));
                    });
                }
            }
        }
    }
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    w: &Workers,
    start: Instant,
) -> Result<Option<String>> {
    let size = terminal.size()?;
    update(app, Action::Resize(size.width, size.height));
    let bench = bench::query();
    let mut loading = false;
    loop {
        let area = terminal.draw(|f| ui::draw(f, app))?.area;
        // Resize events can arrive late or coalesce; the model follows the
        // size the frame was just drawn at.
        if (area.width, area.height) != app.size {
            update(app, Action::Resize(area.width, area.height));
        }
        if !loading {
            // Parse the whole KB only once the first frame is up.
            load_in_background(app.root.clone(), w.kb_tx.clone());
            loading = true;
        }
        if let Some(q) = &bench {
            let first = start.elapsed();
            // Type once the background parse is done: steady state.
            let loaded = w.kb_rx.recv_timeout(Duration::from_secs(300))?;
            let parsed = start.elapsed();
            if let Ok(l) = loaded {
                update(app, Action::KbLoaded(l));
            }
            let mut report = bench::type_query(terminal, app, &w.search, q, first)?;
            report.push_str(&format!(
                "whole KB parsed, linted and analysed in the background by: {:.0} ms\n",
                parsed.as_secs_f64() * 1000.0
            ));
            return Ok(Some(report));
        }
        if app.should_quit {
            return Ok(None);
        }
        let waiting = app.search.sent > app.search.shown;
        let timeout = Duration::from_millis(if waiting { 5 } else { 100 });
        if event::poll(timeout)? {
            // Handle every event already queued before drawing again.
            loop {
                let ev = event::read()?;
                if let Some(action) = keymap::map_event(app, &ev) {
                    handle(terminal, app, w, action)?;
                }
                if app.should_quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok((id, result)) = w.search.results.try_recv() {
            handle(terminal, app, w, Action::SearchDone { id, result })?;
        }
        while let Ok((id, found)) = w.similar.results.try_recv() {
            handle(terminal, app, w, Action::SimilarDone(id, found))?;
        }
        match w.kb_rx.try_recv() {
            Ok(Ok(loaded)) => handle(terminal, app, w, Action::KbLoaded(loaded))?,
            Ok(Err(e)) => app.say(format!("error: {e}")),
            Err(_) => {}
        }
        run_jobs(app, w);
    }
}

/// Runs one action and the work it asks for.
fn handle(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    w: &Workers,
    action: Action,
) -> Result<()> {
    match update(app, action) {
        None | Some(Effect::Quit) => {}
        Some(Effect::Search { id, query }) => w.search.send(id, query),
        Some(Effect::Edit(rel)) => {
            let kind = app.editing.as_ref().map_or(Kind::Postmortem, |e| e.1);
            terminal::suspend().context("cannot hand the terminal to the editor")?;
            let result = crate::editor::edit(&app.root.join(&rel)).map_err(|e| e.to_string());
            terminal::resume(terminal).context("cannot take the terminal back from the editor")?;
            let saved = effects::new_document(&app.root, &app.config, &rel, kind, result);
            update(app, Action::Saved(saved));
        }
        Some(Effect::EditExisting { rel, message }) => {
            let kind = app.editing.as_ref().map_or(Kind::Postmortem, |e| e.1);
            terminal::suspend().context("cannot hand the terminal to the editor")?;
            let saved =
                effects::existing_document(&app.root, &app.config, &rel, kind, &message, |p| {
                    crate::editor::edit(p).map_err(|e| e.to_string())
                });
            terminal::resume(terminal).context("cannot take the terminal back from the editor")?;
            update(app, Action::Saved(saved));
        }
    }
    Ok(())
}

/// The document renderer's output as plain text lines, one per terminal row,
/// for the fuzz target in `fuzz/` (no ratatui types leave this module).
#[doc(hidden)]
pub fn rendered_lines(md: &str, width: u16, color: bool) -> Vec<String> {
    markdown::render(md, width, &theme::Theme { color })
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}
