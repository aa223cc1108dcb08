//! Charts over time and of durations: incidents per month by severity, time to
//! detect/resolve distributions with median and p90, both by quarter, and time
//! to resolve against severity.

use super::{Figure, LogScale, Svg, count_ticks, empty, plural, table};
use crate::stats::{Distribution, MonthCount, Stats, UNRATED, human_duration};

/// Incidents a quarter needs before its median is compared with another's.
const MIN_FOR_TREND: usize = 5;

const W: f64 = 720.0;

fn sev_class(stats: &Stats, i: usize) -> String {
    match stats.severities.get(i) {
        Some(s) if s == UNRATED => "sev sx".into(),
        _ if i < 4 => format!("sev s{}", i + 1),
        _ => "sev sx".into(),
    }
}

/// Incidents per month, stacked by severity (most severe at the bottom), with
/// near misses in their own lane below the axis. `last` keeps only the most
/// recent months.
pub fn per_month(stats: &Stats, id: &str, months: &[MonthCount], last: bool, w: f64) -> Figure {
    let last = last.then_some(());
    let total: usize = months.iter().map(|m| m.incidents).sum();
    let near: usize = months.iter().map(|m| m.near_misses).sum();
    let lead = format!(
        "Incidents per month by severity{}; near misses (no customer impact) are counted apart, below the axis.",
        if last.is_some() {
            ", the last 12 months"
        } else {
            ""
        }
    );
    let head: Vec<String> = std::iter::once("Month".to_string())
        .chain(stats.severities.iter().cloned())
        .chain(["Near misses".to_string(), "Total".to_string()])
        .collect();
    let rows: Vec<Vec<String>> = months
        .iter()
        .map(|m| {
            std::iter::once(m.month.clone())
                .chain(m.counts.iter().map(|c| c.to_string()))
                .chain([m.near_misses.to_string(), m.incidents.to_string()])
                .collect()
        })
        .collect();
    let table = table("Incidents per month", &head, &rows);
    if months.is_empty() {
        let title = "No incidents on record yet".to_string();
        return Figure {
            id: id.into(),
            svg: empty(id, &title, "No dated postmortems yet"),
            title,
            lead,
            table,
        };
    }
    let peak = months.iter().map(|m| m.incidents).max().unwrap_or(0);
    let peaks: Vec<&str> = months
        .iter()
        .filter(|m| m.incidents == peak)
        .map(|m| m.month.as_str())
        .collect();
    let span = plural(months.len(), "month", "months");
    let n = plural(total, "incident", "incidents");
    let title = match peaks.as_slice() {
        _ if total == 0 => format!("No incidents in {span}"),
        [one] => format!("{n} in {span}; the most in {one} ({peak})"),
        _ if peak == 1 => format!("{n} in {span}, never more than one a month"),
        _ => format!("{n} in {span}; up to {peak} in a month"),
    };
    let (left, right, top, lane, bottom) = (34.0, 8.0, 30.0, 26.0, 40.0);
    let h = 250.0;
    let base = h - bottom - lane;
    let max = months.iter().map(|m| m.incidents).max().unwrap_or(0) as f64;
    let ticks = count_ticks(max.max(1.0), 4);
    let ymax = ticks.last().copied().unwrap_or(1.0);
    let y = |v: f64| base - (base - top) * v / ymax;
    let mut s = Svg::new(w, h);
    for t in &ticks {
        s.line(left, y(*t), w - right, y(*t), "grid");
        s.text(left - 6.0, y(*t) + 4.0, &format!("{t}"), "end", "tick");
    }
    let bw = (w - left - right) / months.len() as f64;
    let gap = if bw > 6.0 { bw * 0.2 } else { 0.5 };
    // Labels need about 56 units each; the year shows where it changes.
    let label_every = ((months.len() as f64 * 56.0) / (w - left - right))
        .ceil()
        .max(1.0) as usize;
    let mut last_year = "";
    let max_near = months
        .iter()
        .map(|m| m.near_misses)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, m) in months.iter().enumerate() {
        let x = left + i as f64 * bw + gap / 2.0;
        let mut acc = 0.0;
        for (k, c) in m.counts.iter().enumerate() {
            if *c == 0 {
                continue;
            }
            let sev = stats.severities.get(k).map(String::as_str).unwrap_or("");
            s.rect(
                x,
                y(acc + *c as f64),
                bw - gap,
                y(acc) - y(acc + *c as f64),
                &sev_class(stats, k),
                &format!("{}: {c} {sev}", m.month),
            );
            acc += *c as f64;
        }
        if m.near_misses > 0 {
            let nh = (lane - 8.0) * m.near_misses as f64 / max_near;
            s.rect(
                x,
                base + 4.0,
                bw - gap,
                nh,
                "near",
                &format!("{}: {} near misses", m.month, m.near_misses),
            );
        }
        if i % label_every == 0 {
            s.text(
                x + (bw - gap) / 2.0,
                h - bottom + 16.0,
                &month_label(&m.month, last_year != m.month.get(..4).unwrap_or("")),
                "middle",
                "tick",
            );
            last_year = m.month.get(..4).unwrap_or("");
        }
    }
    s.line(left, base, w - right, base, "axis");
    s.text(
        left,
        h - 6.0,
        &format!("Near misses below the axis: {near}"),
        "start",
        "note",
    );
    // Legend.
    let mut lx = left;
    for (k, sev) in stats.severities.iter().enumerate() {
        s.rect(lx, 8.0, 10.0, 10.0, &sev_class(stats, k), "");
        s.text(lx + 14.0, 17.0, sev, "start", "legend");
        lx += 22.0 + sev.len() as f64 * 7.0;
    }
    s.rect(lx, 8.0, 10.0, 10.0, "near", "");
    s.text(lx + 14.0, 17.0, "near miss", "start", "legend");
    let desc = format!("{title}. {} near misses besides.", near);
    Figure {
        id: id.into(),
        svg: s.finish(id, &title, &desc),
        title,
        lead,
        table,
    }
}

