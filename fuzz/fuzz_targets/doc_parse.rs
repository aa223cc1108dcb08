//! Raw file bytes → `Doc`: front matter, sections, timeline, action items and
//! durations never panic, whatever the bytes (invalid UTF-8, BOM, CRLF, YAML
//! bombs), and what the parser reports points inside the document.

#![no_main]

use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;
use lore::doc::{Doc, Kind, ParseContext, parse_date};
use std::path::Path;

/// Zones with DST, half- and quarter-hour offsets and a 30-minute DST shift,
/// for bare timeline times placed on the incident date.
const ZONES: [Tz; 6] = [
    Tz::UTC,
    Tz::Europe__Berlin,
    Tz::America__New_York,
    Tz::Asia__Kathmandu,
    Tz::Australia__Lord_Howe,
    Tz::Pacific__Chatham,
];

fuzz_target!(|data: &[u8]| {
    // The zone comes from the length, so the input stays a plain file.
    let ctx = ParseContext {
        timezone: ZONES[data.len() % ZONES.len()],
        default_kind: Kind::Postmortem,
    };
    let doc = Doc::from_bytes(data, Path::new("postmortems/f.md"), &ctx);
    assert_eq!(doc.size, data.len() as u64);
    assert!(doc.body_line >= 1);
    for s in &doc.sections {
        assert!(doc.body.get(s.content.clone()).is_some(), "section {s:?}");
        let _ = doc.section_text(&s.title);
    }
    for t in &doc.timeline {
        assert!(t.line >= doc.body_line, "timeline line {t:?}");
        let _ = (t.at.map(|a| a.to_rfc3339()), t.text.len(), t.time.len());
    }
    for a in &doc.action_items {
        assert!(a.line >= doc.body_line, "action item line {a:?}");
        let _ = (
            a.done,
            a.owner.as_deref(),
            a.due,
            a.kind.map(|k| k.as_str()),
        );
    }
    for p in &doc.problems {
        let _ = (p.code, p.level, p.line, p.message.len());
    }
    let durations = [doc.ttd(), doc.ttm(), doc.ttr()];
    for secs in durations.into_iter().flatten() {
        let _ = lore::stats::human_duration(secs);
        let _ = lore::stats::human_duration(secs.saturating_neg());
    }
    let _ = (
        doc.status(),
        doc.summary(),
        doc.sort_date(),
        doc.links.len(),
    );
    let today = parse_date("2024-06-01").expect("a valid date");
    for every in [0, 1, 90, u32::MAX] {
        let _ = (doc.review_due(every), doc.is_stale(every, today));
    }
});
