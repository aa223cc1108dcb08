//! The terminal UI (SPEC section 8): an Elm-style model (`app`), the keymap,
//! one file per view, and the event loop here. A thin layer over the library;
//! it never touches tantivy, tera or gix types.

mod actions;
pub mod app;
mod bench;
mod data;
mod detail;
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
    let worker = search::Worker::start(move || backend);
    let mut terminal = terminal::init().context("cannot set up the terminal")?;
    let result = event_loop(&mut terminal, &mut app, &worker, (&kb_tx, &kb_rx), start);
    terminal::restore();
    if let Ok(Some(report)) = &result {
        eprint!("{report}");
    }
    result.map(|_| ExitCode::SUCCESS)
}

/// Parses the whole KB, lints it and computes its figures off the UI thread.
fn load_in_background(root: PathBuf, tx: Sender<Analysis>) {
    std::thread::spawn(move || {
        let loaded = data::load_kb(&root)
            .map(|kb| Box::new(data::analyse(Arc::new(kb), crate::clock::today())))
            .map_err(|e| format!("{e:#}"));
        let _ = tx.send(loaded);
    });
}

/// Starts the background work that writes asked for.
fn run_jobs(app: &mut App, worker: &search::Worker, tx: &Sender<Analysis>) {
    for job in std::mem::take(&mut app.jobs) {
        match job {
            Job::RefreshIndex => {
                worker.refresh();
                if app.search.active()
                    && let Some(Effect::Search { id, query }) = search::request(app)
                {
                    worker.send(id, query);
                }
            }
            Job::Reanalyse => {
                if let Some(kb) = app.kb.clone() {
                    let tx = tx.clone();
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
    worker: &search::Worker,
    (kb_tx, kb_rx): (&Sender<Analysis>, &Receiver<Analysis>),
    start: Instant,
) -> Result<Option<String>> {
    let size = terminal.size()?;
    update(app, Action::Resize(size.width, size.height));
    let bench = bench::query();
    let mut loading = false;
    loop {
        terminal.draw(|f| ui::draw(f, app))?;
        if !loading {
            // Parse the whole KB only once the first frame is up.
            load_in_background(app.root.clone(), kb_tx.clone());
            loading = true;
        }
        if let Some(q) = &bench {
            let first = start.elapsed();
            return bench::type_query(terminal, app, worker, q, first).map(Some);
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
                    handle(terminal, app, worker, action)?;
                }
                if app.should_quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok((id, result)) = worker.results.try_recv() {
            handle(terminal, app, worker, Action::SearchDone { id, result })?;
        }
        match kb_rx.try_recv() {
            Ok(Ok(loaded)) => handle(terminal, app, worker, Action::KbLoaded(loaded))?,
            Ok(Err(e)) => app.say(format!("error: {e}")),
            Err(_) => {}
        }
        run_jobs(app, worker, kb_tx);
    }
}

/// Runs one action and the work it asks for.
fn handle(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    worker: &search::Worker,
    action: Action,
) -> Result<()> {
    match update(app, action) {
        None | Some(Effect::Quit) => {}
        Some(Effect::Search { id, query }) => worker.send(id, query),
        Some(Effect::Edit(rel)) => {
            terminal::suspend().context("cannot hand the terminal to the editor")?;
            let result = crate::editor::edit(&app.root.join(&rel)).map_err(|e| e.to_string());
            terminal::resume(terminal).context("cannot take the terminal back from the editor")?;
            update(app, Action::EditorDone(result));
        }
    }
    Ok(())
}
