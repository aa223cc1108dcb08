//! The `h` overlay: the commits that touched a document, and the diff of
//! the selected one.

use super::model::App;
use super::state::HistoryView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, h: &HistoryView) {
    let th = &app.theme;
    let area = frame.area();
    let rect = Rect::new(
        area.x + 2,
        area.y + 2,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    frame.render_widget(Clear, rect);
    let inner_h = rect.height.saturating_sub(2) as usize;
    let (title, lines): (String, Vec<Line>) = match &h.diff {
        Some(diff) => {
            let c = h.commits.get(h.selected);
            let title = format!(
                " {} {} — Esc back ",
                c.map_or("", |c| c.short.as_str()),
                c.map_or("", |c| c.subject.as_str())
            );
            let lines = diff
                .iter()
                .skip(h.scroll)
                .take(inner_h)
                .map(|l| {
                    let style = if l.starts_with("+++") || l.starts_with("---") {
                        th.bold()
                    } else if l.starts_with('+') {
                        th.added()
                    } else if l.starts_with('-') {
                        th.removed()
                    } else if l.starts_with("@@") {
                        th.key()
                    } else {
                        Default::default()
                    };
                    Line::from(Span::styled(l.clone(), style))
                })
                .collect();
            (title, lines)
        }
        None => {
            let offset = (h.selected + 1).saturating_sub(inner_h);
            let lines = h
                .commits
                .iter()
                .enumerate()
                .skip(offset)
                .take(inner_h)
                .map(|(i, c)| {
                    let l = Line::from(vec![
                        Span::styled(format!("{} ", c.short), th.key()),
                        Span::styled(format!("{} ", c.date), th.dim()),
                        Span::styled(
                            format!("{:<18} ", super::markdown::fit(&c.author, 18)),
                            th.dim(),
                        ),
                        Span::raw(c.subject.clone()),
                    ]);
                    if i == h.selected {
                        l.style(th.selected(true))
                    } else {
                        l
                    }
                })
                .collect();
            (
                format!(
                    " History of {} — Enter shows the diff, Esc closes ",
                    h.title
                ),
                lines,
            )
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(title);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
