//! The document list (date, severity, status, title, factors; search hits
//! with their highlighted snippet) and the facet picker.

use super::markdown::fit;
use super::model::App;
use super::state::{FacetPicker, Focus, RowRef};
use super::theme::Theme;
use crate::doc::Kind;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let kind = app.tab.kind().unwrap_or(Kind::Postmortem);
    let is_pm = kind == Kind::Postmortem;
    // Where the selection is: `3/29`, so a reader knows how far the list goes.
    let at = if app.rows.is_empty() {
        String::new()
    } else {
        format!("{}/", app.selected + 1)
    };
    let title = if app.search.active() {
        format!(" {at}{} matching ", app.rows.len())
    } else {
        let total = app.count_kind(kind);
        if app.rows.len() == total {
            format!(" {at}{} {} ", total, app.tab.title().to_lowercase())
        } else {
            format!(
                " {at}{} of {} {} ",
                app.rows.len(),
                total,
                app.tab.title().to_lowercase()
            )
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(app.focused(Focus::List)))
        .title(title);
    let cap = app.list_capacity();
    let height = app.row_height() as u16;
    let cols = columns(area.width, is_pm);
    let rows: Vec<Row> = app
        .rows
        .iter()
        .skip(app.offset)
        .take(cap)
        .filter_map(|&r| row(app, r, is_pm, &cols).map(|row| row.height(height)))
        .collect();
    let last = if is_pm { "FACTORS" } else { "SERVICES" };
    let services = if cols.services > 0 { "SERVICES" } else { "" };
    let header = if is_pm {
        Row::new(["DATE", "SEV", "STATUS", "TITLE", services, last])
    } else {
        Row::new(["REVIEWED", "", "STATUS", "TITLE", "", last])
    }
    .style(th.bold());
    let widths = [
        Constraint::Length(10),
        Constraint::Length(if is_pm { 4 } else { 0 }),
        Constraint::Length(9),
        Constraint::Length(cols.title as u16),
        Constraint::Length(cols.services as u16),
        Constraint::Length(cols.last as u16),
    ];
    let empty = app.rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(th.selected(app.focused(Focus::List) || app.search.typing));
    let mut state = TableState::default()
        .with_selected((!empty).then(|| app.selected.saturating_sub(app.offset)));
    frame.render_stateful_widget(table, area, &mut state);
    if empty {
        let msg = if app.search.active() && app.search.shown_query != app.search.input.text.trim() {
            "searching…"
        } else if app.search.active() {
            "no matches — try fewer words, or Esc to clear the search"
        } else if !app.filter.is_empty() {
            "nothing matches these filters — c clears them"
        } else {
            "no documents yet — n drafts one"
        };
        let inner = Rect::new(area.x + 2, area.y + 2, area.width.saturating_sub(4), 1);
        frame.render_widget(Paragraph::new(Span::styled(msg, th.dim())), inner);
    }
}

/// Widths of the list's text columns: the title gets what the fixed columns
/// and a bounded factors column leave; a services column joins when wide.
pub struct Columns {
    pub title: usize,
    pub services: usize,
    pub last: usize,
    /// Every factor listed, not the first and a count.
    pub wide: bool,
}

pub fn columns(width: u16, is_pm: bool) -> Columns {
    let inner = (width as usize).saturating_sub(2);
    // Date, severity, status and the five gaps between six columns.
    let fixed = 10 + if is_pm { 4 } else { 0 } + 9 + 5;
    let avail = inner.saturating_sub(fixed);
    let wide = width >= 100;
    let last = if wide {
        (avail / 4).min(34)
    } else {
        (avail / 4).min(18)
    };
    let services = if is_pm && width >= 140 {
        (avail / 6).min(24)
    } else {
        0
    };
    Columns {
        title: avail.saturating_sub(last + services),
        services,
        last,
        wide,
    }
}

/// Values joined to fit `width`: every one when they fit, else as many as
/// fit and how many more (`dns, deploy +2`); a cut value ends in `…`.
fn joined(values: &[String], width: usize, all: bool) -> String {
    let full = values.join(", ");
    if unicode_width::UnicodeWidthStr::width(full.as_str()) <= width || values.len() <= 1 {
        return fit(&full, width);
    }
    let first_and_count = |n: usize| {
        let shown = values[..n].join(", ");
        format!("{shown} +{}", values.len() - n)
    };
    let most = if all { values.len() - 1 } else { 1 };
    (1..=most)
        .rev()
        .map(first_and_count)
        .find(|s| unicode_width::UnicodeWidthStr::width(s.as_str()) <= width)
        .unwrap_or_else(|| fit(&first_and_count(1), width))
}

fn row<'a>(app: &'a App, r: RowRef, is_pm: bool, cols: &Columns) -> Option<Row<'a>> {
    let th = &app.theme;
    let rec = app.row_record(r)?;
    let date = rec
        .date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "-".into());
    let sev = rec.severity.clone().unwrap_or_default();
    let sev_style = th.severity(app.severity_rank(rec.severity.as_deref()));
    let values = if is_pm { &rec.factors } else { &rec.services };
    let last = joined(values, cols.last, cols.wide);
    // Every cut is marked: a title too long for its column ends in `…`.
    let mut title = vec![Line::from(fit(&rec.title, cols.title))];
    if let RowRef::Hit(i) = r
        && let Some(hit) = app.search.outcome.hits.get(i)
    {
        title.push(snippet_line(th, &hit.snippet, &hit.highlights, cols.title));
    }
    let services = if cols.services > 0 {
        joined(&rec.services, cols.services, true)
    } else {
        String::new()
    };
    Some(Row::new(vec![
        Cell::from(date),
        Cell::from(Span::styled(sev, sev_style)),
        Cell::from(Span::styled(rec.status.as_str(), th.status(rec.status))),
        Cell::from(Text::from(title)),
        Cell::from(Span::styled(services, th.dim())),
        Cell::from(Span::styled(last, th.dim())),
    ]))
}

