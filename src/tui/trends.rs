//! The Trends tab: incidents per month by severity, the most frequent
//! contributing factors, and time to detect / resolve as medians and p90
//! (durations are skewed, so never a bare mean), from the stored fields.

use super::app::App;
use super::detail::duration;
use crate::record::Record;
use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};

/// A distribution of durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    pub n: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Spread {
    fn of(mut v: Vec<i64>) -> Spread {
        v.retain(|s| *s >= 0);
        v.sort_unstable();
        let pick = |q: f64| -> Option<i64> {
            if v.is_empty() {
                return None;
            }
            // Nearest rank.
            let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
            v.get(rank - 1).copied()
        };
        Spread {
            n: v.len(),
            median: pick(0.5),
            p90: pick(0.9),
        }
    }
}

/// The figures the tab draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub incidents: usize,
    pub near_misses: usize,
    /// (`YYYY-MM`, counts per severity level, then unrated) for the last
    /// twelve months up to the newest incident.
    pub months: Vec<(String, Vec<u64>)>,
    /// Factor ids with the number of postmortems naming them, most first.
    pub factors: Vec<(String, u64)>,
    pub ttd: Spread,
    pub ttr: Spread,
    /// (severity, time to detect, time to resolve).
    pub by_severity: Vec<(String, Spread, Spread)>,
}

