//! The timeline, the action items, the incident's stamps and its stated
//! durations, read from the forms teams write: list items or a `| Time |
//! Event |` table under a timeline heading (with a zone line such as `All
//! times in CET.`), task lists, plain bullets or an Action / Owner / Status /
//! Due table under an action-items heading, `Time to detection: 54 minutes`
//! lines, and timeline entries that say "Detected", "Mitigated", "Resolved".
//! Pure; the Markdown is never rewritten.

use super::prose::{self, Figure, Zone};
use super::{ActionItem, ActionType, Doc, Level, Problem, Section, TimelineEntry};
use chrono::{DateTime, FixedOffset, NaiveTime, TimeDelta};
use chrono_tz::Tz;

/// The incident's four stamps as lore uses them: the front matter's, else
/// those the timeline marks; `inferred` names each one taken from a timeline
/// line, for reports.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Stamps {
    pub started: Option<DateTime<FixedOffset>>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
    /// (which stamp, file line of the timeline entry it came from).
    pub inferred: Vec<(&'static str, usize)>,
}

/// Durations the document states in words or front matter (seconds), used
/// when the stamps cannot give them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stated {
    pub ttd: Option<i64>,
    pub ttm: Option<i64>,
    pub ttr: Option<i64>,
}

/// Whether a heading names the timeline.
fn is_timeline(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    t.starts_with("timeline")
        || t.starts_with("time line")
        || t.starts_with("incident timeline")
        || t.starts_with("detailed timeline")
        || [
            "chronology",
            "sequence of events",
            "timeline of events",
            "events",
        ]
        .contains(&t.trim())
}

/// Whether a heading names the action items.
fn is_actions(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    let t = t.trim();
    [
        "action item",
        "follow-up",
        "follow up",
        "followup",
        "next step",
        "remediation",
        "corrective action",
        "corrective and preventive",
        "preventive action",
        "preventative action",
        "action plan",
        "todo",
        "to do",
        "to-do",
    ]
    .iter()
    .any(|p| t.starts_with(p))
        || t == "actions"
}

/// The sections a predicate picks (the first match and any later ones).
fn sections(doc: &Doc, pick: fn(&str) -> bool) -> impl Iterator<Item = &Section> {
    doc.sections
        .iter()
        .filter(move |s| s.level >= 2 && pick(&s.title))
}

/// The content of a section as (file line, text) pairs, outside code blocks
/// and comments.
fn content_lines<'a>(doc: &'a Doc, sec: &Section) -> Vec<(usize, &'a str)> {
    let text = &doc.body[sec.content.clone()];
    let first = doc.body_line + doc.body[..sec.content.start].matches('\n').count();
    super::body::prose_lines(text)
        .into_iter()
        .map(|(i, l)| (first + i, l))
        .collect()
}

/// A list item's text (after `- `, `* `, `+ ` or `1. `) and its indent.
fn list_item(line: &str) -> Option<(usize, &str)> {
    let indent = line.len() - line.trim_start().len();
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+'])
        && let Some(rest) = rest.strip_prefix(' ')
    {
        return Some((indent, rest.trim()));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = t[digits..].strip_prefix(['.', ')'])
        && let Some(rest) = rest.strip_prefix(' ')
    {
        return Some((indent, rest.trim()));
    }
    None
}

/// Columns of a table by what their header says.
fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim_matches('*').to_ascii_lowercase();
        names.iter().any(|n| h == *n || h.starts_with(n))
    })
}

fn clean_text(s: &str) -> String {
    // The markers closing an emphasised time (`**14:09** Paged`) go; an
    // opening one (`` `CheckoutErrorRate` pages``) stays with its word.
    let marks = s.trim_start_matches(['*', '`', '_']);
    let closing = marks
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || "-–—:|".contains(c));
    let s = if closing { marks } else { s };
    s.trim_start()
        .trim_start_matches(['-', '–', '—', ':', '|'])
        .trim()
        .to_string()
}

