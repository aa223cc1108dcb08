//! The terminal UI (SPEC section 8): an Elm-style model (`app`), the keymap,
//! one file per view, and the event loop here. A thin layer over the library;
//! it never touches tantivy, tera or gix types.

mod action;
mod actions;
pub mod app;
mod bench;
mod data;
mod detail;
mod draft_form;
pub mod drill;
mod effects;
mod form;
mod help;
mod history;
mod input;
pub mod keymap;
mod layout;
mod list;
mod lists;
mod markdown;
mod model;
mod nav;
mod opening;
mod overlay;
mod runner;
mod search;
mod state;
mod terminal;
mod theme;
mod trends;
mod ui;
mod worker;
mod wrap;
mod writes;

#[cfg(test)]
mod core_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod test_kb;

use crate::doc::Kind;
use anyhow::{Context, Result};
use app::{Action, App, Effect, update};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event;
use runner::Runner;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Opens the terminal UI on the KB at `root` and runs it until the user quits.
pub fn run(root: &Path) -> Result<ExitCode> {
    let start = Instant::now();
    let config = crate::config::Config::load(root)?;
    let (records, backend) = data::open_index(root)?;
    let mut app = App::new(
        root.to_path_buf(),
        config.clone(),
        records,
        theme::Theme::from_env(),
    );
    app.author = data::user_name(root);
    app.fixed_today = crate::clock::fixed_today();
    let runner = Runner::start(root.to_path_buf(), config.clone(), move || backend);
    // Changes by other processes (another responder, `git pull`) come in as
    // `Action::Changed`; without a watcher, `r` reloads by hand.
    let out = runner.out.clone();
    let folders = crate::watch::Folders::of(&config, false);
    let _watcher = match crate::watch::start(root, folders, move |paths| {
        let _ = out.send(action::Action::Changed(paths));
    }) {
        Ok(w) => Some(w),
        Err(e) => {
            app.say(format!("not watching the files ({e}); r reloads"));
            None
        }
    };
    let mut terminal = terminal::init().context("cannot set up the terminal")?;
    let result = event_loop(&mut terminal, &mut app, &runner, start);
    terminal::restore();
    if let Ok(Some(report)) = &result {
        eprint!("{report}");
    }
    result.map(|_| ExitCode::SUCCESS)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    runner: &Runner,
    start: Instant,
) -> Result<Option<String>> {
    let mut view = ui::View::default();
    let size = terminal.size()?;
    handle(
        terminal,
        app,
        runner,
        Action::Resize(size.width, size.height),
    )?;
    let bench = bench::query();
    let mut loading = false;
    let mut tick = Instant::now();
    loop {
        let mut drawn = None;
        let area = terminal
            .draw(|f| drawn = Some(ui::draw(f, app, &mut view)))?
            .area;
        if let Some(g) = drawn {
            handle(terminal, app, runner, Action::Drawn(g))?;
        }
        // Resize events can arrive late or coalesce; the model follows the
        // size the frame was just drawn at.
        if (area.width, area.height) != app.size {
            handle(
                terminal,
                app,
                runner,
                Action::Resize(area.width, area.height),
            )?;
        }
        if !loading {
            // Parse the whole KB only once the first frame is up.
            handle(terminal, app, runner, Action::Changed(Vec::new()))?;
            app.message.clear();
            loading = true;
        }
        if let Some(q) = &bench {
            return bench::run(terminal, app, runner, &mut view, q, start).map(Some);
        }
        if app.should_quit {
            return Ok(None);
        }
        let waiting = app.search.sent > app.search.shown || app.message.ends_with('…');
        let timeout = Duration::from_millis(if waiting { 5 } else { 100 });
        if event::poll(timeout)? {
            // Handle every event already queued before drawing again.
            loop {
                let ev = event::read()?;
                if let Some(action) = keymap::map_event(app, &ev) {
                    handle(terminal, app, runner, action)?;
                }
                if app.should_quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok(action) = runner.results.try_recv() {
            handle(terminal, app, runner, action)?;
        }
        if tick.elapsed() >= Duration::from_secs(1) {
            tick = Instant::now();
            handle(terminal, app, runner, Action::Tick)?;
        }
    }
}

/// Runs one action and the work it asks for: background work goes to the
/// runner; the editor runs here, with the terminal handed over.
fn handle(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    runner: &Runner,
    action: Action,
) -> Result<()> {
    for effect in update(app, action) {
        let Some(effect) = runner.run(effect) else {
            continue;
        };
        let kind = app.editing.as_ref().map_or(Kind::Postmortem, |e| e.1);
        let edit = |p: &Path| crate::editor::edit(p).map_err(|e| e.to_string());
        terminal::suspend().context("cannot hand the terminal to the editor")?;
        let saved = match effect {
            Effect::EditExisting { rel, message } => {
                effects::existing_document(&app.root, &app.config, &rel, kind, &message, edit)
            }
            // `Edit`, the only other effect the runner hands back.
            other => {
                let rel = match other {
                    Effect::Edit(rel) => rel,
                    _ => unreachable!("the runner hands back only editor effects"),
                };
                let result = edit(&app.root.join(&rel));
                effects::new_document(&app.root, &app.config, &rel, kind, result)
            }
        };
        terminal::resume(terminal).context("cannot take the terminal back from the editor")?;
        handle(terminal, app, runner, Action::Saved(saved))?;
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
