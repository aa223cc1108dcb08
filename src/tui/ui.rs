//! The screen layout and the frame around the views: tabs, the search and
//! filter bar, the status bar, and where each pane lies (also used to map
//! mouse clicks). Views only read the model.

use super::app::{App, Focus, Overlay, Screen, Tab};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
        Constraint::Length(1),
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

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let a = areas(app, frame.area());
    draw_tabs(frame, app, a.tabs);
    draw_bar(frame, app, a.bar);
    match app.tab {
        Tab::Trends => super::trends::draw(frame, app, a.detail),
        Tab::Actions => super::actions::draw(frame, app, a.list),
        _ => {
            if a.list.height > 0 {
                super::list::draw(frame, app, a.list);
            }
            if a.detail.height > 0 {
                super::detail::draw(frame, app, a.detail);
            }
            if a.side.height > 0 {
                super::detail::draw_side(frame, app, a.side);
            }
        }
    }
    draw_status(frame, app, a.status);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => super::help::draw(frame, app, *scroll),
        Some(Overlay::Facets(p)) => super::list::draw_facets(frame, app, p),
        Some(Overlay::Form(f)) => super::form::draw(frame, app, f),
        Some(Overlay::Prompt(p)) => super::form::draw_prompt(frame, app, p),
        Some(Overlay::History(h)) => super::history::draw(frame, app, h),
        None => {}
    }
    clean_cells(frame.buffer_mut());
}

/// Every cell through the one terminal sanitizer (`term::clean`), whichever
/// view drew it: a document's escape sequences and bidi overrides never
/// reach the terminal. Cheap: cells are a character or two.
fn clean_cells(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if let std::borrow::Cow::Owned(s) = crate::term::clean_line(cell.symbol()) {
            // A zero-width control riding on a visible character is dropped,
            // so the cell keeps its width; alone, it shows as its placeholder.
            let kept: String = s
                .chars()
                .filter(|c| !matches!(c, '�' | '\u{2400}'..='\u{2421}'))
                .collect();
            let sym = if kept.is_empty() { s } else { kept };
            cell.set_symbol(&sym);
        }
    }
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

/// Column spans of the tabs in the tab bar.
fn tab_columns(app: &App, area: Rect) -> Vec<(u16, u16, Tab, String)> {
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

fn draw_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let mut spans = Vec::new();
    for (_, _, t, label) in tab_columns(app, area) {
        let style = if t == app.tab {
            th.selected(true).patch(th.bold())
        } else {
            th.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let name = format!(" {} ", app.config.name);
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + name.chars().count());
    spans.push(Span::raw(" ".repeat(room)));
    spans.push(Span::styled(name, th.title()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_bar(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    match app.tab {
        Tab::Actions => {
            spans.push(Span::styled(" showing ", th.dim()));
            spans.push(Span::styled(app.actions.show.label(), th.bold()));
            spans.push(Span::styled(" items", th.dim()));
            if let Some(o) = &app.actions.owner {
                spans.push(Span::styled("  owner:", th.dim()));
                spans.push(Span::styled(o.clone(), th.key()));
            }
            spans.push(Span::styled(
                "   o open/overdue/all · f owner · c clear",
                th.dim(),
            ));
        }
        Tab::Trends => spans.push(Span::styled(
            " incidents, factors and durations across the knowledge base",
            th.dim(),
        )),
        _ => {
            let s = &app.search;
            if s.typing || s.active() {
                spans.push(Span::styled(" / ", th.key()));
                let (before, after) = s.input.split();
                spans.push(Span::raw(before.to_string()));
                if s.typing {
                    let mut chars = after.chars();
                    let cur = chars.next().map_or(" ".to_string(), String::from);
                    spans.push(Span::styled(
                        cur,
                        Style::new().add_modifier(ratatui::style::Modifier::REVERSED),
                    ));
                    spans.push(Span::raw(chars.as_str().to_string()));
                } else {
                    spans.push(Span::raw(after.to_string()));
                }
                if let Some(e) = &s.error {
                    spans.push(Span::styled(format!("  {e}"), th.error()));
                } else if s.active() && s.shown_query == s.input.text.trim() {
                    let n = app.rows.len();
                    let fuzzy = if s.outcome.fuzzy {
                        ", by similar spelling"
                    } else {
                        ""
                    };
                    // The index counts every match; the list holds the best.
                    let total = s.outcome.total.max(n);
                    let shown = if total > n {
                        format!("best {n} of ")
                    } else {
                        String::new()
                    };
                    spans.push(Span::styled(
                        format!(
                            "  {shown}{total} match{}{fuzzy}",
                            if total == 1 { "" } else { "es" }
                        ),
                        th.dim(),
                    ));
                }
            } else {
                spans.push(Span::styled(" / search", th.dim()));
            }
            let mut filters: Vec<_> = app.filter.iter().collect();
            filters.sort_by_key(|(g, _)| g.label());
            for (g, v) in filters {
                spans.push(Span::styled(format!("  {}:", g.label()), th.dim()));
                spans.push(Span::styled(v.clone(), th.key()));
            }
            if !s.active() {
                spans.push(Span::styled(format!("  · {}", app.sort.label()), th.dim()));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let docs = app.records.len();
    let left = format!(
        " {} │ {docs} document{} │ ",
        app.config.name,
        if docs == 1 { "" } else { "s" }
    );
    let right = " ? help  q quit ";
    let room = (area.width as usize).saturating_sub(left.chars().count() + right.len());
    let msg = super::markdown::fit(&app.message, room);
    let pad = room.saturating_sub(unicode_width::UnicodeWidthStr::width(msg.as_str()));
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(msg),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    frame.render_widget(Paragraph::new(line).style(th.status_bar()), area);
}

/// The furthest the detail pane can scroll at the current size.
pub fn detail_max_scroll(app: &App) -> usize {
    let a = areas(app, Rect::new(0, 0, app.size.0, app.size.1));
    if a.detail.height == 0 {
        return 0;
    }
    let inner_h = a.detail.height.saturating_sub(2) as usize;
    let lines = super::detail::lines_for(app, a.detail.width.saturating_sub(2)).len();
    lines.saturating_sub(inner_h)
}

/// The side-panel entry drawn at screen row `y`.
pub fn side_item_at(open: &super::app::OpenDoc, side: Rect, y: u16) -> Option<usize> {
    let rows = super::detail::side_rows(open);
    let row = y.checked_sub(side.y + 1)? as usize;
    rows.get(row).copied().flatten()
}

/// Whether a pane has the keyboard, for its border colour.
pub fn focused(app: &App, pane: Focus) -> bool {
    app.overlay.is_none() && !app.search.typing && app.focus == pane
}
