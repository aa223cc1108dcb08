//! No escape sequence or bidi override from a document, a file name or a
//! commit reaches the terminal through any command (JSON stays exact).

use crate::common::{Sandbox, stderr, stdout};

/// Title, body, owner and factor text holding a window-title OSC, an OSC 52
/// clipboard write, a screen clear, an OSC 8 link, a bell and bidi overrides.
const HOSTILE: &str = "---\ntitle: \"Checkout \\e]2;pwned\\a \\e]52;c;ZWNobyBoaQ==\\a \\e[2J \\e]8;;http://evil\\e\\\\link\\e]8;;\\e\\\\ \\u202Egnp.exe\"\ndate: 2024-03-01\nstatus: published\nservices: [\"check\\e[31mout\"]\nseverity: SEV2\n---\n# Hostile\n\n## Summary\n\nReplica lag \u{1b}]2;body-title\u{7} and \u{202e}reversed\u{2066} text.\n\n## Action items\n\n- [ ] Fix \u{1b}[2J it @own\u{1b}[5mer due:2020-01-01\n";

fn assert_clean(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\0'] {
        assert!(
            !text.contains(bad),
            "{what} let U+{:04X} through:\n{text}",
            bad as u32
        );
    }
}

#[test]
fn every_command_that_prints_document_text_cleans_it() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let name = "postmortems/2024-03-01-hostile\u{202e}dm.md";
    std::fs::write(kb.join(name), HOSTILE).unwrap();
    sb.git(&kb, &["add", "-A"]);
    sb.git(
        &kb,
        &[
            "commit",
            "-q",
            "-m",
            "add \u{1b}]2;commit-title\u{7} hostile",
        ],
    );

    let runs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["search", "replica"],
        vec!["search", "checkout"],
        vec!["lint"],
        vec!["actions"],
        vec!["stats"],
        vec!["factors"],
        vec!["history", "2024-03-01-hostile\u{202e}dm"],
        vec!["history", "--patch", "2024-03-01-hostile\u{202e}dm"],
        vec!["show", "2024-03-01-hostile\u{202e}dm"],
    ];
    for args in runs {
        let out = sb
            .lore(&kb)
            .env("LORE_TODAY", "2024-06-01")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.code().is_some(), "{args:?} was killed");
        // `show` into a pipe is byte-exact; the similar-incidents list on
        // stderr is not.
        if args[0] != "show" {
            assert_clean(&format!("stdout of {args:?}"), &stdout(&out));
        }
        assert_clean(&format!("stderr of {args:?}"), &stderr(&out));
    }

    // The placeholders make the attempt visible.
    let out = sb.lore(&kb).arg("list").output().unwrap();
    assert!(stdout(&out).contains("␛]2;pwned"), "{}", stdout(&out));

    // JSON keeps the exact text (escaped by the JSON writer).
    let out = sb
        .lore(&kb)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        v[0]["title"]
            .as_str()
            .unwrap()
            .contains("\u{1b}]2;pwned\u{7}")
    );

    // An import report names foreign files as they are called.
    let src = sb.path("foreign");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("bad\u{1b}[2Jname.md"),
        "# Old \u{1b}]2;x\u{7} outage\n",
    )
    .unwrap();
    let out = sb
        .lore(&kb)
        .args(["import", "--dry-run"])
        .arg(&src)
        .output()
        .unwrap();
    assert_clean("import --dry-run", &(stdout(&out) + &stderr(&out)));
}

#[test]
fn an_unknown_id_with_escapes_is_cleaned_in_the_error() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let out = sb
        .lore(&kb)
        .args(["show", "x\u{1b}]52;c;aGk=\u{7}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_clean("error", &stderr(&out));
    assert!(stderr(&out).starts_with("lore: error:"), "{}", stderr(&out));
}
