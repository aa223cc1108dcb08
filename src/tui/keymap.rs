//! The only place key and mouse events are matched: each event becomes an
//! `Action` according to what has the keyboard (a text field, an overlay or
//! the main screen).

use super::action::Action;
use super::input::Edit;
use super::model::App;
use super::state::{Overlay, Screen, Tab};
use crate::lifecycle::Which;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Everywhere, text fields included (arrows, page keys).
    Always,
    /// Outside text fields: lists, help, the main screen.
    NotTyping,
    /// The main screen.
    Main,
    /// The main screen, except while reading a document.
    Browsing,
    /// The main screen on the Actions tab.
    ActionsTab,
}

/// One key and what it does.
pub struct Key(pub KeyCode, pub When, pub fn() -> Action);

/// One row of the key table: the keys, as the help screen names them, and
/// what they do. Key handling and the help screen both read this table.
pub struct Binding {
    pub label: &'static str,
    pub help: &'static str,
    pub keys: &'static [Key],
}

use KeyCode::Char as C;
use When::{ActionsTab, Always, Browsing, Main, NotTyping};

/// Every key of the main screen and the lists, in the help screen's order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        label: "↑ ↓  j k",
        help: "move in the list, scroll the document",
        keys: &[
            Key(KeyCode::Up, Always, || Action::Up),
            Key(KeyCode::Down, Always, || Action::Down),
            Key(C('k'), NotTyping, || Action::Up),
            Key(C('j'), NotTyping, || Action::Down),
        ],
    },
    Binding {
        label: "g G  Home End",
        help: "first / last",
        keys: &[
            Key(C('g'), NotTyping, || Action::Top),
            Key(C('G'), NotTyping, || Action::Bottom),
            Key(KeyCode::Home, NotTyping, || Action::Top),
            Key(KeyCode::End, NotTyping, || Action::Bottom),
        ],
    },
    Binding {
        label: "PgUp PgDn",
        help: "a page up / down",
        keys: &[
            Key(KeyCode::PageUp, Always, || Action::PageUp),
            Key(KeyCode::PageDown, Always, || Action::PageDown),
        ],
    },
    Binding {
        label: "Enter",
        help: "open the selected document, side-panel entry or action item",
        keys: &[Key(KeyCode::Enter, Main, || Action::Open)],
    },
    Binding {
        label: "Esc",
        help: "back: to the linked-from document, close it, leave the search",
        keys: &[Key(KeyCode::Esc, Main, || Action::Back)],
    },
    Binding {
        label: "Tab",
        help: "next pane: list ↔ preview, document ↔ side panel",
        keys: &[
            Key(KeyCode::Tab, Main, || Action::NextPane),
            Key(KeyCode::BackTab, Main, || Action::NextPane),
        ],
    },
    Binding {
        label: "1 2 3 4  [ ]",
        help: "tabs: Postmortems, Runbooks, Actions, Trends",
        keys: &[
            Key(C('1'), Main, || Action::GoTab(Tab::Postmortems)),
            Key(C('2'), Main, || Action::GoTab(Tab::Runbooks)),
            Key(C('3'), Main, || Action::GoTab(Tab::Actions)),
            Key(C('4'), Main, || Action::GoTab(Tab::Trends)),
            Key(C(']'), Main, || Action::NextTab),
            Key(C('['), Main, || Action::PrevTab),
        ],
    },
    Binding {
        label: "← →",
        help: "previous / next tab (not while reading a document)",
        keys: &[
            Key(KeyCode::Left, Browsing, || Action::PrevTab),
            Key(KeyCode::Right, Browsing, || Action::NextTab),
        ],
    },
    Binding {
        label: "/",
        help: "search as you type (words, \"phrases\", field:value, -word, OR)",
        keys: &[Key(C('/'), Main, || Action::StartSearch)],
    },
    Binding {
        label: "s",
        help: "sort: newest, oldest, most severe first",
        keys: &[Key(C('s'), Main, || Action::CycleSort)],
    },
    Binding {
        label: "f",
        help: "facets: status, severity, service, factor; type to narrow",
        keys: &[Key(C('f'), Main, || Action::OpenFacets)],
    },
    Binding {
        label: "c",
        help: "clear filters",
        keys: &[Key(C('c'), Main, || Action::ClearFilters)],
    },
    Binding {
        label: "o",
        help: "Actions tab: open, overdue or all items",
        keys: &[Key(C('o'), ActionsTab, || Action::CycleActionShow)],
    },
    Binding {
        label: "n",
        help: "new postmortem or runbook: form (started now, date), $EDITOR",
        keys: &[Key(C('n'), Main, || Action::New)],
    },
    Binding {
        label: "e",
        help: "edit the document in $VISUAL / $EDITOR",
        keys: &[Key(C('e'), Main, || Action::EditDoc)],
    },
    Binding {
        label: "t",
        help: "timeline entry: time pre-filled, editable; in time order",
        keys: &[Key(C('t'), Main, || Action::AddTimeline)],
    },
    Binding {
        label: "a",
        help: "add an action item (@owner due:YYYY-MM-DD #type)",
        keys: &[Key(C('a'), Main, || Action::AddAction)],
    },
    Binding {
        label: "D M R",
        help: "stamp detected / mitigated / resolved (now, editable)",
        keys: &[
            Key(C('D'), Main, || Action::Stamp(Which::Detected)),
            Key(C('M'), Main, || Action::Stamp(Which::Mitigated)),
            Key(C('R'), Main, || Action::Stamp(Which::Resolved)),
        ],
    },
    Binding {
        label: "Space",
        help: "action item done / open (Actions tab; picker in a document)",
        keys: &[Key(C(' '), Main, || Action::ToggleActionItem)],
    },
    Binding {
        label: "S",
        help: "status draft → review → published (lint-gated)",
        keys: &[Key(C('S'), Main, || Action::AdvanceStatus)],
    },
    Binding {
        label: "h",
        help: "git history of the document; Enter shows a revision's diff",
        keys: &[Key(C('h'), Main, || Action::History)],
    },
    Binding {
        label: "r",
        help: "reload the KB (changes on disk also show by themselves)",
        keys: &[Key(C('r'), Main, || Action::Reload)],
    },
    Binding {
        label: "?",
        help: "this help",
        keys: &[Key(C('?'), Main, || Action::Help)],
    },
    Binding {
        label: "q  Ctrl-C",
        help: "quit",
        keys: &[Key(C('q'), NotTyping, || Action::Quit)],
    },
];

