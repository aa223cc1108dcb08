use super::super::{Doc, ParseContext};
use std::path::Path;

fn doc(text: &str) -> Doc {
    Doc::parse(
        text,
        Path::new("postmortems/x.md"),
        &ParseContext::default(),
    )
}

fn at(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(s).ok()
}

const TABLE: &str = "---\ntitle: Cluster outage\ndate: 2020-01-21\n---\n# Cluster outage\n\n## Timeline\n\nAll times in CET.\n\n| Time | Event |\n|------|-------|\n| 2020-01-21 15:36 | Deploy of the ingress config |\n| 15:50 | **Detection:** first alert fires |\n| 16:20 | Rolled back; service restored |\n| 23:55 | Backfill running |\n| 00:10 | Resolved |\n\n## Action items\n\n| Action | Owner | Status | Due |\n|---|---|---|---|\n| Alert on ingress 5xx | sre-team | Done | 2020-02-01 |\n| Canary config pushes | @platform | open | 2020-03-01 |\n";

#[test]
fn a_timeline_table_with_a_zone_line_gives_entries_and_stamps() {
    let d = doc(TABLE);
    let times: Vec<_> = d.timeline.iter().map(|e| e.at).collect();
    assert_eq!(
        times,
        vec![
            at("2020-01-21T15:36:00+01:00"),
            at("2020-01-21T15:50:00+01:00"),
            at("2020-01-21T16:20:00+01:00"),
            at("2020-01-21T23:55:00+01:00"),
            at("2020-01-22T00:10:00+01:00"),
        ]
    );
    assert_eq!(d.timeline[1].text, "**Detection:** first alert fires");
    assert_eq!(d.stamps.started, at("2020-01-21T15:36:00+01:00"));
    assert_eq!(d.stamps.detected, at("2020-01-21T15:50:00+01:00"));
    assert_eq!(d.stamps.mitigated, at("2020-01-21T16:20:00+01:00"));
    assert_eq!(d.stamps.resolved, at("2020-01-22T00:10:00+01:00"));
    assert_eq!(d.ttd(), Some(14 * 60));
    let lines: Vec<&str> = d.stamps.inferred.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, vec!["detected", "mitigated", "resolved", "started"]);
}

#[test]
fn an_action_table_gives_items_with_owner_status_and_due() {
    let d = doc(TABLE);
    let a = &d.action_items;
    assert_eq!(a.len(), 2);
    assert_eq!(
        (a[0].text.as_str(), a[0].owner.as_deref(), a[0].done),
        ("Alert on ingress 5xx", Some("sre-team"), true)
    );
    assert_eq!(a[0].due, chrono::NaiveDate::from_ymd_opt(2020, 2, 1));
    assert_eq!(
        (a[1].owner.as_deref(), a[1].done),
        (Some("platform"), false)
    );
}

#[test]
fn plain_bullets_under_follow_up_headings_are_open_items() {
    for heading in [
        "Follow-up",
        "Next steps",
        "Remediation",
        "Corrective actions",
        "Action Items",
    ] {
        let d = doc(&format!(
            "---\ntitle: X\ndate: 2024-01-01\n---\n## {heading}\n\n- Add a canary stage\n  - a detail, not an item\n- [x] Page the DB team @dba\n"
        ));
        let texts: Vec<(&str, bool)> = d
            .action_items
            .iter()
            .map(|a| (a.text.as_str(), a.done))
            .collect();
        assert_eq!(
            texts,
            vec![("Add a canary stage", false), ("Page the DB team", true)],
            "{heading}"
        );
    }
}

#[test]
fn stated_durations_count_when_stamps_are_missing() {
    let d = doc(
        "---\ntitle: X\ndate: 2024-01-01\ntime_to_mitigate: 1h 5m\n---\n## Summary\n\n- Time to detection: 54 minutes\n- Time to recovery: 2 hours 28 minutes\n- Category: Kubernetes\n",
    );
    assert_eq!(
        (d.ttd(), d.ttm(), d.ttr()),
        (Some(3240), Some(3900), Some(8880))
    );
    // Stamps win over stated figures.
    let d = doc(
        "---\ntitle: X\ndate: 2024-01-01\nstarted: 2024-01-01T10:00:00Z\ndetected: 2024-01-01T10:10:00Z\n---\n- Time to detect: 54 minutes\n",
    );
    assert_eq!(d.ttd(), Some(600));
}

#[test]
fn list_timelines_in_other_forms_and_front_matter_stamps_win() {
    let d = doc(
        "---\ntitle: X\ndate: 2020-01-21\ndetected: 2020-01-21T15:40:00Z\n---\n## Timeline (UTC)\n\n- Jan 21, 15:36 - Deploy starts\n- 21-01-2020 15:45 Paged the on-call\n- 3:50 PM Mitigated by rollback\n",
    );
    let times: Vec<_> = d.timeline.iter().map(|e| (e.at, e.text.as_str())).collect();
    assert_eq!(
        times,
        vec![
            (at("2020-01-21T15:36:00Z"), "Deploy starts"),
            (at("2020-01-21T15:45:00Z"), "Paged the on-call"),
            (at("2020-01-21T15:50:00Z"), "Mitigated by rollback"),
        ]
    );
    assert_eq!(d.stamps.detected, at("2020-01-21T15:40:00Z"));
    assert_eq!(d.stamps.mitigated, at("2020-01-21T15:50:00Z"));
}

#[test]
fn a_code_span_opening_a_timeline_entry_keeps_its_backtick() {
    let d = doc(
        "---\ndate: 2024-03-12\n---\n# X\n\n## Timeline\n\n- 14:09 `CheckoutErrorRate` pages on-call.\n- **14:15** SEV1 declared\n- 14:20 `setval` applied\n",
    );
    let texts: Vec<&str> = d.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "`CheckoutErrorRate` pages on-call.",
            "SEV1 declared",
            "`setval` applied"
        ]
    );
}
