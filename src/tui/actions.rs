//! The Actions tab: every action item across postmortems — done or open,
//! due date (red when overdue), owner, text and the postmortem it belongs to.

use super::model::App;
use super::state::Focus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let a = &app.actions;
    let title = format!(
        " {} {} action item{} ",
        a.rows.len(),
        a.show.label(),
        if a.rows.len() == 1 { "" } else { "s" }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.border(app.focused(Focus::List)))
        .title(title);
    let cap = area.height.saturating_sub(3) as usize;
    let rows: Vec<Row> = a
        .rows
        .iter()
        .skip(a.offset)
        .take(cap)
        .map(|r| {
            let (mark, mark_style) = if r.item.done {
                ("✔", th.done())
            } else {
                ("☐", th.open_item())
            };
            let due = r
                .item
                .due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into());
            let due_style = if r.overdue {
                th.error()
            } else {
                Default::default()
            };
            let owner = r
                .item
                .owner
                .as_deref()
                .map(|o| format!("@{o}"))
                .unwrap_or_else(|| "-".into());
            let kind = r.item.kind.map(|k| k.as_str()).unwrap_or("");
            Row::new(vec![
                Cell::from(Span::styled(mark, mark_style)),
                Cell::from(Span::styled(due, due_style)),
                Cell::from(owner),
                Cell::from(r.item.text.clone()),
                Cell::from(Span::styled(kind, th.dim())),
                Cell::from(Span::styled(r.doc_id.clone(), th.dim())),
            ])
        })
        .collect();
    let header = Row::new(["", "DUE", "OWNER", "ACTION", "TYPE", "POSTMORTEM"]).style(th.bold());
    let widths = [
        Constraint::Length(1),
        Constraint::Length(10),
        Constraint::Length(14),
        Constraint::Fill(3),
        Constraint::Length(8),
        Constraint::Fill(2),
    ];
    let empty = a.rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(th.selected(app.focused(Focus::List)));
    let mut state =
        TableState::default().with_selected((!empty).then(|| a.selected.saturating_sub(a.offset)));
    frame.render_stateful_widget(table, area, &mut state);
    if empty {
        let msg = if app.kb.is_none() {
            "loading action items…"
        } else {
            "no action items here — o shows open, overdue or all"
        };
        let inner = Rect::new(area.x + 2, area.y + 2, area.width.saturating_sub(4), 1);
        frame.render_widget(Paragraph::new(Span::styled(msg, th.dim())), inner);
    }
}
