//! Drawing the whole screen: the frame around the views (tabs, the search
//! and filter bar, the status bar) and each view where `layout` puts it;
//! the geometry drawn is returned for the model. Views only read the model.

use super::layout::{Geometry, areas, tab_columns};
use super::model::App;
use super::state::{Overlay, Tab};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the view keeps between frames: its own memo of rendered lines.
#[derive(Default)]
pub struct View {
    rendered: super::detail::Rendered,
}

impl View {
    /// How many times an open document's Markdown was rendered.
    #[cfg(test)]
    pub fn renders(&self) -> usize {
        self.rendered.count
    }

    /// The open document's rendered lines as text, as last drawn.
    #[cfg(test)]
    pub fn lines(&self) -> Vec<String> {
        self.rendered.text()
    }
}

/// Draws the whole screen and returns where everything was drawn, for the
/// model (`Action::Drawn`).
pub fn draw(frame: &mut Frame, app: &App, view: &mut View) -> Geometry {
    let mut g = Geometry::default();
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
                super::detail::draw(frame, app, a.detail, &mut view.rendered, &mut g);
            }
            if a.side.height > 0 {
                super::detail::draw_side(frame, app, a.side, &mut g);
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
        Some(Overlay::Items(p)) => super::form::draw_items(frame, app, p),
        None => {}
    }
    clean_cells(frame.buffer_mut());
    g
}

/// Every cell through the one terminal sanitizer (`term::clean`), whichever
/// view drew it: a document's escape sequences and bidi overrides never
/// reach the terminal. Cheap: cells are a character or two.
pub(super) fn clean_cells(buf: &mut ratatui::buffer::Buffer) {
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
            for (g, vs) in filters {
                spans.push(Span::styled(format!("  {}:", g.label()), th.dim()));
                spans.push(Span::styled(vs.join("|"), th.key()));
            }
            if !s.active() {
                spans.push(Span::styled(format!("  · {}", app.sort.label()), th.dim()));
                // On this day in earlier years (Morgue's anniversary view),
                // found when the KB was analysed.
                if app.tab.kind() == Some(crate::doc::Kind::Postmortem)
                    && app.filter.is_empty()
                    && let Some((title, date)) = app.anniversaries.first()
                {
                    use chrono::Datelike;
                    let years = app.today().year() - date.year();
                    let more = match app.anniversaries.len() {
                        1 => String::new(),
                        n => format!(" and {} more", n - 1),
                    };
                    spans.push(Span::styled(
                        format!(
                            "  · on this day {years} year{} ago: {title}{more}",
                            if years == 1 { "" } else { "s" }
                        ),
                        th.warning(),
                    ));
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let (left, right) = super::layout::status_parts(app);
    let room = (area.width as usize).saturating_sub(left.chars().count() + right.len());
    let (msg, above) = if area.height > 1 {
        // The message has rows of its own, wrapped whole.
        let rows = Rect {
            height: area.height - 1,
            ..area
        };
        frame.render_widget(
            Paragraph::new(app.message.clone())
                .wrap(ratatui::widgets::Wrap { trim: false })
                .style(th.status_bar()),
            rows,
        );
        (String::new(), area.height - 1)
    } else {
        (super::markdown::fit(&app.message, room), 0)
    };
    let pad = room.saturating_sub(unicode_width::UnicodeWidthStr::width(msg.as_str()));
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(msg),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    let bar = Rect {
        y: area.y + above,
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(line).style(th.status_bar()), bar);
}