/// A snippet on one line with the matched words highlighted.
/// When the first match lies beyond a third of `width` columns, the text
/// before it is cut at a word so the match shows.
pub fn snippet_line(
    th: &Theme,
    text: &str,
    highlights: &[std::ops::Range<usize>],
    width: usize,
) -> Line<'static> {
    let mut spans = Vec::new();
    let mut pos = 0;
    if let Some(first) = highlights.first()
        && let Some(before) = text.get(..first.start)
    {
        let lead = width / 3;
        let cols = unicode_width::UnicodeWidthStr::width(before);
        if cols > lead {
            // Start at the word boundary that leaves about `lead` columns.
            let mut start = first.start;
            let mut used = 0;
            for (i, c) in before.char_indices().rev() {
                used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if used > lead {
                    break;
                }
                if c == ' ' {
                    start = i + 1;
                }
            }
            spans.push(Span::styled("… ", th.dim()));
            pos = start;
        }
    }
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    for h in highlights {
        let (Some(start), Some(end)) = (
            text.get(..h.start).map(|_| h.start),
            text.get(..h.end).map(|_| h.end),
        ) else {
            continue;
        };
        if start < pos || end <= start {
            continue;
        }
        spans.push(Span::styled(clean(&text[pos..start]), th.dim()));
        spans.push(Span::styled(clean(&text[start..end]), th.highlight()));
        pos = end;
    }
    spans.push(Span::styled(clean(text.get(pos..).unwrap_or("")), th.dim()));
    Line::from(spans)
}

/// The facet picker: values present in the list with counts; active ones
/// marked.
pub fn draw_facets(frame: &mut Frame, app: &App, p: &FacetPicker) {
    let th = &app.theme;
    let area = frame.area();
    let w = 44.min(area.width.saturating_sub(4));
    let h = (p.entries.len() as u16 + 2)
        .min(area.height.saturating_sub(4))
        .max(3);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y + 2, w, h);
    frame.render_widget(Clear, rect);
    let inner_h = h.saturating_sub(2) as usize;
    let shown = p.shown();
    let offset = p.selected.saturating_sub(inner_h.saturating_sub(1));
    let lines: Vec<Line> = shown
        .iter()
        .map(|&i| &p.entries[i])
        .enumerate()
        .skip(offset)
        .take(inner_h)
        .map(|(i, e)| {
            let on = match e.group {
                super::state::FacetGroup::Owner => {
                    app.actions.owner.as_deref() == Some(e.value.as_str())
                }
                g => app
                    .filter
                    .get(&g)
                    .is_some_and(|vs| vs.iter().any(|v| v.eq_ignore_ascii_case(&e.value))),
            };
            let mark = if on { "● " } else { "○ " };
            let value_style = match e.group {
                super::state::FacetGroup::Severity => {
                    th.severity(app.config.severity_rank(&e.value))
                }
                _ => Style::new(),
            };
            let mut l = Line::from(vec![
                Span::styled(mark, if on { th.key() } else { th.dim() }),
                Span::styled(format!("{:<9}", e.group.label()), th.dim()),
                Span::styled(
                    format!("{:<24}", super::markdown::fit(&e.value, 24)),
                    value_style,
                ),
                Span::styled(format!("{:>5}", e.count), th.dim()),
            ]);
            if i == p.selected {
                l = l.style(th.selected(true));
            }
            l
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(if p.query.text.is_empty() {
            " Filter: type to narrow · Space/Enter toggle · Esc closes ".to_string()
        } else {
            format!(
                " Filter: {}▏ · {} shown · Esc closes ",
                p.query.text,
                shown.len()
            )
        });
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_take_the_room_and_every_cut_is_marked() {
        let narrow = columns(80, true);
        let wide = columns(200, true);
        assert!(wide.title > narrow.title && wide.services > 0 && narrow.services == 0);
        assert!(
            wide.title > wide.last + wide.services,
            "the title has priority"
        );
        let v: Vec<String> = ["config-change", "missing-alert", "dns"]
            .map(String::from)
            .into();
        assert_eq!(joined(&v, 40, true), "config-change, missing-alert, dns");
        assert_eq!(joined(&v, 31, true), "config-change, missing-alert +1");
        assert_eq!(joined(&v, 18, false), "config-change +2");
        assert!(joined(&v, 8, true).ends_with('…'));
    }

    fn plain(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn snippet_starts_near_the_first_match_when_it_lies_far_in() {
        let th = Theme { color: false };
        let text = "the query started at 02:10 and ran for hours while replica lag grew";
        let at = text.find("replica").unwrap();
        let l = snippet_line(&th, text, &[at..at + 7, at + 8..at + 11], 30);
        assert_eq!(plain(&l), "… while replica lag grew");
        let hl: Vec<&str> = l
            .spans
            .iter()
            .filter(|s| s.style == th.highlight())
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(hl, ["replica", "lag"]);
        // A match near the start keeps the whole text.
        let l = snippet_line(&th, "replica lag grew", &[0..7, 8..11], 30);
        assert_eq!(plain(&l), "replica lag grew");
    }
}
