//! `lore import`: other teams' Markdown comes in without losing a byte of it.

use crate::common::{Sandbox, stderr, stdout};

#[test]
fn import_plans_then_writes_without_overwriting() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let wiki = sb.fixture("import/wiki");

    let out = sb
        .lore(&kb)
        .arg("import")
        .arg(&wiki)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(
        plan.contains("postmortems/2021-11-26-payment-outage.md"),
        "{plan}"
    );
    assert!(plan.contains("postmortems/with-front-matter.md"), "{plan}");
    assert!(plan.contains("no date found"), "{plan}");
    assert!(
        plan.ends_with("dry run: 3 file(s) would be imported\n"),
        "{plan}"
    );
    assert!(
        !kb.join("postmortems/with-front-matter.md").exists(),
        "dry run wrote a file"
    );

    let out = sb.lore(&kb).arg("import").arg(&wiki).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let copied = std::fs::read_to_string(kb.join("postmortems/with-front-matter.md")).unwrap();
    let original = std::fs::read_to_string(wiki.join("with-front-matter.md")).unwrap();
    assert_eq!(
        copied, original,
        "files with front matter are copied byte for byte"
    );
    let made =
        std::fs::read_to_string(kb.join("postmortems/2021-11-26-payment-outage.md")).unwrap();
    assert!(
        made.starts_with("---\ntitle: \"Payment outage\"\ndate: 2021-11-26\nstatus: draft\n"),
        "{made}"
    );
    assert!(made.ends_with(
        "# Payment outage\n\nDate: 2021-11-26 (Black Friday)\n\nThe card provider timed out.\n"
    ));

    // One commit holding exactly the imported files.
    let files = sb.git(&kb, &["show", "--name-only", "--format=%s", "HEAD"]);
    let mut lines: Vec<&str> = files.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        lines.remove(0).starts_with("import: add 3 documents from "),
        "{files}"
    );
    lines.sort();
    assert_eq!(
        lines,
        [
            "postmortems/2021-11-26-payment-outage.md",
            "postmortems/undated.md",
            "postmortems/with-front-matter.md"
        ]
    );
    assert_eq!(sb.git(&kb, &["status", "--porcelain"]), "");

    // Lint points at what needs a human: the missing date.
    let out = sb.lore(&kb).arg("lint").output().unwrap();
    assert!(
        stdout(&out)
            .contains("postmortems/undated.md:1: error[missing-field]: required field `date`"),
        "{}",
        stdout(&out)
    );

    // Importing again skips what is already there.
    let out = sb.lore(&kb).arg("import").arg(&wiki).output().unwrap();
    assert!(
        stdout(&out).contains("already in the knowledge base"),
        "{}",
        stdout(&out)
    );
    assert!(!kb.join("postmortems/with-front-matter-2.md").exists());
}
