//! The detail pane: a metadata header with durations, lint findings inline,
//! then the rendered Markdown body; in the list, a preview of the selected
//! document from its stored fields. Also the side panel of related
//! documents, backlinks and similar incidents.

use super::layout::Geometry;
use super::model::App;
use super::state::{Focus, OpenDoc, Screen};
use super::theme::Theme;
use crate::doc::{Doc, Level};
use crate::record::Record;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::sync::Arc;

/// The open document's lines, rendered once per revision and width: the
/// view's own memo (not the model's), so scrolling never renders Markdown.
#[derive(Default)]
pub struct Rendered {
    key: Option<(u64, u16, bool)>,
    lines: Arc<Vec<Line<'static>>>,
    /// Renders so far (tests check that scrolling renders nothing).
    pub count: usize,
}

impl Rendered {
    #[cfg(test)]
    pub fn text(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.to_string()).collect()
    }
}

/// Draws the pane and records in `g` how many lines it holds and the scroll
/// it was drawn at (clamped, kept at the end, or moved to reveal a line).
pub fn draw(frame: &mut Frame, app: &App, area: Rect, memo: &mut Rendered, g: &mut Geometry) {
    let th = &app.theme;
    let title = match (&app.open, app.selected_record()) {
        (Some(o), _) if app.screen == Screen::Read => format!(" {} ", o.doc.path.display()),
        (_, Some(_)) => " Preview — Enter opens ".to_string(),
        _ => String::new(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(app.focused(Focus::Detail)))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let reading = app.open.as_ref().filter(|_| app.screen == Screen::Read);
    let mut body = inner;
    if let Some(line) = reading.and_then(|o| live_line(app, &o.doc)) {
        frame.render_widget(Paragraph::new(line), Rect { height: 1, ..inner });
        body.y += 1;
        body.height = body.height.saturating_sub(1);
    }
    // A short pane (80x24) gets a compact header: the body starts sooner.
    let compact = inner.height < COMPACT_BELOW;
    let lines = lines_for(app, inner.width, memo, compact);
    let rows = body.height as usize;
    let max = lines.len().saturating_sub(rows);
    let scroll = match reading {
        Some(o) => {
            let found = o
                .reveal
                .as_deref()
                .and_then(|needle| find_line(&lines, needle));
            match found {
                Some(i) => i.saturating_sub(rows / 2).min(max),
                None if o.stick_end => max,
                None => o.scroll.min(max),
            }
        }
        None => app.preview_scroll.min(max),
    };
    g.doc_rev = reading.map(|o| o.rev);
    g.detail_lines = lines.len();
    g.detail_rows = rows;
    g.detail_scroll = scroll;
    let shown: Vec<Line> = lines.iter().skip(scroll).take(rows).cloned().collect();
    frame.render_widget(Paragraph::new(shown), body);
}

/// The first line holding the first words of `needle`.
fn find_line(lines: &[Line], needle: &str) -> Option<usize> {
    let words: String = needle
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() {
        return None;
    }
    lines.iter().position(|l| {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        text.contains(&words)
    })
}

/// For a live incident (started, not resolved): how long it has run and
/// which stamps are set, above the document.
fn live_line(app: &App, d: &Doc) -> Option<Line<'static>> {
    let m = &d.stamps;
    let started = m.started?;
    if m.resolved.is_some() || d.status() != crate::doc::Status::Draft {
        return None;
    }
    let secs = (app.now() - started.to_utc()).num_seconds();
    if !(0..=14 * 86_400).contains(&secs) {
        return None;
    }
    let th = &app.theme;
    let mark = |n: &str, t: Option<chrono::DateTime<chrono::FixedOffset>>| match t {
        Some(_) => Span::styled(format!("  ✓ {n}"), th.key()),
        None => Span::styled(format!("  · {n}"), th.dim()),
    };
    Some(Line::from(vec![
        Span::styled(" LIVE ", th.selected(true).patch(th.bold())),
        Span::styled(format!(" {} since started", duration(secs)), th.bold()),
        mark("detected (D)", m.detected),
        mark("mitigated (M)", m.mitigated),
        mark("resolved (R)", m.resolved),
    ]))
}

