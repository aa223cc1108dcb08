//! Nothing outside the KB is read, written or published through a link.

use crate::common::{Sandbox, stderr, stdout};
use std::os::unix::fs::symlink;
use std::path::Path;

const SECRET: &str = "---\ntitle: TOPSECRET outside file\ndate: 2024-01-01\nstatus: published\n---\n# TOPSECRET\n\nroot:x:0:0 TOPSECRET body\n";

/// A KB whose folders hold links out of it in every place lore reads.
fn hostile_kb(sb: &Sandbox) -> std::path::PathBuf {
    let kb = sb.init_kb();
    let outside = sb.path("outside");
    std::fs::create_dir_all(outside.join("dir")).unwrap();
    std::fs::create_dir_all(outside.join("templates")).unwrap();
    std::fs::write(outside.join("secret.md"), SECRET).unwrap();
    std::fs::write(outside.join("dir/inner.md"), SECRET).unwrap();
    std::fs::write(outside.join("templates/index.html"), "TOPSECRET template").unwrap();
    std::fs::write(outside.join("asset.css"), "TOPSECRET css").unwrap();
    let pm = kb.join("postmortems");
    std::fs::write(
        pm.join("2024-02-01-real.md"),
        "---\ntitle: Real incident\ndate: 2024-02-01\nstatus: published\n---\n# Real incident\n\nReplica lag.\n",
    )
    .unwrap();
    symlink(outside.join("secret.md"), pm.join("passwd.md")).unwrap();
    symlink(outside.join("dir"), pm.join("linked-dir")).unwrap();
    symlink("/", pm.join("root")).unwrap();
    symlink("..", pm.join("loop")).unwrap();
    symlink(pm.join("2024-02-01-real.md"), pm.join("inside-link.md")).unwrap();
    std::fs::create_dir_all(kb.join("templates")).unwrap();
    symlink(
        outside.join("templates/index.html"),
        kb.join("templates/index.html"),
    )
    .unwrap();
    symlink(&outside, kb.join("site")).unwrap();
    sb.git(&kb, &["add", "-A"]);
    sb.git(&kb, &["commit", "-q", "-m", "links"]);
    kb
}

#[test]
fn links_out_of_the_kb_are_never_read_listed_searched_or_published() {
    let sb = Sandbox::new();
    let kb = hostile_kb(&sb);

    let out = sb
        .lore(&kb)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&out);
    assert!(!list.contains("TOPSECRET"), "{list}");
    let docs: serde_json::Value = serde_json::from_str(&list).unwrap();
    // The real document once, although a link inside the KB also names it
    // and `loop -> ..` leads back to the root.
    assert_eq!(docs.as_array().unwrap().len(), 1, "{list}");

    let out = sb.lore(&kb).args(["search", "TOPSECRET"]).output().unwrap();
    assert!(!stdout(&out).contains("TOPSECRET"), "{}", stdout(&out));

    let out = sb.lore(&kb).args(["lint"]).output().unwrap();
    let lint = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{lint}");
    for link in [
        "postmortems/passwd.md",
        "postmortems/linked-dir",
        "postmortems/root",
        "templates/index.html",
        "site",
    ] {
        let line = lint
            .lines()
            .find(|l| l.starts_with(&format!("{link}:")))
            .unwrap_or_else(|| panic!("no finding for {link}:\n{lint}"));
        assert!(line.contains("symlink-outside"), "{line}");
    }
    assert_eq!(lint.matches("symlink-outside").count(), 5, "{lint}");

    let site = sb.path("site-out");
    let out = sb
        .lore(&kb)
        .args(["export", "--drafts", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in walk(&site) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("TOPSECRET"),
            "{} holds text from outside the KB",
            entry.display()
        );
    }
    assert!(site.join("index.html").exists());
}

#[test]
fn a_documents_folder_that_links_out_is_never_written() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let outside = sb.path("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::remove_dir_all(kb.join("postmortems")).unwrap();
    symlink(&outside, kb.join("postmortems")).unwrap();
    let out = sb
        .lore(&kb)
        .args(["new", "postmortem", "--title", "Escape", "--no-edit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("outside the knowledge base"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                todo.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn a_cache_folder_that_links_out_is_refused_and_nothing_outside_is_touched() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    std::fs::write(
        kb.join("postmortems/2024-02-01-real.md"),
        "---\ntitle: Real incident\ndate: 2024-02-01\n---\n# Real incident\n\n## Timeline\n\n- 10:00 Alert\n",
    )
    .unwrap();
    let victim = sb.path("victim");
    std::fs::create_dir_all(victim.join("index")).unwrap();
    std::fs::write(victim.join("index/keep.txt"), "PRECIOUS").unwrap();
    std::fs::write(victim.join("index/meta.json"), "{}").unwrap();
    let _ = std::fs::remove_dir_all(kb.join(".lore"));
    symlink(&victim, kb.join(".lore")).unwrap();
    for args in [
        vec!["list"],
        vec!["search", "real"],
        vec!["index", "--rebuild"],
        vec!["timeline", "2024-02-01-real", "Paged"],
    ] {
        let out = sb.lore(&kb).args(&args).output().unwrap();
        assert!(out.status.code().is_some(), "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(victim.join("index/keep.txt")).unwrap(),
        "PRECIOUS",
        "a file outside the KB was deleted"
    );
    let names: Vec<String> = std::fs::read_dir(&victim)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["index"], "lore wrote outside the KB: {names:?}");
    let out = sb.lore(&kb).args(["search", "real"]).output().unwrap();
    assert!(
        stdout(&out).contains("2024-02-01-real"),
        "search still answers: {}",
        stderr(&out)
    );
}
