//! Commits lore makes: contents and author, the user's work untouched,
//! refusals without a half-made commit, not-in-git, killed writes, KBs in a
//! subfolder, rename and delete.

use super::*;
use crate::common::{Sandbox, stderr, stdout};
use std::path::Path;

#[test]
fn new_commits_only_its_file_as_the_configured_author() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let before = head(&sb, &kb);
    new_doc(&sb, &kb);
    assert_eq!(
        sb.git(&kb, &["log", "-1", "--format=%an|%ae|%cn|%ce|%s|%P"])
            .trim(),
        format!(
            "Test Responder|responder@example.com|Test Responder|responder@example.com|postmortem: add 2024-03-12-checkout-502s|{before}"
        )
    );
    assert_eq!(
        sb.git(&kb, &["show", "--name-status", "--format=", "HEAD"])
            .trim(),
        format!("A\t{NEW_PATH}")
    );
    assert_eq!(
        sb.git(&kb, &["show", &format!("HEAD:{NEW_PATH}")]),
        std::fs::read_to_string(kb.join(NEW_PATH)).unwrap()
    );
    // A normal file, not a private temporary one.
    assert_eq!(file_mode(&kb.join(NEW_PATH)), normal_file_mode());
    // A clean tree stays clean: the index entry matches the new commit.
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    assert_eq!(sb.git(&kb, &["diff", "--cached", "--name-only"]), "");
    fsck_clean(&sb, &kb);
}

#[test]
fn the_users_staged_unstaged_and_untracked_work_survives_untouched() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    // Staged: an edit of lore.toml; then a further unstaged edit on top.
    let toml = kb.join("lore.toml");
    let original = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{original}# staged line\n")).unwrap();
    sb.git(&kb, &["add", "lore.toml"]);
    std::fs::write(&toml, format!("{original}# staged line\n# unstaged line\n")).unwrap();
    // Unstaged only: an edit of a document. Staged new file. Untracked file.
    let doc = kb.join("postmortems/2024-02-11-block-list.md");
    let doc_text = std::fs::read_to_string(&doc).unwrap() + "\nDraft thought.\n";
    std::fs::write(&doc, &doc_text).unwrap();
    std::fs::write(kb.join("postmortems/notes.md"), "staged new file\n").unwrap();
    sb.git(&kb, &["add", "postmortems/notes.md"]);
    std::fs::write(kb.join("scratch.txt"), "untracked\n").unwrap();
    let status_before = sb.git(&kb, &["status", "--porcelain"]);
    let staged_before = sb.git(&kb, &["diff", "--cached"]);
    let unstaged_before = sb.git(&kb, &["diff"]);

    new_doc(&sb, &kb);

    assert_eq!(
        sb.git(&kb, &["show", "--name-only", "--format=", "HEAD"])
            .trim(),
        NEW_PATH
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), status_before);
    assert_eq!(
        status_before,
        "MM lore.toml\n M postmortems/2024-02-11-block-list.md\nA  postmortems/notes.md\n?? scratch.txt\n"
    );
    assert_eq!(sb.git(&kb, &["diff", "--cached"]), staged_before);
    assert_eq!(sb.git(&kb, &["diff"]), unstaged_before);
    assert_eq!(
        sb.git(&kb, &["show", ":lore.toml"]),
        format!("{original}# staged line\n")
    );
    assert_eq!(
        std::fs::read_to_string(&toml).unwrap(),
        format!("{original}# staged line\n# unstaged line\n")
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), doc_text);
    fsck_clean(&sb, &kb);
}

