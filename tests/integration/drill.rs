//! Drills end to end: a whole drill in tmux (start, reveal every step, type
//! a note, finish) recorded and committed; the plan deterministic with a
//! seed and preferring undrilled postmortems; the facilitator's sheet.

use crate::common::{Sandbox, stderr, stdout};
use crate::tui::{Tmux, sample, tmux_available};

const PM: &str = "2024-03-12-checkout-failover-replica-lag";

#[test]
fn a_whole_drill_in_the_terminal_is_recorded_and_committed() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let t = Tmux::start_with(
        &sb,
        &kb,
        &[("LORE_TODAY", "2026-12-01".into())],
        &["drill", PM, "--who", "Trainee One"],
    );
    let first = t.wait_for("The situation at the first alert");
    // The answer is kept back: no title, no factors.
    assert!(
        !first.contains("Checkout outage during primary database failover"),
        "{first}"
    );
    assert!(!first.contains("Contributing factors"), "{first}");
    t.keys(&["n"]);
    t.wait_for("note:");
    t.keys(&["-l", "I'd check replication lag first"]);
    t.keys(&["Enter"]);
    t.wait_for("✎ I'd check replication lag first");
    for _ in 0..8 {
        t.keys(&["Space"]);
    }
    t.wait_for("8. 16:10");
    t.keys(&["Space"]);
    let end = t.wait_for("What happened: Checkout outage during primary database failover");
    assert!(end.contains("Contributing factors:"), "{end}");
    t.keys(&["Enter"]);
    t.wait_for("lore-exited=0");
    let rel = format!("drills/2026-12-01-{PM}.md");
    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    assert!(text.contains(&format!("\npostmortem: {PM}\n")), "{text}");
    assert!(text.contains("\nwho: Trainee One\n"), "{text}");
    assert!(text.contains("steps_revealed: 8"), "{text}");
    assert!(
        text.contains("- at the first alert: I'd check replication lag first"),
        "{text}"
    );
    let log = sb.git(&kb, &["log", "-1", "--format=%s", "--name-only"]);
    assert!(
        log.contains(&format!("drill: {PM} by Trainee One")) && log.contains(&rel),
        "{log}"
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
}

#[test]
fn the_plan_is_the_same_for_a_seed_and_puts_undrilled_postmortems_first() {
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let plan = |seed: &str| {
        let out = sb
            .lore(&kb)
            .env("LORE_TODAY", "2026-12-01")
            .args(["drill", "--plan", "--seed", seed])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let a = plan("7");
    assert_eq!(a, plan("7"), "the same seed, the same plan");
    assert_ne!(a, plan("8"), "another seed breaks ties otherwise");
    // Drill the first twice: it goes to the end of the list.
    std::fs::create_dir_all(kb.join("drills")).unwrap();
    for n in ["a", "b"] {
        std::fs::write(
            kb.join(format!("drills/2026-11-0{}-{}.md", if n == "a" { 1 } else { 2 }, a[0])),
            format!("---\nkind: drill\npostmortem: {}\ndate: 2026-11-01\nwho: x\nsteps_revealed: 3\n---\n# Drill\n", a[0]),
        )
        .unwrap();
    }
    let b = plan("7");
    // Drilled twice, it leaves the ten proposed (more than ten are never drilled).
    assert_eq!(b.len(), 10);
    assert!(!b.contains(&a[0]), "{b:?}");
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-12-01")
        .args(["drill", "--plan", "--seed", "7", "--service", "checkout"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&out);
    assert!(
        listed.contains(PM),
        "a checkout postmortem is proposed: {listed}"
    );
    assert!(
        !listed.contains("2023-06-30-dispatch-disk-full-debug-logs"),
        "{listed}"
    );
}

#[test]
fn the_facilitator_sheet_lists_the_steps_and_keeps_the_answer_for_the_debrief() {
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let out = sb
        .lore(&kb)
        .args(["drill", PM, "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let sheet = stdout(&out);
    let situation = sheet.find("## The situation at the first alert").unwrap();
    let steps = sheet.find("## Steps").unwrap();
    let debrief = sheet.find("## Debrief").unwrap();
    assert!(situation < steps && steps < debrief);
    assert!(
        sheet[..debrief]
            .find("Checkout outage during primary database failover")
            .is_none()
    );
    assert!(
        sheet.contains("1. **14:09 (T+0s)** `CheckoutErrorRate` pages the checkout on-call."),
        "{sheet}"
    );
    assert!(sheet[debrief..].contains("**Contributing factors:**"));
    assert!(sheet[debrief..].contains("**Before the first alert:**"));
}

#[test]
fn the_site_shows_drill_coverage_and_the_facilitator_sheets() {
    let sb = Sandbox::new();
    let kb = sample(&sb);
    std::fs::create_dir_all(kb.join("drills")).unwrap();
    std::fs::write(
        kb.join(format!("drills/2026-11-20-{PM}.md")),
        format!("---\nkind: drill\npostmortem: {PM}\ndate: 2026-11-20\nwho: x\nsteps_revealed: 8\n---\n# Drill\n"),
    )
    .unwrap();
    let out = sb.path("site");
    let run = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-12-01")
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let page = std::fs::read_to_string(out.join("drills.html")).unwrap();
    assert!(
        page.contains("<strong>1</strong> drill in the last 12 months"),
        "{page}"
    );
    assert!(
        page.contains("Coverage by service") && page.contains("Coverage by contributing factor")
    );
    assert!(
        page.contains("<span class=\"warn-text\">never</span>"),
        "undrilled services are named"
    );
    let sheet = page
        .find(&format!("id=\"drill-{PM}\""))
        .expect("the drilled postmortem has a sheet");
    assert!(page[sheet..].contains("drilled 1×, last 2026-11-20"));
    // Never drilled come first.
    let first = page.find("<details class=\"drill-sheet\"").unwrap();
    assert!(
        page[first..].find("never drilled").unwrap() < page[first..].find("drilled 1×").unwrap()
    );
}