/// Rows of the pane below which the document header is compact.
const COMPACT_BELOW: u16 = 24;

/// Every line the pane would show at `width`, before scrolling.
fn lines_for(app: &App, width: u16, memo: &mut Rendered, compact: bool) -> Arc<Vec<Line<'static>>> {
    match (&app.open, app.screen) {
        (Some(o), Screen::Read) => {
            if memo.key != Some((o.rev, width, compact)) {
                memo.lines = Arc::new(doc_lines(app, o, width, compact));
                memo.key = Some((o.rev, width, compact));
                memo.count += 1;
            }
            Arc::clone(&memo.lines)
        }
        _ => Arc::new(match app.selected_record() {
            Some(r) if app.tab.kind().is_some() => preview_lines(app, r, width, compact),
            _ => Vec::new(),
        }),
    }
}

pub use crate::stats::human_duration as duration;

/// `name      value`, the value wrapped under itself.
fn field(out: &mut Vec<Line<'static>>, th: &Theme, width: u16, name: &str, value: String) {
    let avail = (width as usize).saturating_sub(10).max(10);
    for (i, l) in super::markdown::wrap(&[(value, Default::default())], avail)
        .into_iter()
        .enumerate()
    {
        let label = if i == 0 {
            format!("{name:<10}")
        } else {
            " ".repeat(10)
        };
        let mut spans = vec![Span::styled(label, th.dim())];
        spans.extend(l);
        out.push(Line::from(spans));
    }
}

fn badge_line(app: &App, r: &Record) -> Line<'static> {
    let th = &app.theme;
    let mut spans = Vec::new();
    if let Some(s) = &r.severity {
        spans.push(Span::styled(
            s.clone(),
            th.severity(app.severity_rank(Some(s))),
        ));
        spans.push(Span::styled(" · ", th.dim()));
    }
    spans.push(Span::styled(r.status.as_str(), th.status(r.status)));
    if let Some(d) = r.date {
        spans.push(Span::styled(" · ", th.dim()));
        spans.push(Span::raw(d.to_string()));
    }
    if r.near_miss {
        spans.push(Span::styled(" · near miss", th.warning()));
    }
    Line::from(spans)
}