#[test]
fn unborn_branch_gets_a_root_commit_with_only_lores_file() {
    let sb = Sandbox::new();
    let kb = sb.fixture("git/factors");
    sb.git(&kb, &["init", "-q", "-b", "main"]);
    sb.git(&kb, &["add", "lore.toml"]);
    new_doc(&sb, &kb);
    assert_eq!(sb.git(&kb, &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(
        sb.git(&kb, &["log", "-1", "--format=%P|%s"]).trim(),
        "|postmortem: add 2024-03-12-checkout-502s"
    );
    assert_eq!(
        sb.git(&kb, &["ls-tree", "-r", "--name-only", "HEAD"])
            .trim(),
        NEW_PATH
    );
    assert_eq!(
        sb.git(&kb, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    // lore.toml is still staged (added relative to the new commit), the rest untracked.
    assert_eq!(
        sb.git(&kb, &["diff", "--cached", "--name-only"]).trim(),
        "lore.toml"
    );
    assert!(!sb.git(&kb, &["status", "--porcelain"]).contains(NEW_PATH));
    fsck_clean(&sb, &kb);
}

#[test]
fn missing_identity_is_a_clear_error_and_no_commit() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let before = head(&sb, &kb);
    no_identity(&sb);
    let mut args = NEW_ARGS.to_vec();
    args.push("--no-edit");
    let out = sb.lore(&kb).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("lore: error: git: no git identity configured"),
        "{err}"
    );
    assert!(
        err.contains("git config --global user.name") && err.contains("user.email"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{NEW_PATH} saved but not committed")),
        "{err}"
    );
    assert!(kb.join(NEW_PATH).is_file(), "the draft is kept");
    assert_eq!(head(&sb, &kb), before);
    assert!(!kb.join(".git/index.lock").exists());
    assert_eq!(
        sb.git(&kb, &["status", "--porcelain"]),
        format!("?? {NEW_PATH}\n")
    );
    fsck_clean(&sb, &kb);
}

#[test]
fn detached_head_and_locked_index_are_refused_before_any_commit() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let before = head(&sb, &kb);
    let mut args = NEW_ARGS.to_vec();
    args.push("--no-edit");

    sb.git(&kb, &["checkout", "-q", "--detach"]);
    let out = sb.lore(&kb).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("HEAD is detached at {}", &before[..7])),
        "{err}"
    );
    assert!(err.contains("git switch"), "{err}");
    assert_eq!(head(&sb, &kb), before);
    std::fs::remove_file(kb.join(NEW_PATH)).unwrap();
    sb.git(&kb, &["checkout", "-q", "main"]);

    std::fs::write(kb.join(".git/index.lock"), "").unwrap();
    let out = sb.lore(&kb).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the git index is locked") && err.contains("index.lock exists"),
        "{err}"
    );
    assert_eq!(head(&sb, &kb), before);
    assert!(
        kb.join(".git/index.lock").exists(),
        "someone else's lock is not lore's to remove"
    );
    std::fs::remove_file(kb.join(".git/index.lock")).unwrap();
    assert_eq!(
        sb.git(&kb, &["status", "--porcelain"]),
        format!("?? {NEW_PATH}\n")
    );
    fsck_clean(&sb, &kb);
}

#[test]
fn not_in_git_says_so_once_and_still_works() {
    let sb = Sandbox::new();
    let kb = sb.fixture("git/factors");
    let mut args = NEW_ARGS.to_vec();
    args.push("--no-edit");
    let out = sb.lore(&kb).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), NEW_PATH);
    assert_eq!(
        stderr(&out).matches("not versioned").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert!(!kb.join(".git").exists());
}

#[test]
fn a_killed_write_leaves_the_old_or_the_new_document_never_a_torn_one() {
    let sb = Sandbox::new();
    let kb = sb.fixture("git/factors");
    let rel = "postmortems/2024-01-05-flow-list.md";
    // A big document makes the write take long enough to be interrupted.
    let filler =
        "Lorem ipsum dolor sit amet, config-change consectetur adipiscing elit.\n".repeat(60_000);
    let old = std::fs::read_to_string(kb.join(rel)).unwrap() + &filler;
    let new = old
        .replacen("\"config-change\"", "\"config-push\"", 1)
        .replacen("trigger: config-change", "trigger: config-push", 1);
    let run = || {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("lore"));
        c.current_dir(&kb)
            .args(["factors", "rename", "config-change", "config-push"]);
        c.env_remove("LORE_KB")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for (k, v) in sb.env() {
            c.env(k, v);
        }
        c
    };
    let reset = |toml: &str| {
        std::fs::write(kb.join(rel), &old).unwrap();
        std::fs::write(kb.join("lore.toml"), toml).unwrap();
    };
    let toml = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
    reset(&toml);
    let started = std::time::Instant::now();
    assert!(run().status().unwrap().success());
    let full = started.elapsed();
    assert_eq!(std::fs::read_to_string(kb.join(rel)).unwrap(), new);
    let (mut saw_old, mut saw_new) = (0, 0);
    for i in 0..16u32 {
        reset(&toml);
        let mut child = run().spawn().unwrap();
        std::thread::sleep(full * i / 14);
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(kb.join(rel)).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "torn document after a kill at {i}/14 of a full run: {} bytes",
                now.len()
            );
        }
    }
    assert_eq!(saw_old + saw_new, 16);
    assert!(saw_old > 0, "the early kills stop lore before it writes");
}

