//! `lore lint` as a reviewer's check, and every bad input of SPEC section 11
//! that concerns reading documents: reported with file and line, never a panic,
//! and the readable documents still listed.

use crate::common::{Sandbox, stderr, stdout};
use std::path::Path;

/// The fixture KB plus the bad inputs that are generated rather than stored:
/// big files, binary, invalid UTF-8, empty, deep nesting, a symlink loop.
fn bad_kb(sb: &Sandbox) -> std::path::PathBuf {
    let kb = sb.fixture("lint/bad");
    let pm = kb.join("postmortems");
    std::fs::write(pm.join("empty.md"), "").unwrap();
    let mut big =
        String::from("---\ntitle: Five megabytes\ndate: 2024-02-01\n---\n\n## Timeline\n\n");
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("- 10:00 A line of a very long timeline with some words about replica lag\n");
    }
    std::fs::write(pm.join("five-mb.md"), big).unwrap();
    let long_line = format!(
        "---\ntitle: Long line\ndate: 2024-02-02\n---\n\n{}\n",
        "word ".repeat(200_000)
    );
    std::fs::write(pm.join("long-line.md"), long_line).unwrap();
    let nested = format!(
        "---\ntitle: Deeply nested\ndate: 2024-02-03\n---\n\n{}deep\n\n{}\n",
        "> ".repeat(5_000),
        "- a\n".to_string()
            + &(1..2_000)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect::<String>()
    );
    std::fs::write(pm.join("nested.md"), nested).unwrap();
    std::fs::write(
        pm.join("binary.md"),
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0xff],
    )
    .unwrap();
    let mut bad_utf8 =
        b"---\ntitle: Bad bytes\ndate: 2024-02-04\n---\n\nline six\ncaf\xe9 on line seven\n"
            .to_vec();
    bad_utf8.extend_from_slice(b"more\n");
    std::fs::write(pm.join("invalid-utf8.md"), bad_utf8).unwrap();
    std::os::unix::fs::symlink(".", pm.join("loop")).unwrap();
    // A link back up to the KB root must not make any document appear twice.
    std::os::unix::fs::symlink("..", pm.join("up")).unwrap();
    kb
}

fn assert_no_panic(out: &std::process::Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(out.status.code().is_some(), "killed by a signal: {err}");
}

#[test]
fn every_bad_input_is_reported_with_file_and_line() {
    let sb = Sandbox::new();
    let kb = bad_kb(&sb);
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-06-01")
        .arg("lint")
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "lint must fail on errors");
    let text = stdout(&out);
    let expect = [
        "postmortems/broken-yaml.md:5: error[yaml]: front matter is not valid YAML: illegal placement",
        "postmortems/unterminated.md:1: error[front-matter-unterminated]",
        "postmortems/wrong-types.md:4: error[field-type]",
        "postmortems/wrong-types.md:5: error[field-type]",
        "postmortems/wrong-types.md:6: error[field-type]",
        "postmortems/impossible-date.md:3: error[bad-date]",
        "postmortems/impossible-date.md:4: error[bad-timestamp]",
        "postmortems/resolved-before-started.md:6: error[time-order]",
        "postmortems/dup-a.md:3: error[duplicate-id]",
        "postmortems/dup-b.md:3: error[duplicate-id]",
        "postmortems/unknown-factor.md:4: error[unknown-factor]: unknown contributing factor `config-chnage` (did you mean `config-change`?)",
        "postmortems/unknown-factor.md:5: error[unknown-severity]",
        "postmortems/dangling.md:4: error[unknown-id]: `related` names `goood`, which is no document (did you mean `good`?)",
        "postmortems/dangling.md:5: error[unknown-id]: `runbooks` names `db-failovr`, which is no document (did you mean `db-failover`?)",
        "postmortems/dangling.md:8: error[broken-link]",
        "postmortems/no-front-matter.md:1: error[no-front-matter]",
        "postmortems/empty.md:1: error[no-front-matter]",
        "postmortems/invalid-utf8.md:7: error[invalid-utf8]",
        "postmortems/binary.md: error[binary]",
        "postmortems/loop: error[unreadable]: symbolic link loop",
    ];
    for e in expect {
        assert!(text.contains(e), "missing `{e}` in:\n{text}");
    }
    // The good document has nothing to report.
    assert!(!text.contains("postmortems/good.md"), "{text}");
}

#[test]
fn list_still_lists_every_readable_document() {
    let sb = Sandbox::new();
    let kb = bad_kb(&sb);
    let out = sb
        .lore(&kb)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not be read"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "broken-yaml",
            "dangling",
            "db-failover",
            "empty",
            "five-mb",
            "good",
            "impossible-date",
            "invalid-utf8",
            "long-line",
            "nested",
            "no-front-matter",
            "resolved-before-started",
            "same-id",
            "same-id",
            "unknown-factor",
            "unterminated",
            "wrong-types"
        ]
    );
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Broken YAML still listed"),
        "title falls back to the heading"
    );
    assert!(titles.contains(&"Only a heading"));
    assert!(
        titles.contains(&"empty"),
        "title falls back to the file name"
    );
}

#[test]
fn no_command_panics_on_the_bad_kb() {
    let sb = Sandbox::new();
    let kb = bad_kb(&sb);
    for args in [
        vec!["list"],
        vec!["show", "broken-yaml"],
        vec!["show", "invalid-utf8", "--format", "json"],
        vec!["show", "nested", "--format", "json"],
        vec!["actions"],
        vec!["factors"],
        vec!["lint", "--format", "json"],
    ] {
        let out = sb.lore(&kb).args(&args).output().unwrap();
        assert_no_panic(&out);
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn sample_kb_lint_strict_shows_only_the_deliberate_warnings() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-11-21")
        .arg("lint")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let codes: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            l.split_once(": warning[")
                .map(|(_, r)| r.split(']').next().unwrap())
        })
        .collect();
    assert_eq!(
        codes,
        [
            "action-overdue",
            "action-overdue",
            "action-overdue",
            "stale-runbook"
        ],
        "{text}"
    );
    assert!(text.contains("postmortems/runbooks/disk-full.md:7: warning[stale-runbook]"));
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2026-11-21")
        .args(["lint", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn blameless_language_and_review_checks() {
    let sb = Sandbox::new();
    let kb = sb.fixture("lint/bad");
    let doc = "---\ntitle: Review me\ndate: 2024-05-01\nstatus: review\n---\n\n## Summary\n\nThe operator should have checked. It was human error.\n\n```\nfailed to connect (log line, not prose)\n```\n\n## Action items\n\n- [ ] Add a check due:2024-05-10\n";
    std::fs::write(kb.join("postmortems/review.md"), doc).unwrap();
    let out = sb
        .lore(&kb)
        .env("LORE_TODAY", "2024-06-01")
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine: Vec<(String, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "postmortems/review.md")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = [
        ("missing-section", 6),
        ("blameless-language", 9),
        ("blameless-language", 9),
        ("action-no-owner", 17),
        ("action-overdue", 17),
    ]
    .iter()
    .map(|(c, l)| (c.to_string(), *l))
    .collect();
    assert_eq!(mine, expected);
}

#[test]
fn lint_json_is_one_document() {
    let sb = Sandbox::new();
    let kb = sb.fixture("lint/bad");
    let out = sb
        .lore(&kb)
        .args(["lint", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let first = &v.as_array().unwrap()[0];
    for k in ["code", "level", "path", "line", "message"] {
        assert!(first.get(k).is_some(), "{k} missing");
    }
    assert!(Path::new(first["path"].as_str().unwrap()).is_relative());
}
