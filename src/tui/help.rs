//! The `?` overlay: every key, from the keymap's own table.

use super::keymap::help_rows;
use super::model::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, scroll: usize) {
    let th = &app.theme;
    let rows = help_rows();
    let area = frame.area();
    let w = 84.min(area.width.saturating_sub(2));
    let h = (rows.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    // Scrolls only as far as the last row reaching the bottom.
    let room = h.saturating_sub(2) as usize;
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll.min(rows.len().saturating_sub(room)))
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<19}"), th.key()),
                Span::raw(*what),
            ])
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(true))
        .title(if rows.len() > room {
            " Keys — ↑↓ scroll · Esc closes "
        } else {
            " Keys — Esc closes "
        });
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
