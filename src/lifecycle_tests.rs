use super::*;

const DOC: &str = "---\ntitle: DNS\ndate: 2026-04-21\nstatus: draft\n---\n# DNS\n\n## Timeline\n\n- 07:00 Resolver change rolled out\n- 08:00 Traffic back to normal\n\n## Action items\n\n- [ ] Alert on resolver errors @dns\n- Add a canary for resolver changes\n";

fn kb() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
    std::fs::write(dir.path().join("postmortems/dns.md"), DOC).unwrap();
    std::fs::write(dir.path().join("lore.toml"), crate::config::DEFAULT_CONFIG).unwrap();
    (
        dir,
        Config::parse(crate::config::DEFAULT_CONFIG, Path::new("lore.toml")).unwrap(),
    )
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn read(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join("postmortems/dns.md")).unwrap()
}

#[test]
fn a_typed_time_is_used_and_entries_go_in_time_order() {
    let (dir, cfg) = kb();
    let rel = Path::new("postmortems/dns.md");
    let c = add_timeline(
        dir.path(),
        &cfg,
        rel,
        "07:30 Edge config push merged",
        at("2026-04-21T09:00:00Z"),
    )
    .unwrap();
    assert_eq!(c.message, "postmortem: timeline entry 07:30 in dns");
    add_timeline(
        dir.path(),
        &cfg,
        rel,
        "Paged the DNS team",
        at("2026-04-21T09:15:00Z"),
    )
    .unwrap();
    let text = read(&dir);
    assert!(
        text.contains("- 07:00 Resolver change rolled out\n- 07:30 Edge config push merged\n- 08:00 Traffic back to normal\n- 09:15 Paged the DNS team\n"),
        "{text}"
    );
}

#[test]
fn stamps_set_the_front_matter_and_add_their_line() {
    let (dir, cfg) = kb();
    let rel = Path::new("postmortems/dns.md");
    stamp(
        dir.path(),
        &cfg,
        rel,
        Which::Started,
        at("2026-04-21T07:00:00Z"),
    )
    .unwrap();
    let c = stamp(
        dir.path(),
        &cfg,
        rel,
        Which::Detected,
        at("2026-04-21T07:20:00Z"),
    )
    .unwrap();
    assert_eq!(c.message, "postmortem: mark dns detected");
    let text = read(&dir);
    assert!(
        text.contains("\ndetected: 2026-04-21T07:20:00+00:00\n"),
        "{text}"
    );
    assert!(text.contains("- 07:20 Detected\n- 08:00 Traffic"), "{text}");
    let doc = parse(&cfg, rel, &text);
    assert_eq!(doc.ttd(), Some(20 * 60));
    // Stamped again: one "Detected" line, at the new time.
    stamp(
        dir.path(),
        &cfg,
        rel,
        Which::Detected,
        at("2026-04-21T07:25:00Z"),
    )
    .unwrap();
    let text = read(&dir);
    assert_eq!(text.matches("Detected").count(), 1, "{text}");
    assert!(text.contains("- 07:25 Detected\n"), "{text}");
    // Another day: a full stamp.
    stamp(
        dir.path(),
        &cfg,
        rel,
        Which::Resolved,
        at("2026-04-22T01:00:00Z"),
    )
    .unwrap();
    assert!(
        read(&dir).contains("- 2026-04-22 01:00Z Resolved\n"),
        "{}",
        read(&dir)
    );
}

#[test]
fn action_items_flip_by_reference_and_status_is_gated_by_lint() {
    let (dir, cfg) = kb();
    let rel = Path::new("postmortems/dns.md");
    let kb = crate::kb::Kb::load(dir.path()).unwrap();
    let (doc, i) = find_action(&kb, "dns#2").unwrap();
    set_action(dir.path(), &cfg, &doc.path, &doc.action_items[i], true).unwrap();
    assert!(read(&dir).contains("- [x] Add a canary for resolver changes\n"));
    let (doc, i) = find_action(&kb, "resolver errors").unwrap();
    assert_eq!(i, 0);
    set_action(dir.path(), &cfg, &doc.path, &doc.action_items[i], true).unwrap();
    assert!(read(&dir).contains("- [x] Alert on resolver errors @dns\n"));
    assert!(
        find_action(&kb, "resolver")
            .unwrap_err()
            .to_string()
            .contains("matches 2")
    );
    assert!(find_action(&kb, "dns#9").is_err());

    set_status(dir.path(), &kb, rel, Status::Review, false).unwrap();
    assert!(read(&dir).contains("\nstatus: review\n"));
    // Missing sections are warnings; a broken link is an error.
    std::fs::write(
        dir.path().join(rel),
        read(&dir) + "\nSee [x](missing.md).\n",
    )
    .unwrap();
    let err = set_status(dir.path(), &kb, rel, Status::Published, false).unwrap_err();
    assert!(err.to_string().contains("not ready to publish"), "{err}");
    assert!(read(&dir).contains("\nstatus: review\n"));
    set_status(dir.path(), &kb, rel, Status::Published, true).unwrap();
    assert!(read(&dir).contains("\nstatus: published\n"));
}

#[test]
fn an_action_item_with_a_due_that_is_no_date_is_refused_and_nothing_written() {
    let (dir, cfg) = kb();
    let rel = Path::new("postmortems/dns.md");
    let err = crate::change::add_action(
        dir.path(),
        &cfg,
        rel,
        Kind::Postmortem,
        "Fix it due:2020-02-30",
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a date"), "{err}");
    assert_eq!(read(&dir), DOC);
    crate::change::add_action(
        dir.path(),
        &cfg,
        rel,
        Kind::Postmortem,
        "Fix it due:2020-02-28",
    )
    .unwrap();
    assert!(read(&dir).contains("- [ ] Fix it due:2020-02-28\n"));
}