fn factor_names(app: &App, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            app.config
                .factor(id)
                .map_or_else(|| id.clone(), |f| f.name.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn durations(r: &Record) -> Option<String> {
    let parts: Vec<String> = [
        ("detect", r.ttd_seconds),
        ("mitigate", r.ttm_seconds),
        ("resolve", r.ttr_seconds),
    ]
    .iter()
    .filter_map(|(n, s)| s.map(|s| format!("{n} {}", duration(s))))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Title, badges, services, factors, durations; tags and authors too
/// unless `compact`.
fn header(app: &App, r: &Record, width: u16, compact: bool) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut out = Vec::new();
    for l in super::markdown::wrap(&[(r.title.clone(), th.title())], width as usize) {
        out.push(Line::from(l));
    }
    out.push(badge_line(app, r));
    if !r.services.is_empty() {
        field(&mut out, th, width, "services", r.services.join(", "));
    }
    if !r.factors.is_empty() {
        field(
            &mut out,
            th,
            width,
            "factors",
            factor_names(app, &r.factors),
        );
    }
    if !r.tags.is_empty() && !compact {
        field(&mut out, th, width, "tags", r.tags.join(", "));
    }
    if !r.authors.is_empty() && !compact {
        field(&mut out, th, width, "authors", r.authors.join(", "));
    }
    if let Some(d) = durations(r) {
        field(&mut out, th, width, "time to", d);
    }
    out
}

fn preview_lines(app: &App, r: &Record, width: u16, compact: bool) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut out = header(app, r, width, compact);
    if !r.owners.is_empty() {
        field(&mut out, th, width, "owners", r.owners.join(", "));
    }
    out.push(Line::default());
    for l in super::markdown::wrap(&[(r.summary.clone(), Default::default())], width as usize) {
        out.push(Line::from(l));
    }
    out
}

fn doc_lines(app: &App, o: &OpenDoc, width: u16, compact: bool) -> Vec<Line<'static>> {
    let th = &app.theme;
    let d = &o.doc;
    let r = Record::from_doc(d);
    let mut out = header(app, &r, width, compact);
    if compact {
        // Impact, then a count of findings; the rest is in the body.
        if let Some(i) = d.meta.impact.as_ref().filter(|i| !i.trim().is_empty()) {
            field(&mut out, th, width, "impact", i.clone());
        }
        if !o.findings.is_empty() {
            let errors = o
                .findings
                .iter()
                .filter(|f| f.level == Level::Error)
                .count();
            let text = format!(
                "{} lint finding{} ({errors} error{}): a taller window lists them",
                o.findings.len(),
                if o.findings.len() == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" }
            );
            let style = if errors > 0 { th.error() } else { th.warning() };
            out.push(Line::from(Span::styled(
                super::markdown::fit(&text, width as usize),
                style,
            )));
        }
        return body_lines(out, th, d, width);
    }
    if let Some(owner) = &d.meta.owner {
        field(&mut out, th, width, "owner", owner.clone());
    }
    if let Some(i) = &d.meta.impact
        && !i.trim().is_empty()
    {
        field(&mut out, th, width, "impact", i.clone());
    }
    if let Some(t) = &d.meta.trigger
        && !t.trim().is_empty()
    {
        field(&mut out, th, width, "trigger", t.clone());
    }
    if let Some(s) = &d.meta.source
        && !s.trim().is_empty()
    {
        field(&mut out, th, width, "source", s.clone());
    }
    if let Some(t) = stamps(d) {
        field(&mut out, th, width, "timeline", t);
    }
    if !o.findings.is_empty() {
        out.push(Line::default());
        for f in o.findings.iter().take(FINDINGS_SHOWN) {
            let (mark, style) = match f.level {
                Level::Error => ("✖ ", th.error()),
                Level::Warning => ("⚠ ", th.warning()),
            };
            let at = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            let text = format!("{mark}{at}{}", f.message);
            for l in super::markdown::wrap(&[(text, style)], width as usize) {
                out.push(Line::from(l));
            }
        }
        if let Some(more) = o
            .findings
            .len()
            .checked_sub(FINDINGS_SHOWN)
            .filter(|n| *n > 0)
        {
            let text = format!(
                "… and {more} more: `lore lint {}` lists them all",
                d.path.display()
            );
            out.push(Line::from(Span::styled(
                super::markdown::fit(&text, width as usize),
                th.dim(),
            )));
        }
    }
    body_lines(out, th, d, width)
}

/// The header lists this many findings: 100,000 overdue items in one
/// document must not become 100,000 styled lines above the body.
const FINDINGS_SHOWN: usize = 12;

/// The rule under the header, then the rendered body.
fn body_lines(mut out: Vec<Line<'static>>, th: &Theme, d: &Doc, width: u16) -> Vec<Line<'static>> {
    out.push(Line::from(Span::styled(
        "─".repeat(width as usize),
        th.dim(),
    )));
    let (shown, rest) = viewable(&d.body);
    out.extend(super::markdown::render(shown, width, th));
    if rest > 0 {
        out.push(Line::from(Span::styled(
            format!(
                "… {} KB more not shown here (the viewer keeps to the first {} KB); `e` opens the whole file",
                rest / 1024,
                VIEW_BYTES / 1024
            ),
            th.dim(),
        )));
    }
    out
}

/// How much of a body the viewer renders: a styled line costs tens of times
/// its text, so a 30 MB log pasted into a postmortem must not cost gigabytes.
const VIEW_BYTES: usize = 1024 * 1024;

/// The part of `body` the viewer shows (cut at a line end) and how many
/// bytes it leaves out.
fn viewable(body: &str) -> (&str, usize) {
    if body.len() <= VIEW_BYTES {
        return (body, 0);
    }
    let mut cut = VIEW_BYTES;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = body[..cut].rfind('\n').map_or(cut, |i| i + 1);
    (&body[..cut], body.len() - cut)
}

/// `started 14:02 → detected 14:09 → resolved 16:10` in the KB's zone.
fn stamps(d: &Doc) -> Option<String> {
    let m = &d.stamps;
    let parts: Vec<String> = [
        ("started", m.started),
        ("detected", m.detected),
        ("mitigated", m.mitigated),
        ("resolved", m.resolved),
    ]
    .iter()
    .filter_map(|(n, t)| t.map(|t| format!("{n} {}", t.format("%m-%d %H:%M"))))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" → "))
}

