//! Keeping the index right: rebuilt by itself when missing or damaged,
//! incremental updates, `lore index`, a second process holding the lock, a KB
//! where it cannot be written, and `list` and the library reading it.

use super::{ALL, CACHE, CERT, DB, DNS, KAFKA, QUEUE, kb, search, set, sorted};
use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

fn index_files(kb: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(kb.join(".lore/index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn a_missing_corrupt_or_foreign_index_is_rebuilt_with_a_notice() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let (got, err) = search(&sb, &kb, "config-change");
    assert_eq!(sorted(got), set(&[DB, DNS, CACHE]));
    assert!(err.contains("lore: building the search index"), "{err}");
    let (_, err) = search(&sb, &kb, "config-change");
    assert_eq!(err, "", "a fresh index says nothing");

    type Damage = fn(&Path);
    let damages: [(&str, Damage); 4] = [
        ("deleted", |kb| {
            std::fs::remove_dir_all(kb.join(".lore/index")).unwrap()
        }),
        ("garbage meta.json", |kb| {
            std::fs::write(kb.join(".lore/index/meta.json"), "{not json").unwrap()
        }),
        ("truncated segments", |kb| {
            for p in index_files(kb) {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if [".idx", ".term", ".store", ".fast", ".pos"]
                    .iter()
                    .any(|x| name.ends_with(x))
                {
                    std::fs::write(&p, b"").unwrap();
                }
            }
        }),
        ("older manifest", |kb| {
            std::fs::write(kb.join(".lore/index/lore-manifest.txt"), "lore-index 0\n").unwrap()
        }),
    ];
    for (what, damage) in damages {
        damage(&kb);
        let (got, err) = search(&sb, &kb, "config-change");
        assert_eq!(sorted(got), set(&[DB, DNS, CACHE]), "after {what}");
        assert_eq!(
            err.lines().count(),
            1,
            "after {what}: one notice line: {err}"
        );
        assert!(
            err.contains("rebuil") || err.contains("building"),
            "after {what}: {err}"
        );
        let (got, err) = search(&sb, &kb, "eu-west");
        assert_eq!(got, vec![DNS], "after {what}");
        assert_eq!(err, "", "after {what}, the rebuilt index is used quietly");
    }
}

/// Edits a file in place, as `echo >>` or some editors do: its folder's mtime
/// stays the same.
fn edit(kb: &Path, rel: &str, from: &str, to: &str) {
    let p = kb.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from));
    std::fs::write(&p, text.replace(from, to)).unwrap();
}

/// Saves a file as lore, git and most editors do: a new file renamed over
/// the old one.
fn save(kb: &Path, rel: &str, from: &str, to: &str) {
    let p = kb.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from));
    let tmp = p.with_extension("tmp~");
    std::fs::write(&tmp, text.replace(from, to)).unwrap();
    std::fs::rename(&tmp, &p).unwrap();
}

#[test]
fn search_sees_saves_additions_and_deletions_without_a_rebuild() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let out = sb.lore(&kb).arg("index").output().unwrap();
    assert_eq!(
        stdout(&out).lines().next().unwrap().split(" in ").next(),
        Some("indexed 8 documents")
    );
    let out = sb.lore(&kb).arg("index").output().unwrap();
    assert_eq!(stdout(&out), "index is up to date (8 documents)\n");

    save(
        &kb,
        &format!("postmortems/{DNS}.md"),
        "SERVFAIL",
        "SERVFAIL and zebras",
    );
    let (got, err) = search(&sb, &kb, "zebra");
    assert_eq!(got, vec![DNS]);
    assert_eq!(err, "");
    // A new file in a new folder, and a deleted one.
    std::fs::create_dir_all(kb.join("postmortems/2025")).unwrap();
    std::fs::write(
        kb.join("postmortems/2025/2025-01-02-zebra.md"),
        "---\ntitle: Zebra crossing\ndate: 2025-01-02\n---\n\n## Summary\n\nNothing.\n",
    )
    .unwrap();
    std::fs::remove_file(kb.join(format!("postmortems/{CERT}.md"))).unwrap();
    let (got, _) = search(&sb, &kb, "zebra");
    assert_eq!(sorted(got), set(&["2025-01-02-zebra", DNS]));
    let (got, _) = search(&sb, &kb, "certificate");
    assert!(got.is_empty(), "{got:?}");
    let (got, _) = search(&sb, &kb, "zebra crossing");
    assert_eq!(got, vec!["2025-01-02-zebra"]);
}

