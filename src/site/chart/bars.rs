//! Bar charts: action-item follow-through by quarter, open items by age, most
//! affected services and runbook review age.

use super::{Figure, Svg, count_ticks, empty, plural, table};
use crate::site::model::{Site, Taxonomy};
use crate::stats::Stats;

const W: f64 = 720.0;

/// Opened and done action items per quarter of their postmortem.
pub fn follow_through(stats: &Stats) -> Figure {
    let id = "action-follow-through";
    let a = &stats.actions;
    let lead = format!(
        "Action items by the quarter of their postmortem: all opened (outline) and done (filled). The follow-up target is {} days.",
        a.follow_up_days
    );
    let mut quarters: Vec<(String, usize, usize)> = Vec::new();
    for m in &a.by_month {
        let q = month_to_quarter(&m.month);
        match quarters.last_mut() {
            Some(last) if last.0 == q => {
                last.1 += m.opened;
                last.2 += m.done;
            }
            _ => quarters.push((q, m.opened, m.done)),
        }
    }
    let head: Vec<String> = ["Quarter", "Opened", "Done", "Share done"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = quarters
        .iter()
        .map(|(q, o, d)| vec![q.clone(), o.to_string(), d.to_string(), pct(*d, *o)])
        .collect();
    let table = table("Action items by quarter", &head, &rows);
    let title = match a.share_done_past_target {
        Some(share) => format!(
            "{:.0}% of action items older than the {}-day target are done ({} of {})",
            share * 100.0,
            a.follow_up_days,
            a.past_target_done,
            a.past_target
        ),
        None if a.total > 0 => format!(
            "No action item is older than the {}-day target yet",
            a.follow_up_days
        ),
        None => "No action items recorded yet".to_string(),
    };
    if a.total == 0 {
        return Figure {
            id: id.into(),
            svg: empty(id, &title, "Add task-list items under `## Action items`"),
            title,
            lead,
            table,
        };
    }
    let (left, right, top, bottom, h) = (34.0, 8.0, 30.0, 34.0, 230.0);
    let base = h - bottom;
    let max = quarters.iter().map(|q| q.1).max().unwrap_or(0) as f64;
    let ticks = count_ticks(max.max(1.0), 4);
    let ymax = ticks.last().copied().unwrap_or(1.0);
    let y = |v: f64| base - (base - top) * v / ymax;
    let mut s = Svg::new(W, h);
    for t in &ticks {
        s.line(left, y(*t), W - right, y(*t), "grid");
        s.text(left - 6.0, y(*t) + 4.0, &format!("{t}"), "end", "tick");
    }
    let bw = (W - left - right) / quarters.len().max(1) as f64;
    let every = (quarters.len() as f64 / 10.0).ceil().max(1.0) as usize;
    for (i, (q, o, d)) in quarters.iter().enumerate() {
        let x = left + bw * i as f64 + bw * 0.15;
        let w = bw * 0.7;
        s.rect(
            x,
            y(*o as f64),
            w,
            base - y(*o as f64),
            "opened",
            &format!("{q}: {o} opened"),
        );
        s.rect(
            x,
            y(*d as f64),
            w,
            base - y(*d as f64),
            "done",
            &format!("{q}: {d} done ({})", pct(*d, *o)),
        );
        if i % every == 0 {
            s.text(x + w / 2.0, base + 16.0, q, "middle", "tick");
        }
    }
    s.line(left, base, W - right, base, "axis");
    s.rect(left, 8.0, 10.0, 10.0, "opened", "");
    s.text(left + 14.0, 17.0, "opened", "start", "legend");
    s.rect(left + 80.0, 8.0, 10.0, 10.0, "done", "");
    s.text(left + 94.0, 17.0, "done", "start", "legend");
    Figure {
        id: id.into(),
        svg: s.finish(
            id,
            &title,
            &format!("{title}. {} opened, {} done in all.", a.total, a.done),
        ),
        title,
        lead,
        table,
    }
}

fn month_to_quarter(month: &str) -> String {
    let (y, m) = month.split_once('-').unwrap_or((month, "1"));
    let m: u32 = m.parse().unwrap_or(1);
    format!("{y}-Q{}", (m.clamp(1, 12) - 1) / 3 + 1)
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Horizontal bars: label, value, class, tooltip, link.
struct HBar {
    label: String,
    value: f64,
    text: String,
    class: String,
    url: Option<String>,
}

fn hbars(id: &str, title: &str, bars: &[HBar], axis: &str, marker: Option<(f64, &str)>) -> String {
    // A marker's label gets a band of its own above the rows, so it never
    // sits on a bar or a bar's value.
    let top = if marker.is_some() { 28.0 } else { 10.0 };
    let (left, right, row) = (210.0, 60.0, 22.0);
    let h = top + row * bars.len() as f64 + 34.0;
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(marker.map_or(0.0, |m| m.0), f64::max);
    let ticks = count_ticks(max.max(1.0), 5);
    let xmax = ticks.last().copied().unwrap_or(1.0);
    let x = |v: f64| left + (W - left - right) * v / xmax;
    let mut s = Svg::new(W, h);
    let bottom = top + row * bars.len() as f64;
    for t in &ticks {
        s.line(x(*t), top, x(*t), bottom, "grid");
        s.text(x(*t), bottom + 14.0, &format!("{t}"), "middle", "tick");
    }
    s.text(
        left + (W - left - right) / 2.0,
        bottom + 30.0,
        axis,
        "middle",
        "note",
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let label = if b.label.chars().count() > 30 {
            format!("{}…", b.label.chars().take(29).collect::<String>())
        } else {
            b.label.clone()
        };
        match &b.url {
            Some(u) => s.link(u, |s| {
                s.text(left - 8.0, y + 15.0, &label, "end", "rowlabel")
            }),
            None => s.text(left - 8.0, y + 15.0, &label, "end", "rowlabel"),
        }
        s.rect(
            left,
            y + 3.0,
            x(b.value) - left,
            row - 6.0,
            &b.class,
            &format!("{}: {}", b.label, b.text),
        );
        s.text(x(b.value) + 5.0, y + 15.0, &b.text, "start", "tick");
    }
    if let Some((v, label)) = marker {
        s.line(x(v), top - 8.0, x(v), bottom, "marker target");
        // Right-aligned to the line when it is near the right edge.
        let anchor = if x(v) > W - right - 60.0 {
            "end"
        } else {
            "middle"
        };
        s.text(x(v), top - 12.0, label, anchor, "marker target");
    }
    s.line(left, top, left, bottom, "axis");
    s.finish(id, title, title)
}

/// Open action items by the age of their postmortem.
pub fn open_by_age(stats: &Stats) -> Figure {
    let id = "open-items-by-age";
    let a = &stats.actions;
    let lead = "Open action items by the age of the postmortem that opened them; a bar holding overdue items is marked and says how many.".to_string();
    let head: Vec<String> = ["Age", "Open", "Overdue"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = a
        .open_by_age
        .iter()
        .map(|b| vec![b.label.clone(), b.count.to_string(), b.overdue.to_string()])
        .collect();
    let table = table("Open action items by age", &head, &rows);
    let old: usize = a
        .open_by_age
        .iter()
        .filter(|b| b.min_days >= 90)
        .map(|b| b.count)
        .sum();
    let title = if a.open == 0 {
        "No open action items".to_string()
    } else {
        format!(
            "{} open; {} from postmortems older than 3 months",
            plural(a.open, "action item is", "action items are"),
            old
        )
    };
    if a.open == 0 {
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                if a.total == 0 {
                    "No action items recorded yet"
                } else {
                    "Every action item is done"
                },
            ),
            title,
            lead,
            table,
        };
    }
    let bars: Vec<HBar> = a
        .open_by_age
        .iter()
        .map(|b| HBar {
            label: b.label.clone(),
            value: b.count as f64,
            text: if b.overdue > 0 {
                format!("{} ({} overdue)", b.count, b.overdue)
            } else {
                b.count.to_string()
            },
            class: if b.overdue > 0 {
                "bar warn".into()
            } else {
                "bar".into()
            },
            url: None,
        })
        .collect();
    Figure {
        id: id.into(),
        svg: hbars(id, &title, &bars, "open action items", None),
        title,
        lead,
        table,
    }
}

/// The services named most often.
pub fn services(stats: &Stats, site: &Site) -> Figure {
    let id = "services";
    let lead = "Incidents per affected service (near misses in brackets), the 15 most affected; worst severity in the table.".to_string();
    let head: Vec<String> = [
        "Service",
        "Incidents",
        "Near misses",
        "Worst severity",
        "Last",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = stats
        .services
        .iter()
        .map(|s| {
            vec![
                s.service.clone(),
                s.incidents.to_string(),
                s.near_misses.to_string(),
                s.worst_severity.clone().unwrap_or_else(|| "—".into()),
                s.last.map_or_else(|| "—".into(), |d| d.to_string()),
            ]
        })
        .collect();
    let table = table("Most affected services", &head, &rows);
    let Some(top) = stats.services.first() else {
        let title = "No services named yet".to_string();
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "List affected services in each postmortem's `services` field",
            ),
            title,
            lead,
            table,
        };
    };
    let title = format!(
        "{} was affected most: {}",
        top.service,
        plural(top.incidents, "incident", "incidents")
    );
    let bars: Vec<HBar> = stats
        .services
        .iter()
        .take(15)
        .map(|s| HBar {
            label: s.service.clone(),
            value: s.incidents as f64,
            text: if s.near_misses > 0 {
                format!("{} (+{})", s.incidents, s.near_misses)
            } else {
                s.incidents.to_string()
            },
            class: match s
                .worst_severity
                .as_deref()
                .and_then(|w| site.kb.config.severity_rank(w))
            {
                Some(r) if r < 4 => format!("sev s{}", r + 1),
                _ => "sev sx".into(),
            },
            url: site
                .term(Taxonomy::Service, &s.service)
                .map(|t| t.url.clone()),
        })
        .collect();
    Figure {
        id: id.into(),
        svg: hbars(
            id,
            &title,
            &bars,
            "incidents (bar colour: worst severity)",
            None,
        ),
        title,
        lead,
        table,
    }
}

