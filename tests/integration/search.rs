//! Search end to end on the `search/kb` fixture: every query form with the
//! exact ids it must find, fuzzy fallback, snippets, the index healing itself,
//! incremental updates, a second process holding the lock, and similar
//! incidents in `show`.

use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

const DB: &str = "2024-03-01-db-failover";
const DNS: &str = "2024-03-31-dns-outage";
const CERT: &str = "2024-04-01-cert-expiry";
const QUEUE: &str = "2024-02-29-queue-backlog";
const CACHE: &str = "2023-12-31-cache-stampede";
const MAINT: &str = "2024-01-15-replica-maintenance";
const KAFKA: &str = "2024-05-10-kafka-rebalance";
const RUNBOOK: &str = "db-failover";
/// Every document as `list` orders them: postmortems newest first, then runbooks.
const ALL: [&str; 8] = [KAFKA, CERT, DNS, DB, QUEUE, MAINT, CACHE, RUNBOOK];
/// Every document by date, newest first, as a search without words orders them
/// (the runbook by its review date).
const BY_DATE: [&str; 8] = [KAFKA, CERT, DNS, DB, QUEUE, RUNBOOK, MAINT, CACHE];

fn kb(sb: &Sandbox) -> PathBuf {
    sb.fixture("search/kb")
}