/// `Mar` or, at the start of a year, `Jan 2024`.
fn month_label(key: &str, with_year: bool) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m) = key.split_once('-').unwrap_or((key, "01"));
    let name = m
        .parse::<usize>()
        .ok()
        .and_then(|m| NAMES.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or(m);
    if with_year {
        format!("{name} {y}")
    } else {
        name.to_string()
    }
}

/// Where a value falls on the bucket axis: inside its bucket, linearly.
fn bucket_pos(d: &Distribution, v: i64) -> f64 {
    for (i, b) in d.buckets.iter().enumerate() {
        if v >= b.from && b.to.is_none_or(|t| v < t) {
            let frac = match b.to {
                Some(t) if t > b.from => (v - b.from) as f64 / (t - b.from) as f64,
                _ => 0.5,
            };
            return i as f64 + frac;
        }
    }
    0.0
}

/// A histogram of a duration with median and p90 marked and the counts said.
pub fn distribution(d: &Distribution, id: &str, verb: &str, span: &str) -> Figure {
    let lead = format!(
        "Time to {verb} ({span}), by how long it took. {} with both timestamps; {} without, left out.",
        plural(d.count, "postmortem", "postmortems"),
        d.missing
    );
    let head = vec!["Duration".to_string(), "Postmortems".to_string()];
    let mut rows: Vec<Vec<String>> = d
        .buckets
        .iter()
        .map(|b| vec![b.label.clone(), b.count.to_string()])
        .collect();
    if let (Some(m), Some(p)) = (d.median, d.p90) {
        rows.push(vec!["Median".into(), human_duration(m)]);
        rows.push(vec!["90th percentile".into(), human_duration(p)]);
    }
    let table = table(&format!("Time to {verb}"), &head, &rows);
    let (Some(median), Some(p90)) = (d.median, d.p90) else {
        let past = if verb == "detect" {
            "detected"
        } else {
            "resolved"
        };
        let title = format!("No postmortem records when it was {past} yet");
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "Add started and detected/resolved timestamps to see this chart",
            ),
            title,
            lead,
            table,
        };
    };
    let title = if d.count == 1 {
        format!(
            "The one incident with timestamps took {} to {verb}",
            human_duration(median)
        )
    } else {
        format!(
            "Half of incidents take under {} to {verb}; 1 in 10 takes over {}",
            human_duration(median),
            human_duration(p90)
        )
    };
    let (left, right, top, bottom, h) = (34.0, 8.0, 34.0, 38.0, 240.0);
    let base = h - bottom;
    let n = d.buckets.len().max(1) as f64;
    let bw = (W - left - right) / n;
    let max = d.buckets.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let ticks = count_ticks(max.max(1.0), 4);
    let ymax = ticks.last().copied().unwrap_or(1.0);
    let y = |v: f64| base - (base - top) * v / ymax;
    let mut s = Svg::new(W, h);
    for t in &ticks {
        s.line(left, y(*t), W - right, y(*t), "grid");
        s.text(left - 6.0, y(*t) + 4.0, &format!("{t}"), "end", "tick");
    }
    for (i, b) in d.buckets.iter().enumerate() {
        let x = left + i as f64 * bw;
        s.rect(
            x + bw * 0.12,
            y(b.count as f64),
            bw * 0.76,
            base - y(b.count as f64),
            "bar",
            &format!("{}: {}", b.label, b.count),
        );
        s.text(x + bw / 2.0, base + 16.0, &b.label, "middle", "tick");
    }
    s.line(left, base, W - right, base, "axis");
    s.text(
        left,
        h - 4.0,
        "Postmortems per duration band (bands widen to the right)",
        "start",
        "note",
    );
    for (v, label, class, dy) in [
        (median, "median", "marker median", 0.0),
        (p90, "p90", "marker p90", 13.0),
    ] {
        let x = left + bucket_pos(d, v) * bw;
        s.line(x, top - 6.0 + dy, x, base, class);
        let anchor = if x > W - 140.0 { "end" } else { "start" };
        let tx = if anchor == "end" { x - 4.0 } else { x + 4.0 };
        s.text(
            tx,
            top - 8.0 + dy,
            &format!("{label} {}", human_duration(v)),
            anchor,
            class,
        );
    }
    let desc = format!(
        "{title}. Based on {}.",
        plural(d.count, "postmortem", "postmortems")
    );
    Figure {
        id: id.into(),
        svg: s.finish(id, &title, &desc),
        title,
        lead,
        table,
    }
}

