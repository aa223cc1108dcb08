//! The command line end to end: init, new, list, show on temp KBs.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn init_then_new_gives_a_document_that_show_and_lint_accept() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    for p in ["lore.toml", "postmortems", "runbooks", ".gitignore", ".git"] {
        assert!(kb.join(p).exists(), "{p} missing after init");
    }
    let gi = std::fs::read_to_string(kb.join(".gitignore")).unwrap();
    assert!(gi.lines().any(|l| l == ".lore") && gi.lines().any(|l| l == "public/"));
    // A second init refuses to overwrite.
    sb.lore(&kb).args(["init", "."]).assert().failure();

    let out = sb
        .lore(&kb)
        .args([
            "new",
            "postmortem",
            "--title",
            "Checkout: 502s after \"deploy\"",
            "--date",
            "2024-03-12",
            "--severity",
            "SEV2",
            "--service",
            "checkout",
            "--factor",
            "config-change",
            "--no-edit",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rel = stdout(&out).trim().to_string();
    assert_eq!(rel, "postmortems/2024-03-12-checkout-502s-after-deploy.md");

    let out = sb
        .lore(&kb)
        .args([
            "show",
            "2024-03-12-checkout-502s-after-deploy",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Checkout: 502s after \"deploy\"");
    assert_eq!(v["severity"], "SEV2");
    assert_eq!(v["status"], "draft");
    assert_eq!(v["services"][0], "checkout");
    assert_eq!(v["factors"][0], "config-change");
    assert_eq!(v["authors"][0], "Test Responder");

    let out = sb.lore(&kb).arg("lint").output().unwrap();
    assert!(
        out.status.success(),
        "lint: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn new_rejects_unknown_factor_with_did_you_mean() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let out = sb
        .lore(&kb)
        .args([
            "new",
            "postmortem",
            "--title",
            "X",
            "--factor",
            "config-chnage",
            "--no-edit",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("lore: error: "), "{err}");
    assert!(err.contains("did you mean `config-change`"), "{err}");
}

#[test]
fn list_filters_and_json_fields_on_the_sample_kb() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = sb
        .lore(&kb)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = v.as_array().unwrap();
    assert!(all.len() >= 28, "sample KB has {} documents", all.len());
    for r in all {
        for f in [
            "id", "kind", "title", "date", "status", "severity", "services", "factors", "tags",
            "path",
        ] {
            assert!(r.get(f).is_some(), "field {f} missing in {r}");
        }
    }
    let out = sb
        .lore(&kb)
        .args([
            "list",
            "--kind",
            "postmortem",
            "--severity",
            "sev1",
            "--since",
            "2024",
            "--until",
            "2024-12",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(r["severity"], "SEV1");
        assert!(r["date"].as_str().unwrap().starts_with("2024-"));
    }
}

#[test]
fn bad_usage_exits_2_and_unknown_id_exits_1() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = sb
        .lore(&kb)
        .args(["list", "--since", "March"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = sb.lore(&kb).args(["list", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sb.lore(&kb).args(["show", "no-such-doc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lore: error: unknown document id"));
    let out = sb.lore(sb.dir.path()).args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no knowledge base found"));
}

#[test]
fn list_into_a_closed_pipe_exits_quietly() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let bin = assert_cmd::cargo::cargo_bin("lore");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' list | true; exit ${{PIPESTATUS[0]:-0}}",
            bin.display()
        ))
        .current_dir(&kb)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

#[test]
fn kb_discovery_prefers_flag_then_env_then_walking_up() {
    let sb = Sandbox::new();
    sb.lore(sb.dir.path())
        .args(["init", "one"])
        .assert()
        .success();
    sb.lore(sb.dir.path())
        .args(["init", "two"])
        .assert()
        .success();
    let one = sb.path("one");
    let two = sb.path("two");
    sb.lore(&one)
        .args(["new", "runbook", "--title", "Only in one", "--no-edit"])
        .assert()
        .success();
    let deep = one.join("postmortems/deeper");
    std::fs::create_dir_all(&deep).unwrap();
    let ids = |cmd: &mut assert_cmd::Command| -> Vec<String> {
        let out = cmd.args(["list", "--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&mut sb.lore(&deep)),
        ["only-in-one"],
        "walks up from a subfolder"
    );
    assert!(
        ids(sb.lore(&deep).env("LORE_KB", &two)).is_empty(),
        "LORE_KB wins over the cwd"
    );
    let mut cmd = sb.lore(&two);
    cmd.env("LORE_KB", &two).arg("--kb").arg(&one);
    assert_eq!(ids(&mut cmd), ["only-in-one"], "--kb wins over LORE_KB");
}

#[test]
fn new_opens_the_editor_and_keeps_what_was_written() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let script = sb.path("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf -- '- 14:05 Pager fires\\n' >> \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = sb
        .lore(&kb)
        .env("VISUAL", "")
        .env("EDITOR", &script)
        .args([
            "new",
            "postmortem",
            "--title",
            "Edited",
            "--date",
            "2024-01-01",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rel = stdout(&out).trim().to_string();
    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    assert!(text.ends_with("- 14:05 Pager fires\n"), "{text}");

    // A failing editor keeps the draft and says so.
    let out = sb
        .lore(&kb)
        .env("VISUAL", "false")
        .args([
            "new",
            "postmortem",
            "--title",
            "Kept",
            "--date",
            "2024-01-02",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the draft is kept"),
        "{}",
        stderr(&out)
    );
    assert!(kb.join("postmortems/2024-01-02-kept.md").exists());
}

#[test]
fn a_write_that_cannot_happen_is_a_clear_error() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    std::fs::remove_dir_all(kb.join("postmortems")).unwrap();
    std::fs::write(kb.join("postmortems"), "not a folder").unwrap();
    let out = sb
        .lore(&kb)
        .args(["new", "postmortem", "--title", "X", "--no-edit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("lore: error: ") && err.contains("postmortems"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert_eq!(
        std::fs::read_to_string(kb.join("postmortems")).unwrap(),
        "not a folder"
    );
}

#[test]
fn concurrent_new_with_the_same_title_never_overwrites() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("lore"));
            c.current_dir(&kb)
                .args(["new", "runbook", "--title", "Same title", "--no-edit"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            for (k, v) in sb.env() {
                c.env(k, v);
            }
            c.spawn().unwrap()
        })
        .collect();
    let mut paths: Vec<String> = Vec::new();
    for ch in children {
        let out = ch.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        paths.push(stdout(&out).trim().to_string());
    }
    paths.sort();
    assert_eq!(
        paths,
        [
            "runbooks/same-title-2.md",
            "runbooks/same-title-3.md",
            "runbooks/same-title-4.md",
            "runbooks/same-title.md"
        ]
    );
    // Each save is its own commit, none lost to the race, the tree clean.
    let log = sb.git(&kb, &["log", "--format=%s"]);
    let adds = log
        .lines()
        .filter(|l| l.starts_with("runbook: add same-title"))
        .count();
    assert_eq!(adds, 4, "{log}");
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");
}
