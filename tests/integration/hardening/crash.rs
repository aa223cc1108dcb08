//! SIGKILL at many points of every write: afterwards every document is its
//! old or its new self, `git fsck --strict` is clean, `git status` tells the
//! truth (no document ever shows as deleted), the next command works without
//! manual steps, and the previous site is whole. The fast variant runs in
//! `cargo test`; `LORE_CRASH_ITERATIONS=500 cargo test crash` is the long mode.

use crate::common::{Sandbox, stderr};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn iterations() -> u64 {
    std::env::var("LORE_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
}

/// A tiny deterministic generator, so a failing iteration can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

fn lore_cmd(sb: &Sandbox, kb: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("lore"));
    c.current_dir(kb).args(args).env_remove("LORE_KB");
    for (k, v) in sb.env() {
        c.env(k, v);
    }
    c.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// Starts `args`, kills it after `delay_us` (or lets it finish).
fn kill_after(sb: &Sandbox, kb: &Path, args: &[&str], delay_us: u64) {
    let mut child = lore_cmd(sb, kb, args).spawn().unwrap();
    std::thread::sleep(Duration::from_micros(delay_us));
    let _ = child.kill();
    let _ = child.wait();
}

/// Documents in HEAD, by path.
fn head_docs(sb: &Sandbox, kb: &Path) -> Vec<String> {
    sb.git(kb, &["ls-tree", "-r", "--name-only", "HEAD", "postmortems"])
        .lines()
        .filter(|p| p.ends_with(".md"))
        .map(String::from)
        .collect()
}

/// The checks after every kill.
fn assert_whole(sb: &Sandbox, kb: &Path, committed_before: &[String], what: &str) {
    sb.git(kb, &["fsck", "--strict", "--no-progress"]);
    let status = sb.git(kb, &["status", "--porcelain"]);
    for line in status.lines() {
        let path = &line[3..];
        assert!(
            !(line.starts_with('D') && kb.join(path).exists()),
            "{what}: git status shows an existing document as deleted: {line}\n{status}"
        );
    }
    for p in committed_before {
        let text = std::fs::read_to_string(kb.join(p))
            .unwrap_or_else(|_| panic!("{what}: {p} vanished from disk"));
        assert!(text.starts_with("---\n"), "{what}: {p} torn:\n{text}");
    }
    // The next lore write works with no manual step (no stale lock).
    let out = crate::common::Sandbox::lore(sb, kb)
        .args([
            "new",
            "postmortem",
            "--title",
            &format!("after {what}"),
            "--no-edit",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: the next write failed: {}",
        stderr(&out)
    );
    // An ordinary git command never loses a document lore committed.
    let _ = Command::new("git")
        .current_dir(kb)
        .args(["commit", "-a", "-q", "-m", "user commit"])
        .envs(sb.env())
        .output();
    let now = head_docs(sb, kb);
    for p in committed_before {
        assert!(
            now.contains(p),
            "{what}: {p} dropped from the branch by `git commit -a`"
        );
    }
}

#[test]
fn kills_during_new_timeline_and_rename_never_lose_or_tear_a_document() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    std::fs::write(
        kb.join("postmortems/2024-05-01-shared.md"),
        "---\ntitle: Shared\ndate: 2024-05-01\nfactors: [config-change]\n---\n# Shared\n\n## Timeline\n\n- 10:00 Alert\n",
    )
    .unwrap();
    sb.git(&kb, &["add", "-A"]);
    sb.git(&kb, &["commit", "-q", "-m", "seed"]);
    let mut rng = Lcg(42);
    let factors = ["config-change", "config-push"];
    for i in 0..iterations() {
        let before = head_docs(&sb, &kb);
        let title = format!("Crash {i}");
        let (from, to) = (factors[(i % 2) as usize], factors[((i + 1) % 2) as usize]);
        let runs: [(&str, Vec<&str>); 3] = [
            (
                "new",
                vec!["new", "postmortem", "--title", &title, "--no-edit"],
            ),
            ("timeline", vec!["timeline", "2024-05-01-shared", "Stamped"]),
            ("rename", vec!["factors", "rename", from, to]),
        ];
        for (what, args) in &runs {
            let delay = rng.next(60_000);
            kill_after(&sb, &kb, args, delay);
            assert_whole(
                &sb,
                &kb,
                &before,
                &format!("{what} killed after {delay}µs (iteration {i})"),
            );
        }
        // A rename killed half way is finished by the next command: the
        // taxonomy and the document agree.
        let toml = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
        let doc = std::fs::read_to_string(kb.join("postmortems/2024-05-01-shared.md")).unwrap();
        let in_toml = |f: &str| toml.contains(&format!("id = \"{f}\""));
        let in_doc = |f: &str| doc.contains(&format!("factors: [{f}]"));
        assert!(
            (in_toml("config-change") && in_doc("config-change"))
                || (in_toml("config-push") && in_doc("config-push")),
            "iteration {i}: lore.toml and the document disagree:\n{doc}"
        );
    }
}

#[test]
fn kills_during_index_rebuild_heal_on_the_next_search() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let mut rng = Lcg(11);
    for i in 0..iterations() {
        let delay = rng.next(300_000);
        kill_after(&sb, &kb, &["index", "--rebuild"], delay);
        let out = crate::common::Sandbox::lore(&sb, &kb)
            .args(["search", "replica lag", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "iteration {i} ({delay}µs): {}",
            stderr(&out)
        );
        let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            hits.as_array().is_some_and(|h| !h.is_empty()),
            "iteration {i} ({delay}µs): the index did not heal"
        );
    }
}

#[test]
fn kills_during_export_leave_the_previous_site_whole_and_no_staging_folders() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    sb.git_init_commit(&kb);
    let site = kb.join("public");
    let out = crate::common::Sandbox::lore(&sb, &kb)
        .arg("export")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut rng = Lcg(7);
    for i in 0..iterations() {
        let delay = rng.next(400_000);
        kill_after(&sb, &kb, &["export"], delay);
        assert!(
            site.join("index.html").is_file() && site.join(".lore-export").is_file(),
            "iteration {i}: no whole site after a kill at {delay}µs"
        );
    }
    let out = crate::common::Sandbox::lore(&sb, &kb)
        .arg("export")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let leftovers: Vec<String> = std::fs::read_dir(&kb)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lore-new") || n.contains("lore-old"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}