#[test]
fn a_kb_in_a_subfolder_commits_and_reads_history_under_its_prefix() {
    let sb = Sandbox::new();
    let repo = sb.path("monorepo");
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    crate::common::copy_dir(
        &crate::common::repo_root().join("tests/fixtures/git/factors"),
        &repo.join("docs/kb"),
    );
    std::fs::write(repo.join("README"), "app\n").unwrap();
    sb.git_init_commit(&repo);
    let kb = repo.join("docs/kb");
    new_doc(&sb, &kb);
    assert_eq!(
        sb.git(&repo, &["show", "--name-only", "--format=", "HEAD"])
            .trim(),
        format!("docs/kb/{NEW_PATH}")
    );
    assert_eq!(sb.git(&repo, &["status", "--porcelain"]), "");
    let out = lore_ok(
        &sb,
        &kb,
        &["history", "2024-03-12-checkout-502s", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["subject"], "postmortem: add 2024-03-12-checkout-502s");
    assert_eq!(v[0]["path"], NEW_PATH);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let act = lore::store::git::activity(&kb).unwrap();
    assert!(act.contains_key(Path::new(NEW_PATH)) && !act.contains_key(Path::new("README")));
    fsck_clean(&sb, &repo);
}

/// In-process commits read the repository's own config; a local identity
/// keeps the developer's global one out of the result.
fn local_identity(sb: &Sandbox, kb: &Path) {
    sb.git(kb, &["config", "user.name", "Lib Caller"]);
    sb.git(kb, &["config", "user.email", "lib@example.com"]);
}

#[test]
fn rename_and_delete_are_one_commit_each_and_history_follows() {
    use lore::store::git::{
        CommitOutcome, delete_and_commit, rename_and_commit, save_and_commit, subject,
    };
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    local_identity(&sb, &kb);
    let from = Path::new("postmortems/2024-02-11-block-list.md");
    let to = Path::new("postmortems/2024-02-11-queue-backlog.md");
    let text = std::fs::read_to_string(kb.join(from)).unwrap() + "\nEdited in the TUI.\n";
    let msg = subject(lore::doc::Kind::Postmortem, "edit", "2024-02-11-block-list");
    assert_eq!(msg, "postmortem: edit 2024-02-11-block-list");
    let out = save_and_commit(&kb, from, text.as_bytes(), &msg).unwrap();
    assert!(matches!(out, CommitOutcome::Committed { .. }));
    assert_eq!(
        save_and_commit(&kb, from, text.as_bytes(), &msg).unwrap(),
        CommitOutcome::Unchanged
    );

    rename_and_commit(
        &kb,
        from,
        to,
        "postmortem: rename 2024-02-11-block-list to 2024-02-11-queue-backlog",
    )
    .unwrap();
    assert_eq!(
        sb.git(
            &kb,
            &["show", "-M", "--name-status", "--format=%an|%s", "HEAD"]
        )
        .trim(),
        format!(
            "Lib Caller|postmortem: rename 2024-02-11-block-list to 2024-02-11-queue-backlog\n\nR100\t{}\t{}",
            from.display(),
            to.display()
        )
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    let hist = lore::store::git::history(&kb, to).unwrap();
    let paths: Vec<&Path> = hist.iter().map(|c| c.path.as_path()).collect();
    assert_eq!(paths, [to, from, from]);

    delete_and_commit(&kb, to, "postmortem: delete 2024-02-11-queue-backlog").unwrap();
    assert_eq!(
        sb.git(&kb, &["show", "--name-status", "--format=", "HEAD"])
            .trim(),
        format!("D\t{}", to.display())
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    let (path, old) =
        lore::store::git::doc_at_rev(&kb, "2024-02-11-queue-backlog", None, "HEAD~1").unwrap();
    assert_eq!((path.as_path(), old.as_str()), (to, text.as_str()));
    // The id may also be given as the path it had.
    let by_path = lore::store::git::doc_at_rev(
        &kb,
        "postmortems/2024-02-11-queue-backlog.md",
        None,
        "HEAD~1",
    );
    assert_eq!(by_path.unwrap().1, text);
    fsck_clean(&sb, &kb);
}
