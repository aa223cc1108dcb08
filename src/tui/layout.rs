//! Where each part of the screen lies, as a pure function of the model and
//! the terminal size, and the geometry a drawn frame hands back (how many
//! lines the detail pane holds, the scroll it was drawn at, which side-panel
//! entry each row shows) for scrolling and hit-testing. No drawing here and
//! no view code: the views read this, not the other way round.

use super::model::App;
pub use super::state::Geometry;
use super::state::{Screen, Tab};
use ratatui::layout::{Constraint, Layout, Rect};

/// Where each part of the screen is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub tabs: Rect,
    pub bar: Rect,
    pub list: Rect,
    /// Screen row of the first list row (below the border and header).
    pub list_first_row: u16,
    pub list_rows: usize,
    pub detail: Rect,
    pub side: Rect,
    pub status: Rect,
}

/// Lays out the screen for the current model.
pub fn areas(app: &App, area: Rect) -> Areas {
    let [tabs, bar, main, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_height(app, area.width)),
    ])
    .areas(area);
    let mut a = Areas {
        tabs,
        bar,
        status,
        ..Areas::default()
    };
    match (app.tab, app.screen) {
        (Tab::Trends, _) => a.detail = main,
        (Tab::Actions, _) => a.list = main,
        (_, Screen::Read) => {
            if main.width >= 80 {
                let side_w = (main.width / 3).clamp(28, 48);
                let [d, s] = Layout::horizontal([Constraint::Min(40), Constraint::Length(side_w)])
                    .areas(main);
                a.detail = d;
                a.side = s;
            } else {
                a.detail = main;
            }
        }
        (_, Screen::Browse) => {
            if main.width >= 140 {
                let [l, d] =
                    Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                        .areas(main);
                a.list = l;
                a.detail = d;
            } else {
                a.list = main;
            }
        }
    }
    if a.list.height > 0 {
        // Border and header row above the first row, border below the last.
        a.list_first_row = a.list.y + 2;
        a.list_rows = a.list.height.saturating_sub(3) as usize;
    }
    a
}

/// The status bar's left part (KB and document count) and right part.
pub fn status_parts(app: &App) -> (String, &'static str) {
    let docs = app.records.len();
    let left = format!(
        " {} │ {docs} document{} │ ",
        app.config.name,
        if docs == 1 { "" } else { "s" }
    );
    (left, " ? help  q quit ")
}

/// Rows of the status bar: one, or more so that a message (a commit note,
/// an error) is never cut: it then gets rows of its own above the bar.
pub fn status_height(app: &App, width: u16) -> u16 {
    let (left, right) = status_parts(app);
    let w = unicode_width::UnicodeWidthStr::width(app.message.as_str());
    let room = (width as usize).saturating_sub(left.chars().count() + right.len());
    if w <= room || width == 0 {
        1
    } else {
        1 + w.div_ceil(width as usize).min(3) as u16
    }
}

/// The layout at the model's terminal size.
pub fn screen(app: &App) -> Areas {
    areas(app, Rect::new(0, 0, app.size.0, app.size.1))
}

fn tab_label(app: &App, t: Tab) -> String {
    let n = match t {
        Tab::Postmortems => Some(app.count_kind(crate::doc::Kind::Postmortem)),
        Tab::Runbooks => Some(app.count_kind(crate::doc::Kind::Runbook)),
        Tab::Actions if app.kb.is_some() => Some(app.actions.rows.len()),
        _ => None,
    };
    match n {
        Some(n) => format!(" {} {} {} ", t.index() + 1, t.title(), n),
        None => format!(" {} {} ", t.index() + 1, t.title()),
    }
}

/// Column spans of the tabs in the tab bar (and their labels).
pub fn tab_columns(app: &App, area: Rect) -> Vec<(u16, u16, Tab, String)> {
    let mut x = area.x;
    Tab::ALL
        .iter()
        .map(|&t| {
            let label = tab_label(app, t);
            let w = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            let span = (x, x + w, t, label);
            x += w + 1;
            span
        })
        .collect()
}

/// The tab under column `x` of the tab bar.
pub fn tab_at(app: &App, tabs: Rect, x: u16) -> Option<Tab> {
    tab_columns(app, tabs)
        .into_iter()
        .find(|(start, end, _, _)| x >= *start && x < *end)
        .map(|(_, _, t, _)| t)
}