/// The side panel's lines, each mapped to its entry (None for headings).
fn side_lines(app: &App, o: &OpenDoc, width: usize) -> (Vec<Line<'static>>, Vec<Option<usize>>) {
    let th = &app.theme;
    let mut lines = Vec::new();
    let mut map = Vec::new();
    let mut section = "";
    let sel = app.focused(Focus::Side);
    for (i, item) in o.side.iter().enumerate() {
        if item.section != section {
            if !section.is_empty() {
                lines.push(Line::default());
                map.push(None);
            }
            section = item.section;
            lines.push(Line::from(Span::styled(section.to_string(), th.bold())));
            map.push(None);
        }
        let note = if item.note.is_empty() {
            String::new()
        } else {
            format!("{} ", item.note)
        };
        let text = super::markdown::fit(&format!("{note}{}", item.title), width.saturating_sub(2));
        let mut line = Line::from(vec![Span::raw("  "), Span::raw(text)]);
        if i == o.side_selected && sel {
            line = line.style(th.selected(true));
        } else if item.target.is_none() {
            line = line.style(th.dim());
        }
        lines.push(line);
        map.push(Some(i));
        if let Some(d) = &item.detail {
            let text = super::markdown::fit(d, width.saturating_sub(4));
            lines.push(Line::from(Span::styled(format!("    {text}"), th.dim())));
            map.push(Some(i));
        }
    }
    if app.kb.is_none() {
        if !lines.is_empty() {
            lines.push(Line::default());
            map.push(None);
        }
        let msg = "finding similar incidents and backlinks…";
        lines.push(Line::from(Span::styled(msg, th.dim())));
        map.push(None);
    } else if !app.similar.contains_key(&o.doc.id) {
        if !lines.is_empty() {
            lines.push(Line::default());
            map.push(None);
        }
        lines.push(Line::from(Span::styled(
            "finding similar incidents…",
            th.dim(),
        )));
        map.push(None);
    } else if o.side.is_empty() {
        lines.push(Line::from(Span::styled("no related documents", th.dim())));
        map.push(None);
    }
    (lines, map)
}

/// Draws the side panel, scrolled to keep the selected entry in view, and
/// records in `g` which entry each drawn row shows.
pub fn draw_side(frame: &mut Frame, app: &App, area: Rect, g: &mut Geometry) {
    let Some(o) = &app.open else {
        return;
    };
    let th = &app.theme;
    let (lines, map) = side_lines(app, o, area.width.saturating_sub(2) as usize);
    let inner_h = area.height.saturating_sub(2) as usize;
    let sel_row = map
        .iter()
        .position(|m| *m == Some(o.side_selected))
        .unwrap_or(0);
    let offset = (sel_row + 1).saturating_sub(inner_h);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(app.focused(Focus::Side)))
        .title(" See also ");
    g.side_top = area.y + 1;
    g.side_rows = map.into_iter().skip(offset).take(inner_h).collect();
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(inner_h).collect();
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_huge_body_is_cut_at_a_line_end_and_says_how_much_is_left() {
        let body = "log line\n".repeat(300_000);
        let (shown, rest) = super::viewable(&body);
        assert!(shown.len() <= super::VIEW_BYTES && shown.ends_with('\n'));
        assert_eq!(shown.len() + rest, body.len());
        assert_eq!(super::viewable("short"), ("short", 0));
    }
}
