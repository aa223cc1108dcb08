//! The git-backed store end to end, checked with the real `git`: what lore
//! commits and as whom, the user's own staged and unstaged work surviving,
//! refusals that leave no half-made commit, history across renames, `--rev`,
//! factor rename as one commit, sync against a local bare remote, and writes
//! that are never torn. Every repository ends `git fsck --strict` clean.

use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

const NEW_ARGS: [&str; 6] = [
    "new",
    "postmortem",
    "--title",
    "Checkout 502s",
    "--date",
    "2024-03-12",
];
const NEW_PATH: &str = "postmortems/2024-03-12-checkout-502s.md";

/// The factor fixture as a KB in a git repository with one commit.
fn repo_kb(sb: &Sandbox) -> PathBuf {
    let kb = sb.fixture("git/factors");
    std::fs::write(kb.join(".gitignore"), ".lore/\npublic/\n").unwrap();
    sb.git_init_commit(&kb);
    kb
}

fn lore_ok(sb: &Sandbox, dir: &Path, args: &[&str]) -> String {
    let out = sb.lore(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "lore {args:?} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn new_doc(sb: &Sandbox, kb: &Path) {
    let mut args = NEW_ARGS.to_vec();
    args.push("--no-edit");
    assert_eq!(lore_ok(sb, kb, &args).trim(), NEW_PATH);
}

fn fsck_clean(sb: &Sandbox, dir: &Path) {
    let out = sb.git(dir, &["fsck", "--strict"]);
    assert_eq!(out.trim(), "", "git fsck reported problems");
}

fn head(sb: &Sandbox, dir: &Path) -> String {
    sb.git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

fn no_identity(sb: &Sandbox) {
    std::fs::write(
        sb.home().join(".gitconfig"),
        "[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
}

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

/// A bare remote, the KB cloned from it as `a`, and a second clone `b`.
fn remote_setup(sb: &Sandbox) -> (PathBuf, PathBuf, PathBuf) {
    let a = repo_kb(sb);
    let remote = sb.path("remote.git");
    sb.git(
        sb.dir.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    sb.git(&a, &["remote", "add", "origin", remote.to_str().unwrap()]);
    sb.git(&a, &["push", "-q", "-u", "origin", "main"]);
    let b = sb.path("b");
    sb.git(
        sb.dir.path(),
        &["clone", "-q", remote.to_str().unwrap(), b.to_str().unwrap()],
    );
    (remote, a, b)
}

fn commit_in(sb: &Sandbox, dir: &Path, file: &str, text: &str, msg: &str) {
    std::fs::write(dir.join(file), text).unwrap();
    sb.git(dir, &["add", file]);
    sb.git(dir, &["commit", "-q", "-m", msg]);
}

#[test]
fn sync_fast_forwards_then_pushes() {
    let sb = Sandbox::new();
    let (remote, a, b) = remote_setup(&sb);
    assert_eq!(
        lore_ok(&sb, &a, &["sync"]).trim(),
        format!(
            "main is up to date with origin/main ({})",
            &head(&sb, &a)[..7]
        )
    );

    commit_in(
        &sb,
        &b,
        "postmortems/2024-05-01-from-b.md",
        "---\ntitle: From B\ndate: 2024-05-01\n---\n",
        "From B",
    );
    std::fs::remove_file(b.join("postmortems/2024-04-20-unrelated.md")).unwrap();
    sb.git(&b, &["commit", "-q", "-am", "Remove unrelated"]);
    sb.git(&b, &["push", "-q"]);
    let b_head = head(&sb, &b);

    let out = lore_ok(&sb, &a, &["sync"]);
    assert_eq!(
        out.trim(),
        format!(
            "fast-forwarded main by 2 commits from origin/main (now {})",
            &b_head[..7]
        )
    );
    assert_eq!(head(&sb, &a), b_head);
    assert!(a.join("postmortems/2024-05-01-from-b.md").is_file());
    assert!(!a.join("postmortems/2024-04-20-unrelated.md").exists());
    assert_eq!(sb.git(&a, &["status", "--porcelain"]), "");
    assert_eq!(
        sb.git(&a, &["rev-list", "--merges", "--count", "HEAD"])
            .trim(),
        "0"
    );

    new_doc(&sb, &a);
    let out = lore_ok(&sb, &a, &["sync"]);
    assert_eq!(
        out.trim(),
        format!("pushed 1 commit to origin/main ({})", &head(&sb, &a)[..7])
    );
    assert_eq!(
        sb.git(&remote, &["rev-parse", "main"]).trim(),
        head(&sb, &a)
    );
    fsck_clean(&sb, &a);
    fsck_clean(&sb, &remote);
}

#[test]
fn sync_reports_a_diverged_branch_and_changes_nothing() {
    let sb = Sandbox::new();
    let (remote, a, b) = remote_setup(&sb);
    commit_in(
        &sb,
        &b,
        "postmortems/2024-05-01-from-b.md",
        "---\ntitle: From B\ndate: 2024-05-01\n---\n",
        "From B",
    );
    sb.git(&b, &["push", "-q"]);
    new_doc(&sb, &a);
    let a_head = head(&sb, &a);
    let remote_head = sb.git(&remote, &["rev-parse", "main"]);

    let out = sb.lore(&a).arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "branch `main` and `origin/main` have diverged (1 local and 1 remote commits)"
        ),
        "{err}"
    );
    assert!(err.contains("git pull --rebase origin main"), "{err}");
    assert_eq!(head(&sb, &a), a_head);
    assert_eq!(sb.git(&remote, &["rev-parse", "main"]), remote_head);
    assert_eq!(sb.git(&a, &["status", "--porcelain"]), "");
    fsck_clean(&sb, &a);
}

#[test]
fn sync_does_not_overwrite_uncommitted_changes() {
    let sb = Sandbox::new();
    let (_remote, a, b) = remote_setup(&sb);
    let doc = "postmortems/2024-02-11-block-list.md";
    commit_in(&sb, &b, doc, "---\ntitle: Rewritten in B\n---\n", "B edits");
    sb.git(&b, &["push", "-q"]);
    let a_head = head(&sb, &a);
    std::fs::write(a.join(doc), "my unsaved work\n").unwrap();

    let out = sb.lore(&a).arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "would overwrite your uncommitted changes in: {doc}"
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(a.join(doc)).unwrap(),
        "my unsaved work\n"
    );
    assert_eq!(head(&sb, &a), a_head);
    fsck_clean(&sb, &a);
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
    assert_eq!((path.as_path(), old), (to, text));
    fsck_clean(&sb, &kb);
}
