//! lore's own commits run no hooks and no filter drivers; a repository owned
//! by another user is refused; `base_url` takes no script; a closed stderr is
//! no panic.

use crate::common::{Sandbox, stderr, stdout};

fn kb_with_doc(sb: &Sandbox) -> std::path::PathBuf {
    let kb = sb.init_kb();
    std::fs::write(
        kb.join("postmortems/2024-05-01-a.md"),
        "---\ntitle: A\ndate: 2024-05-01\n---\n# A\n\n## Timeline\n\n- 10:00 Alert\n",
    )
    .unwrap();
    sb.git(&kb, &["add", "-A"]);
    sb.git(&kb, &["commit", "-q", "-m", "a"]);
    kb
}

#[test]
fn commits_run_no_hooks_and_no_filter_drivers() {
    let sb = Sandbox::new();
    let kb = kb_with_doc(&sb);
    let marker = sb.path("ran");
    let script = format!("#!/bin/sh\necho ran >> {}\ncat\n", marker.display());
    let hooks = kb.join(".git/hooks");
    for hook in [
        "pre-commit",
        "commit-msg",
        "post-commit",
        "reference-transaction",
    ] {
        std::fs::write(hooks.join(hook), &script).unwrap();
        let p = hooks.join(hook);
        let mut perm = std::fs::metadata(&p).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&p, perm).unwrap();
    }
    std::fs::write(kb.join(".gitattributes"), "*.md filter=evil\n").unwrap();
    sb.git(
        &kb,
        &[
            "config",
            "filter.evil.clean",
            &format!("sh -c 'echo ran >> {}; cat'", marker.display()),
        ],
    );
    sb.git(&kb, &["config", "filter.evil.smudge", "cat"]);
    let out = sb
        .lore(&kb)
        .args([
            "timeline",
            "2024-05-01-a",
            "Rolled back",
            "--at",
            "2024-05-01T10:05:00Z",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb
        .lore(&kb)
        .args(["new", "postmortem", "--title", "Second", "--no-edit"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!marker.exists(), "a hook or filter driver ran");
    let log = sb.git(&kb, &["log", "--format=%s", "-2"]);
    assert!(log.contains("postmortem: add"), "{log}");
    // The committed blob is the bytes on disk.
    let blob = sb.git(&kb, &["show", "HEAD~1:postmortems/2024-05-01-a.md"]);
    assert!(blob.contains("Rolled back"), "{blob}");
}

#[test]
fn a_repository_owned_by_another_user_is_refused_like_git_does() {
    // Only root can give a folder to another user.
    if unsafe_euid() != 0 {
        return;
    }
    let sb = Sandbox::new();
    let kb = kb_with_doc(&sb);
    let status = std::process::Command::new("chown")
        .args(["-R", "54321:54321"])
        .arg(&kb)
        .status()
        .unwrap();
    assert!(status.success());
    let out = sb
        .lore(&kb)
        .args(["timeline", "2024-05-01-a", "Owned elsewhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("owned by another user") && err.contains("safe.directory"),
        "{err}"
    );
}

fn unsafe_euid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(String::from))
        })
        .and_then(|u| u.parse().ok())
        .unwrap_or(1)
}

#[test]
fn a_script_base_url_is_refused_in_lore_toml_and_on_the_command_line() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let out = sb
        .lore(&kb)
        .args(["export", "--base-url", "javascript:alert(1)//"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let toml = std::fs::read_to_string(kb.join("lore.toml")).unwrap();
    std::fs::write(
        kb.join("lore.toml"),
        format!("base_url = \"javascript:alert(1)\"\n{toml}"),
    )
    .unwrap();
    let out = sb.lore(&kb).arg("export").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lore.toml:1"), "{}", stderr(&out));
    for good in ["https://kb.example.com/", "/reliability/", ""] {
        assert!(lore::config::check_base_url(good).is_ok(), "{good}");
    }
    for bad in [
        "data:text/html,x",
        "JavaScript:x",
        "//evil.example",
        "http://a\"onmouseover=x",
    ] {
        assert!(lore::config::check_base_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_full_stderr_is_no_panic() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("lore"))
        .current_dir(&kb)
        .envs(sb.env())
        .args(["search", "nothing-matches-this"])
        .stdout(std::process::Stdio::null())
        .stderr(full)
        .status()
        .unwrap();
    assert_ne!(status.code(), Some(101), "lore panicked on a full stderr");
    assert!(status.code().is_some());
}
