//! Trend charts as inline SVG, readable without JavaScript. Each figure has a
//! title that states what the data shows, axes and legends, and a data table
//! for screen readers and print. Pure functions of `stats::Stats`.

mod bars;
mod budget;
mod grid;
mod svg;
mod time;

pub use budget::slo_windows;
pub use svg::{LogScale, Svg, count_ticks};

use crate::site::markdown::esc;
use crate::site::model::Site;
use crate::stats::{MonthCount, Stats};
use serde::Serialize;

/// One chart with its words.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub id: String,
    /// The insight, as a sentence.
    pub title: String,
    /// What is plotted and how it is counted.
    pub lead: String,
    pub svg: String,
    /// The same data as an HTML table.
    pub table: String,
}

/// Every chart of `trends.html`, in reading order.
pub fn trends(stats: &Stats, site: &Site) -> Vec<Figure> {
    vec![
        time::per_month(stats, "incidents-per-month", &stats.per_month, false, 720.0),
        grid::factor_heatmap(stats, site),
        grid::co_occurrence(stats, site),
        time::distribution(&stats.ttd, "ttd", "detect", "started → detected"),
        time::distribution(&stats.ttr, "ttr", "resolve", "started → resolved"),
        time::over_time(stats),
        time::by_severity(stats),
        bars::follow_through(stats),
        bars::open_by_age(stats),
        bars::services(stats, site),
        bars::runbooks(stats, site),
    ]
}

/// The small incidents-per-month chart of the overview: the 12 months up to
/// this one, quiet months included.
pub fn overview_months(stats: &Stats) -> Figure {
    use chrono::Datelike;
    let t = stats.today;
    let from = chrono::NaiveDate::from_ymd_opt(t.year() - 1, t.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(t);
    let months: Vec<MonthCount> = crate::stats::months_between(from, t)
        .into_iter()
        .map(|m| {
            stats
                .per_month
                .iter()
                .find(|x| x.month == m)
                .cloned()
                .unwrap_or(MonthCount {
                    month: m,
                    counts: vec![0; stats.severities.len()],
                    incidents: 0,
                    near_misses: 0,
                })
        })
        .collect();
    time::per_month(stats, "overview-months", &months, true, 1000.0)
}

/// A small bar chart of a term's postmortems per quarter, over the quarters
/// of the whole KB.
pub fn term_quarters(dates: &[chrono::NaiveDate], stats: &Stats) -> String {
    let quarters = &stats.factor_quarters.quarters;
    if quarters.is_empty() || dates.is_empty() {
        return String::new();
    }
    // Each date's quarter once (a term of thousands of postmortems).
    let mut per: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in dates {
        *per.entry(crate::stats::quarter_key(*d)).or_default() += 1;
    }
    let counts: Vec<usize> = quarters
        .iter()
        .map(|q| per.get(q.as_str()).copied().unwrap_or(0))
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, h, bottom) = (360.0, 70.0, 16.0);
    let bw = w / quarters.len() as f64;
    let mut s = Svg::new(w, h);
    for (i, (q, c)) in quarters.iter().zip(&counts).enumerate() {
        let bh = (h - bottom - 4.0) * (*c as f64) / max;
        s.rect(
            i as f64 * bw + 1.0,
            h - bottom - bh,
            (bw - 2.0).max(1.0),
            bh,
            "bar",
            &format!("{q}: {c}"),
        );
    }
    s.line(0.0, h - bottom, w, h - bottom, "axis");
    if let (Some(first), Some(last)) = (quarters.first(), quarters.last()) {
        s.text(0.0, h - 3.0, first, "start", "tick");
        if quarters.len() > 1 {
            s.text(w, h - 3.0, last, "end", "tick");
        }
    }
    let peak = quarters
        .iter()
        .zip(&counts)
        .max_by_key(|(_, c)| **c)
        .map(|(q, c)| format!("{q} ({c})"))
        .unwrap_or_default();
    s.finish(
        "term-quarters",
        "Postmortems per quarter",
        &format!(
            "{} postmortems from {} to {}; most in {peak}",
            dates.len(),
            quarters[0],
            quarters[quarters.len() - 1]
        ),
    )
}

/// An HTML table; cells are escaped.
pub fn table(caption: &str, head: &[String], rows: &[Vec<String>]) -> String {
    let mut t = format!("<table><caption>{}</caption><thead><tr>", esc(caption));
    for h in head {
        t.push_str(&format!("<th scope=\"col\">{}</th>", esc(h)));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            if i == 0 {
                t.push_str(&format!("<th scope=\"row\">{}</th>", esc(c)));
            } else {
                t.push_str(&format!("<td>{}</td>", esc(c)));
            }
        }
        t.push_str("</tr>");
    }
    if rows.is_empty() {
        t.push_str(&format!(
            "<tr><td colspan=\"{}\">No data yet.</td></tr>",
            head.len().max(1)
        ));
    }
    t.push_str("</tbody></table>");
    t
}

/// A chart with nothing to show: a framed message instead of empty axes.
pub fn empty(id: &str, title: &str, message: &str) -> String {
    let mut s = Svg::new(720.0, 90.0);
    s.rect(0.5, 0.5, 719.0, 89.0, "empty-frame", "");
    s.text(360.0, 50.0, message, "middle", "empty-msg");
    s.finish(id, title, message)
}

/// `n thing` or `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests;
