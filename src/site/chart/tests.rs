//! Charts on edge cases: no incidents, one month, missing timestamps, and the
//! median and p90 markers where the values fall.

use super::*;
use crate::config::Config;
use crate::doc::{Doc, ParseContext, parse_date};
use crate::kb::Kb;
use crate::stats::{Distribution, Options, compute};
use std::path::{Path, PathBuf};

fn kb(docs: &[(&str, &str)]) -> Kb {
    let docs = docs
        .iter()
        .map(|(id, front)| {
            let text = format!("---\ntitle: {id}\nstatus: published\n{front}\n---\n");
            Doc::parse(
                &text,
                Path::new(&format!("postmortems/{id}.md")),
                &ParseContext::default(),
            )
        })
        .collect();
    Kb::from_docs(PathBuf::from("/kb"), Config::default(), docs, Vec::new())
}

fn stats(k: &Kb) -> Stats {
    compute(k, &Options::new(parse_date("2024-06-01").unwrap()))
}

#[test]
fn no_incidents_gives_framed_messages_and_empty_tables() {
    let k = kb(&[]);
    let s = stats(&k);
    let site = Site::new(&k, false);
    let figs = trends(&s, &site);
    assert_eq!(figs.len(), 11);
    for f in &figs {
        assert!(f.svg.starts_with("<svg class=\"chart\""), "{}", f.id);
        assert!(
            f.svg
                .contains(&format!("aria-labelledby=\"{0}-t {0}-d\"", f.id)),
            "{}",
            f.id
        );
    }
    assert_eq!(figs[0].title, "No incidents on record yet");
    assert!(figs[0].svg.contains("empty-msg"));
    assert!(figs[0].table.contains("No data yet."));
    let o = overview_months(&s);
    assert_eq!(o.title, "No incidents in 12 months");
    assert!(o.table.contains("<th scope=\"row\">2024-06</th>"));
    assert!(o.table.contains("<th scope=\"row\">2023-07</th>"));
    assert!(!o.table.contains("2023-06"));
}

#[test]
fn one_month_draws_one_stack_with_a_legend() {
    let k = kb(&[
        ("a", "date: 2024-03-02\nseverity: SEV1"),
        ("b", "date: 2024-03-09\nseverity: SEV3"),
    ]);
    let s = stats(&k);
    let f = time::per_month(&s, "m", &s.per_month, false, 720.0);
    assert_eq!(f.title, "2 incidents in 1 month; the most in 2024-03 (2)");
    assert_eq!(
        f.svg.matches("class=\"sev s1\"").count(),
        2,
        "one bar and one legend swatch"
    );
    assert_eq!(f.svg.matches("class=\"sev s3\"").count(), 2);
    assert!(f.svg.contains("<title>2024-03: 1 SEV1</title>"));
    assert!(f.svg.contains(">Mar 2024</text>"));
}

#[test]
fn missing_timestamps_are_counted_not_plotted() {
    let k = kb(&[
        (
            "a",
            "date: 2024-03-02\nstarted: 2024-03-02T10:00:00Z\ndetected: 2024-03-02T10:05:00Z",
        ),
        ("b", "date: 2024-03-03"),
    ]);
    let s = stats(&k);
    let f = time::distribution(&s.ttd, "ttd", "detect", "started → detected");
    assert_eq!(
        f.title,
        "The one incident with timestamps took 5m to detect"
    );
    assert!(
        f.lead
            .contains("1 postmortem with both timestamps; 1 without, left out."),
        "{}",
        f.lead
    );
    let r = time::distribution(&s.ttr, "ttr", "resolve", "started → resolved");
    assert_eq!(r.title, "No postmortem records when it was resolved yet");
}

#[test]
fn median_and_p90_markers_sit_in_their_buckets() {
    let d = Distribution::of([60, 120, 600, 700, 800, 900, 1000, 4000, 5000, 90_000], 0);
    let f = time::distribution(&d, "x", "resolve", "s");
    assert_eq!(
        f.title,
        "Half of incidents take under 14m to resolve; 1 in 10 takes over 1h 23m"
    );
    assert!(f.svg.contains(">median 14m</text>"));
    assert!(f.svg.contains(">p90 1h 23m</text>"));
    // 850 s lies in the 5–15m band (the 2nd, from x=34+67.8) at 55/60 of its width.
    let marker = f.svg.split("class=\"marker median\"").next().unwrap();
    let x: f64 = marker
        .rsplit("x1=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let band = (720.0 - 34.0 - 8.0) / 10.0;
    assert!(
        (x - (34.0 + band * (1.0 + 550.0 / 600.0))).abs() < 0.2,
        "{x}"
    );
}

#[test]
fn hostile_names_are_escaped_inside_charts() {
    let k = kb(&[(
        "a",
        "date: 2024-03-02\nservices: [\"<script>x</script>\"]\nfactors: [\"<b>f</b>\", g]",
    )]);
    let s = stats(&k);
    let site = Site::new(&k, false);
    for f in trends(&s, &site) {
        assert!(
            !f.svg.contains("<script>") && !f.svg.contains("<b>"),
            "{}",
            f.id
        );
        assert!(
            !f.table.contains("<script>") && !f.table.contains("<b>"),
            "{}",
            f.id
        );
    }
}

#[test]
fn headlines_say_a_tie_and_compare_no_thin_quarters() {
    let k = kb(&[
        (
            "a",
            "date: 2024-03-02\nfactors: [config-change, missing-alert]\nstarted: 2024-03-02T10:00:00Z\nresolved: 2024-03-02T11:00:00Z",
        ),
        (
            "b",
            "date: 2024-05-09\nfactors: [dns, deploy]\nstarted: 2024-05-09T10:00:00Z\nresolved: 2024-05-09T16:00:00Z",
        ),
    ]);
    let s = stats(&k);
    let site = Site::new(&k, false);
    let figs = trends(&s, &site);
    let titles: Vec<&str> = figs.iter().map(|f| f.title.as_str()).collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("factors tie as the most common")),
        "{titles:#?}"
    );
    assert!(
        titles.iter().any(|t| t.contains("pairs of factors tie")),
        "{titles:#?}"
    );
    // One incident a quarter: no "went from … to …".
    assert!(
        !titles.iter().any(|t| t.contains("went from")),
        "{titles:#?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Too few incidents per quarter")),
        "{titles:#?}"
    );
}
