//! The only place key and mouse events are matched: each event becomes an
//! `Action` according to what has the keyboard (a text field, an overlay or
//! the main screen).

use super::app::{Action, App, FormField, Overlay, Tab};
use super::input::Edit;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// What receives the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Main,
    /// A text field: the search bar or a prompt.
    Text,
    /// The new-document form (text fields and choices).
    Form {
        choice: bool,
    },
    Help,
    List,
}

pub fn context(app: &App) -> Context {
    match &app.overlay {
        Some(Overlay::Help { .. }) => Context::Help,
        Some(Overlay::Facets(_) | Overlay::History(_)) => Context::List,
        Some(Overlay::Prompt(_)) => Context::Text,
        Some(Overlay::Form(f)) => Context::Form {
            choice: matches!(f.field, FormField::Kind | FormField::Severity),
        },
        None if app.search.typing => Context::Text,
        None => Context::Main,
    }
}

/// Turns a terminal event into an action, if it means one.
pub fn map_event(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => map_key(context(app), app.tab, *k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll {
                x: m.column,
                y: m.row,
                down: true,
            }),
            MouseEventKind::ScrollUp => Some(Action::Scroll {
                x: m.column,
                y: m.row,
                down: false,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                x: m.column,
                y: m.row,
            }),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

/// Keys shared by every context: Ctrl-C quits from anywhere.
pub fn map_key(ctx: Context, tab: Tab, k: KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if let Some(a) = movement(ctx, k) {
        return Some(a);
    }
    match ctx {
        Context::Text => text_key(k),
        Context::Form { choice } => form_key(k, choice),
        Context::Help => match k.code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Enter => Some(Action::Back),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        },
        Context::List => match k.code {
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Char(' ') => Some(Action::ToggleFacet),
            KeyCode::Char('f') => Some(Action::Back),
            KeyCode::Char('h') => Some(Action::History),
            KeyCode::Char('c') => Some(Action::ClearFilters),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        },
        Context::Main => main_key(tab, k),
    }
}

/// Arrows, page keys and (outside text fields) `j`/`k`/`g`/`G`.
fn movement(ctx: Context, k: KeyEvent) -> Option<Action> {
    let typing = matches!(ctx, Context::Text | Context::Form { .. });
    Some(match k.code {
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home if !typing => Action::Top,
        KeyCode::End if !typing => Action::Bottom,
        KeyCode::Char('k') if !typing => Action::Up,
        KeyCode::Char('j') if !typing => Action::Down,
        KeyCode::Char('g') if !typing => Action::Top,
        KeyCode::Char('G') if !typing => Action::Bottom,
        _ => return None,
    })
}

fn edit_key(k: KeyEvent) -> Option<Edit> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char('u') if ctrl => Edit::ClearToStart,
        KeyCode::Char('w') if ctrl => Edit::DeleteWord,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char('h') if ctrl => Edit::Backspace,
        KeyCode::Char(c) if !ctrl => Edit::Insert(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        _ => return None,
    })
}

fn text_key(k: KeyEvent) -> Option<Action> {
    match k.code {
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Esc => Some(Action::Back),
        _ => edit_key(k).map(Action::Input),
    }
}

fn form_key(k: KeyEvent, choice: bool) -> Option<Action> {
    match k.code {
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Tab => Some(Action::Complete),
        KeyCode::BackTab => Some(Action::FormPrev),
        KeyCode::Left if choice => Some(Action::FormCycle(-1)),
        KeyCode::Right if choice => Some(Action::FormCycle(1)),
        _ => edit_key(k).map(Action::Input),
    }
}

fn main_key(tab: Tab, k: KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Esc => Action::Back,
        KeyCode::Enter => Action::Open,
        KeyCode::Tab | KeyCode::BackTab => Action::NextPane,
        KeyCode::Char('/') => Action::StartSearch,
        KeyCode::Char('1') => Action::GoTab(Tab::Postmortems),
        KeyCode::Char('2') => Action::GoTab(Tab::Runbooks),
        KeyCode::Char('3') => Action::GoTab(Tab::Actions),
        KeyCode::Char('4') => Action::GoTab(Tab::Trends),
        KeyCode::Char(']') | KeyCode::Right => Action::NextTab,
        KeyCode::Char('[') | KeyCode::Left => Action::PrevTab,
        KeyCode::Char('s') => Action::CycleSort,
        KeyCode::Char('f') => Action::OpenFacets,
        KeyCode::Char('c') => Action::ClearFilters,
        KeyCode::Char('o') if tab == Tab::Actions => Action::CycleActionShow,
        KeyCode::Char('n') => Action::New,
        KeyCode::Char('e') => Action::EditDoc,
        KeyCode::Char('t') => Action::AddTimeline,
        KeyCode::Char('a') => Action::AddAction,
        KeyCode::Char('D') => Action::Stamp(crate::lifecycle::Which::Detected),
        KeyCode::Char('M') => Action::Stamp(crate::lifecycle::Which::Mitigated),
        KeyCode::Char('R') => Action::Stamp(crate::lifecycle::Which::Resolved),
        KeyCode::Char(' ') if tab == Tab::Actions => Action::ToggleActionItem,
        KeyCode::Char('S') => Action::AdvanceStatus,
        KeyCode::Char('h') => Action::History,
        _ => return None,
    })
}

/// Every key, for the help overlay and the README: (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("↑ ↓  j k", "move in the list, scroll the document"),
    ("g G  Home End", "first / last"),
    ("PgUp PgDn", "a page up / down"),
    ("Enter", "open the selected document (or side-panel entry)"),
    (
        "Esc",
        "back: close the document, leave the search, clear it",
    ),
    ("Tab", "next pane: list ↔ preview, document ↔ side panel"),
    (
        "1 2 3 4  [ ]  ← →",
        "tabs: Postmortems, Runbooks, Actions, Trends",
    ),
    (
        "/",
        "search as you type (words, \"phrases\", field:value, -word, OR)",
    ),
    ("s", "sort: newest, oldest, most severe first"),
    (
        "f",
        "facets: filter by status, severity, service, factor (owner in Actions)",
    ),
    ("c", "clear filters"),
    ("o", "Actions tab: open, overdue or all items"),
    ("n", "new postmortem or runbook (form, then $EDITOR)"),
    ("e", "edit the document in $VISUAL / $EDITOR"),
    ("t", "timeline entry: a typed HH:MM or now, in time order"),
    ("a", "add an action item (@owner due:YYYY-MM-DD #type)"),
    ("D M R", "stamp detected / mitigated / resolved now"),
    ("Space", "Actions tab: mark the selected item done / open"),
    ("S", "status draft → review → published (lint-gated)"),
    (
        "h",
        "git history of the document; Enter shows a revision's diff",
    ),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
    (
        "mouse",
        "wheel scrolls, click selects, click again opens, click a tab",
    ),
    (
        "in forms",
        "Tab next field (completes a factor), ← → change a choice, Enter create",
    ),
    (
        "in text",
        "Ctrl-U clear, Ctrl-W delete word, Ctrl-A / Ctrl-E start / end",
    ),
];
