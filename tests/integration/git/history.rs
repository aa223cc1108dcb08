//! History, diffs and `--rev`, factor rename as one commit, who created and
//! last changed each file, merges.

use super::*;
use crate::common::{Sandbox, stderr};
use std::path::Path;

#[test]
fn history_follows_a_rename_and_show_rev_prints_old_versions() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    new_doc(&sb, &kb);
    let v1 = std::fs::read_to_string(kb.join(NEW_PATH)).unwrap();
    std::fs::write(kb.join(NEW_PATH), format!("{v1}\nA second look.\n")).unwrap();
    sb.git(&kb, &["commit", "-q", "-am", "Add a second look"]);
    let renamed = "postmortems/2024-03-12-checkout-errors.md";
    sb.git(&kb, &["mv", NEW_PATH, renamed]);
    sb.git(&kb, &["commit", "-q", "-m", "Rename checkout postmortem"]);

    let out = lore_ok(
        &sb,
        &kb,
        &["history", "2024-03-12-checkout-errors", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subjects: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "Rename checkout postmortem",
            "Add a second look",
            "postmortem: add 2024-03-12-checkout-502s"
        ]
    );
    let paths: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, [renamed, NEW_PATH, NEW_PATH]);
    assert_eq!(v[0]["author"], "Test Responder");
    assert_eq!(v[0]["email"], "responder@example.com");
    let log = sb.git(&kb, &["log", "--format=%h", "--follow", "--", renamed]);
    let shorts: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["short"].as_str().unwrap())
        .collect();
    assert_eq!(shorts, log.lines().collect::<Vec<_>>());

    let table = lore_ok(&sb, &kb, &["history", "2024-03-12-checkout-errors"]);
    let mut lines = table.lines();
    let today = sb.git(
        &kb,
        &["log", "-1", "--format=%ad", "--date=format:%Y-%m-%d"],
    );
    let today = today.trim();
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "{renamed}: created by Test Responder on {today}, last edited by Test Responder on {today}"
        )
    );
    assert_eq!(lines.next().unwrap(), "");
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(shorts[0])
            && first.ends_with("Test Responder  Rename checkout postmortem"),
        "{first}"
    );

    let patch = lore_ok(
        &sb,
        &kb,
        &["history", "2024-03-12-checkout-errors", "--patch"],
    );
    assert!(
        patch.contains(&format!(
            "similarity index 100%\nrename from {NEW_PATH}\nrename to {renamed}\n"
        )),
        "{patch}"
    );
    assert!(
        patch.contains(&format!("--- a/{NEW_PATH}\n+++ b/{NEW_PATH}\n")),
        "{patch}"
    );
    assert!(patch.contains("\n+A second look.\n"), "{patch}");
    let git_patch = sb.git(&kb, &["show", "--format=", "HEAD~1", "--", NEW_PATH]);
    let index_line = git_patch.lines().find(|l| l.starts_with("index ")).unwrap();
    assert!(
        patch.contains(&format!("\n{index_line}\n")),
        "{index_line} missing in {patch}"
    );
    assert!(
        patch.contains(&format!(
            "new file mode 100644\nindex 0000000..{}\n--- /dev/null\n+++ b/{NEW_PATH}\n",
            &sb.git(
                &kb,
                &["rev-parse", "--short=7", &format!("HEAD~2:{NEW_PATH}")]
            )
            .trim()
        )),
        "{patch}"
    );

    // --rev by the current id, before the rename and before the edit.
    assert_eq!(
        lore_ok(
            &sb,
            &kb,
            &["show", "2024-03-12-checkout-errors", "--rev", "HEAD~2"]
        ),
        v1
    );
    assert_eq!(
        lore_ok(
            &sb,
            &kb,
            &["show", "2024-03-12-checkout-errors", "--rev", "HEAD~1"]
        ),
        sb.git(&kb, &["show", &format!("HEAD~1:{NEW_PATH}")])
    );
    // The old id, which no longer exists in the KB, is found in that revision.
    assert_eq!(
        lore_ok(
            &sb,
            &kb,
            &["show", "2024-03-12-checkout-502s", "--rev", "HEAD~2"]
        ),
        v1
    );
    let out = sb
        .lore(&kb)
        .args(["show", "2024-03-12-checkout-errors", "--rev", "HEAD~3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no document `2024-03-12-checkout-errors` at HEAD~3"),
        "{}",
        stderr(&out)
    );
    let out = sb
        .lore(&kb)
        .args(["show", "2024-03-12-checkout-errors", "--rev", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown revision `nope`"),
        "{}",
        stderr(&out)
    );
    fsck_clean(&sb, &kb);
}

