//! The `n` form (kind, title, severity, services, factors with completion
//! from the taxonomy, started now, date), the one-line prompts of `t`, `a`
//! and the stamps, and the action-item picker of Space in a document.

use super::input::Input;
use super::model::App;
use super::state::{FormField, ItemPicker, NewForm, Prompt, PromptKind};
use super::theme::Theme;
use crate::doc::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// An input with its cursor drawn when it has the keyboard.
fn input_spans(input: &Input, active: bool) -> Vec<Span<'static>> {
    let (before, after) = input.split();
    if !active {
        return vec![Span::raw(input.text.clone())];
    }
    let mut chars = after.chars();
    let cur = chars.next().map_or(" ".to_string(), String::from);
    vec![
        Span::raw(before.to_string()),
        Span::styled(cur, Style::new().add_modifier(Modifier::REVERSED)),
        Span::raw(chars.as_str().to_string()),
    ]
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2));
    let h = h.min(area.height.saturating_sub(2));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 3,
        w,
        h,
    )
}

fn label(th: &Theme, name: &str, active: bool) -> Span<'static> {
    let style = if active { th.key() } else { th.dim() };
    Span::styled(
        format!("{}{name:<10}", if active { "▸ " } else { "  " }),
        style,
    )
}

pub fn draw(frame: &mut Frame, app: &App, f: &NewForm) {
    let th = &app.theme;
    let suggestions = super::draft_form::factor_suggestions(app, f);
    let seen = seen_before(app, f, 72);
    let h =
        12 + suggestions.len().min(6) as u16 + u16::from(f.error.is_some()) * 2 + seen.len() as u16;
    let rect = centered(frame.area(), 76, h);
    frame.render_widget(Clear, rect);
    let is_pm = f.kind == Kind::Postmortem;
    let mut lines = Vec::new();
    for field in FormField::ALL {
        let active = f.field == field;
        let mut spans = vec![];
        match field {
            FormField::Kind => {
                spans.push(label(th, "kind", active));
                for k in [Kind::Postmortem, Kind::Runbook] {
                    let style = if k == f.kind {
                        th.selected(true)
                    } else {
                        th.dim()
                    };
                    spans.push(Span::styled(format!(" {} ", k.as_str()), style));
                    spans.push(Span::raw(" "));
                }
            }
            FormField::Title => {
                spans.push(label(th, "title", active));
                spans.extend(input_spans(&f.title, active));
            }
            FormField::Severity => {
                spans.push(label(th, "severity", active));
                if !is_pm {
                    spans.push(Span::styled("(postmortems only)", th.dim()));
                }
                let none_style = if f.severity.is_none() {
                    th.selected(true)
                } else {
                    th.dim()
                };
                if is_pm {
                    spans.push(Span::styled(" none ", none_style));
                    for (i, lvl) in app.config.severities.levels.iter().enumerate() {
                        spans.push(Span::raw(" "));
                        let style = if f.severity == Some(i) {
                            th.selected(true).patch(th.severity(Some(i)))
                        } else {
                            th.severity(Some(i))
                        };
                        spans.push(Span::styled(format!(" {lvl} "), style));
                    }
                }
            }
            FormField::Services => {
                spans.push(label(th, "services", active));
                spans.extend(input_spans(&f.services, active));
            }
            FormField::Factors => {
                spans.push(label(th, "factors", active));
                if is_pm {
                    spans.extend(input_spans(&f.factors, active));
                } else {
                    spans.push(Span::styled("(postmortems only)", th.dim()));
                }
            }
            FormField::Started => {
                spans.push(label(th, "started", active));
                if is_pm {
                    for (now, text) in [(false, "written later"), (true, "started now (live)")] {
                        let style = if f.started_now == now {
                            th.selected(true)
                        } else {
                            th.dim()
                        };
                        spans.push(Span::styled(format!(" {text} "), style));
                        spans.push(Span::raw(" "));
                    }
                } else {
                    spans.push(Span::styled("(postmortems only)", th.dim()));
                }
            }
            FormField::Date => {
                spans.push(label(th, "date", active));
                spans.extend(input_spans(&f.date, active));
            }
        }
        lines.push(Line::from(spans));
        if field == FormField::Factors && active && is_pm {
            for (i, s) in suggestions.iter().enumerate() {
                let name = app
                    .config
                    .factor(s)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let style = if i == 0 { th.key() } else { th.dim() };
                lines.push(Line::from(vec![
                    Span::raw("              "),
                    Span::styled(s.clone(), style),
                    Span::styled(format!("  {name}"), th.dim()),
                ]));
            }
        }
    }
    lines.extend(seen);
    lines.push(Line::default());
    if let Some(e) = &f.error {
        lines.push(Line::from(Span::styled(e.clone(), th.error())));
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        "Tab/↓ next field (Tab completes a factor) · ←→ choose · Enter create and edit · Esc cancel",
        th.dim(),
    )));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(" New document ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        rect,
    );
}

