//! `lore stats`: key figures as text and JSON, `--since`, bad dates.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn stats_json_counts_incidents_durations_and_actions() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let o = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-04-01")
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["today"], "2024-04-01");
    assert_eq!(
        v["severities"],
        serde_json::json!(["SEV1", "SEV2", "SEV3", "SEV4"])
    );
    let months = v["per_month"].as_array().unwrap();
    let march = months.iter().find(|m| m["month"] == "2024-03").unwrap();
    assert_eq!(march["counts"][0], 1, "the SEV1 of 2024-03-12");
    assert!(v["ttr"]["median"].as_i64().unwrap() > 0);
    assert!(v["ttr"]["p90"].as_i64().unwrap() >= v["ttr"]["median"].as_i64().unwrap());
}

#[test]
fn stats_since_leaves_older_incidents_out() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    let all = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-06-01")
        .args(["stats"])
        .output()
        .unwrap();
    let text = stdout(&all);
    assert!(text.contains("Last 90 days (to 2024-06-01)"), "{text}");
    // One counting rule with the site: the draft is left out, and said so.
    assert!(
        text.contains("incidents         1 (SEV2 1), 0 in the 90 days before"),
        "{text}"
    );
    assert!(
        text.contains("drafts left out   1 (as on the site; --drafts counts them)"),
        "{text}"
    );
    let with_drafts = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-06-01")
        .args(["stats", "--drafts"])
        .output()
        .unwrap();
    let text_d = stdout(&with_drafts);
    assert!(
        text_d.contains("incidents         2 (SEV2 1, SEV3 1), 0 in the 90 days before"),
        "{text_d}"
    );
    assert!(!text_d.contains("drafts left out"), "{text_d}");
    assert!(
        text.contains("2 total, 1 done, 1 open, 0 overdue, 0 without owner"),
        "{text}"
    );
    let since = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-06-01")
        .args([
            "stats",
            "--since",
            "2024-05-10",
            "--drafts",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&since)).unwrap();
    assert_eq!(v["summary"]["postmortems"], 1);
    let bad = sb
        .lore(&kb)
        .args(["stats", "--since", "May"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`May` is not a date"),
        "{}",
        stderr(&bad)
    );
}
