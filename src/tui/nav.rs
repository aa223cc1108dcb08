//! `update` for the main screens (no overlay open): moving through lists,
//! opening documents, tabs, panes, the search bar and the mouse. No I/O and
//! no view code: clicks are mapped with the layout and the drawn geometry.

use super::action::Action;
use super::layout;
use super::model::App;
use super::opening::request_open;
use super::state::{ActionShow, Focus, Overlay, Screen, Sort, Tab};
use ratatui::layout::Position;
use std::path::PathBuf;

pub fn update(app: &mut App, action: Action) {
    if app.search.typing {
        match action {
            Action::Input(e) => {
                if app.search.input.apply(e)
                    && let Some(e) = super::search::request(app)
                {
                    app.effect(e);
                }
                return;
            }
            Action::Submit => {
                app.search.typing = false;
                app.focus = Focus::List;
                return open_selected(app);
            }
            Action::Back => {
                app.search.typing = false;
                return;
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Quit => {}
            Action::Scroll { .. } | Action::Click { .. } => {}
            _ => return,
        }
    }
    match action {
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::NextTab => go_tab(app, Tab::ALL[(app.tab.index() + 1) % 4]),
        Action::PrevTab => go_tab(app, Tab::ALL[(app.tab.index() + 3) % 4]),
        Action::GoTab(t) => go_tab(app, t),
        Action::Up => step(app, -1),
        Action::Down => step(app, 1),
        Action::PageUp => step(app, -(page(app) as isize)),
        Action::PageDown => step(app, page(app) as isize),
        Action::Top => step(app, isize::MIN / 2),
        Action::Bottom => step(app, isize::MAX / 2),
        Action::Open => open_selected(app),
        Action::Back => back(app),
        Action::NextPane => next_pane(app),
        Action::StartSearch => {
            if app.tab.kind().is_none() {
                go_tab(app, Tab::Postmortems);
            }
            app.screen = Screen::Browse;
            app.open = None;
            app.pending_open = None;
            app.back_stack.clear();
            app.focus = Focus::List;
            app.search.typing = true;
        }
        Action::CycleSort => {
            app.sort = match app.sort {
                Sort::Newest => Sort::Oldest,
                Sort::Oldest => Sort::Severity,
                Sort::Severity => Sort::Newest,
            };
            app.refresh_rows();
            let label = app.sort.label();
            app.say(format!("sorted {label}"));
        }
        Action::OpenFacets => super::overlay::open_facets(app),
        Action::ClearFilters => {
            if app.tab == Tab::Actions {
                app.actions.owner = None;
                app.refresh_actions();
            } else {
                app.filter.clear();
                app.refresh_rows();
                app.research();
            }
            app.say("filters cleared");
        }
        Action::CycleActionShow => {
            app.actions.show = match app.actions.show {
                ActionShow::Open => ActionShow::Overdue,
                ActionShow::Overdue => ActionShow::All,
                ActionShow::All => ActionShow::Open,
            };
            app.actions.selected = 0;
            app.actions.offset = 0;
            app.refresh_actions();
        }
        Action::New => super::draft_form::open_form(app),
        Action::EditDoc => super::writes::start_edit(app),
        Action::AddTimeline => super::writes::open_prompt(app, super::state::PromptKind::Timeline),
        Action::AddAction => super::writes::open_prompt(app, super::state::PromptKind::ActionItem),
        Action::Stamp(which) => super::writes::stamp(app, which),
        Action::ToggleActionItem => super::writes::toggle_action_item(app),
        Action::AdvanceStatus => super::writes::advance_status(app),
        Action::History => super::overlay::open_history(app),
        Action::Reload => super::opening::on_disk(app, &[]),
        Action::Scroll { x, y, down } => scroll_at(app, x, y, down),
        Action::Click { x, y } => click(app, x, y),
        Action::Quit => app.should_quit = true,
        _ => {}
    }
}

/// Lines or rows one PgUp/PgDn moves in the focused pane.
fn page(app: &App) -> usize {
    let reading = app.screen == Screen::Read || app.focus == Focus::Detail;
    if reading && app.tab.kind().is_some() {
        let a = layout::screen(app);
        return (a.detail.height as usize).saturating_sub(3).max(1);
    }
    app.list_capacity().saturating_sub(1).max(1)
}

fn go_tab(app: &mut App, t: Tab) {
    app.back_to = None;
    if app.tab == t {
        return;
    }
    app.tab = t;
    app.screen = Screen::Browse;
    app.open = None;
    app.focus = Focus::List;
    app.selected = 0;
    app.offset = 0;
    app.back_stack.clear();
    app.pending_open = None;
    app.refresh_rows();
    app.research();
}

/// Moves the selection or scrolls the focused pane by `delta` lines.
fn step(app: &mut App, delta: isize) {
    let mv = |v: usize, len: usize| -> usize {
        let max = len.saturating_sub(1) as isize;
        (v as isize).saturating_add(delta).clamp(0, max.max(0)) as usize
    };
    match (app.tab, app.screen, app.focus) {
        (Tab::Actions, _, _) => {
            app.actions.selected = mv(app.actions.selected, app.actions.rows.len());
            let cap = app.list_capacity();
            let a = &mut app.actions;
            if a.selected < a.offset {
                a.offset = a.selected;
            } else if a.selected >= a.offset + cap {
                a.offset = a.selected + 1 - cap;
            }
        }
        (Tab::Trends, _, _) => app.trends_scroll = mv(app.trends_scroll, 3),
        (_, Screen::Read, Focus::Side) => {
            if let Some(o) = app.open.as_mut() {
                o.side_selected = mv(o.side_selected, o.side.len());
            }
        }
        (_, Screen::Read, _) => {
            let max = app.detail_max_scroll();
            if let Some(o) = app.open.as_mut() {
                o.scroll = mv(o.scroll, max + 1);
            }
        }
        (_, Screen::Browse, Focus::Detail) => {
            let max = app.detail_max_scroll();
            app.preview_scroll = mv(app.preview_scroll, max + 1);
        }
        _ => {
            let before = app.selected;
            app.selected = mv(app.selected, app.rows.len());
            if app.selected != before {
                app.preview_scroll = 0;
            }
            app.clamp_offset();
        }
    }
}

/// Enter: open the selected document (list, side panel or action item).
fn open_selected(app: &mut App) {
    match (app.tab, app.screen, app.focus) {
        (Tab::Actions, Screen::Browse, _) => {
            if let Some(r) = app.actions.rows.get(app.actions.selected) {
                let (rel, line) = (PathBuf::from(&r.path), r.item.line);
                request_open(app, rel, crate::doc::Kind::Postmortem, Some(line));
            }
        }
        (_, Screen::Read, Focus::Side) => {
            let Some(o) = app.open.as_ref() else { return };
            if let Some((rel, kind)) = o.side.get(o.side_selected).and_then(|s| s.target.clone()) {
                // Following a link: Esc comes back here.
                super::opening::follow_link(app, rel, kind);
            }
        }
        (Tab::Trends, _, _) | (_, Screen::Read, _) => {}
        _ => {
            if let Some(r) = app.selected_record() {
                let (rel, kind) = (PathBuf::from(&r.path), r.kind);
                request_open(app, rel, kind, None);
            }
        }
    }
}

/// Esc: back to the document a link was followed from, else close the
/// document, then stop the search.
fn back(app: &mut App) {
    if app.screen == Screen::Read {
        if let Some(prev) = app.back_stack.pop() {
            let path = prev.doc.path.clone();
            app.open = Some(prev);
            super::opening::select_path(app, &path);
            // It may have changed meanwhile: the KB's parse is the newest.
            let newer = app.kb.as_ref().and_then(|kb| kb.by_path(&path).cloned());
            super::opening::reshow_open(app, newer);
            return;
        }
        app.screen = Screen::Browse;
        app.open = None;
        app.focus = Focus::List;
        app.clamp_offset();
        if let Some(t) = app.back_to.take() {
            go_tab(app, t);
        }
    } else if app.focus != Focus::List {
        app.focus = Focus::List;
    } else if app.search.active() {
        app.search.input = Default::default();
        if let Some(e) = super::search::request(app) {
            app.effect(e);
        }
    } else if app.tab == Tab::Actions && app.actions.owner.is_some() {
        app.actions.owner = None;
        app.refresh_actions();
    }
}

fn next_pane(app: &mut App) {
    app.focus = match (app.screen, app.focus) {
        (Screen::Read, Focus::Detail) => Focus::Side,
        (Screen::Read, _) => Focus::Detail,
        (Screen::Browse, Focus::List) if app.tab.kind().is_some() => Focus::Detail,
        _ => Focus::List,
    };
}

fn scroll_at(app: &mut App, x: u16, y: u16, down: bool) {
    let a = layout::screen(app);
    let p = Position::new(x, y);
    let old = app.focus;
    if a.detail.contains(p) {
        app.focus = Focus::Detail;
    } else if a.side.contains(p) {
        app.focus = Focus::Side;
    } else if a.list.contains(p) {
        app.focus = Focus::List;
    }
    step(app, if down { 3 } else { -3 });
    if app.screen == Screen::Browse {
        app.focus = old;
    }
}

fn click(app: &mut App, x: u16, y: u16) {
    let a = layout::screen(app);
    let p = Position::new(x, y);
    if a.tabs.contains(p) {
        if let Some(t) = layout::tab_at(app, a.tabs, x) {
            go_tab(app, t);
        }
        return;
    }
    if a.list.contains(p) && y >= a.list_first_row {
        let row = (y - a.list_first_row) as usize / app.row_height();
        if app.tab == Tab::Actions {
            let i = app.actions.offset + row;
            if i < app.actions.rows.len() {
                app.actions.selected = i;
            }
        } else if app.screen == Screen::Browse {
            let i = app.offset + row;
            if i < app.rows.len() {
                let again = i == app.selected;
                app.selected = i;
                app.preview_scroll = 0;
                app.focus = Focus::List;
                if again {
                    open_selected(app);
                }
            }
        }
    } else if a.detail.contains(p) {
        app.focus = Focus::Detail;
    } else if a.side.contains(p) {
        app.focus = Focus::Side;
        let i = app.geometry.side_item_at(y);
        if let (Some(o), Some(i)) = (app.open.as_mut(), i) {
            o.side_selected = i;
        }
    }
}