pub fn draw_prompt(frame: &mut Frame, app: &App, p: &Prompt) {
    let th = &app.theme;
    let rect = centered(frame.area(), 80, 5);
    frame.render_widget(Clear, rect);
    let (title, hint) = match p.kind {
        PromptKind::Timeline => (
            format!(" Timeline entry for {} ", p.doc_id),
            "time pre-filled (now), editable · goes in time order · Enter adds · Esc cancels",
        ),
        PromptKind::ActionItem => (
            format!(" Action item for {} ", p.doc_id),
            "text @owner due:YYYY-MM-DD #prevent|detect|mitigate|process · Enter adds · Esc cancels",
        ),
        PromptKind::Stamp(w) => (
            format!(" {} — {} ", w.entry(), p.doc_id),
            "the time: now, or edit it (HH:MM or YYYY-MM-DD HH:MM) · Enter stamps · Esc cancels",
        ),
    };
    let mut spans = vec![Span::styled("› ", th.key())];
    spans.extend(input_spans(&p.input, true));
    let lines = vec![
        Line::from(spans),
        Line::default(),
        Line::from(Span::styled(hint, th.dim())),
    ];
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(title);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// Space in a document: its action items, the selected one toggled by Space.
pub fn draw_items(frame: &mut Frame, app: &App, p: &ItemPicker) {
    let Some(o) = &app.open else {
        return;
    };
    let th = &app.theme;
    let items = &o.doc.action_items;
    let rect = centered(frame.area(), 84, items.len().min(12) as u16 + 4);
    frame.render_widget(Clear, rect);
    let inner_h = rect.height.saturating_sub(4) as usize;
    let offset = (p.selected + 1).saturating_sub(inner_h);
    let mut lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(inner_h)
        .map(|(i, a)| {
            let mark = if a.done { "[x] " } else { "[ ] " };
            let text = super::markdown::fit(&a.text, rect.width.saturating_sub(8) as usize);
            let line = Line::from(vec![Span::raw(format!(" {mark}")), Span::raw(text)]);
            if i == p.selected {
                line.style(th.selected(true))
            } else if a.done {
                line.style(th.dim())
            } else {
                line
            }
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        " ↑↓ choose · Space done / open again (commits) · Esc closes",
        th.dim(),
    )));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(format!(" Action items — {} ", o.doc.id));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// While drafting: the past incidents most like what the form holds, and
/// the runbooks of the services named (SPEC section 8: "have we seen this
/// before?" answered as the responder types).
fn seen_before(app: &App, f: &NewForm, width: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut out = Vec::new();
    if f.kind != Kind::Postmortem {
        return out;
    }
    let similar = app
        .similar
        .get(super::state::DRAFT_ID)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if !similar.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled("Seen before", th.bold())));
        for s in similar {
            let date = s.date.map(|d| d.to_string()).unwrap_or_default();
            let text = super::markdown::fit(&format!("{date} {}", s.title), width);
            out.push(Line::from(vec![Span::raw("  "), Span::raw(text)]));
        }
    }
    let services: Vec<String> = f
        .services
        .text
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let runbooks: Vec<&str> = app
        .records
        .iter()
        .filter(|r| r.kind == Kind::Runbook)
        .filter(|r| {
            r.services
                .iter()
                .any(|s| services.contains(&s.to_ascii_lowercase()))
        })
        .map(|r| r.id.as_str())
        .take(4)
        .collect();
    if !runbooks.is_empty() {
        let text = super::markdown::fit(&format!("Runbooks: {}", runbooks.join(", ")), width);
        out.push(Line::from(Span::styled(text, th.key())));
    }
    out
}
