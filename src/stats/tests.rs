//! Trend figures on small KBs built in memory, with exact expected values.

use super::*;
use crate::config::Config;
use crate::doc::{Doc, ParseContext, parse_date};
use std::path::{Path, PathBuf};

fn pm(id: &str, front: &str, body: &str) -> Doc {
    let text = format!("---\ntitle: {id}\nstatus: published\n{front}\n---\n{body}");
    Doc::parse(
        &text,
        Path::new(&format!("postmortems/{id}.md")),
        &ParseContext::default(),
    )
}

fn rb(id: &str, front: &str) -> Doc {
    let text = format!("---\ntitle: {id}\nkind: runbook\n{front}\n---\n# {id}\n");
    Doc::parse(
        &text,
        Path::new(&format!("runbooks/{id}.md")),
        &ParseContext::default(),
    )
}

fn kb(docs: Vec<Doc>) -> Kb {
    let mut config = Config::default();
    config.factors = vec![crate::config::Factor {
        id: "config-change".into(),
        name: "Configuration change".into(),
        group: "Change".into(),
        description: String::new(),
    }];
    Kb::from_docs(PathBuf::from("/kb"), config, docs, Vec::new())
}

fn day(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

#[test]
fn empty_kb_has_no_periods_and_no_medians() {
    let s = compute(&kb(vec![]), &Options::new(day("2024-06-01")));
    assert!(s.per_month.is_empty());
    assert!(s.factor_quarters.quarters.is_empty());
    assert_eq!(s.ttd.count, 0);
    assert_eq!(s.ttd.median, None);
    assert_eq!(s.summary.incidents, 0);
    assert_eq!(s.severities, ["SEV1", "SEV2", "SEV3", "SEV4"]);
    assert_eq!(s.actions.share_done_past_target, None);
}

#[test]
fn incidents_per_month_by_severity_with_gaps_and_near_misses_apart() {
    let docs = vec![
        pm("a", "date: 2024-01-05\nseverity: sev2", ""),
        pm("b", "date: 2024-01-20\nseverity: SEV1", ""),
        pm("c", "date: 2024-03-02\nseverity: SEV2\nnear_miss: true", ""),
        pm("d", "date: 2024-03-09", ""),
        pm("e", "date: 2024-03-10\nseverity: P0", ""),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    assert_eq!(
        s.severities,
        ["SEV1", "SEV2", "SEV3", "SEV4", "P0", "unrated"]
    );
    let months: Vec<(&str, Vec<usize>, usize)> = s
        .per_month
        .iter()
        .map(|m| (m.month.as_str(), m.counts.clone(), m.near_misses))
        .collect();
    assert_eq!(
        months,
        vec![
            ("2024-01", vec![1, 1, 0, 0, 0, 0], 0),
            ("2024-02", vec![0, 0, 0, 0, 0, 0], 0),
            ("2024-03", vec![0, 0, 0, 0, 1, 1], 1),
        ]
    );
    assert_eq!(s.per_month[2].incidents, 2);
}

#[test]
fn drafts_and_older_incidents_are_left_out_when_asked() {
    let draft = Doc::parse(
        "---\ntitle: x\ndate: 2024-02-01\n---\n",
        Path::new("postmortems/x.md"),
        &ParseContext::default(),
    );
    let docs = vec![
        draft,
        pm("a", "date: 2023-12-01", ""),
        pm("b", "date: 2024-02-03", ""),
    ];
    let k = kb(docs);
    let mut opts = Options::new(day("2024-06-01"));
    // Drafts are left out by default, and counted as left out.
    let s = compute(&k, &opts);
    assert_eq!((s.summary.postmortems, s.summary.drafts_left_out), (2, 1));
    opts.include_drafts = true;
    let s = compute(&k, &opts);
    assert_eq!((s.summary.postmortems, s.summary.drafts_left_out), (3, 0));
    opts.include_drafts = false;
    opts.since = Some(day("2024-01-01"));
    let s = compute(&k, &opts);
    assert_eq!(s.summary.postmortems, 1);
    assert_eq!(s.per_month.len(), 1);
    assert_eq!(s.per_month[0].month, "2024-02");
}

#[test]
fn factors_by_quarter_and_together() {
    let docs = vec![
        pm(
            "a",
            "date: 2024-01-05\nfactors: [config-change, missing-alert]",
            "",
        ),
        pm(
            "b",
            "date: 2024-05-05\nfactors: [missing-alert, config-change, config-change]",
            "",
        ),
        pm("c", "date: 2024-05-06\nfactors: [missing-alert]", ""),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    let fq = &s.factor_quarters;
    assert_eq!(fq.quarters, ["2024-Q1", "2024-Q2"]);
    assert_eq!(fq.rows[0].id, "missing-alert");
    assert_eq!(fq.rows[0].counts, [1, 2]);
    assert_eq!(fq.rows[0].name, "missing-alert");
    assert_eq!(fq.rows[1].id, "config-change");
    assert_eq!(fq.rows[1].name, "Configuration change");
    assert_eq!(fq.rows[1].group, "Change");
    assert_eq!(fq.rows[1].counts, [1, 1]);
    assert_eq!(
        s.co_occurrence,
        vec![Pair {
            a: "config-change".into(),
            b: "missing-alert".into(),
            count: 2
        }]
    );
}

#[test]
fn durations_with_missing_and_out_of_order_timestamps() {
    let docs = vec![
        pm(
            "a",
            "date: 2024-01-05\nstarted: 2024-01-05T10:00:00Z\ndetected: 2024-01-05T10:10:00Z\nresolved: 2024-01-05T12:00:00Z\nseverity: SEV1",
            "",
        ),
        pm(
            "b",
            "date: 2024-02-05\nstarted: 2024-02-05T10:00:00Z\ndetected: 2024-02-05T10:30:00Z\nresolved: 2024-02-05T10:45:00Z\nseverity: SEV1",
            "",
        ),
        pm(
            "c",
            "date: 2024-04-05\nstarted: 2024-04-05T10:00:00Z\nresolved: 2024-04-05T09:00:00Z\nseverity: SEV3",
            "",
        ),
        pm("d", "date: 2024-04-06", ""),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    assert_eq!(
        (s.ttd.count, s.ttd.missing, s.ttd.median),
        (2, 2, Some(1200))
    );
    assert_eq!(
        (s.ttr.count, s.ttr.missing, s.ttr.median, s.ttr.p90),
        (2, 2, Some(4950), Some(7200))
    );
    let q: Vec<(&str, usize, Option<i64>)> = s
        .durations_by_quarter
        .iter()
        .map(|q| (q.quarter.as_str(), q.ttr_count, q.ttr_median))
        .collect();
    assert_eq!(q, vec![("2024-Q1", 2, Some(4950)), ("2024-Q2", 0, None)]);
    let sev: Vec<(&str, usize, usize)> = s
        .by_severity
        .iter()
        .map(|x| (x.severity.as_str(), x.incidents, x.points.len()))
        .collect();
    assert_eq!(sev, vec![("SEV1", 2, 2), ("SEV3", 1, 0), ("unrated", 1, 0)]);
    assert_eq!(s.by_severity[0].points[0].id, "b");
}

#[test]
fn action_follow_through_against_the_target() {
    let body = "## Action items\n\n- [x] Done thing @ann due:2024-01-20\n- [ ] Open late @bob due:2024-02-01\n- [ ] Open no owner\n";
    let recent = "## Action items\n\n- [ ] Fresh @cat due:2024-07-01\n";
    let docs = vec![
        pm("a", "date: 2024-01-05", body),
        pm("b", "date: 2024-05-28", recent),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    let a = &s.actions;
    assert_eq!(
        (a.total, a.done, a.open, a.overdue, a.without_owner),
        (4, 1, 3, 1, 1)
    );
    assert_eq!((a.past_target, a.past_target_done), (3, 1));
    assert_eq!(
        a.share_done_past_target.map(|x| (x * 100.0).round()),
        Some(33.0)
    );
    let ages: Vec<(&str, usize, usize)> = a
        .open_by_age
        .iter()
        .map(|b| (b.label.as_str(), b.count, b.overdue))
        .collect();
    assert_eq!(
        ages,
        vec![
            ("< 1 week", 1, 0),
            ("1–4 weeks", 0, 0),
            ("1–3 months", 0, 0),
            ("3–6 months", 2, 1),
            ("> 6 months", 0, 0)
        ]
    );
    assert_eq!(a.by_month.first().map(|m| (m.opened, m.done)), Some((3, 1)));
    assert_eq!(a.by_month.last().map(|m| (m.opened, m.done)), Some((1, 0)));
    assert_eq!(s.summary.open_actions, 3);
    assert_eq!(s.summary.overdue_actions, 1);
}

#[test]
fn key_figures_of_the_last_90_days() {
    let docs = vec![
        pm("a", "date: 2024-05-30\nseverity: SEV2", ""),
        pm("b", "date: 2024-04-01\nseverity: SEV2\nnear_miss: true", ""),
        pm("c", "date: 2024-02-01\nseverity: SEV1", ""),
        pm("d", "date: 2024-01-01\nseverity: SEV1", ""),
        pm("e", "date: 2023-06-01\nseverity: SEV1", ""),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    let sum = &s.summary;
    assert_eq!(
        (sum.incidents, sum.near_misses, sum.previous_incidents),
        (1, 1, 2)
    );
    assert_eq!(
        sum.by_severity,
        vec![LabelCount {
            label: "SEV2".into(),
            count: 1
        }]
    );
}

#[test]
fn services_rank_by_incidents_with_worst_severity() {
    let docs = vec![
        pm(
            "a",
            "date: 2024-01-05\nseverity: SEV3\nservices: [db, api]",
            "",
        ),
        pm("b", "date: 2024-02-05\nseverity: SEV1\nservices: [db]", ""),
        pm(
            "c",
            "date: 2024-03-05\nnear_miss: true\nservices: [api]",
            "",
        ),
        pm("d", "date: 2024-03-06\nservices: [web]", ""),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    let got: Vec<(&str, usize, usize, Option<&str>)> = s
        .services
        .iter()
        .map(|x| {
            (
                x.service.as_str(),
                x.incidents,
                x.near_misses,
                x.worst_severity.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("db", 2, 0, Some("SEV1")),
            ("api", 1, 1, Some("SEV3")),
            ("web", 1, 0, None)
        ]
    );
    assert_eq!(s.services[1].last, Some(day("2024-03-05")));
}

#[test]
fn runbooks_by_review_age_never_reviewed_first() {
    let docs = vec![
        rb("fresh", "last_reviewed: 2024-05-01"),
        rb("old", "last_reviewed: 2023-01-01"),
        rb("never", ""),
        rb("custom", "last_reviewed: 2024-04-01\nreview_every_days: 30"),
    ];
    let s = compute(&kb(docs), &Options::new(day("2024-06-01")));
    let got: Vec<(&str, Option<i64>, bool)> = s
        .runbooks
        .iter()
        .map(|r| (r.id.as_str(), r.age_days, r.stale))
        .collect();
    assert_eq!(
        got,
        vec![
            ("never", None, true),
            ("old", Some(517), true),
            ("custom", Some(61), true),
            ("fresh", Some(31), false)
        ]
    );
    assert_eq!(s.summary.stale_runbooks, 3);
}

#[test]
fn on_this_day_is_the_same_date_in_earlier_years_with_leap_days_on_the_28th() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(super::on_this_day(d("2024-03-12"), d("2026-03-12")));
    assert!(
        !super::on_this_day(d("2026-03-12"), d("2026-03-12")),
        "not this year"
    );
    assert!(!super::on_this_day(d("2024-03-13"), d("2026-03-12")));
    assert!(super::on_this_day(d("2024-02-29"), d("2025-02-28")));
    assert!(
        !super::on_this_day(d("2024-02-29"), d("2028-02-28")),
        "a leap year has its own 29th"
    );
}