#[test]
fn factor_rename_is_one_commit_that_changes_only_the_factor_values() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let read = |p: &str| std::fs::read_to_string(kb.join(p)).unwrap();
    let flow = read("postmortems/2024-01-05-flow-list.md");
    let block = read("postmortems/2024-02-11-block-list.md");
    let crlf = read("postmortems/2024-03-01-crlf.md");
    let unrelated = read("postmortems/2024-04-20-unrelated.md");
    let toml = read("lore.toml");
    let before = head(&sb, &kb);

    let out = lore_ok(
        &sb,
        &kb,
        &["factors", "rename", "config-change", "config-push"],
    );
    assert!(
        out.starts_with("renamed factor `config-change` to `config-push` in 4 file(s):\n"),
        "{out}"
    );

    assert_eq!(
        sb.git(&kb, &["rev-list", "--count", &format!("{before}..HEAD")])
            .trim(),
        "1"
    );
    assert_eq!(
        sb.git(&kb, &["log", "-1", "--format=%s"]).trim(),
        "factors: rename config-change to config-push"
    );
    assert_eq!(
        sb.git(&kb, &["show", "--name-only", "--format=", "HEAD"]),
        "lore.toml\npostmortems/2024-01-05-flow-list.md\npostmortems/2024-02-11-block-list.md\npostmortems/2024-03-01-crlf.md\n"
    );
    assert_eq!(
        read("postmortems/2024-01-05-flow-list.md"),
        flow.replace(
            "[deploy, \"config-change\", capacity]",
            "[deploy, \"config-push\", capacity]"
        )
        .replace("trigger: config-change", "trigger: config-push")
    );
    assert_eq!(
        read("postmortems/2024-02-11-block-list.md"),
        block.replace("'config-change'", "'config-push'")
    );
    assert_eq!(
        read("postmortems/2024-03-01-crlf.md"),
        crlf.replace("- config-change\r\n", "- config-push\r\n")
    );
    assert_eq!(read("postmortems/2024-04-20-unrelated.md"), unrelated);
    assert_eq!(
        read("lore.toml"),
        toml.replace("id = \"config-change\"   #", "id = \"config-push\"   #")
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    lore_ok(&sb, &kb, &["lint"]);

    // Merging into an existing factor removes the duplicate table and entries.
    let out = lore_ok(&sb, &kb, &["factors", "rename", "config-push", "deploy"]);
    assert!(
        out.starts_with("merged factor `config-push` into `deploy`"),
        "{out}"
    );
    assert!(read("postmortems/2024-03-01-crlf.md").contains("factors:\r\n- deploy\r\n---"));
    assert!(!read("lore.toml").contains("config-push"));
    let out = sb
        .lore(&kb)
        .args(["factors", "rename", "no-such", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown contributing factor `no-such`"),
        "{}",
        stderr(&out)
    );
    fsck_clean(&sb, &kb);
}

#[test]
fn activity_knows_who_created_and_last_changed_each_file() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let doc = "postmortems/2024-02-11-block-list.md";
    let renamed = "postmortems/2024-02-11-queue-backlog.md";
    let text = std::fs::read_to_string(kb.join(doc)).unwrap();
    std::fs::write(kb.join(doc), format!("{text}\nMore.\n")).unwrap();
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Second Editor",
            "commit",
            "-q",
            "-am",
            "edit",
        ],
    );
    sb.git(&kb, &["mv", doc, renamed]);
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Third Renamer",
            "commit",
            "-q",
            "-m",
            "rename",
        ],
    );

    let act = lore::store::git::activity(&kb).unwrap();
    let a = &act[Path::new(renamed)];
    assert_eq!(
        (a.created_by.as_str(), a.changed_by.as_str()),
        ("Test Responder", "Third Renamer")
    );
    assert!(!act.contains_key(Path::new(doc)));
    assert_eq!(act[Path::new("lore.toml")].changed_by, "Test Responder");
    assert!(kb.join(".lore/git-activity.json").is_file());

    // HEAD moves forward: only the new commit is replayed onto the cache.
    std::fs::write(
        kb.join("lore.toml"),
        std::fs::read_to_string(kb.join("lore.toml")).unwrap() + "# x\n",
    )
    .unwrap();
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Fourth Tuner",
            "commit",
            "-q",
            "-am",
            "tune",
        ],
    );
    let act2 = lore::store::git::activity(&kb).unwrap();
    assert_eq!(act2[Path::new("lore.toml")].changed_by, "Fourth Tuner");
    assert_eq!(act2[Path::new("lore.toml")].created_by, "Test Responder");
    assert_eq!(act2[Path::new(renamed)], *a);
    let full = {
        std::fs::remove_file(kb.join(".lore/git-activity.json")).unwrap();
        lore::store::git::activity(&kb).unwrap()
    };
    assert_eq!(full, act2, "incremental and full replay agree");

    // History rewritten (the cached HEAD is no longer an ancestor): the cache
    // is rebuilt, and the amended-away commit is gone from the history.
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Fifth Amender",
            "commit",
            "-q",
            "--amend",
            "--reset-author",
            "-m",
            "tune again",
        ],
    );
    let act3 = lore::store::git::activity(&kb).unwrap();
    assert_eq!(act3[Path::new("lore.toml")].changed_by, "Fifth Amender");
    let subjects: Vec<String> = lore::store::git::history(&kb, Path::new("lore.toml"))
        .unwrap()
        .into_iter()
        .map(|c| c.subject)
        .collect();
    assert_eq!(subjects, ["tune again", "initial"]);
}

