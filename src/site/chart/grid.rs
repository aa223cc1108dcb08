//! Grid charts: contributing factors by quarter (a heat map) and which factors
//! occur together (a matrix). Rows link to the factor pages.

use super::{Figure, Svg, empty, plural, table};
use crate::site::model::{Site, Taxonomy};
use crate::stats::Stats;

const W: f64 = 720.0;
/// Rows shown; the table lists every factor.
const MAX_ROWS: usize = 12;
/// Quarters shown, the most recent.
const MAX_COLS: usize = 12;

fn factor_url(site: &Site, id: &str) -> Option<String> {
    site.term(Taxonomy::Factor, id).map(|t| t.url.clone())
}

fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(max - 1).collect::<String>())
    }
}

pub fn factor_heatmap(stats: &Stats, site: &Site) -> Figure {
    let id = "factors-by-quarter";
    let fq = &stats.factor_quarters;
    let lead = format!(
        "Postmortems naming each contributing factor, per quarter; darker is more. The {} most frequent factors, the last {} quarters.",
        MAX_ROWS, MAX_COLS
    );
    let head: Vec<String> = ["Factor".to_string(), "Group".to_string()]
        .into_iter()
        .chain(fq.quarters.iter().cloned())
        .chain(["Total".to_string()])
        .collect();
    let rows: Vec<Vec<String>> = fq
        .rows
        .iter()
        .map(|r| {
            [r.name.clone(), r.group.clone()]
                .into_iter()
                .chain(r.counts.iter().map(|c| c.to_string()))
                .chain([r.total.to_string()])
                .collect()
        })
        .collect();
    let table = table("Contributing factors by quarter", &head, &rows);
    let total = stats.summary.postmortems;
    let Some(top) = fq.rows.first() else {
        let title = "No contributing factors recorded yet".to_string();
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "Name factors from lore.toml in each postmortem's `factors` field",
            ),
            title,
            lead,
            table,
        };
    };
    // A tie is said as a tie: no factor is "the most common" over another
    // with as many postmortems.
    let tied: Vec<&str> = fq
        .rows
        .iter()
        .filter(|r| r.total == top.total)
        .map(|r| r.name.as_str())
        .collect();
    let title = match tied.as_slice() {
        [_] => format!(
            "{} is the most common contributing factor: {} of {}",
            top.name,
            top.total,
            plural(total, "postmortem", "postmortems")
        ),
        [a, b] => format!(
            "{a} and {b} are the most common contributing factors, tied: {} of {} each",
            top.total,
            plural(total, "postmortem", "postmortems")
        ),
        more => format!(
            "{} factors tie as the most common ({}, …): {} of {} each",
            more.len(),
            more[..2].join(", "),
            top.total,
            plural(total, "postmortem", "postmortems")
        ),
    };
    let first_col = fq.quarters.len().saturating_sub(MAX_COLS);
    let cols = &fq.quarters[first_col..];
    let shown: Vec<_> = fq.rows.iter().take(MAX_ROWS).collect();
    let (left, top_m, right) = (200.0, 36.0, 44.0);
    let cell_w = ((W - left - right) / cols.len().max(1) as f64).min(60.0);
    let cell_h = 22.0;
    let h = top_m + cell_h * shown.len() as f64 + 10.0;
    let max = shown
        .iter()
        .flat_map(|r| r.counts[first_col..].iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut s = Svg::new(W, h);
    for (j, q) in cols.iter().enumerate() {
        let x = left + cell_w * (j as f64 + 0.5);
        let label = if cols.len() > 8 {
            q.replace("-Q", "\nQ")
        } else {
            q.clone()
        };
        let (year, qn) = label.split_once('\n').unwrap_or(("", label.as_str()));
        if year.is_empty() {
            s.text(x, top_m - 10.0, qn, "middle", "tick");
        } else {
            s.text(
                x,
                top_m - 20.0,
                if j == 0 || qn == "Q1" { year } else { "" },
                "middle",
                "tick",
            );
            s.text(x, top_m - 8.0, qn, "middle", "tick");
        }
    }
    s.text(W - right + 6.0, top_m - 8.0, "total", "start", "tick");
    for (i, r) in shown.iter().enumerate() {
        let y = top_m + cell_h * i as f64;
        let label = short(&r.name, 28);
        match factor_url(site, &r.id) {
            Some(u) => s.link(&u, |s| {
                s.text(left - 8.0, y + 15.0, &label, "end", "rowlabel")
            }),
            None => s.text(left - 8.0, y + 15.0, &label, "end", "rowlabel"),
        }
        for (j, c) in r.counts[first_col..].iter().enumerate() {
            let x = left + cell_w * j as f64;
            let tip = format!(
                "{} in {}: {}",
                r.name,
                cols.get(j).map(String::as_str).unwrap_or(""),
                plural(*c, "postmortem", "postmortems")
            );
            if *c == 0 {
                s.cell(
                    (x + 1.0, y + 1.0, cell_w - 2.0, cell_h - 2.0),
                    "heat zero",
                    1.0,
                    &tip,
                );
            } else {
                let o = 0.18 + 0.82 * (*c as f64 / max);
                s.cell(
                    (x + 1.0, y + 1.0, cell_w - 2.0, cell_h - 2.0),
                    "heat",
                    o,
                    &tip,
                );
                let class = if o > 0.55 { "cellnum inv" } else { "cellnum" };
                s.text(x + cell_w / 2.0, y + 15.0, &c.to_string(), "middle", class);
            }
        }
        s.text(
            W - right + 6.0,
            y + 15.0,
            &r.total.to_string(),
            "start",
            "tick",
        );
    }
    Figure {
        id: id.into(),
        svg: s.finish(
            id,
            &title,
            &format!("{title}. Heat map of factors by quarter."),
        ),
        title,
        lead,
        table,
    }
}

