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

/// The value under a key figure's label on the overview.
fn figure<'a>(html: &'a str, label: &str) -> (&'a str, &'a str) {
    let at = html
        .find(&format!("<div class=\"kf-label\">{label}</div>"))
        .unwrap_or_else(|| panic!("no {label} on the overview"));
    let rest = &html[at..];
    let value = rest.split("<div class=\"kf-value\">").nth(1).unwrap();
    let note = rest.split("<div class=\"kf-note\">").nth(1).unwrap();
    (
        value.split("</div>").next().unwrap(),
        note.split("</div>").next().unwrap(),
    )
}

#[test]
fn stats_and_the_sites_overview_agree_on_the_same_window() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    for (today, drafts) in [
        ("2024-06-01", false),
        ("2026-12-01", false),
        ("2026-12-01", true),
    ] {
        let flag: &[&str] = if drafts { &["--drafts"] } else { &[] };
        let out = sb
            .lore(&kb)
            .env("LORE_TODAY", today)
            .args(["stats", "--format", "json"])
            .args(flag)
            .output()
            .unwrap();
        let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let s = &s["summary"];
        let site = sb.path(&format!("site-{today}-{drafts}"));
        let run = sb
            .lore(&kb)
            .env("LORE_TODAY", today)
            .args(["export", "--out"])
            .arg(&site)
            .args(flag)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
        let html = std::fs::read_to_string(site.join("index.html")).unwrap();
        let what = format!("{today}, drafts {drafts}");
        let (incidents, note) = figure(&html, "Incidents");
        assert_eq!(incidents, s["incidents"].to_string(), "{what}");
        let left_out = s["drafts_left_out"].as_u64().unwrap();
        assert_eq!(
            note.contains(&format!("{left_out} drafts not counted")),
            left_out > 1,
            "{what}: {note}"
        );
        if let Some(ttd) = s["ttd_median"].as_i64() {
            let (value, note) = figure(&html, "Median time to detect");
            assert_eq!(value, lore::stats::human_duration(ttd), "{what}");
            assert!(
                note.contains(&format!("of {} incident", s["ttd_from"])),
                "{what}: {note}"
            );
        }
        let (open, note) = figure(&html, "Open action items");
        assert_eq!(open, s["open_actions"].to_string(), "{what}");
        assert!(
            note.contains(&format!("{} overdue", s["overdue_actions"])),
            "{what}: {note}"
        );
    }
}
