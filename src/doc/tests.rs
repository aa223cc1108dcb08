//! Unit tests of document parsing on strings.

use super::*;

fn parse(text: &str) -> Doc {
    Doc::parse(
        text,
        Path::new("postmortems/2024-03-12-x.md"),
        &ParseContext::default(),
    )
}

#[test]
fn reads_front_matter_sections_timeline_and_actions() {
    let d = parse(
        "---\ntitle: Checkout down\ndate: 2024-03-12\nseverity: SEV1\nservices: [checkout]\nstarted: 2024-03-12T14:02:00Z\ndetected: 2024-03-12T14:09:00Z\nresolved: 2024-03-12T16:10:00Z\ncustom: kept\n---\n\n# Checkout down\n\n## Summary\n\nThe checkout broke.\n\n## Timeline\n\n- 14:02 Deploy begins\n- 23:50 Late event\n- 00:10 After midnight\n- 2024-03-14 09:00Z Full stamp\n- not a time\n\n## Action items\n\n- [ ] Alert on lag @dba-team due:2024-04-01 #detect\n- [x] Fix it\n",
    );
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.id, "2024-03-12-x");
    assert_eq!(d.title, "Checkout down");
    assert_eq!(d.meta.extra["custom"], "kept");
    assert_eq!(d.ttd(), Some(7 * 60));
    assert_eq!(d.ttr(), Some(2 * 3600 + 8 * 60));
    assert_eq!(d.summary(), "The checkout broke.");
    let times: Vec<String> = d
        .timeline
        .iter()
        .map(|t| t.at.unwrap().to_rfc3339())
        .collect();
    assert_eq!(
        times,
        [
            "2024-03-12T14:02:00+00:00",
            "2024-03-12T23:50:00+00:00",
            "2024-03-13T00:10:00+00:00",
            "2024-03-14T09:00:00+00:00"
        ]
    );
    assert_eq!(d.timeline[0].text, "Deploy begins");
    assert_eq!(d.timeline[0].line, 20);
    assert_eq!(d.action_items.len(), 2);
    let a = &d.action_items[0];
    assert_eq!(
        (
            a.done,
            a.owner.as_deref(),
            a.due.map(|d| d.to_string()),
            a.kind,
            a.text.as_str(),
            a.line
        ),
        (
            false,
            Some("dba-team"),
            Some("2024-04-01".into()),
            Some(ActionType::Detect),
            "Alert on lag",
            28
        )
    );
    assert!(d.action_items[1].done && d.action_items[1].owner.is_none());
}

#[test]
fn bom_and_crlf_are_accepted() {
    let d = parse(
        "\u{feff}---\r\ntitle: T\r\ndate: 2024-01-01\r\n---\r\n## Timeline\r\n- 10:00 start\r\n",
    );
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.title, "T");
    assert_eq!(d.timeline.len(), 1);
}

#[test]
fn missing_front_matter_falls_back_to_heading_then_file_name() {
    let d = parse("# A heading title\n\nText");
    assert_eq!(d.title, "A heading title");
    assert_eq!(d.problems[0].code, "no-front-matter");
    let d = parse("just text");
    assert_eq!(d.title, "2024-03-12-x");
}

#[test]
fn broken_yaml_reports_its_file_line() {
    let d = parse("---\ntitle: ok\nservices: [a, b\ndate: 2024-01-01\n---\n# H\n");
    let p = d
        .problems
        .iter()
        .find(|p| p.code == "yaml")
        .expect("yaml problem");
    assert!(p.line.unwrap() >= 3, "{p:?}");
    assert_eq!(d.title, "H");
}

#[test]
fn unterminated_front_matter_is_reported() {
    let d = parse("---\ntitle: x\n# H\n");
    assert_eq!(d.problems[0].code, "front-matter-unterminated");
}

#[test]
fn wrong_types_and_impossible_dates_name_the_field_line() {
    let d = parse(
        "---\ntitle: T\ndate: 2024-02-30\nservices: {a: 1}\nnear_miss: maybe\nstarted: yesterday\n---\n",
    );
    let codes: Vec<(&str, Option<usize>)> = d.problems.iter().map(|p| (p.code, p.line)).collect();
    assert!(codes.contains(&("bad-date", Some(3))), "{codes:?}");
    assert!(codes.contains(&("field-type", Some(4))), "{codes:?}");
    assert!(codes.contains(&("field-type", Some(5))), "{codes:?}");
    assert!(codes.contains(&("bad-timestamp", Some(6))), "{codes:?}");
}

#[test]
fn headings_in_code_blocks_are_not_sections() {
    let d = parse(
        "---\ntitle: T\ndate: 2024-01-01\n---\n## Summary\n```\n## Not a heading\n```\n## Impact\nx\n",
    );
    let titles: Vec<&str> = d.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Summary", "Impact"]);
    assert_eq!(d.section_text("Impact").unwrap().trim(), "x");
}