/// Help rows for what is not a key of the table above.
pub const NOTES: &[(&str, &str)] = &[
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

/// Every row of the help screen (and the README's key table).
pub fn help_rows() -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .map(|b| (b.label, b.help))
        .chain(NOTES.iter().copied())
        .collect()
}

/// The action of `k` in the table, where `applies` says a binding's place
/// is the current one.
fn lookup(k: KeyEvent, applies: impl Fn(When) -> bool) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl {
        return None;
    }
    BINDINGS
        .iter()
        .flat_map(|b| b.keys)
        .find(|key| key.0 == k.code && applies(key.1))
        .map(|key| (key.2)())
}

/// What receives the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Main {
        actions_tab: bool,
        reading: bool,
    },
    /// A text field: the search bar or a prompt.
    Text,
    /// The new-document form (text fields and choices).
    Form {
        choice: bool,
    },
    Help,
    List,
    /// The facet picker: typing narrows it, Space and Enter toggle.
    Facets,
}

pub fn context(app: &App) -> Context {
    match &app.overlay {
        Some(Overlay::Help { .. }) => Context::Help,
        Some(Overlay::Facets(_)) => Context::Facets,
        Some(Overlay::History(_) | Overlay::Items(_)) => Context::List,
        Some(Overlay::Prompt(_)) => Context::Text,
        Some(Overlay::Form(f)) => Context::Form {
            choice: f.field.is_choice(),
        },
        None if app.search.typing => Context::Text,
        None => Context::Main {
            actions_tab: app.tab == Tab::Actions,
            reading: app.screen == Screen::Read,
        },
    }
}

/// Turns a terminal event into an action, if it means one.
pub fn map_event(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => map_key(context(app), *k),
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

/// Keys shared by every context: Ctrl-C quits (a form or prompt takes it
/// as cancel).
pub fn map_key(ctx: Context, k: KeyEvent) -> Option<Action> {
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
        Context::Facets => match k.code {
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Char(' ') => Some(Action::ToggleFacet),
            _ => edit_key(k).map(Action::Input),
        },
        Context::Main {
            actions_tab,
            reading,
        } => lookup(k, |w| match w {
            Always | NotTyping | Main => true,
            Browsing => !reading,
            ActionsTab => actions_tab,
        }),
    }
}

/// Arrows and page keys everywhere; outside text fields `j`/`k`/`g`/`G`.
fn movement(ctx: Context, k: KeyEvent) -> Option<Action> {
    let typing = matches!(ctx, Context::Text | Context::Form { .. } | Context::Facets);
    let moves = [Action::Up, Action::Down, Action::PageUp, Action::PageDown];
    let a = lookup(k, |w| w == Always || (w == NotTyping && !typing))?;
    let is_move = moves
        .iter()
        .any(|m| std::mem::discriminant(m) == std::mem::discriminant(&a))
        || matches!(a, Action::Top | Action::Bottom);
    is_move.then_some(a)
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