pub fn co_occurrence(stats: &Stats, site: &Site) -> Figure {
    let id = "factors-together";
    let lead = "How many postmortems name both factors. Factors rarely act alone: pairs that keep recurring point at a weakness worth one fix.".to_string();
    let pairs = &stats.co_occurrence;
    let name = |fid: &str| {
        stats
            .factor_quarters
            .rows
            .iter()
            .find(|r| r.id == fid)
            .map_or_else(|| fid.to_string(), |r| r.name.clone())
    };
    let head: Vec<String> = ["Factor", "With", "Postmortems"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .take(40)
        .map(|p| vec![name(&p.a), name(&p.b), p.count.to_string()])
        .collect();
    let table = table("Factors named together", &head, &rows);
    let Some(top) = pairs.first() else {
        let title = "No two factors have been named together yet".to_string();
        return Figure {
            id: id.into(),
            svg: empty(
                id,
                &title,
                "Each postmortem names at most one factor so far",
            ),
            title,
            lead,
            table,
        };
    };
    let ties = pairs.iter().filter(|p| p.count == top.count).count();
    let title = if ties == 1 {
        format!(
            "{} and {} occur together most often: {}",
            name(&top.a),
            name(&top.b),
            plural(top.count, "postmortem", "postmortems")
        )
    } else {
        format!(
            "{} pairs of factors tie as the most frequent, {} each; {} and {} among them",
            ties,
            plural(top.count, "postmortem", "postmortems"),
            name(&top.a),
            name(&top.b)
        )
    };
    // The factors of the most frequent pairs, up to 9, in order of frequency.
    let mut ids: Vec<&str> = Vec::new();
    for r in &stats.factor_quarters.rows {
        if ids.len() == 9 {
            break;
        }
        if pairs.iter().any(|p| p.a == r.id || p.b == r.id) {
            ids.push(&r.id);
        }
    }
    let count = |a: &str, b: &str| {
        pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
            .map_or(0, |p| p.count)
    };
    let max = pairs.iter().map(|p| p.count).max().unwrap_or(1).max(1) as f64;
    let (left, top_m) = (200.0, 120.0);
    let cell = 40.0f64.min((W - left - 10.0) / ids.len().max(1) as f64);
    let h = top_m + cell * ids.len() as f64 + 10.0;
    let mut s = Svg::new(W, h);
    for (j, b) in ids.iter().enumerate() {
        let x = left + cell * (j as f64 + 0.5);
        s.text_rotated(x - 4.0, top_m - 6.0, &short(&name(b), 22), -40.0, "tick");
    }
    for (i, a) in ids.iter().enumerate() {
        let y = top_m + cell * i as f64;
        let label = short(&name(a), 28);
        match factor_url(site, a) {
            Some(u) => s.link(&u, |s| {
                s.text(left - 8.0, y + cell / 2.0 + 4.0, &label, "end", "rowlabel")
            }),
            None => s.text(left - 8.0, y + cell / 2.0 + 4.0, &label, "end", "rowlabel"),
        }
        for (j, b) in ids.iter().enumerate() {
            let x = left + cell * j as f64;
            if i == j {
                s.cell(
                    (x + 1.0, y + 1.0, cell - 2.0, cell - 2.0),
                    "heat diag",
                    1.0,
                    &name(a),
                );
                continue;
            }
            let c = count(a, b);
            let tip = format!(
                "{} + {}: {}",
                name(a),
                name(b),
                plural(c, "postmortem", "postmortems")
            );
            if c == 0 {
                s.cell(
                    (x + 1.0, y + 1.0, cell - 2.0, cell - 2.0),
                    "heat zero",
                    1.0,
                    &tip,
                );
            } else {
                let o = 0.18 + 0.82 * (c as f64 / max);
                s.cell((x + 1.0, y + 1.0, cell - 2.0, cell - 2.0), "heat", o, &tip);
                let class = if o > 0.55 { "cellnum inv" } else { "cellnum" };
                s.text(
                    x + cell / 2.0,
                    y + cell / 2.0 + 4.0,
                    &c.to_string(),
                    "middle",
                    class,
                );
            }
        }
    }
    Figure {
        id: id.into(),
        svg: s.finish(id, &title, &format!("{title}. Matrix of factor pairs.")),
        title,
        lead,
        table,
    }
}
