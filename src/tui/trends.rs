//! The Trends tab: incidents per month by severity, the most frequent
//! contributing factors, and time to detect / mitigate / resolve as median
//! and p90 (durations are skewed, so never a bare mean), from `lore::stats`.

use super::detail::duration;
use super::model::App;
use crate::stats::Distribution;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let empty = |frame: &mut Frame, msg: &str| {
        let p = Paragraph::new(Span::styled(format!("  {msg}"), th.dim()))
            .block(Block::default().borders(Borders::ALL).title(" Trends "));
        frame.render_widget(p, area);
    };
    let Some(st) = &app.stats else {
        return empty(frame, "reading the knowledge base…");
    };
    let incidents: usize = st.per_month.iter().map(|m| m.incidents).sum();
    let near_misses: usize = st.per_month.iter().map(|m| m.near_misses).sum();
    if incidents + near_misses == 0 {
        return empty(frame, "no postmortems yet — n drafts one");
    }
    let levels = &st.severities;
    let rank = |sev: &str| app.config.severity_rank(sev).unwrap_or(levels.len());
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);

    // Incidents per month over as many recent months as fit,
    // one bar per severity in each month.
    let fit = (top.width.saturating_sub(2) as usize / (levels.len() + 2)).max(1);
    let months = &st.per_month[st.per_month.len().saturating_sub(fit)..];
    let mut chart = BarChart::default()
        .bar_width(1)
        .bar_gap(0)
        .group_gap(2)
        .value_style(th.dim());
    for mc in months {
        let bars: Vec<Bar> = mc
            .counts
            .iter()
            .zip(levels.iter())
            .map(|(c, sev)| {
                let c = *c as u64;
                Bar::default()
                    .value(c)
                    .text_value(if c == 0 { String::new() } else { c.to_string() })
                    .style(Style::new().fg(th.severity_color(rank(sev))))
            })
            .collect();
        let label = mc.month.get(2..).unwrap_or(&mc.month).to_string();
        chart = chart.data(
            BarGroup::default()
                .label(Line::from(label).centered())
                .bars(&bars),
        );
    }
    // Drafts are left out, as in `lore stats` and on the site: said here.
    let drafts = st.summary.drafts_left_out;
    let left_out = match drafts {
        0 => String::new(),
        1 => ", 1 draft not counted".to_string(),
        n => format!(", {n} drafts not counted"),
    };
    let mut title = vec![Span::raw(format!(
        " Incidents per month ({} incident{}, {} near miss{}{left_out}) ",
        incidents,
        if incidents == 1 { "" } else { "s" },
        near_misses,
        if near_misses == 1 { "" } else { "es" }
    ))];
    title.extend(
        levels
            .iter()
            .map(|l| Span::styled(format!(" ■ {l}"), th.severity(Some(rank(l))))),
    );
    title.push(Span::raw(" "));
    frame.render_widget(
        chart.block(
            Block::default()
                .borders(Borders::ALL)
                .title(Line::from(title)),
        ),
        top,
    );

    // Top contributing factors.
    let rows = left.height.saturating_sub(2) as usize;
    let bars: Vec<Bar> = st
        .factor_quarters
        .rows
        .iter()
        .take(rows.max(1))
        .map(|fr| {
            Bar::default()
                .value(fr.total as u64)
                .label(Line::from(super::markdown::fit(&fr.name, 24)))
                .text_value(fr.total.to_string())
                .style(th.title())
        })
        .collect();
    let factors = BarChart::default()
        .direction(Direction::Horizontal)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Top contributing factors "),
        )
        .bar_width(1)
        .bar_gap(0)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(factors, left);

    // Durations.
    let cell = |v: Option<i64>| v.map(duration).unwrap_or_else(|| "-".into());
    let row = |name: &str, d: &Distribution, style: Style| {
        Line::from(vec![
            Span::styled(format!(" {name:<10}"), style),
            Span::raw(format!(
                "{:>8}{:>9}{:>6}",
                cell(d.median),
                cell(d.p90),
                d.count
            )),
        ])
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" {:<10}{:>8}{:>9}{:>6}", "time to", "median", "p90", "n"),
            th.bold(),
        )),
        row("detect", &st.ttd, Style::new()),
        row("mitigate", &st.ttm, Style::new()),
        row("resolve", &st.ttr, Style::new()),
        Line::default(),
        Line::from(Span::styled(" time to resolve by severity", th.dim())),
    ];
    for s in &st.by_severity {
        lines.push(row(
            &s.severity,
            &s.ttr,
            th.severity(Some(rank(&s.severity))),
        ));
    }
    let p =
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Durations "));
    frame.render_widget(p, right);
}
