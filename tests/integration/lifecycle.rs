//! A whole incident from the command line, as a chat bot or a responder's
//! script would run it: declare, stamp, timeline, action items, review; each
//! step one commit on the file as it is then.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn a_whole_incident_from_first_page_to_review() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let run = |args: &[&str]| {
        let out = sb.lore(&kb).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let path = run(&[
        "new",
        "postmortem",
        "--title",
        "Edge 502s",
        "--started",
        "2026-04-21T07:00:00Z",
        "--severity",
        "sev2",
        "--service",
        "edge",
        "--no-edit",
    ]);
    let rel = path.trim().to_string();
    assert_eq!(rel, "postmortems/2026-04-21-edge-502s.md");
    let id = "2026-04-21-edge-502s";
    let before = sb
        .git(&kb, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse::<usize>()
        .unwrap();
    run(&["stamp", id, "detected", "--at", "2026-04-21T07:12:00Z"]);
    run(&[
        "timeline",
        id,
        "Paged the edge on-call",
        "--at",
        "2026-04-21T07:15:00Z",
    ]);
    run(&["timeline", id, "07:05 Edge config push merged"]);
    run(&[
        "timeline",
        id,
        "Rolled back the push",
        "--at",
        "2026-04-21T07:40:00Z",
    ]);
    run(&["stamp", id, "mitigated", "--at", "2026-04-21T07:41:00Z"]);
    run(&[
        "action",
        "add",
        id,
        "Canary edge config pushes @edge-team due:2026-05-15 #prevent",
    ]);
    run(&["action", "done", &format!("{id}#1")]);
    run(&["stamp", id, "resolved", "--at", "2026-04-21T08:30:00Z"]);
    let out = run(&["status", id, "review"]);
    assert!(out.contains("postmortem: review"), "{out}");
    let after = sb
        .git(&kb, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse::<usize>()
        .unwrap();
    assert_eq!(after - before, 9, "one commit per step");
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");

    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    assert!(text.contains("\nstatus: review\n"), "{text}");
    assert!(
        text.contains("\nstarted: 2026-04-21T07:00:00+00:00\n"),
        "{text}"
    );
    assert!(
        text.contains("\ndetected: 2026-04-21T07:12:00+00:00\n"),
        "{text}"
    );
    let tl: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("- 07:") || l.starts_with("- 08:"))
        .collect();
    assert_eq!(
        tl,
        [
            "- 07:05 Edge config push merged",
            "- 07:12 Detected",
            "- 07:15 Paged the edge on-call",
            "- 07:40 Rolled back the push",
            "- 07:41 Mitigated",
            "- 08:30 Resolved",
        ],
        "{text}"
    );
    assert!(
        text.contains("- [x] Canary edge config pushes @edge-team due:2026-05-15 #prevent"),
        "{text}"
    );

    let out = run(&["show", id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ttd_seconds"], 12 * 60);
    assert_eq!(v["ttm_seconds"], 41 * 60);
    assert_eq!(v["ttr_seconds"], 90 * 60);

    let out = run(&["review"]);
    assert!(out.contains(id) && out.contains("clean"), "{out}");
    // Publishing waits for lint errors to be fixed.
    std::fs::write(kb.join(&rel), text + "\nSee [the runbook](missing.md).\n").unwrap();
    sb.git(&kb, &["commit", "-qam", "link"]);
    let out = sb
        .lore(&kb)
        .args(["status", id, "published"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not ready to publish"),
        "{}",
        stderr(&out)
    );
    run(&["status", id, "published", "--force"]);
}

#[test]
fn unknown_references_and_times_are_clear_errors() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let out = sb
        .lore(&kb)
        .args([
            "new",
            "postmortem",
            "--title",
            "X",
            "--started",
            "soonish",
            "--no-edit",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = sb
        .lore(&kb)
        .args(["action", "done", "nothing-like-this"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no action item says"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn times_no_incident_can_have_are_refused_with_the_reason() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let doc = "postmortems/2024-05-01-outage.md";
    std::fs::write(
        kb.join(doc),
        "---\ntitle: Outage\ndate: 2024-05-01\n---\n# Outage\n\n## Timeline\n\n- 10:00 Paged\n",
    )
    .unwrap();
    let lore = |args: &[&str]| sb.lore(&kb).args(args).output().unwrap();
    for (args, code, says) in [
        (
            vec![
                "stamp",
                "2024-05-01-outage",
                "detected",
                "--at",
                "0000-01-01 10:00",
            ],
            2,
            "before 1970",
        ),
        (
            vec![
                "stamp",
                "2024-05-01-outage",
                "resolved",
                "--at",
                "9999-12-31T00:00:00Z",
            ],
            2,
            "in the future",
        ),
        (
            vec![
                "timeline",
                "2024-05-01-outage",
                "x",
                "--at",
                "1969-12-31 23:59",
            ],
            2,
            "before 1970",
        ),
        (
            vec![
                "new",
                "postmortem",
                "--title",
                "Y",
                "--started",
                "9999-01-01 10:00",
                "--no-edit",
            ],
            2,
            "in the future",
        ),
        (
            vec![
                "timeline",
                "2024-05-01-outage",
                "9999-01-01 10:00 written far ahead",
            ],
            1,
            "in the future",
        ),
    ] {
        let out = lore(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("lore: error: "),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let text = std::fs::read_to_string(kb.join(doc)).unwrap();
    assert!(!text.contains("9999") && !text.contains("0000"), "{text}");
    // A date years back is fine: postmortems are written late.
    let out = lore(&[
        "stamp",
        "2024-05-01-outage",
        "detected",
        "--at",
        "2024-05-01 10:05",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn no_edit_lands_inside_a_front_matter_that_is_never_closed() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let doc = kb.join("postmortems/2024-05-01-open.md");
    let text =
        "---\ntitle: Open front matter\ndate: 2024-05-01\n# Open\n\n## Timeline\n\n- 10:00 Paged\n";
    std::fs::write(&doc, text).unwrap();
    for args in [
        vec![
            "timeline",
            "2024-05-01-open",
            "an entry",
            "--at",
            "2024-05-01 10:10",
        ],
        vec!["action", "add", "2024-05-01-open", "an item"],
        vec![
            "stamp",
            "2024-05-01-open",
            "mitigated",
            "--at",
            "2024-05-01 10:20",
        ],
        vec!["status", "2024-05-01-open", "review"],
    ] {
        let out = sb.lore(&kb).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("never closed"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&doc).unwrap(),
            text,
            "{args:?} changed it"
        );
    }
}

#[test]
fn typos_in_flags_and_filters_say_did_you_mean() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let run = |args: &[&str]| sb.lore(&kb).args(args).output().unwrap();
    let out = run(&["list", "--factor", "dsn"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean `dns`?"),
        "{}",
        stderr(&out)
    );
    let out = run(&["list", "--severity", "SEV9"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["list", "--severity", "sev1", "--format", "json"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("\"severity\": \"SEV1\""),
        "severity case is normalised"
    );
    let out = run(&["actions", "--owner", "platfrom-team"]);
    assert!(
        stderr(&out).contains("did you mean `platform-team`?"),
        "{}",
        stderr(&out)
    );
    let out = run(&["search", "factor:confg-change"]);
    assert!(
        stderr(&out).contains("did you mean `config-change`?"),
        "{}",
        stderr(&out)
    );
    let out = run(&["list", "--service", "chekout"]);
    assert!(
        stderr(&out).contains("did you mean `checkout`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn on_this_day_lists_and_shows_earlier_years_incidents() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-03-12")
        .args(["list", "--on-this-day", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2024-03-12-checkout-failover-replica-lag"]);
    let site = sb.path("site");
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-03-12")
        .args(["export", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let part = index
        .split("id=\"on-this-day\"")
        .nth(1)
        .expect("an On this day section");
    assert!(part.contains("2 years ago"), "{part}");
    assert!(
        part.contains("postmortems/2024-03-12-checkout-failover-replica-lag.html"),
        "{part}"
    );
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-03-13")
        .args(["export", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        !std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("id=\"on-this-day\"")
    );
}
