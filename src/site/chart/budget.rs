//! Error budget burn of one SLO per window, as inline SVG: a bar per window
//! (oldest left) as the share of the budget spent, the budget as a line at
//! 100 %, windows over budget drawn in the warning colour.

use super::{Figure, Svg, empty, table};
use crate::slo::{SloReport, minutes, percent};

const W: f64 = 720.0;

pub fn slo_windows(o: &SloReport) -> Figure {
    let id = format!("slo-{}", o.id);
    let over = o.windows.iter().filter(|w| w.over_budget).count();
    let spent_in = o.windows.iter().filter(|w| w.spent_minutes > 0.0).count();
    let title = if spent_in == 0 {
        format!(
            "No incident spent {}'s budget in these {} windows",
            o.id,
            o.windows.len()
        )
    } else if over > 0 {
        format!(
            "{} of {} windows went over {}'s budget",
            over,
            o.windows.len(),
            o.id
        )
    } else {
        format!(
            "{} stayed within its budget in every window ({} with incidents)",
            o.id, spent_in
        )
    };
    let lead = format!(
        "Share of the {}-day error budget ({} at {} %) that incidents spent in each window, oldest first; the line is the whole budget.",
        o.window_days,
        minutes(o.budget_minutes),
        o.objective
    );
    let head: Vec<String> = ["Window", "Spent", "Of budget", "Incidents"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = o
        .windows
        .iter()
        .map(|w| {
            vec![
                format!("{} – {}", w.from, w.to),
                minutes(w.spent_minutes),
                percent(w.consumed_percent),
                w.incidents.len().to_string(),
            ]
        })
        .collect();
    let table = table(&format!("{} budget per window", o.id), &head, &rows);
    if spent_in == 0 {
        return Figure {
            svg: empty(&id, &title, "No incident named this SLO in these windows"),
            id,
            title,
            lead,
            table,
        };
    }
    let (left, right, top, bottom_pad, h) = (44.0, 12.0, 12.0, 40.0, 200.0);
    let bottom = h - bottom_pad;
    let max = o
        .windows
        .iter()
        .map(|w| w.consumed_percent)
        .fold(100.0, f64::max)
        .min(1000.0);
    let y = |p: f64| bottom - (bottom - top) * p.min(max) / max;
    let mut s = Svg::new(W, h);
    for t in [0.0, 50.0, 100.0, 200.0, 500.0, 1000.0] {
        if t <= max {
            s.line(left, y(t), W - right, y(t), "grid");
            s.text(left - 6.0, y(t) + 4.0, &format!("{t:.0} %"), "end", "tick");
        }
    }
    let n = o.windows.len().max(1) as f64;
    let slot = (W - left - right) / n;
    for (i, w) in o.windows.iter().rev().enumerate() {
        let x = left + slot * i as f64;
        let class = if w.over_budget { "bar warn" } else { "bar" };
        let label = format!(
            "{} – {}: {} ({} of the budget)",
            w.from,
            w.to,
            minutes(w.spent_minutes),
            percent(w.consumed_percent)
        );
        if w.spent_minutes > 0.0 {
            let top_y = y(w.consumed_percent);
            s.rect(
                x + slot * 0.15,
                top_y,
                slot * 0.7,
                bottom - top_y,
                class,
                &label,
            );
        }
        // Every label fits: one in every few when the windows are many.
        let every = (n / 12.0).ceil().max(1.0) as usize;
        if i % every == 0 {
            s.text(
                x + slot / 2.0,
                bottom + 14.0,
                &w.to.format("%b %d").to_string(),
                "middle",
                "tick",
            );
        }
    }
    s.line(left, y(100.0), W - right, y(100.0), "marker target");
    s.text(W - right, y(100.0) - 4.0, "budget", "end", "marker target");
    s.line(left, bottom, W - right, bottom, "axis");
    s.text(
        left + (W - left - right) / 2.0,
        h - 6.0,
        "window ending",
        "middle",
        "note",
    );
    Figure {
        svg: s.finish(&id, &title, &lead),
        id,
        title,
        lead,
        table,
    }
}
