//! `lore sync` against a local bare remote: fast-forward, push, diverged,
//! dirty working tree, http through the system git, no remote.

use super::*;
use crate::common::{Sandbox, stderr};
use std::path::PathBuf;

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
    assert_eq!(
        file_mode(&a.join("postmortems/2024-05-01-from-b.md")),
        normal_file_mode()
    );
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
            "branch `main` and `origin/main` have diverged (1 local commit, 1 remote commit)"
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

/// Stops the server when the test ends, pass or fail.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sync_over_http_fetches_with_the_system_git_and_pushes_to_a_new_branch() {
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
    // Dumb HTTP from a static file server on loopback: enough for a fetch.
    sb.git(&remote, &["update-server-info"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(&remote)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 serves the bare repository over http"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "http server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    sb.git(
        &a,
        &[
            "remote",
            "set-url",
            "origin",
            &format!("http://127.0.0.1:{port}/"),
        ],
    );
    sb.git(
        &a,
        &[
            "remote",
            "set-url",
            "--push",
            "origin",
            remote.to_str().unwrap(),
        ],
    );
    let out = lore_ok(&sb, &a, &["sync"]);
    assert_eq!(
        out.trim(),
        format!(
            "fast-forwarded main by 1 commit from origin/main (now {})",
            &head(&sb, &b)[..7]
        )
    );
    assert!(a.join("postmortems/2024-05-01-from-b.md").is_file());
    assert_eq!(sb.git(&a, &["status", "--porcelain"]), "");

    // A branch the remote does not have yet is pushed under the same name.
    sb.git(&a, &["switch", "-q", "-c", "drafts"]);
    new_doc(&sb, &a);
    let out = lore_ok(&sb, &a, &["sync"]);
    assert_eq!(
        out.trim(),
        format!("pushed 1 commit to origin/drafts ({})", &head(&sb, &a)[..7])
    );
    assert_eq!(
        sb.git(&remote, &["rev-parse", "drafts"]).trim(),
        head(&sb, &a)
    );
    fsck_clean(&sb, &a);
}

#[test]
fn sync_outside_git_or_without_a_remote_says_what_to_do() {
    let sb = Sandbox::new();
    let kb = sb.fixture("git/factors");
    let out = sb.lore(&kb).arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
    sb.git_init_commit(&kb);
    let out = sb.lore(&kb).arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("git remote add origin URL"),
        "{}",
        stderr(&out)
    );
}