#[test]
fn history_credits_the_side_branch_commit_not_the_merge() {
    let sb = Sandbox::new();
    let kb = repo_kb(&sb);
    let doc = "postmortems/2024-02-11-block-list.md";
    sb.git(&kb, &["switch", "-q", "-c", "review"]);
    let text = std::fs::read_to_string(kb.join(doc)).unwrap();
    std::fs::write(kb.join(doc), format!("{text}\nReviewed.\n")).unwrap();
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Reviewer",
            "commit",
            "-q",
            "-am",
            "Review notes",
        ],
    );
    sb.git(&kb, &["switch", "-q", "main"]);
    commit_in(
        &sb,
        &kb,
        "postmortems/other.md",
        "---\ntitle: Other\n---\n",
        "Other work",
    );
    sb.git(
        &kb,
        &[
            "-c",
            "user.name=Merger",
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge review",
            "review",
        ],
    );

    let out = lore_ok(
        &sb,
        &kb,
        &["history", "2024-02-11-block-list", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subjects: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Review notes", "initial"]);
    let act = lore::store::git::activity(&kb).unwrap();
    assert_eq!(act[Path::new(doc)].changed_by, "Reviewer");
    assert_eq!(
        act[Path::new("postmortems/other.md")].changed_by,
        "Test Responder"
    );
}

#[test]
fn factor_rename_refuses_yaml_it_cannot_edit_safely_and_changes_nothing() {
    let sb = Sandbox::new();
    let kb = sb.fixture("git/factors");
    std::fs::write(
        kb.join("postmortems/2024-06-01-multiline.md"),
        "---\ntitle: Multi-line flow list\ndate: 2024-06-01\nfactors: [deploy,\n  config-change]\n---\n\n# Multi-line\n",
    )
    .unwrap();
    sb.git_init_commit(&kb);
    let before = head(&sb, &kb);
    let toml = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
    let out = sb
        .lore(&kb)
        .args(["factors", "rename", "config-change", "config-push"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("postmortems/2024-06-01-multiline.md: cannot rewrite its factors safely")
            && err.contains("Nothing was changed"),
        "{err}"
    );
    assert_eq!(head(&sb, &kb), before);
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
    assert_eq!(std::fs::read_to_string(kb.join("lore.toml")).unwrap(), toml);
}