/// Median and p90 of time to detect and resolve per quarter, on a log scale.
pub fn over_time(stats: &Stats) -> Figure {
    let id = "durations-over-time";
    let q = &stats.durations_by_quarter;
    let lead = "Median (solid) and 90th percentile (dashed) per quarter, log scale. Quarters without timestamps leave a gap.".to_string();
    let head: Vec<String> = [
        "Quarter",
        "TTD median",
        "TTD p90",
        "TTD n",
        "TTR median",
        "TTR p90",
        "TTR n",
    ]
    .map(String::from)
    .to_vec();
    let dur = |v: Option<i64>| v.map_or_else(|| "—".into(), human_duration);
    let rows: Vec<Vec<String>> = q
        .iter()
        .map(|r| {
            vec![
                r.quarter.clone(),
                dur(r.ttd_median),
                dur(r.ttd_p90),
                r.ttd_count.to_string(),
                dur(r.ttr_median),
                dur(r.ttr_p90),
                r.ttr_count.to_string(),
            ]
        })
        .collect();
    let table = table("Time to detect and resolve by quarter", &head, &rows);
    let with_ttr: Vec<_> = q.iter().filter(|r| r.ttr_median.is_some()).collect();
    // A change is claimed only between quarters of enough incidents each:
    // a median of one or two says little.
    let solid: Vec<_> = with_ttr
        .iter()
        .filter(|r| r.ttr_count >= MIN_FOR_TREND)
        .collect();
    let title = match (solid.first(), solid.last()) {
        (Some(a), Some(b)) if solid.len() >= 2 => format!(
            "Median time to resolve went from {} in {} to {} in {} ({} and {} incidents)",
            dur(a.ttr_median),
            a.quarter,
            dur(b.ttr_median),
            b.quarter,
            a.ttr_count,
            b.ttr_count
        ),
        _ if with_ttr.len() >= 2 => format!(
            "Too few incidents per quarter to compare (under {MIN_FOR_TREND} each); median time to resolve over them all by quarter below"
        ),
        (Some(a), _) => format!(
            "Median time to resolve was {} in {}",
            dur(a.ttr_median),
            a.quarter
        ),
        _ => "No quarter has timestamps yet".to_string(),
    };
    if with_ttr.is_empty() && q.iter().all(|r| r.ttd_median.is_none()) {
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "Add started, detected and resolved timestamps to see this chart",
            ),
            title,
            lead,
            table,
        };
    }
    let (left, right, top, bottom, h) = (40.0, 12.0, 30.0, 34.0, 250.0);
    let values = q
        .iter()
        .flat_map(|r| [r.ttd_median, r.ttd_p90, r.ttr_median, r.ttr_p90])
        .flatten();
    let scale = LogScale::covering(values, h - bottom, top);
    let mut s = Svg::new(W, h);
    for (v, label) in scale.ticks() {
        s.line(left, scale.at(*v), W - right, scale.at(*v), "grid");
        s.text(left - 6.0, scale.at(*v) + 4.0, label, "end", "tick");
    }
    let step = (W - left - right) / q.len().max(1) as f64;
    let x = |i: usize| left + step * (i as f64 + 0.5);
    let label_every = (q.len() as f64 / 10.0).ceil().max(1.0) as usize;
    for (i, r) in q.iter().enumerate() {
        if i % label_every == 0 {
            s.text(x(i), h - bottom + 16.0, &r.quarter, "middle", "tick");
        }
    }
    type Getter = fn(&crate::stats::QuarterDurations) -> Option<i64>;
    let series: [(&str, Getter, &str); 4] = [
        ("TTD median", |r| r.ttd_median, "ln ttd"),
        ("TTD p90", |r| r.ttd_p90, "ln ttd dash"),
        ("TTR median", |r| r.ttr_median, "ln ttr"),
        ("TTR p90", |r| r.ttr_p90, "ln ttr dash"),
    ];
    for (name, get, class) in series {
        let pts: Vec<Option<(f64, f64)>> = q
            .iter()
            .enumerate()
            .map(|(i, r)| get(r).map(|v| (x(i), scale.at(v as f64))))
            .collect();
        s.polyline(&pts, class);
        for (i, r) in q.iter().enumerate() {
            if let Some(v) = get(r) {
                let n = if name.starts_with("TTD") {
                    r.ttd_count
                } else {
                    r.ttr_count
                };
                s.circle(
                    x(i),
                    scale.at(v as f64),
                    3.0,
                    &format!("pt {}", class.split(' ').nth(1).unwrap_or("")),
                    &format!("{} {name}: {} (n={n})", r.quarter, human_duration(v)),
                );
            }
        }
    }
    s.line(left, h - bottom, W - right, h - bottom, "axis");
    let mut lx = left;
    for (name, _, class) in series {
        s.line(lx, 14.0, lx + 18.0, 14.0, class);
        s.text(lx + 22.0, 18.0, name, "start", "legend");
        lx += 110.0;
    }
    Figure {
        id: id.into(),
        svg: s.finish(
            id,
            &title,
            &format!("{title}. Lines for time to detect and to resolve, median and p90."),
        ),
        title,
        lead,
        table,
    }
}

