//! `lore slo`, the lint checks of `slo_impact` and the site's SLO page,
//! checked against budgets worked out by hand on a small fixture KB.

use crate::common::{Sandbox, stderr, stdout};
use serde_json::Value;

const TODAY: &str = "2026-06-30";

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 0.01)
}

/// `lore ARGS` in the KB with today pinned.
fn on(sb: &Sandbox, kb: &std::path::Path, args: &[&str]) -> std::process::Output {
    sb.lore(kb)
        .env("LORE_TODAY", TODAY)
        .args(args)
        .output()
        .unwrap()
}

/// `lore slo --format json EXTRA`, which must succeed.
fn slo_json(sb: &Sandbox, kb: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["slo", "--format", "json"];
    args.extend_from_slice(extra);
    let out = on(sb, kb, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn budgets_spent_match_the_hand_computed_figures() {
    let sb = Sandbox::new();
    let kb = sb.fixture("slo");
    let r = slo_json(&sb, &kb, &[]);
    assert_eq!(r["since"], "2026-04-02");
    assert_eq!(r["drafts_left_out"], 1);
    let api = &r["slos"][0];
    assert_eq!(api["id"], "api-availability");
    // 30 days × 1440 minutes × 0.1 %.
    assert!(close(&api["budget_minutes"], 43.2));
    let w = &api["windows"];
    assert_eq!(w.as_array().unwrap().len(), 3);
    assert_eq!(w[0]["from"], "2026-06-01");
    assert_eq!(w[0]["to"], "2026-06-30");
    // 30 minutes started → mitigated at full impact, plus 20 stated.
    assert!(close(&w[0]["spent_minutes"], 50.0), "{}", w[0]);
    assert!(close(&w[0]["consumed_percent"], 50.0 / 43.2 * 100.0));
    assert_eq!(w[0]["over_budget"], true);
    assert_eq!(w[0]["incidents"][0]["id"], "2026-06-20-api-config");
    assert!(close(&w[0]["incidents"][0]["minutes"], 30.0));
    assert_eq!(w[0]["incidents"][0]["how"], "started to mitigated");
    assert_eq!(w[0]["incidents"][1]["how"], "stated bad minutes");
    // 60 minutes at 25 % of traffic.
    assert_eq!(w[1]["from"], "2026-05-02");
    assert!(close(&w[1]["spent_minutes"], 15.0));
    assert!(close(&w[1]["consumed_percent"], 15.0 / 43.2 * 100.0));
    assert_eq!(w[1]["over_budget"], false);
    assert!(close(&w[2]["spent_minutes"], 0.0));
    assert!(close(&api["spent_minutes"], 65.0));
    let f = &api["factors"];
    assert_eq!(f[0]["factor"], "config-change");
    assert!(close(&f[0]["minutes"], 50.0));
    assert!(close(&f[0]["share_percent"], 50.0 / 65.0 * 100.0));
    assert_eq!(f[0]["incidents"], 2);
    assert_eq!(f[1]["factor"], "missing-alert");
    assert_eq!(f[2]["factor"], "deploy");
    // An SLO no incident named: 13 weekly windows, nothing spent.
    let batch = &r["slos"][1];
    assert!(close(&batch["budget_minutes"], 100.8));
    assert_eq!(batch["windows"].as_array().unwrap().len(), 13);
    assert!(close(&batch["spent_minutes"], 0.0));
    assert!(batch["factors"].as_array().unwrap().is_empty());

    // Drafts with the flag: two hours more in June.
    let r = slo_json(&sb, &kb, &["--drafts"]);
    assert!(close(&r["slos"][0]["windows"][0]["spent_minutes"], 170.0));

    let text = on(&sb, &kb, &["slo"]);
    let text = stdout(&text);
    assert!(text.contains("OVER BUDGET"), "{text}");
    assert!(text.contains("1 draft naming an SLO left out"), "{text}");
    assert!(
        text.contains("costliest factors: Configuration change 50m (77 %)"),
        "{text}"
    );
}

#[test]
fn lint_names_unknown_slos_impacts_longer_than_the_incident_and_severe_incidents_without_one() {
    let sb = Sandbox::new();
    let kb = sb.fixture("slo");
    std::fs::write(
        kb.join("postmortems/2026-06-10-bad.md"),
        "---\ntitle: Bad impacts\ndate: 2026-06-10\nstatus: published\nseverity: SEV1\nservices: [api]\nstarted: 2026-06-10T10:00:00Z\nresolved: 2026-06-10T10:30:00Z\nslo_impact:\n  - api-availabilty\n  - {slo: api-availability, bad_minutes: 90}\n  - {slo: batch-freshness}\n  - {slo: api-availability, speed: 3}\n---\n# Bad impacts\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("postmortems/2026-06-11-sev1.md"),
        "---\ntitle: Severe and silent\ndate: 2026-06-11\nstatus: published\nseverity: SEV1\nservices: [api]\n---\n# Severe and silent\n",
    )
    .unwrap();
    let out = on(&sb, &kb, &["lint"]);
    let text = stdout(&out) + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for want in [
        "2026-06-10-bad.md:9: error[unknown-slo]: `slo_impact` names SLO `api-availabilty`, which lore.toml does not define (did you mean `api-availability`?)",
        "warning[slo-impact-too-long]: `slo_impact` for `api-availability` counts 1h 30m but the incident lasted 30m",
        "error[bad-slo-impact]: `slo_impact` has no `speed`",
        "2026-06-11-sev1.md:5: warning[slo-not-named]: hint: a SEV1 of a service with an SLO",
    ] {
        assert!(text.contains(want), "missing {want}\n{text}");
    }
    // A resolved-only incident is counted started → resolved; nothing uncounted here.
    assert!(!text.contains("slo-uncounted"), "{text}");
}

#[test]
fn an_slo_entry_that_is_not_valid_is_refused_with_its_line() {
    let sb = Sandbox::new();
    let kb = sb.fixture("slo");
    let cfg = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
    std::fs::write(
        kb.join("lore.toml"),
        cfg.replace("objective = 99.0", "objective = 100"),
    )
    .unwrap();
    let out = sb.lore(&kb).args(["slo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "lore.toml:12: SLO `batch-freshness`: objective 100 must be a percent between 0 and 100"
        ),
        "{err}"
    );
}

#[test]
fn the_site_shows_each_slo_and_each_postmortem_its_budget() {
    let sb = Sandbox::new();
    let kb = sb.fixture("slo");
    let out = sb.path("site");
    let run = on(&sb, &kb, &["export", "--out", &out.display().to_string()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let page = std::fs::read_to_string(out.join("slos.html")).unwrap();
    assert!(page.contains("id=\"slo-api-availability\""));
    assert!(
        page.contains("1 of 13 windows went over api-availability&#39;s budget"),
        "{page}"
    );
    assert!(page.contains("No incident spent batch-freshness"), "{page}");
    assert!(page.contains("<svg"));
    let pm = std::fs::read_to_string(out.join("postmortems/2026-06-20-api-config.html")).unwrap();
    assert!(
        pm.contains("used 69 % of <a href=\"../slos.html#slo-api-availability\">api-availability</a>'s 30-day budget (30m of 43m)"),
        "{pm}"
    );
    let svc = std::fs::read_to_string(out.join("services/api.html")).unwrap();
    assert!(svc.contains("slos.html#slo-api-availability"), "{svc}");
    assert!(
        svc.contains("116 %</strong> of the current window"),
        "{svc}"
    );
}

#[test]
fn slos_in_openslo_files_are_read_beside_lore_toml() {
    let sb = Sandbox::new();
    let kb = sb.fixture("slo");
    std::fs::create_dir_all(kb.join("slos")).unwrap();
    std::fs::write(
        kb.join("slos/batch.yaml"),
        "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: batch-latency\nspec:\n  service: batch\n  objectives:\n    - targetPercent: 99.5\n  timeWindow:\n    - duration: 4w\n      isRolling: true\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("slos/broken.yml"),
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("postmortems/2026-06-29-batch.md"),
        "---\ntitle: Batch slow\ndate: 2026-06-29\nstatus: published\nservices: [batch]\nslo_impact:\n  - {slo: batch-latency, bad_minutes: 28}\n---\n# Batch slow\n",
    )
    .unwrap();
    let r = slo_json(&sb, &kb, &[]);
    let b = &r["slos"][2];
    assert_eq!(b["id"], "batch-latency");
    // 28 days × 1440 × 0.5 %.
    assert!(close(&b["budget_minutes"], 201.6));
    assert!(close(&b["windows"][0]["spent_minutes"], 28.0));
    let lint = on(&sb, &kb, &["lint"]);
    let text = stdout(&lint) + &stderr(&lint);
    assert!(
        text.contains("slos/broken.yml") && text.contains("bad-openslo"),
        "{text}"
    );
    assert!(!text.contains("unknown-slo"), "{text}");
}