/// Runs `lore search --format json` and returns (ids in order, stderr).
fn search(sb: &Sandbox, kb: &Path, q: &str) -> (Vec<String>, String) {
    let out = sb
        .lore(kb)
        .args(["search", q, "--limit", "50", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "search {q:?} failed: {}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("search {q:?}: {e}: {}", stdout(&out)));
    let ids = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    (ids, stderr(&out))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn set(ids: &[&str]) -> Vec<String> {
    sorted(ids.iter().map(|s| s.to_string()).collect())
}

#[test]
fn every_query_form_finds_exactly_the_right_documents() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    // (query, expected ids as a set)
    let cases: &[(&str, &[&str])] = &[
        ("failover", &[DB, RUNBOOK]),
        ("failovers", &[DB, RUNBOOK]),
        ("FAILOVER", &[DB, RUNBOOK]),
        ("replica lag", &[DB, RUNBOOK, CACHE, MAINT]),
        ("\"replica lag\"", &[DB, RUNBOOK, CACHE]),
        ("\"lag replica\"", &[]),
        ("config-change", &[DB, DNS, CACHE]),
        ("INC-123", &[DB]),
        ("inc-123", &[DB]),
        ("eu-west", &[DNS]),
        ("ttd:>30m", &[DB, CERT, KAFKA]),
        ("ttd:>=45m", &[DB, CERT, KAFKA]),
        ("ttd:>45m", &[CERT, KAFKA]),
        ("ttr:<2h", &[DNS, CACHE]),
        ("ttd:<=1d", &[DB, DNS, CERT, QUEUE, CACHE, KAFKA]),
        ("ttd:<1d", &[DB, DNS, CERT, QUEUE, CACHE]),
        ("ttd:<=1d -ttr:>2h", &[DNS, CACHE]),
        ("-factor:capacity", &[KAFKA, CERT, DNS, RUNBOOK, MAINT]),
        ("replica -maintenance", &[DB, RUNBOOK, CACHE]),
        ("-replica", &[DNS, CERT, QUEUE, KAFKA]),
        ("dns OR tls", &[DNS, CERT]),
        ("factor:dns OR tag:tls", &[DNS, CERT]),
        ("checkout OR events lag", &[DB, CACHE, KAFKA]),
        ("author:alice", &[DB, QUEUE]),
        ("author:\"Alice Smith\"", &[DB, QUEUE]),
        ("owner:@dba-team", &[DB, RUNBOOK]),
        ("owner:carol", &[CERT]),
        ("kind:runbook", &[RUNBOOK]),
        ("kind:postmortems status:draft", &[QUEUE]),
        ("severity:SEV2 checkout", &[DB, CACHE]),
        ("service:orders-db", &[DB, RUNBOOK, MAINT]),
        ("SERVICE:Orders-DB -kind:runbook", &[DB, MAINT]),
        ("tag:tls", &[CERT]),
        ("id:db-failover", &[RUNBOOK]),
        ("servfail", &[DNS]),
        // Would be syntax errors elsewhere: searched as words, or ignored.
        ("\"replica lag", &[DB, RUNBOOK, CACHE]),
        ("(dns OR tls)", &[DNS, CERT]),
        ("(factor:dns)", &[DNS]),
        ("checkout AND", &[DB, CACHE]),
        ("after:someday", &[]),
    ];
    let mut failures = Vec::new();
    for (q, want) in cases {
        let (got, _) = search(&sb, &kb, q);
        if sorted(got.clone()) != set(want) {
            failures.push(format!("{q:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn filters_alone_list_newest_first_and_dates_cover_whole_periods() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let cases: &[(&str, &[&str])] = &[
        // Both ends inclusive of the named month: March 1 and March 31, not
        // February 29 or April 1.
        ("after:2024-03 before:2024-03", &[DNS, DB]),
        ("after:2024-02-29 before:2024-03-01", &[DB, QUEUE]),
        ("before:2024-02", &[QUEUE, RUNBOOK, MAINT, CACHE]),
        ("after:2024-04", &[KAFKA, CERT]),
        ("before:2023", &[CACHE]),
        ("after:2024", &[KAFKA, CERT, DNS, DB, QUEUE, RUNBOOK, MAINT]),
        ("after:2024-03-31", &[KAFKA, CERT, DNS]),
        // Nothing to search for: everything, newest first.
        ("factor:", &BY_DATE),
        ("((", &BY_DATE),
        ("-", &BY_DATE),
        ("\"", &BY_DATE),
        ("OR", &BY_DATE),
    ];
    for (q, want) in cases {
        let (got, err) = search(&sb, &kb, q);
        assert_eq!(got, *want, "query {q:?} (stderr: {err})");
    }
}

#[test]
fn title_matches_rank_above_body_matches() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    // "database" is in the titles of DB and RUNBOOK, only in the body of CACHE.
    let (got, _) = search(&sb, &kb, "database");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(sorted(got[..2].to_vec()), set(&[DB, RUNBOOK]));
    assert_eq!(got[2], CACHE);
}

#[test]
fn a_typo_finds_the_document_and_says_so() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    for (q, want) in [
        ("failovr", vec![DB, RUNBOOK]),
        ("certficate", vec![CERT]),
        ("kafak rebalance", vec![KAFKA]),
    ] {
        let (got, err) = search(&sb, &kb, q);
        assert_eq!(sorted(got), set(&want), "{q}");
        assert!(
            err.contains("no exact matches; showing typo-tolerant matches"),
            "{q}: {err}"
        );
    }
    let (got, err) = search(&sb, &kb, "certificate");
    assert_eq!(got, vec![CERT]);
    assert!(!err.contains("typo-tolerant"), "{err}");
    let (got, err) = search(&sb, &kb, "zzqxj");
    assert!(got.is_empty());
    assert!(err.contains("lore: no documents match"), "{err}");
}

#[test]
fn snippets_mark_the_matched_words() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let out = sb
        .lore(&kb)
        .args(["search", "failovers", "slot", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hit = &v[0];
    assert_eq!(hit["id"], DB);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let snippet = hit["snippet"].as_str().unwrap();
    // The passage holding both words wins over the first "failover".
    assert_eq!(
        snippet,
        "… Tracked as INC-123 in the pager. 10:00 **Failover** of the primary begins 10:45 \
         Alert on replica lag fires A config-change lowered the replication **slot** limit. \
         [ ] Alert on replica lag …"
    );
    for f in [
        "kind", "title", "date", "status", "severity", "services", "factors", "tags", "path",
    ] {
        assert!(hit.get(f).is_some(), "field {f} missing");
    }

    // The table: a line per hit, its snippet indented below (no colour here).
    let out = sb.lore(&kb).args(["search", "servfail"]).output().unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0],
        "2024-03-31  SEV1  2024-03-31-dns-outage  DNS resolution failures in eu-west"
    );
    assert_eq!(
        lines[1],
        "    Resolvers in eu-west returned SERVFAIL after a zone update. [ ] Canary zone updates @netops #prevent"
    );
}

#[test]
fn limit_caps_results_and_reports_the_total() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let out = sb
        .lore(&kb)
        .args([
            "search",
            "-factor:capacity",
            "--limit",
            "2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![KAFKA, CERT]);
    assert!(
        stderr(&out).contains("showing 2 of 5 matches"),
        "{}",
        stderr(&out)
    );
}

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
fn show_lists_similar_incidents() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let out = sb.lore(&kb).args(["show", CACHE]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("---\ntitle: Cache stampede after deploy\n"));
    let err = stderr(&out);
    assert!(err.starts_with("\nSimilar incidents:\n"), "{err}");
    assert!(err.contains(DB), "{err}");
    let out = sb
        .lore(&kb)
        .args(["show", CACHE, "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let similar = v["similar"].as_array().unwrap();
    assert!(!similar.is_empty() && similar.len() <= 5);
    // DB shares the capacity factor, the checkout service and the words
    // "database" and "replica": the best match.
    assert_eq!(similar[0]["id"], DB);
    assert_eq!(
        similar[0]["reasons"],
        serde_json::json!([
            "factors: capacity",
            "services: checkout",
            "words: database, replica"
        ])
    );
    assert!(
        similar
            .iter()
            .all(|s| s["id"] != CACHE && s["id"] != RUNBOOK)
    );
}

/// Odd strings that break other query parsers, then random ones: none may
/// make a search fail (or panic).
#[test]
fn no_query_makes_search_fail() {
    let sb = Sandbox::new();
    let kb = kb(&sb);
    let s = lore::index::Searcher::open(&kb).unwrap();
    let odd = [
        "",
        "\"",
        "-\"",
        "\"-\"",
        "OR OR OR",
        "-OR",
        "::",
        "a:b:c",
        "ttd:>",
        "ttd:>99999999999999999999d",
        "after:0000",
        "after:9999-12",
        "before:2024-02-30",
        "((a OR b) AND -c)",
        "*",
        "?",
        "~2",
        "^3",
        "title:",
        "\u{0}\u{7}",
        "🔥 failover",
        "ÉCHEC",
        "-",
        "--",
        "-- -",
        "\\",
        "a\"b\"c",
        "factor:\"",
        "service:\"\"",
        "author:",
        "owner:@",
        "kind:nonsense",
        "status:",
        "id:",
        "sev:1",
    ];
    for q in odd {
        assert!(s.search(q, 5).is_ok(), "{q:?}");
    }
    let long = "replica ".repeat(5000);
    assert_eq!(s.search(&long, 5).unwrap().total, 4);
    proptest::proptest!(proptest::prelude::ProptestConfig::with_cases(200), |(q in "\\PC{0,40}")| {
        proptest::prop_assert!(s.search(&q, 5).is_ok());
    });
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