/// Every incident's time to resolve as a dot on its severity's row, log scale,
/// with the median as a bar.
pub fn by_severity(stats: &Stats) -> Figure {
    let id = "ttr-by-severity";
    let rows_in = &stats.by_severity;
    let lead = "Time to resolve of every incident, one dot each, by severity (log scale); the bar marks the median. Near misses left out.".to_string();
    let head: Vec<String> = [
        "Severity",
        "Incidents",
        "With timestamps",
        "Median",
        "p90",
        "Longest",
    ]
    .map(String::from)
    .to_vec();
    let dur = |v: Option<i64>| v.map_or_else(|| "—".into(), human_duration);
    let rows: Vec<Vec<String>> = rows_in
        .iter()
        .map(|r| {
            vec![
                r.severity.clone(),
                r.incidents.to_string(),
                r.ttr.count.to_string(),
                dur(r.ttr.median),
                dur(r.ttr.p90),
                dur(r.ttr.max),
            ]
        })
        .collect();
    let table = table("Time to resolve by severity", &head, &rows);
    let with: Vec<_> = rows_in.iter().filter(|r| r.ttr.median.is_some()).collect();
    let title = match with.as_slice() {
        [] => "No incident has a resolved timestamp yet".to_string(),
        [one] => format!(
            "{} incidents take a median of {} to resolve",
            one.severity,
            dur(one.ttr.median)
        ),
        [a, .., b] => format!(
            "{} incidents take a median of {} to resolve, {} incidents {}",
            a.severity,
            dur(a.ttr.median),
            b.severity,
            dur(b.ttr.median)
        ),
    };
    if with.is_empty() {
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "Add started and resolved timestamps to see this chart",
            ),
            title,
            lead,
            table,
        };
    }
    let (left, right, top, bottom) = (70.0, 16.0, 12.0, 30.0);
    let row_h = 34.0;
    let h = top + bottom + row_h * rows_in.len() as f64;
    let scale = LogScale::covering(
        rows_in
            .iter()
            .flat_map(|r| r.points.iter().map(|p| p.seconds)),
        left,
        W - right,
    );
    let mut s = Svg::new(W, h);
    for (v, label) in scale.ticks() {
        s.line(scale.at(*v), top, scale.at(*v), h - bottom, "grid");
        s.text(scale.at(*v), h - bottom + 16.0, label, "middle", "tick");
    }
    for (k, r) in rows_in.iter().enumerate() {
        let cy = top + row_h * (k as f64 + 0.5);
        let class_ix = stats
            .severities
            .iter()
            .position(|x| *x == r.severity)
            .unwrap_or(usize::MAX);
        s.text(left - 8.0, cy + 4.0, &r.severity, "end", "legend");
        for (j, p) in r.points.iter().enumerate() {
            // Deterministic jitter so equal durations stay visible.
            let jitter = ((j * 7) % 5) as f64 * 3.0 - 6.0;
            s.circle(
                scale.at(p.seconds as f64),
                cy + jitter,
                3.5,
                &format!("dot {}", sev_class(stats, class_ix)),
                &format!("{}: {}", p.title, human_duration(p.seconds)),
            );
        }
        if let Some(m) = r.ttr.median {
            let x = scale.at(m as f64);
            s.line(x, cy - 12.0, x, cy + 12.0, "marker median");
        }
    }
    s.line(left, h - bottom, W - right, h - bottom, "axis");
    Figure {
        id: id.into(),
        svg: s.finish(id, &title, &format!("{title}.")),
        title,
        lead,
        table,
    }
}
