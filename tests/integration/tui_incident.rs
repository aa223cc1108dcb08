//! A whole incident run from the terminal UI, end to end in tmux: declared
//! live with `n`, stamped, timeline entries (one with its own time) landing
//! in order, an action item added and closed, resolved and sent to review —
//! then the file, the commits and `lore show` checked. And two responders'
//! TUIs writing into one document at once, keeping every entry.

use crate::common::{Sandbox, stdout};
use crate::tui::{Tmux, open_path, sample, tmux_available};
use std::path::Path;
use std::time::{Duration, Instant};

fn commits(sb: &Sandbox, kb: &Path) -> usize {
    sb.git(kb, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

/// Waits until the repository has `n` commits (each step is one).
fn wait_commits(sb: &Sandbox, kb: &Path, t: &Tmux, n: usize) {
    let start = Instant::now();
    while commits(sb, kb) < n {
        if start.elapsed() > Duration::from_secs(60) {
            panic!(
                "timed out waiting for commit {n}; log:\n{}\nscreen:\n{}",
                sb.git(kb, &["log", "--format=%s"]),
                t.screen()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_whole_incident_from_the_first_page_to_review() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let t = Tmux::start(&sb, &kb, &[]);
    t.wait_for("Parcelpoint reliability │");
    let mut n = commits(&sb, &kb);

    // Declare: the form, started now, then the editor (`true`) saves it.
    t.keys(&["n"]);
    t.wait_for("New document");
    t.keys(&[
        "Edge 502s on checkout",
        "Tab",
        "Right",
        "Right",
        "Tab",
        "edge",
    ]);
    t.keys(&["Tab", "Tab", " "]);
    t.wait_for("▸ started");
    t.keys(&["Enter"]);
    n += 1;
    wait_commits(&sb, &kb, &t, n);
    let s = t.wait_for(" LIVE ");
    let rel = open_path(&s);
    assert!(rel.ends_with("-edge-502s-on-checkout.md"), "{rel}");
    let id = Path::new(&rel)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();

    // Each step: its keys, then one commit.
    let mut step = |keys: &[&str], prompt: Option<&str>| {
        t.keys(&keys[..1]);
        if let Some(p) = prompt {
            t.wait_for(p);
        }
        t.keys(&keys[1..]);
        n += 1;
        wait_commits(&sb, &kb, &t, n);
    };
    step(&["D", "Enter"], Some("Detected —"));
    step(
        &["t", "Paged the edge on-call", "Enter"],
        Some("Timeline entry"),
    );
    // Its own time, earlier than everything else today: it lands first.
    step(
        &["t", "C-u", "00:00 Edge config push merged", "Enter"],
        Some("Timeline entry"),
    );
    step(
        &["t", "Rolled back the edge config", "Enter"],
        Some("Timeline entry"),
    );
    step(&["M", "Enter"], Some("Mitigated —"));
    step(
        &["a", "Gate edge config pushes on canary @edge", "Enter"],
        Some("Action item for"),
    );
    // The document as saved shows the item before Space picks it.
    t.wait_until("the open document shows the item", |s| {
        s.contains("Gate edge config pushes on canary") && !s.contains("Action item for")
    });
    // Space in the document: the picker of its items; Space marks it done.
    step(&[" ", " "], Some("Action items —"));
    // ESC followed at once by another key would read as Alt: wait.
    t.keys(&["Escape"]);
    t.wait_until("the picker closed", |s| !s.contains("Action items —"));
    step(&["R", "Enter"], Some("Resolved —"));
    step(&["S"], None);
    t.keys(&["q"]);
    t.wait_for("lore-exited=0");

    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    for key in ["started: ", "detected: ", "mitigated: ", "resolved: "] {
        assert!(text.contains(&format!("\n{key}")), "{key} missing:\n{text}");
    }
    assert!(text.contains("\nstatus: review\n"), "{text}");
    assert!(
        text.contains("- [x] Gate edge config pushes on canary @edge"),
        "{text}"
    );
    // The timeline as lore parses it: in time order, own time first.
    let out = sb
        .lore(&kb)
        .args(["show", &id, "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let entries: Vec<(String, String)> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["at"].as_str().unwrap_or("").to_string(),
                e["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(entries[0].1, "Edge config push merged", "{entries:#?}");
    let mut sorted = entries.clone();
    sorted.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(entries, sorted, "timeline in time order");
    for entry in [
        "Detected",
        "Paged the edge on-call",
        "Rolled back the edge config",
        "Mitigated",
        "Resolved",
    ] {
        assert!(
            entries.iter().any(|e| e.1 == entry),
            "{entry}: {entries:#?}"
        );
    }
    // One commit per step, each holding only this document.
    let log = sb.git(&kb, &["log", "--format=%s", "-10"]);
    let subjects: Vec<&str> = log.lines().collect();
    assert_eq!(subjects.len(), 10, "{log}");
    assert!(subjects[9].starts_with("postmortem: add"), "{log}");
    assert!(subjects[0].contains("review"), "{log}");
    for c in 0..10 {
        let files = sb.git(
            &kb,
            &["show", "--format=", "--name-only", &format!("HEAD~{c}")],
        );
        assert_eq!(files.trim(), rel, "commit HEAD~{c} holds only the document");
    }
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    // The durations, as `lore show` reports them.
    for d in ["ttd_seconds", "ttm_seconds", "ttr_seconds"] {
        assert!(json[d].is_i64(), "{d}: {json}");
    }
}

#[test]
fn two_responders_writing_into_one_document_keep_every_entry() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let a = Tmux::start(&sb, &kb, &[]);
    let b = Tmux::start(&sb, &kb, &[]);
    let mut rel = String::new();
    for t in [&a, &b] {
        t.wait_for("Parcelpoint reliability │");
        t.keys(&["Enter"]);
        rel = open_path(&t.wait_for("┌ postmortems/"));
    }
    let start = commits(&sb, &kb);
    const EACH: usize = 5;
    for i in 0..EACH {
        a.keys(&["t"]);
        b.keys(&["t"]);
        a.wait_for("Timeline entry for");
        b.wait_for("Timeline entry for");
        a.keys(&[&format!("Responder A note {i}"), "Enter"]);
        b.keys(&[&format!("Responder B note {i}"), "Enter"]);
        // Let each prompt close before the next `t`.
        a.wait_until("prompt closed", |s| !s.contains("Timeline entry for"));
        b.wait_until("prompt closed", |s| !s.contains("Timeline entry for"));
    }
    wait_commits(&sb, &kb, &a, start + 2 * EACH);
    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    for who in ["A", "B"] {
        for i in 0..EACH {
            let entry = format!("Responder {who} note {i}");
            assert!(text.contains(&entry), "{entry} lost:\n{text}");
        }
    }
    assert_eq!(commits(&sb, &kb), start + 2 * EACH);
    // Each TUI sees the other's entries without a reload (the KB is watched).
    a.wait_for("Responder B note 4");
    b.wait_for("Responder A note 4");
}