/// Timeline entries: list items that start with a time and rows of a table
/// with a time column, under any timeline heading. Bare times sit on the
/// incident date in the section's zone (a zone line, else the KB's) and roll
/// over past midnight.
pub fn timeline(doc: &Doc, tz: Tz) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for sec in sections(doc, is_timeline) {
        let lines = content_lines(doc, sec);
        let zone = prose::zone_line(&sec.title)
            .or_else(|| {
                lines
                    .iter()
                    .filter(|(_, l)| list_item(l).is_none() && prose::table_cells(l).is_none())
                    .find_map(|(_, l)| prose::zone_line(l))
            })
            .unwrap_or(Zone::Named(tz));
        let mut day_shift = 0i64;
        let mut last_bare: Option<NaiveTime> = None;
        // Without a `date`, bare times fall on the day of the last full stamp
        // (`2020-01-21 15:36`, then `15:50`).
        let mut carried: Option<(chrono::NaiveDate, FixedOffset)> = None;
        let mut place = |w: &prose::When<'_>| match w.bare {
            Some(t) => {
                if last_bare.is_some_and(|prev| t < prev) {
                    day_shift += 1;
                }
                last_bare = Some(t);
                let at = w.at.or_else(|| {
                    let (day, off) = carried?;
                    chrono::TimeZone::from_local_datetime(&off, &day.and_time(t)).single()
                });
                at.map(|a| a + TimeDelta::days(day_shift))
            }
            None => {
                if doc.meta.date.is_none()
                    && let Some(a) = w.at
                {
                    carried = Some((a.date_naive(), *a.offset()));
                    (day_shift, last_bare) = (0, Some(a.time()));
                }
                w.at
            }
        };
        let mut header: Option<(Option<usize>, Option<usize>)> = None;
        for (line, l) in &lines {
            if let Some(cells) = prose::table_cells(l) {
                if prose::is_separator(&cells) {
                    continue;
                }
                let Some((time_col, event_col)) = header else {
                    let t = column(&cells, &["time", "when", "date", "timestamp"]);
                    let e = column(
                        &cells,
                        &[
                            "event",
                            "what",
                            "description",
                            "action",
                            "update",
                            "detail",
                            "activity",
                            "note",
                        ],
                    )
                    .or_else(|| (0..cells.len()).rev().find(|i| Some(*i) != t));
                    header = Some((t, e));
                    continue;
                };
                let (Some(tc), Some(ec)) = (time_col, event_col) else {
                    continue;
                };
                let (Some(cell), Some(event)) = (cells.get(tc), cells.get(ec)) else {
                    continue;
                };
                let Some(w) = prose::leading_when(cell, doc.meta.date, zone) else {
                    continue;
                };
                let at = place(&w);
                out.push(TimelineEntry {
                    line: *line,
                    at,
                    time: w.written,
                    text: event.trim().to_string(),
                });
                continue;
            }
            header = None;
            let Some((_, item)) = list_item(l) else {
                continue;
            };
            let Some(w) = prose::leading_when(item, doc.meta.date, zone) else {
                continue;
            };
            let at = place(&w);
            let rest = w.rest.strip_prefix("UTC").map_or(w.rest, str::trim_start);
            out.push(TimelineEntry {
                line: *line,
                at,
                time: w.written.clone(),
                text: clean_text(rest),
            });
        }
    }
    out
}

/// Words in a timeline entry that mark a stamp, in the order they are tried.
const MARKERS: [(&str, &[&str]); 4] = [
    (
        "detected",
        &[
            "detect",
            "first alert",
            "alert fired",
            "alerted",
            "paged",
            "page sent",
            "noticed",
            "reported by",
        ],
    ),
    (
        "mitigated",
        &[
            "mitigat",
            "service restored",
            "impact ended",
            "workaround",
            "error rate back to normal",
            "recovered",
        ],
    ),
    (
        "resolved",
        &[
            "resolved",
            "resolution",
            "fully recovered",
            "all clear",
            "incident closed",
            "closed the incident",
        ],
    ),
    (
        "started",
        &[
            "impact began",
            "impact started",
            "outage began",
            "outage started",
            "incident began",
            "start of impact",
            "began",
            "trigger",
        ],
    ),
];

/// The stamps: front matter first; missing ones from timeline entries that
/// mark them; a missing start from the first entry when the timeline marks
/// any other stamp (its first entry is then what set the incident off).
pub fn stamps(doc: &Doc) -> Stamps {
    let m = &doc.meta;
    let mut s = Stamps {
        started: m.started,
        detected: m.detected,
        mitigated: m.mitigated,
        resolved: m.resolved,
        inferred: Vec::new(),
    };
    let mut entries: Vec<&TimelineEntry> = doc.timeline.iter().filter(|e| e.at.is_some()).collect();
    entries.sort_by_key(|e| e.at);
    for (name, words) in MARKERS {
        let slot = match name {
            "started" => &mut s.started,
            "detected" => &mut s.detected,
            "mitigated" => &mut s.mitigated,
            _ => &mut s.resolved,
        };
        if slot.is_some() {
            continue;
        }
        let hit = entries.iter().find(|e| {
            let t = e.text.to_ascii_lowercase();
            words.iter().any(|w| t.contains(w))
        });
        if let Some(e) = hit {
            *slot = e.at;
            s.inferred.push((name, e.line));
        }
    }
    let marks_any = s.detected.is_some() || s.mitigated.is_some() || s.resolved.is_some();
    if s.started.is_none()
        && marks_any
        && let Some(first) = entries.first()
    {
        s.started = first.at;
        s.inferred.push(("started", first.line));
    }
    s
}

