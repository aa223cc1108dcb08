//! The `?` overlay: every key, from the keymap's own table.

use super::app::App;
use super::keymap::HELP;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, scroll: usize) {
    let th = &app.theme;
    let area = frame.area();
    let w = 84.min(area.width.saturating_sub(2));
    let h = (HELP.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let lines: Vec<Line> = HELP
        .iter()
        .skip(scroll.min(HELP.len().saturating_sub(1)))
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
        .title(" Keys — Esc closes ");
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
