//! `index.html`, the overview: key figures of the last window, recent
//! postmortems, "On this day", items that need attention, runbooks due for
//! review and the most frequent factors.

use super::chart;
use super::made::Made;
use super::model::Taxonomy;
use super::pages::{ActionView, Shared};
use super::views::{self, Card, Link};
use crate::doc::Kind;
use crate::error::Result;
use crate::stats::human_duration;
use serde::Serialize;

#[derive(Serialize)]
struct KeyFigure {
    label: &'static str,
    value: String,
    note: String,
    tone: &'static str,
}

/// `index.html`: key figures, recent postmortems, items that need attention.
pub fn overview(sh: &Shared, actions: &[ActionView]) -> Result<Made> {
    let site = sh.site;
    let s = &sh.stats.summary;
    let trend = match s.incidents.cmp(&s.previous_incidents) {
        std::cmp::Ordering::Greater => format!(
            "up from {} in the {} days before",
            s.previous_incidents, s.window_days
        ),
        std::cmp::Ordering::Less => format!(
            "down from {} in the {} days before",
            s.previous_incidents, s.window_days
        ),
        std::cmp::Ordering::Equal => format!("same as the {} days before", s.window_days),
    };
    let sev: Vec<String> = s
        .by_severity
        .iter()
        .map(|c| format!("{} {}", c.count, c.label))
        .collect();
    let figures = vec![
        KeyFigure {
            label: "Incidents",
            value: s.incidents.to_string(),
            // Drafts are left out of every figure (as in `lore stats`); say so.
            note: if s.drafts_left_out > 0 {
                format!(
                    "{trend}; {} draft{} not counted",
                    s.drafts_left_out,
                    if s.drafts_left_out == 1 { "" } else { "s" }
                )
            } else {
                trend
            },
            tone: "",
        },
        KeyFigure {
            label: "By severity",
            value: if sev.is_empty() {
                "—".into()
            } else {
                sev.join(" · ")
            },
            note: format!(
                "{} near miss{} besides",
                s.near_misses,
                if s.near_misses == 1 { "" } else { "es" }
            ),
            tone: "small",
        },
        KeyFigure {
            label: "Median time to detect",
            value: s.ttd_median.map_or_else(|| "—".into(), human_duration),
            note: format!(
                "of {} incident{} · time to resolve {} (of {})",
                s.ttd_from,
                if s.ttd_from == 1 { "" } else { "s" },
                s.ttr_median.map_or_else(|| "—".into(), human_duration),
                s.ttr_from
            ),
            tone: "",
        },
        KeyFigure {
            label: "Open action items",
            value: s.open_actions.to_string(),
            note: format!("{} overdue", s.overdue_actions),
            tone: if s.overdue_actions > 0 { "warn" } else { "" },
        },
        KeyFigure {
            label: "Runbooks due for review",
            value: s.stale_runbooks.to_string(),
            note: format!("of {}", sh.stats.runbooks.len()),
            tone: if s.stale_runbooks > 0 { "warn" } else { "" },
        },
    ];
    let recent: Vec<Card> = (0..site.docs.len())
        .filter(|&i| site.docs[i].kind == Kind::Postmortem)
        .take(8)
        .map(|i| views::card(site, i))
        .collect();
    let today = sh.opts.today;
    let anniversaries: Vec<(Card, i32)> = (0..site.docs.len())
        .filter(|&i| site.docs[i].kind == Kind::Postmortem)
        .filter_map(|i| {
            let d = site.docs[i].meta.date?;
            crate::stats::on_this_day(d, today).then(|| {
                (
                    views::card(site, i),
                    chrono::Datelike::year(&today) - chrono::Datelike::year(&d),
                )
            })
        })
        .take(6)
        .collect();
    let attention: Vec<&ActionView> = actions.iter().filter(|a| !a.done).take(10).collect();
    let stale: Vec<Link> = sh
        .stats
        .runbooks
        .iter()
        .filter(|r| r.stale)
        .filter_map(|r| site.by_id(&r.id).map(|j| (r, j)))
        .take(6)
        .map(|(r, j)| Link {
            label: format!(
                "{} — {}",
                r.title,
                r.age_days.map_or_else(
                    || "never reviewed".into(),
                    |a| format!("reviewed {a} days ago")
                )
            ),
            url: site.urls[j].clone(),
        })
        .collect();
    let top_factors: Vec<(Link, usize)> = sh
        .stats
        .factor_quarters
        .rows
        .iter()
        .take(5)
        .filter_map(|r| {
            site.term(Taxonomy::Factor, &r.id).map(|t| {
                (
                    Link {
                        label: t.name.clone(),
                        url: t.url.clone(),
                    },
                    r.total,
                )
            })
        })
        .collect();
    let mut c = sh.context(0, "overview", "Overview");
    c.insert("figures", &figures);
    c.insert("window_days", &s.window_days);
    c.insert("recent", &recent);
    c.insert("on_this_day", &anniversaries);
    // The export's stats count drafts over the whole KB (no `since`).
    c.insert("drafts_left_out", &s.drafts_left_out);
    c.insert("attention", &attention);
    c.insert("open_total", &s.open_actions);
    c.insert("stale", &stale);
    c.insert("top_factors", &top_factors);
    c.insert("months", &chart::overview_months(sh.stats));
    sh.page("index.html".into(), "index.html", c)
}
