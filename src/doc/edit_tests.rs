//! Unit tests of the text edits: the new line lands at the end of its section's
//! list and every other byte stays as it was.

use super::*;
use crate::doc::{Doc, ParseContext};
use chrono::TimeZone;
use std::path::Path;

const DOC: &str = "---\ntitle: T\ndate: 2024-03-12\n---\n\n# T\n\n## Timeline\n\n- 14:02 Deploy begins\n- 14:09 Alert fires\n\n## Contributing factors\n\nx\n\n## Action items\n\n- [ ] Alert on lag @dba due:2024-04-01 #detect\n\n## Lessons learned\n\nLearn.\n";

fn parse(text: &str) -> Doc {
    Doc::parse(
        text,
        Path::new("postmortems/t.md"),
        &ParseContext::default(),
    )
}

#[test]
fn timeline_entry_goes_after_the_last_entry() {
    let out = append_timeline(DOC, "14:30", "Rolled back\nthe deploy");
    assert_eq!(
        out,
        DOC.replace(
            "- 14:09 Alert fires\n",
            "- 14:09 Alert fires\n- 14:30 Rolled back the deploy\n"
        )
    );
    let d = parse(&out);
    assert_eq!(d.timeline.len(), 3);
    assert_eq!(d.timeline[2].text, "Rolled back the deploy");
    assert_eq!(
        d.timeline[2].at.unwrap().to_rfc3339(),
        "2024-03-12T14:30:00+00:00"
    );
}

#[test]
fn action_item_goes_after_the_last_item_with_its_tokens() {
    let out = append_action(DOC, "Add a canary @sre due:2024-05-01 #prevent");
    assert_eq!(
        out,
        DOC.replace(
            "#detect\n",
            "#detect\n- [ ] Add a canary @sre due:2024-05-01 #prevent\n"
        )
    );
    let d = parse(&out);
    let a = &d.action_items[1];
    assert_eq!(
        (a.text.as_str(), a.owner.as_deref(), a.done),
        ("Add a canary", Some("sre"), false)
    );
}

#[test]
fn missing_section_is_created_where_the_template_has_it() {
    let text = "---\ntitle: T\ndate: 2024-03-12\n---\n## Summary\n\nS.\n\n## Detection\n\nD.\n";
    let out = append_timeline(text, "09:00", "Paged");
    assert_eq!(
        out,
        "---\ntitle: T\ndate: 2024-03-12\n---\n## Summary\n\nS.\n\n## Timeline\n\n- 09:00 Paged\n\n## Detection\n\nD.\n"
    );
    // With no later template section, it goes at the end.
    let out = append_action("---\ntitle: T\n---\nBody", "Fix @a");
    assert_eq!(
        out,
        "---\ntitle: T\n---\nBody\n\n## Action items\n\n- [ ] Fix @a\n"
    );
}

#[test]
fn a_section_holding_only_a_comment_gets_a_separate_list() {
    let text = "## Timeline\n\n<!-- One line per event:\n- 14:02 Example -->\n\n## Detection\n";
    let out = append_timeline(text, "10:00", "Start");
    assert_eq!(
        out,
        "## Timeline\n\n<!-- One line per event:\n- 14:02 Example -->\n\n- 10:00 Start\n\n## Detection\n"
    );
}

#[test]
fn empty_section_and_crlf_and_bom_are_kept() {
    let text = "\u{feff}---\r\ntitle: T\r\n---\r\n## Timeline\r\n## Detection\r\nD\r\n";
    let out = append_timeline(text, "10:00", "Start");
    assert_eq!(
        out,
        "\u{feff}---\r\ntitle: T\r\n---\r\n## Timeline\r\n\r\n- 10:00 Start\r\n\r\n## Detection\r\nD\r\n"
    );
    let text = "## Timeline\n\n* 10:00 a";
    assert_eq!(
        append_timeline(text, "11:00", "b"),
        "## Timeline\n\n* 10:00 a\n* 11:00 b\n"
    );
}

#[test]
fn stamp_is_bare_on_the_incident_day_and_full_otherwise() {
    let now = Tz::UTC.with_ymd_and_hms(2024, 3, 12, 14, 30, 0).unwrap();
    let day = NaiveDate::from_ymd_opt(2024, 3, 12);
    assert_eq!(timeline_stamp(now, day, None), "14:30");
    let other = NaiveDate::from_ymd_opt(2024, 3, 11);
    assert_eq!(timeline_stamp(now, other, None), "2024-03-12 14:30Z");
    let later = Some(now.fixed_offset() + chrono::TimeDelta::hours(1));
    assert_eq!(timeline_stamp(now, day, later), "2024-03-12 14:30Z");
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let now = berlin.with_ymd_and_hms(2024, 3, 13, 1, 5, 0).unwrap();
    assert_eq!(timeline_stamp(now, day, None), "2024-03-13 01:05");
}
