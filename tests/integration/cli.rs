//! The command line end to end: init, new, list, show on temp KBs.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn init_then_new_gives_a_document_that_show_and_lint_accept() {
    let sb = Sandbox::new();
    let kb = sb.path("kb");
    sb.lore(sb.dir.path())
        .args(["init", "kb"])
        .assert()
        .success();
    for p in ["lore.toml", "postmortems", "runbooks", ".gitignore", ".git"] {
        assert!(kb.join(p).exists(), "{p} missing after init");
    }
    let gi = std::fs::read_to_string(kb.join(".gitignore")).unwrap();
    assert!(gi.lines().any(|l| l == ".lore/") && gi.lines().any(|l| l == "public/"));
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
    let kb = sb.path("kb");
    sb.lore(sb.dir.path())
        .args(["init", "kb"])
        .assert()
        .success();
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
