//! Search end to end on the `search/kb` fixture: every query form with the
//! exact ids it must find, fuzzy fallback, snippets, odd queries, and similar
//! incidents in `show`. `index` covers keeping the index up to date.

mod index;

use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

pub(crate) const DB: &str = "2024-03-01-db-failover";
pub(crate) const DNS: &str = "2024-03-31-dns-outage";
pub(crate) const CERT: &str = "2024-04-01-cert-expiry";
pub(crate) const QUEUE: &str = "2024-02-29-queue-backlog";
pub(crate) const CACHE: &str = "2023-12-31-cache-stampede";
pub(crate) const MAINT: &str = "2024-01-15-replica-maintenance";
pub(crate) const KAFKA: &str = "2024-05-10-kafka-rebalance";
pub(crate) const RUNBOOK: &str = "db-failover";
/// Every document as `list` orders them: postmortems newest first, then runbooks.
pub(crate) const ALL: [&str; 8] = [KAFKA, CERT, DNS, DB, QUEUE, MAINT, CACHE, RUNBOOK];
/// Every document by date, newest first, as a search without words orders them
/// (the runbook by its review date).
pub(crate) const BY_DATE: [&str; 8] = [KAFKA, CERT, DNS, DB, QUEUE, RUNBOOK, MAINT, CACHE];

pub(crate) fn kb(sb: &Sandbox) -> PathBuf {
    sb.fixture("search/kb")
}

/// Runs `lore search --format json` and returns (ids in order, stderr).
pub(crate) fn search(sb: &Sandbox, kb: &Path, q: &str) -> (Vec<String>, String) {
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

pub(crate) fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub(crate) fn set(ids: &[&str]) -> Vec<String> {
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