/// Durations stated in front matter (`time_to_detect: 54m`) or in prose
/// (`- Time to detection: 54 minutes`).
pub fn stated(doc: &Doc) -> Stated {
    let mut out = Stated::default();
    let fm = |key: &str| {
        doc.meta.extra.get(key).and_then(|v| match v {
            serde_json::Value::String(s) => prose::parse_duration(s),
            serde_json::Value::Number(n) => n.as_i64().map(|m| m * 60),
            _ => None,
        })
    };
    out.ttd = fm("time_to_detect");
    out.ttm = fm("time_to_mitigate");
    out.ttr = fm("time_to_resolve");
    for (_, l) in super::body::prose_lines(&doc.body) {
        if let Some((fig, Some(secs))) = prose::stated_duration(l) {
            let slot = match fig {
                Figure::Detect => &mut out.ttd,
                Figure::Mitigate => &mut out.ttm,
                Figure::Resolve => &mut out.ttr,
            };
            slot.get_or_insert(secs);
        }
    }
    out
}

/// Action items: task-list items (`[x]` done), plain top-level bullets (open
/// items) and rows of an Action / Owner / Status / Due table, under any
/// action-items heading; with a problem for each `due:` that is not a date.
pub fn action_items(doc: &Doc) -> (Vec<ActionItem>, Vec<Problem>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for sec in sections(doc, is_actions) {
        let mut header: Option<[Option<usize>; 5]> = None;
        for (line, l) in content_lines(doc, sec) {
            if let Some(cells) = prose::table_cells(l) {
                if prose::is_separator(&cells) {
                    continue;
                }
                let Some(cols) = header else {
                    header = Some([
                        column(
                            &cells,
                            &["action", "item", "task", "description", "what", "follow"],
                        ),
                        column(&cells, &["owner", "assignee", "who", "responsible"]),
                        column(&cells, &["status", "state", "done"]),
                        column(&cells, &["due", "deadline", "eta", "target date"]),
                        column(&cells, &["type", "kind", "category"]),
                    ]);
                    continue;
                };
                if let Some(item) = table_item(&cells, cols, line, &mut problems) {
                    items.push(item);
                }
                continue;
            }
            header = None;
            let Some((indent, item)) = list_item(l) else {
                continue;
            };
            let (done, rest) = if let Some(r) = item.strip_prefix("[ ]") {
                (false, r)
            } else if let Some(r) = item
                .strip_prefix("[x]")
                .or_else(|| item.strip_prefix("[X]"))
            {
                (true, r)
            } else if indent < 2 && !item.trim().is_empty() {
                (false, item)
            } else {
                continue;
            };
            items.push(tokens(rest, done, line, &mut problems));
        }
    }
    (items, problems)
}

/// An item's `@owner`, `due:DATE` and `#type` tokens and the rest as text.
fn tokens(rest: &str, done: bool, line: usize, problems: &mut Vec<Problem>) -> ActionItem {
    let mut owner = None;
    let mut due = None;
    let mut kind = None;
    let mut words = Vec::new();
    for tok in rest.split_whitespace() {
        let clean = tok.trim_end_matches([',', '.', ';', ')']);
        if let Some(o) = clean.strip_prefix('@')
            && !o.is_empty()
            && owner.is_none()
        {
            owner = Some(o.to_string());
        } else if let Some(d) = clean.strip_prefix("due:") {
            match super::parse_date(d) {
                Some(d) => due = Some(d),
                None => {
                    problems.push(Problem {
                        code: "bad-due-date",
                        level: Level::Error,
                        line: Some(line),
                        message: format!("`due:{d}` is not a valid date; write due:YYYY-MM-DD"),
                    });
                    words.push(tok);
                }
            }
        } else if let Some(t) = clean.strip_prefix('#').and_then(ActionType::parse) {
            kind = Some(t);
        } else {
            words.push(tok);
        }
    }
    ActionItem {
        line,
        done,
        text: words.join(" "),
        owner,
        due,
        kind,
    }
}

/// One row of an action-items table.
fn table_item(
    cells: &[String],
    [what, owner, status, due, kind]: [Option<usize>; 5],
    line: usize,
    problems: &mut Vec<Problem>,
) -> Option<ActionItem> {
    let get = |c: Option<usize>| {
        c.and_then(|i| cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    };
    let text = get(what.or(Some(0)));
    if text.is_empty() {
        return None;
    }
    let mut item = tokens(text, false, line, problems);
    let status = get(status).to_ascii_lowercase();
    item.done = [
        "done", "closed", "complete", "fixed", "resolved", "yes", "✅", "✔", "[x]", "x",
    ]
    .iter()
    .any(|w| status == *w || status.starts_with(w));
    let o = get(owner).trim_start_matches('@').trim();
    if !o.is_empty() && item.owner.is_none() && !matches!(o, "-" | "?" | "n/a" | "tbd") {
        item.owner = Some(o.to_string());
    }
    if item.due.is_none() {
        item.due = super::parse_date(get(due));
    }
    if item.kind.is_none() {
        item.kind = ActionType::parse(get(kind).trim_start_matches('#'));
    }
    Some(item)
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
