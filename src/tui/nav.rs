//! `update` for the main screens (no overlay open): moving through lists,
//! opening documents, tabs, panes, the search bar and the mouse.

use super::app::{Action, ActionShow, App, Effect, Focus, Overlay, Screen, Sort, Tab};
use super::ui;
use ratatui::layout::{Position, Rect};

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    if app.search.typing {
        match action {
            Action::Input(e) => {
                if app.search.input.apply(e) {
                    return super::search::request(app);
                }
                return None;
            }
            Action::Submit => {
                app.search.typing = false;
                app.focus = Focus::List;
                return open_selected(app);
            }
            Action::Back => {
                app.search.typing = false;
                return None;
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Quit => {}
            Action::Scroll { .. } | Action::Click { .. } => {}
            _ => return None,
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
        Action::Open => return open_selected(app),
        Action::Back => back(app),
        Action::NextPane => next_pane(app),
        Action::StartSearch => {
            if app.tab.kind().is_none() {
                go_tab(app, Tab::Postmortems);
            }
            app.screen = Screen::Browse;
            app.open = None;
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
                app.jobs.push(super::app::Job::Research);
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
        Action::New => super::overlay::open_form(app),
        Action::EditDoc => return super::ops::start_edit(app),
        Action::AddTimeline => super::ops::open_prompt(app, super::app::PromptKind::Timeline),
        Action::AddAction => super::ops::open_prompt(app, super::app::PromptKind::ActionItem),
        Action::Stamp(which) => super::ops::stamp(app, which),
        Action::ToggleActionItem => super::ops::toggle_action_item(app),
        Action::AdvanceStatus => super::ops::advance_status(app),
        Action::History => super::overlay::open_history(app),
        Action::Scroll { x, y, down } => scroll_at(app, x, y, down),
        Action::Click { x, y } => return click(app, x, y),
        Action::Quit => {
            app.should_quit = true;
            return Some(Effect::Quit);
        }
        _ => {}
    }
    None
}

/// Lines or rows one PgUp/PgDn moves in the focused pane.
fn page(app: &App) -> usize {
    let reading = app.screen == Screen::Read || app.focus == Focus::Detail;
    if reading && app.tab.kind().is_some() {
        let a = ui::areas(app, Rect::new(0, 0, app.size.0, app.size.1));
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
    app.refresh_rows();
    app.jobs.push(super::app::Job::Research);
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
        (Tab::Trends, _, _) => {}
        (_, Screen::Read, Focus::Side) => {
            if let Some(o) = app.open.as_mut() {
                o.side_selected = mv(o.side_selected, o.side.len());
            }
        }
        (_, Screen::Read, _) => {
            let max = ui::detail_max_scroll(app);
            if let Some(o) = app.open.as_mut() {
                o.scroll = mv(o.scroll, max + 1);
            }
        }
        (_, Screen::Browse, Focus::Detail) => {
            let max = ui::detail_max_scroll(app);
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
fn open_selected(app: &mut App) -> Option<Effect> {
    let target = match (app.tab, app.screen, app.focus) {
        (Tab::Actions, _, _) => app.actions.rows.get(app.actions.selected).map(|r| {
            (
                std::path::PathBuf::from(&r.path),
                crate::doc::Kind::Postmortem,
            )
        }),
        (_, Screen::Read, Focus::Side) => app
            .open
            .as_ref()
            .and_then(|o| o.side.get(o.side_selected))
            .and_then(|s| s.target.clone()),
        (Tab::Trends, _, _) | (_, Screen::Read, _) => None,
        _ => app.selected_record().map(|r| {
            let kind = r.kind;
            (std::path::PathBuf::from(&r.path), kind)
        }),
    };
    if let Some((rel, kind)) = target {
        if app.tab == Tab::Actions {
            app.tab = Tab::Postmortems;
            app.back_to = Some(Tab::Actions);
            app.refresh_rows();
        }
        super::ops::open_path(app, &rel, kind);
        if app.open.is_some() {
            app.screen = Screen::Read;
            app.focus = Focus::Detail;
            select_path(app, &rel);
        }
    }
    None
}

/// Selects the list row of a path, if shown.
fn select_path(app: &mut App, rel: &std::path::Path) {
    let rel = rel.to_string_lossy();
    if let Some(i) = app
        .rows
        .iter()
        .position(|&r| app.row_record(r).is_some_and(|x| x.path == rel))
    {
        app.selected = i;
        app.clamp_offset();
    }
}

/// Esc: close the document, then stop the search.
fn back(app: &mut App) {
    if app.screen == Screen::Read {
        app.screen = Screen::Browse;
        app.open = None;
        app.focus = Focus::List;
        if let Some(t) = app.back_to.take() {
            go_tab(app, t);
        }
    } else if app.focus != Focus::List {
        app.focus = Focus::List;
    } else if app.search.active() {
        app.search.input = Default::default();
        let _ = super::search::request(app);
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
    let a = ui::areas(app, Rect::new(0, 0, app.size.0, app.size.1));
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

fn click(app: &mut App, x: u16, y: u16) -> Option<Effect> {
    let a = ui::areas(app, Rect::new(0, 0, app.size.0, app.size.1));
    let p = Position::new(x, y);
    if a.tabs.contains(p) {
        if let Some(t) = ui::tab_at(app, a.tabs, x) {
            go_tab(app, t);
        }
        return None;
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
                    return open_selected(app);
                }
            }
        }
    } else if a.detail.contains(p) {
        app.focus = Focus::Detail;
    } else if a.side.contains(p) {
        app.focus = Focus::Side;
        if let Some(o) = app.open.as_mut() {
            let i = ui::side_item_at(o, a.side, y);
            if let Some(i) = i {
                o.side_selected = i;
            }
        }
    }
    None
}