#[test]
fn lore_index_picks_up_edits_in_place_and_skips_touched_files() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    sb.lore(&kb).arg("index").assert().success();
    // Written in place, the folder's mtime stays: searches trust the folders
    // for a few minutes, `lore index` compares every file at once.
    edit(
        &kb,
        &format!("postmortems/{KAFKA}.md"),
        "storm",
        "hurricane",
    );
    let out = sb.lore(&kb).arg("index").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(": 0 added, 1 updated, 0 removed (8 documents in all)"),
        "{text}"
    );
    let (got, _) = search(&sb, &kb, "hurricane");
    assert_eq!(got, vec![KAFKA]);
    // Rewritten with the same content: nothing to re-index.
    let p = kb.join(format!("postmortems/{KAFKA}.md"));
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, bytes).unwrap();
    let out = sb.lore(&kb).arg("index").output().unwrap();
    assert_eq!(stdout(&out), "index is up to date (8 documents)\n");
}

#[test]
fn rebuild_reports_the_count_and_keeps_results() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let out = sb.lore(&kb).args(["index", "--rebuild"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("indexed 8 documents in "),
        "{}",
        stdout(&out)
    );
    assert_eq!(stderr(&out), "", "no progress bar when not on a terminal");
    let (got, _) = search(&sb, &kb, "kafka");
    assert_eq!(got, vec![KAFKA]);
}

#[test]
fn a_second_process_holding_the_lock_does_not_stop_search() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    search(&sb, &kb, "kafka");
    let dir = tantivy::directory::MmapDirectory::open(kb.join(".lore")).unwrap();
    let lock = tantivy::directory::Directory::acquire_lock(
        &dir,
        &tantivy::directory::Lock {
            filepath: "index.lock".into(),
            is_blocking: false,
        },
    )
    .unwrap();
    save(
        &kb,
        &format!("postmortems/{KAFKA}.md"),
        "storm",
        "hurricane",
    );
    // The index cannot be updated: the old content is searched, with a notice.
    let (got, err) = search(&sb, &kb, "storm");
    assert_eq!(got, vec![KAFKA]);
    assert!(
        err.contains("another lore process is updating the search index"),
        "{err}"
    );
    drop(lock);
    let (got, err) = search(&sb, &kb, "hurricane");
    assert_eq!(got, vec![KAFKA]);
    assert_eq!(err, "");
}

#[test]
fn list_reads_the_index_and_matches_the_files() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let list = |args: &[&str]| {
        let out = sb
            .lore(&kb)
            .arg("list")
            .args(args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(list(&[]), ALL);
    assert!(kb.join(".lore/index/meta.json").is_file());
    assert_eq!(
        list(&["--factor", "capacity", "--since", "2024"]),
        vec![DB, QUEUE]
    );
    // Served from stored fields, the records match the Markdown exactly.
    let lib = lore::index::records(&kb).unwrap();
    let parsed = lore::kb::Kb::load(&kb).unwrap();
    let direct: Vec<lore::record::Record> = parsed
        .docs
        .iter()
        .map(lore::record::Record::from_doc)
        .collect();
    assert_eq!(lib, direct);
}

#[test]
fn library_searcher_updates_one_path_and_refreshes() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let mut s = lore::index::Searcher::open(&kb).unwrap();
    assert_eq!(s.search("zebra", 10).unwrap().total, 0);
    edit(
        &kb,
        &format!("postmortems/{QUEUE}.md"),
        "by hand",
        "by hand, zebra style",
    );
    let stats =
        lore::index::update_paths(&kb, &[kb.join(format!("postmortems/{QUEUE}.md"))]).unwrap();
    assert_eq!((stats.added, stats.updated, stats.removed), (0, 1, 0));
    s.refresh().unwrap();
    let r = s.search("zebra", 10).unwrap();
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].record.id, QUEUE);
    let snip = &r.hits[0].snippet;
    let marked: Vec<&str> = snip
        .highlights
        .iter()
        .map(|h| &snip.text[h.clone()])
        .collect();
    assert_eq!(marked, vec!["zebra"]);
}

#[test]
fn a_kb_where_the_index_cannot_be_written_is_still_searched() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    // `.lore` is a file: no index folder can be made there (even as root).
    std::fs::write(kb.join(".lore"), "not a folder").unwrap();
    let (got, err) = search(&sb, &kb, "config-change");
    assert_eq!(sorted(got), set(&[DB, DNS, CACHE]));
    assert!(
        err.starts_with("lore: cannot write the search index (")
            && err.contains("); searching the files without it"),
        "{err}"
    );
    let out = sb
        .lore(&kb)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 8);
}
