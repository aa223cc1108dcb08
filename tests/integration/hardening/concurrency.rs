//! Several writers at once keep every change: responders stamping one
//! incident, a rename across the KB while others write.

use crate::common::{Sandbox, stderr, stdout};
use std::path::Path;

const DOC: &str = "---\ntitle: Shared incident\ndate: 2024-05-01\nstatus: draft\nfactors: [config-change]\n---\n# Shared incident\n\n## Timeline\n\n- 10:00 First alert\n\n## Action items\n\n- [ ] Existing item @sre\n";

fn kb_with_doc(sb: &Sandbox) -> std::path::PathBuf {
    let kb = sb.init_kb();
    std::fs::write(kb.join("postmortems/2024-05-01-shared.md"), DOC).unwrap();
    sb.git(&kb, &["add", "-A"]);
    sb.git(&kb, &["commit", "-q", "-m", "shared"]);
    kb
}

fn commits(sb: &Sandbox, kb: &Path) -> usize {
    sb.git(kb, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

fn run_writers(sb: &Sandbox, kb: &Path, writers: usize, each: usize) {
    std::thread::scope(|s| {
        for w in 0..writers {
            s.spawn(move || {
                for i in 0..each {
                    let text = format!("writer {w} entry {i}");
                    let out = sb
                        .lore(kb)
                        .args([
                            "timeline",
                            "2024-05-01-shared",
                            &text,
                            "--at",
                            "2024-05-01T11:00:00Z",
                        ])
                        .output()
                        .unwrap();
                    assert!(out.status.success(), "{text}: {}", stderr(&out));
                }
            });
        }
    });
}

#[test]
fn four_responders_writing_one_timeline_keep_every_entry_and_commit() {
    let sb = Sandbox::new();
    let kb = kb_with_doc(&sb);
    let before = commits(&sb, &kb);
    let (writers, each) = (4, 12);
    run_writers(&sb, &kb, writers, each);
    let text = std::fs::read_to_string(kb.join("postmortems/2024-05-01-shared.md")).unwrap();
    for w in 0..writers {
        for i in 0..each {
            assert!(
                text.contains(&format!("writer {w} entry {i}\n")),
                "lost w{w} e{i}:\n{text}"
            );
        }
    }
    assert_eq!(commits(&sb, &kb), before + writers * each);
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    sb.git(&kb, &["fsck", "--strict"]);
}

#[test]
fn a_rename_while_others_write_keeps_both_and_the_kb_agrees() {
    let sb = Sandbox::new();
    let kb = kb_with_doc(&sb);
    std::thread::scope(|s| {
        s.spawn(|| run_writers(&sb, &kb, 2, 6));
        s.spawn(|| {
            let out = sb
                .lore(&kb)
                .args(["factors", "rename", "config-change", "config-push"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        });
        s.spawn(|| {
            let out = sb
                .lore(&kb)
                .args(["factors", "rename", "missing-alert", "alert-gap"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        });
    });
    let text = std::fs::read_to_string(kb.join("postmortems/2024-05-01-shared.md")).unwrap();
    assert!(text.contains("factors: [config-push]"), "{text}");
    assert_eq!(text.matches("writer ").count(), 12, "{text}");
    let toml = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
    assert!(
        toml.contains("\"config-push\"") && toml.contains("\"alert-gap\""),
        "{toml}"
    );
    assert!(!toml.contains("\"config-change\"") && !toml.contains("\"missing-alert\""));
    let out = sb
        .lore(&kb)
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("unknown-factor"), "{}", stdout(&out));
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
}