#[test]
fn periods_cover_whole_months_and_years() {
    assert_eq!(
        period("2024-02").map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2024-02-01".into(), "2024-02-29".into()))
    );
    assert_eq!(
        period("2023").map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2023-01-01".into(), "2023-12-31".into()))
    );
    assert_eq!(period("2024-13"), None);
    assert_eq!(period("24-01"), None);
}

#[test]
fn links_resolve_relative_to_the_document() {
    let d = parse(
        "---\ntitle: T\ndate: 2024-01-01\n---\nSee [rb](runbooks/db.md#steps) and [up](../x.md) and [web](https://x/y.md).\n",
    );
    let r: Vec<String> = d
        .links
        .iter()
        .map(|l| l.resolved.display().to_string())
        .collect();
    assert_eq!(r, ["postmortems/runbooks/db.md", "x.md"]);
}

#[test]
fn examples_in_html_comments_are_not_data() {
    let d = parse(
        "---\ntitle: T\ndate: 2024-01-01\n---\n## Timeline\n<!-- e.g.\n- 14:02 example\n-->\n- 15:00 real\n## Action items\n<!-- - [ ] example @x -->\n- [ ] real @y\n",
    );
    assert_eq!(d.timeline.len(), 1);
    assert_eq!(d.timeline[0].text, "real");
    assert_eq!(d.action_items.len(), 1);
    assert_eq!(d.action_items[0].owner.as_deref(), Some("y"));
}

mod never_panics {
    use super::super::*;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("---\n".to_string()),
            Just("title: x\n".to_string()),
            Just("date: 2024-02-30\n".to_string()),
            Just("services: [a, b\n".to_string()),
            Just("## Timeline\n".to_string()),
            Just("## Action items\n".to_string()),
            Just("- 23:59 late\n".to_string()),
            Just("- 2024-03-12 14:02Z stamp\n".to_string()),
            Just("- [ ] do @x due:2024-13-01 #prevent\n".to_string()),
            Just("- [x] done\n".to_string()),
            Just("```\n".to_string()),
            Just("<!--\n".to_string()),
            Just("-->\n".to_string()),
            Just("[l](../../x.md)\n".to_string()),
            Just("\r\n".to_string()),
            Just("\u{feff}".to_string()),
            ".{0,40}",
        ]
    }

    #[test]
    fn an_empty_first_heading_leaves_the_title_to_the_file_name() {
        let d = Doc::parse(
            "#\u{b}\n\nText.\n",
            Path::new("postmortems/p.md"),
            &ParseContext::default(),
        );
        assert_eq!(d.title, "p");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn parse_never_panics_on_markdown_like_input(parts in proptest::collection::vec(fragment(), 0..30)) {
            let text: String = parts.concat();
            let d = Doc::parse(&text, Path::new("postmortems/p.md"), &ParseContext::default());
            prop_assert!(!d.title.is_empty());
            for e in &d.timeline {
                prop_assert!(e.line >= 1);
            }
        }

        #[test]
        fn from_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let d = Doc::from_bytes(&bytes, Path::new("postmortems/b.md"), &ParseContext::default());
            prop_assert_eq!(d.id, "b");
        }
    }
}

#[test]
fn bare_timeline_times_use_the_kb_timezone() {
    let ctx = ParseContext {
        timezone: "Europe/Berlin".parse().unwrap(),
        default_kind: Kind::Postmortem,
    };
    let d = Doc::parse(
        "---\ntitle: T\ndate: 2024-03-12\n---\n## Timeline\n- 14:02 start\n- 2024-03-12 14:30Z stamped in UTC\n",
        Path::new("postmortems/t.md"),
        &ctx,
    );
    let at: Vec<String> = d
        .timeline
        .iter()
        .map(|e| e.at.unwrap().to_utc().to_rfc3339())
        .collect();
    assert_eq!(
        at,
        ["2024-03-12T13:02:00+00:00", "2024-03-12T14:30:00+00:00"]
    );
}

#[test]
fn body_of_skips_a_bom_and_the_front_matter() {
    assert_eq!(body_of("\u{feff}---\ntitle: T\n---\nBody\n"), "Body\n");
    assert_eq!(body_of("no front matter"), "no front matter");
    assert_eq!(body_of("---\nnever closed\n"), "---\nnever closed\n");
}

#[test]
fn a_runbook_is_stale_the_day_after_its_review_is_due() {
    let d = Doc::parse(
        "---\ntitle: R\nkind: runbook\nlast_reviewed: 2024-01-01\nreview_every_days: 30\n---\n",
        Path::new("runbooks/r.md"),
        &ParseContext::default(),
    );
    let day = |s: &str| parse_date(s).unwrap();
    assert_eq!(d.review_due(180), Some(day("2024-01-31")));
    assert!(!d.is_stale(180, day("2024-01-31")));
    assert!(d.is_stale(180, day("2024-02-01")));
    let never = Doc::parse(
        "---\ntitle: N\nkind: runbook\n---\n",
        Path::new("runbooks/n.md"),
        &ParseContext::default(),
    );
    assert_eq!(never.review_due(180), None);
    assert!(never.is_stale(180, day("2024-01-01")));
}
