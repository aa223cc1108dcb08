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
    let (top, left, right) = regions(area, app.trends_scroll);

    // Incidents per month over as many recent months as fit, one bar per
    // severity in each; by quarter when most months hold one or none (a
    // barcode teaches nothing). Without colour, letters tell the bars apart.
    let bar_w: u16 = if th.color { 1 } else { 2 };
    let fit = (top.width.saturating_sub(2) as usize / (levels.len() * bar_w as usize + 2)).max(1);
    let (periods, unit) = periods(&st.per_month, fit);
    let mut chart = BarChart::default()
        .bar_width(bar_w)
        .bar_gap(0)
        .group_gap(2)
        .value_style(th.dim());
    for (label, counts) in &periods {
        let bars: Vec<Bar> = counts
            .iter()
            .zip(levels.iter())
            .enumerate()
            .map(|(i, (c, sev))| {
                let c = *c as u64;
                let text = match (c, th.color) {
                    (0, _) => String::new(),
                    (c, true) => c.to_string(),
                    (c, false) if c < 10 => format!("{}{c}", letter(i)),
                    (c, false) => c.to_string(),
                };
                Bar::default()
                    .value(c)
                    .text_value(text)
                    .style(Style::new().fg(th.severity_color(rank(sev))))
            })
            .collect();
        let label = label.clone();
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
    let title = vec![Span::raw(format!(
        " Incidents per {unit}, {} to {} ({} incident{}, {} near miss{}{left_out}) ",
        periods.first().map_or("", |p| p.0.as_str()),
        periods.last().map_or("", |p| p.0.as_str()),
        incidents,
        if incidents == 1 { "" } else { "s" },
        near_misses,
        if near_misses == 1 { "" } else { "es" }
    ))];
    // The legend on the bottom border, where the title cannot crowd it.
    let mut legend: Vec<Span> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if th.color {
                Span::styled(format!(" ■ {l}"), th.severity(Some(rank(l))))
            } else {
                Span::raw(format!(" {}={l}", letter(i)))
            }
        })
        .collect();
    legend.push(Span::raw(" "));
    frame.render_widget(
        chart.block(
            Block::default()
                .borders(Borders::ALL)
                .title(Line::from(title))
                .title_bottom(Line::from(legend)),
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
    // Error budgets: the current window of each SLO, as `lore slo` counts.
    if let Some(r) = app.slos.as_ref().filter(|r| !r.slos.is_empty()) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            " error budget spent, current window",
            th.dim(),
        )));
        for o in &r.slos {
            let w = o.windows.first();
            let pct = w.map_or(0.0, |w| w.consumed_percent);
            let style = if w.is_some_and(|w| w.over_budget) {
                th.error()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::raw(format!(" {:<24}", super::markdown::fit(&o.id, 24))),
                Span::styled(format!("{:>7}", crate::slo::percent(pct)), style),
                Span::styled(
                    format!(
                        " of {} / {}d",
                        crate::slo::minutes(o.budget_minutes),
                        o.window_days
                    ),
                    th.dim(),
                ),
            ]));
        }
    }
    let title = if app.slos.as_ref().is_some_and(|r| !r.slos.is_empty()) {
        " Durations and error budgets "
    } else {
        " Durations "
    };
    let p = Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title));
    frame.render_widget(p, right);
}

/// Rows the three panels need when stacked.
const PANEL_ROWS: [u16; 3] = [14, 9, 11];

/// Where the chart, the factors and the durations go: two rows of panels
/// when the tab is tall enough; stacked from panel `scroll` on otherwise
/// (`j`/`k` scroll the tab a panel at a time), the ones below left out.
pub fn regions(area: Rect, scroll: usize) -> (Rect, Rect, Rect) {
    if area.height >= 24 {
        let [top, bottom] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        return (top, left, right);
    }
    let mut out = [Rect::default(); 3];
    let mut y = area.y;
    let end = area.y + area.height;
    for i in scroll.min(2)..3 {
        if y >= end {
            break;
        }
        let h = PANEL_ROWS[i].min(end - y);
        out[i] = Rect::new(area.x, y, area.width, h);
        y += h;
    }
    (out[0], out[1], out[2])
}

/// The letter a severity's bars carry without colour: a, b, c…
fn letter(i: usize) -> char {
    (b'a' + (i % 26) as u8) as char
}

/// The periods the chart shows, at most `fit` of the newest: months, or
/// quarters when most months hold one incident or none. Labels are `24-03`
/// or `24-Q1`; counts follow the severities.
fn periods(
    months: &[crate::stats::MonthCount],
    fit: usize,
) -> (Vec<(String, Vec<usize>)>, &'static str) {
    let recent = &months[months.len().saturating_sub(fit)..];
    let sparse = recent.iter().filter(|m| m.incidents <= 1).count() * 4 > recent.len() * 3;
    if !sparse || recent.len() < 6 {
        let out = recent
            .iter()
            .map(|m| {
                (
                    m.month.get(2..).unwrap_or(&m.month).to_string(),
                    m.counts.clone(),
                )
            })
            .collect();
        return (out, "month");
    }
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for m in months {
        let (y, mo) = m.month.split_once('-').unwrap_or((&m.month, "01"));
        let q = (mo.parse::<usize>().unwrap_or(1) - 1) / 3 + 1;
        let label = format!("{}-Q{q}", y.get(2..).unwrap_or(y));
        match out.last_mut() {
            Some((l, c)) if *l == label => {
                for (a, b) in c.iter_mut().zip(&m.counts) {
                    *a += b;
                }
            }
            _ => out.push((label, m.counts.clone())),
        }
    }
    let keep = out.len().saturating_sub(fit);
    (out.split_off(keep), "quarter")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::MonthCount;

    fn month(m: &str, n: usize) -> MonthCount {
        MonthCount {
            month: m.into(),
            counts: vec![n, 0],
            incidents: n,
            near_misses: 0,
        }
    }

    #[test]
    fn a_short_tab_stacks_the_panels_and_scrolls_by_panel() {
        let tall = regions(Rect::new(0, 0, 100, 30), 0);
        assert!(
            tall.1.y == tall.2.y && tall.1.x < tall.2.x,
            "factors beside durations"
        );
        let short = Rect::new(0, 2, 80, 20);
        let (chart, factors, durations) = regions(short, 0);
        assert_eq!((chart.height, factors.height, durations.height), (14, 6, 0));
        let (chart, factors, durations) = regions(short, 1);
        assert_eq!((chart.height, factors.y, durations.height), (0, 2, 11));
    }

    #[test]
    fn sparse_months_become_quarters() {
        let months: Vec<MonthCount> = (1..=12)
            .map(|i| month(&format!("2024-{i:02}"), usize::from(i % 4 == 0)))
            .collect();
        let (p, unit) = periods(&months, 20);
        assert_eq!(unit, "quarter");
        let labels: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(labels, ["24-Q1", "24-Q2", "24-Q3", "24-Q4"]);
        assert_eq!((p[0].1.clone(), p[1].1.clone()), (vec![0, 0], vec![1, 0]));
        let busy: Vec<MonthCount> = (1..=12)
            .map(|i| month(&format!("2024-{i:02}"), 3))
            .collect();
        assert_eq!(periods(&busy, 20).1, "month");
    }
}