/// Computes the figures over the postmortems among `records`.
pub fn figures(records: &[Record], levels: &[String]) -> Figures {
    let pms: Vec<&Record> = records.iter().filter(|r| r.kind == "postmortem").collect();
    let mut f = Figures {
        incidents: pms.iter().filter(|r| !r.near_miss).count(),
        near_misses: pms.iter().filter(|r| r.near_miss).count(),
        ..Figures::default()
    };
    let rank = |r: &Record| {
        r.severity
            .as_deref()
            .and_then(|s| levels.iter().position(|l| l.eq_ignore_ascii_case(s)))
            .unwrap_or(levels.len())
    };
    if let Some(last) = pms.iter().filter_map(|r| r.date).max() {
        let mut month = NaiveDate::from_ymd_opt(last.year(), last.month(), 1).unwrap_or(last);
        let mut months = Vec::new();
        for _ in 0..12 {
            months.push(month);
            month = month.pred_opt().map_or(month, |d| {
                NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d)
            });
        }
        months.reverse();
        for m in months {
            let mut counts = vec![0u64; levels.len() + 1];
            for r in pms.iter().filter(|r| !r.near_miss) {
                if r.date
                    .is_some_and(|d| d.year() == m.year() && d.month() == m.month())
                {
                    counts[rank(r)] += 1;
                }
            }
            f.months.push((m.format("%Y-%m").to_string(), counts));
        }
    }
    let mut factors: std::collections::BTreeMap<&str, u64> = Default::default();
    for r in &pms {
        for fa in &r.factors {
            *factors.entry(fa.as_str()).or_default() += 1;
        }
    }
    let mut factors: Vec<(String, u64)> = factors
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    factors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    f.factors = factors;
    f.ttd = Spread::of(pms.iter().filter_map(|r| r.ttd_seconds).collect());
    f.ttr = Spread::of(pms.iter().filter_map(|r| r.ttr_seconds).collect());
    for (i, lvl) in levels.iter().enumerate() {
        let of = |get: fn(&Record) -> Option<i64>| {
            Spread::of(
                pms.iter()
                    .filter(|r| rank(r) == i)
                    .filter_map(|r| get(r))
                    .collect(),
            )
        };
        let ttd = of(|r| r.ttd_seconds);
        let ttr = of(|r| r.ttr_seconds);
        if ttd.n + ttr.n > 0 {
            f.by_severity.push((lvl.clone(), ttd, ttr));
        }
    }
    f
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = &app.theme;
    let levels = &app.config.severities.levels;
    let f = figures(&app.records, levels);
    if f.incidents + f.near_misses == 0 {
        let p = Paragraph::new(Span::styled(
            "  no postmortems yet — n drafts one",
            th.dim(),
        ))
        .block(Block::default().borders(Borders::ALL).title(" Trends "));
        frame.render_widget(p, area);
        return;
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);

    // Incidents per month, one bar per severity in each month.
    let groups: Vec<BarGroup> = f
        .months
        .iter()
        .map(|(m, counts)| {
            let bars: Vec<Bar> = counts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < levels.len() || counts[levels.len()] > 0)
                .map(|(i, c)| {
                    Bar::default()
                        .value(*c)
                        .text_value(if *c == 0 {
                            String::new()
                        } else {
                            c.to_string()
                        })
                        .style(Style::new().fg(th.severity_color(i)))
                })
                .collect();
            BarGroup::default()
                .label(Line::from(m.get(2..).unwrap_or(m).to_string()).centered())
                .bars(&bars)
        })
        .collect();
    let legend: Vec<Span> = levels
        .iter()
        .enumerate()
        .flat_map(|(i, l)| [Span::styled(format!(" ■ {l}"), th.severity(Some(i)))])
        .collect();
    let mut title = vec![Span::raw(format!(
        " Incidents per month ({} incident{}, {} near miss{}) ",
        f.incidents,
        if f.incidents == 1 { "" } else { "s" },
        f.near_misses,
        if f.near_misses == 1 { "" } else { "es" }
    ))];
    title.extend(legend);
    title.push(Span::raw(" "));
    let mut chart = BarChart::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(Line::from(title)),
        )
        .bar_width(1)
        .bar_gap(0)
        .group_gap(2)
        .value_style(th.dim());
    for g in groups {
        chart = chart.data(g);
    }
    frame.render_widget(chart, top);

    // Top contributing factors.
    let rows = left.height.saturating_sub(2) as usize;
    let bars: Vec<Bar> = f
        .factors
        .iter()
        .take(rows.max(1))
        .map(|(id, n)| {
            let name = app
                .config
                .factor(id)
                .map_or(id.as_str(), |fa| fa.name.as_str());
            Bar::default()
                .value(*n)
                .label(Line::from(super::markdown::fit(name, 24)))
                .text_value(n.to_string())
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
    let row = |name: &str, ttd: &Spread, ttr: &Spread, style: Style| {
        Line::from(vec![
            Span::styled(format!(" {name:<6}"), style),
            Span::raw(format!(
                "{:>7}{:>8}{:>4} │",
                cell(ttd.median),
                cell(ttd.p90),
                ttd.n
            )),
            Span::raw(format!(
                "{:>7}{:>8}{:>4}",
                cell(ttr.median),
                cell(ttr.p90),
                ttr.n
            )),
        ])
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "{:7}{:>19} │{:>19}",
                "", "time to detect", "time to resolve"
            ),
            th.bold(),
        )),
        Line::from(Span::styled(
            format!(
                "{:7}{:>7}{:>8}{:>4} │{:>7}{:>8}{:>4}",
                "", "median", "p90", "n", "median", "p90", "n"
            ),
            th.dim(),
        )),
        row("all", &f.ttd, &f.ttr, th.bold()),
    ];
    for (i, (sev, ttd, ttr)) in f.by_severity.iter().enumerate() {
        let rank = levels.iter().position(|l| l == sev).unwrap_or(i);
        lines.push(row(sev, ttd, ttr, th.severity(Some(rank))));
    }
    let p = Paragraph::new(lines).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" Durations (median, p90) "),
    );
    frame.render_widget(p, right);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(date: &str, sev: &str, ttd: Option<i64>, factors: &[&str]) -> Record {
        Record {
            id: date.into(),
            kind: "postmortem".into(),
            title: "t".into(),
            date: crate::doc::parse_date(date),
            status: "published".into(),
            severity: Some(sev.into()),
            services: vec![],
            factors: factors.iter().map(|s| s.to_string()).collect(),
            tags: vec![],
            authors: vec![],
            path: format!("postmortems/{date}.md"),
            near_miss: false,
            owners: vec![],
            ttd_seconds: ttd,
            ttm_seconds: None,
            ttr_seconds: ttd.map(|t| t * 10),
            summary: String::new(),
        }
    }

    #[test]
    fn figures_count_months_factors_and_medians() {
        let levels: Vec<String> = ["SEV1", "SEV2"].map(String::from).to_vec();
        let recs = vec![
            rec("2024-03-02", "SEV1", Some(60), &["config-change"]),
            rec(
                "2024-03-20",
                "SEV2",
                Some(600),
                &["config-change", "missing-alert"],
            ),
            rec("2024-01-05", "SEV2", Some(120), &[]),
            rec("2023-01-05", "SEV2", None, &["missing-alert"]),
        ];
        let f = figures(&recs, &levels);
        assert_eq!(f.incidents, 4);
        assert_eq!(f.months.len(), 12);
        assert_eq!(f.months[11], ("2024-03".to_string(), vec![1, 1, 0]));
        assert_eq!(f.months[9], ("2024-01".to_string(), vec![0, 1, 0]));
        assert_eq!(f.months[0].0, "2023-04");
        assert_eq!(
            f.factors,
            [
                ("config-change".to_string(), 2),
                ("missing-alert".to_string(), 2)
            ]
        );
        assert_eq!(
            f.ttd,
            Spread {
                n: 3,
                median: Some(120),
                p90: Some(600)
            }
        );
        assert_eq!(
            f.by_severity[1].1,
            Spread {
                n: 2,
                median: Some(120),
                p90: Some(600)
            }
        );
    }
}