/// Days since each runbook was reviewed, oldest first, against its interval.
pub fn runbooks(stats: &Stats, site: &Site) -> Figure {
    let id = "runbook-review";
    let rb = &stats.runbooks;
    let lead = "Days since each runbook was last reviewed, oldest first; past the review interval it is due (darker). The line marks the default interval.".to_string();
    let head: Vec<String> = ["Runbook", "Last reviewed", "Days ago", "Interval", "Due"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = rb
        .iter()
        .map(|r| {
            vec![
                r.title.clone(),
                r.last_reviewed
                    .map_or_else(|| "never".into(), |d| d.to_string()),
                r.age_days.map_or_else(|| "—".into(), |a| a.to_string()),
                format!("{} days", r.review_every_days),
                if r.stale { "yes".into() } else { "no".into() },
            ]
        })
        .collect();
    let table = table("Runbook review age", &head, &rows);
    let stale = rb.iter().filter(|r| r.stale).count();
    let title = if rb.is_empty() {
        "No runbooks yet".to_string()
    } else {
        format!("{} of {} runbooks are due for review", stale, rb.len())
    };
    if rb.is_empty() {
        return Figure {
            id: id.into(),
            svg: empty(id, &title, "Write runbooks with `lore new runbook`"),
            title,
            lead,
            table,
        };
    }
    let every = site.kb.config.runbooks.review_every_days as f64;
    let never = rb
        .iter()
        .filter_map(|r| r.age_days)
        .max()
        .unwrap_or(0)
        .max(every as i64) as f64;
    let bars: Vec<HBar> = rb
        .iter()
        .take(25)
        .map(|r| HBar {
            label: r.title.clone(),
            value: r.age_days.map_or(never, |a| a.max(0) as f64),
            text: r
                .age_days
                .map_or_else(|| "never reviewed".into(), |a| format!("{a} days")),
            class: if r.stale {
                "bar warn".into()
            } else {
                "bar ok".into()
            },
            url: site.by_id(&r.id).map(|i| site.urls[i].clone()),
        })
        .collect();
    Figure {
        id: id.into(),
        svg: hbars(
            id,
            &title,
            &bars,
            "days since last review",
            Some((every, &format!("{every} days"))),
        ),
        title,
        lead,
        table,
    }
}
