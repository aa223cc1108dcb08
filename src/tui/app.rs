//! `update`, the only place the model changes: each `Action` (a key, a
//! click, a resize, the geometry a frame was drawn at, a worker's result)
//! goes to the part that handles it; work for the outside world leaves as
//! `Effect`s. No I/O, no view code. The types are re-exported from the
//! modules below it for the event loop, the views' tests and the runner.

pub use super::action::{Action, Effect, Io, Saved, Write};
pub use super::model::{App, facet_values};
pub use super::state::*;
use super::theme::Theme;
use crate::config::Config;
use crate::record::Record;
use std::collections::HashMap;
use std::path::PathBuf;

impl App {
    /// A model over `records` (read from the index's stored fields, so
    /// start-up does not parse every file). `kb` may come later.
    pub fn new(root: PathBuf, config: Config, records: Vec<Record>, theme: Theme) -> App {
        let mut app = App {
            root,
            config,
            theme,
            records,
            kb: None,
            similar: HashMap::new(),
            findings: HashMap::new(),
            stats: None,
            slos: None,
            anniversaries: Vec::new(),
            tab: Tab::Postmortems,
            back_to: None,
            back_stack: Vec::new(),
            screen: Screen::Browse,
            focus: Focus::List,
            sort: Sort::Newest,
            filter: HashMap::new(),
            search: SearchState::default(),
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            preview_scroll: 0,
            open: None,
            next_rev: 0,
            overlay: None,
            actions: ActionsView {
                rows: Vec::new(),
                show: ActionShow::Open,
                owner: None,
                selected: 0,
                offset: 0,
            },
            message: String::new(),
            message_at: None,
            size: (100, 30),
            geometry: Geometry::default(),
            clock: None,
            fixed_today: None,
            draft_key: String::new(),
            trends_scroll: 0,
            pending_open: None,
            since_load: None,
            author: None,
            editing: None,
            outbox: Vec::new(),
            should_quit: false,
        };
        app.refresh_rows();
        app
    }
}

/// Applies one action to the model and returns the work it asks for. No
/// I/O: a test can drive it with an `App` built from records alone.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    dispatch(app, action);
    std::mem::take(&mut app.outbox)
}

fn dispatch(app: &mut App, action: Action) {
    match action {
        Action::Quit if app.overlay.is_none() => app.should_quit = true,
        Action::Resize(w, h) => {
            // A reader at the end of a document stays at its end.
            let max = app.detail_max_scroll();
            if let Some(o) = app.open.as_mut() {
                o.stick_end = o.scroll > 0 && o.scroll >= max;
            }
            app.size = (w, h);
            app.clamp_offset();
        }
        Action::Drawn(g) => drawn(app, g),
        Action::Tick => {
            let old = app
                .message_at
                .is_some_and(|t| (app.now() - t).num_seconds() >= super::model::MESSAGE_SECONDS);
            if old && !app.message.starts_with("error") {
                app.message.clear();
                app.message_at = None;
            }
        }
        Action::SearchDone { id, result } => super::search::results(app, id, result),
        Action::KbLoaded(loaded) => super::writes::loaded(app, *loaded),
        Action::KbFailed(e) => app.say(format!("error: {e}")),
        Action::SimilarDone(id, found) => {
            app.similar.insert(id.clone(), found);
            if app.open.as_ref().is_some_and(|o| o.doc.id == id) {
                super::opening::reshow_open(app, None);
            }
        }
        Action::Read { rel, item, result } => super::opening::opened(app, rel, item, result),
        Action::Wrote {
            rel,
            result,
            reveal,
        } => super::writes::wrote(app, &rel, result, reveal),
        Action::Created(result) => super::draft_form::created(app, result),
        Action::HistoryLoaded { rel, title, result } => {
            super::overlay::history_loaded(app, rel, title, result)
        }
        Action::DiffLoaded { commit, result } => super::overlay::diff_loaded(app, commit, result),
        Action::Changed(paths) => super::opening::on_disk(app, &paths),
        Action::Reread { rel, result } => super::writes::reread(app, &rel, result),
        Action::Saved(saved) => super::writes::saved(app, saved),
        other => {
            if app.overlay.is_some() {
                super::overlay::update(app, other)
            } else {
                super::nav::update(app, other)
            }
        }
    }
}

/// A frame was drawn: remember where, and take the scroll the detail pane
/// was drawn at (the view clamps it, keeps a reader at the end, reveals).
fn drawn(app: &mut App, g: Geometry) {
    if let Some(o) = app.open.as_mut()
        && g.doc_rev == Some(o.rev)
    {
        o.scroll = g.detail_scroll;
        o.stick_end = false;
        o.reveal = None;
    } else if app.open.is_none() {
        app.preview_scroll = app.preview_scroll.min(g.detail_max_scroll());
    }
    app.geometry = g;
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "view_tests.rs"]
mod view_tests;
