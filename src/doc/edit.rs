//! Small edits of a document's text that keep every other byte: appending a
//! timeline entry or an action item to the end of its section's list, creating
//! the section where the template would have it when it is missing. Pure
//! functions from text to text; no I/O here.

use super::body::heading_sections;
use super::frontmatter::{Split, split_front_matter};
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

/// Appends `- STAMP TEXT` to the `Timeline` section. `stamp` comes from
/// [`timeline_stamp`].
pub fn append_timeline(text: &str, stamp: &str, entry: &str) -> String {
    let entry = one_line(entry);
    append_list_item(text, "Timeline", &format!("{stamp} {entry}"))
}

/// Appends `- [ ] ITEM` to the `Action items` section; `item` may carry the
/// `@owner`, `due:DATE` and `#type` tokens.
pub fn append_action(text: &str, item: &str) -> String {
    let item = one_line(item);
    append_list_item(text, "Action items", &format!("[ ] {item}"))
}

/// The time to write for an entry made at `now` in a document dated
/// `doc_date`: a bare `HH:MM` when it is the incident's day in the KB's zone
/// and no entry lies later (so the bare time reads as today), else a full
/// `YYYY-MM-DD HH:MM` stamp (`Z`-suffixed in UTC).
pub fn timeline_stamp(
    now: DateTime<Tz>,
    doc_date: Option<NaiveDate>,
    latest_entry: Option<DateTime<chrono::FixedOffset>>,
) -> String {
    let same_day = doc_date == Some(now.date_naive());
    let in_order = latest_entry.is_none_or(|t| t <= now.fixed_offset());
    if same_day && in_order {
        now.format("%H:%M").to_string()
    } else if now.timezone() == Tz::UTC {
        now.format("%Y-%m-%d %H:%MZ").to_string()
    } else {
        now.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inserts a list item (`- ` + `item`) after the last line of the section
/// named `section`, or creates the section. Line endings follow the file.
pub fn append_list_item(text: &str, section: &str, item: &str) -> String {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let body_start = match split_front_matter(text.strip_prefix('\u{feff}').unwrap_or(text)) {
        Split::Found { body, .. } => text.len() - body.len(),
        _ => text.len() - text.strip_prefix('\u{feff}').unwrap_or(text).len(),
    };
    let body = &text[body_start..];
    let sections = heading_sections(body, 1);
    let wanted = sections
        .iter()
        .find(|s| s.level >= 2 && s.title.eq_ignore_ascii_case(section));
    if let Some(sec) = wanted {
        let content = &body[sec.content.clone()];
        let abs_start = body_start + sec.content.start;
        // The end of the last non-blank line of the section.
        let trimmed_len = content.trim_end().len();
        let last_line_start = content[..trimmed_len].rfind('\n').map_or(0, |i| i + 1);
        let last_line = &content[last_line_start..trimmed_len];
        let (marker, joins_list) = list_marker(last_line);
        let mut out = String::with_capacity(text.len() + item.len() + 8);
        if trimmed_len == 0 {
            // Empty section: a blank line, the item, and a blank line before
            // whatever follows.
            let (head, rest) = text.split_at(abs_start);
            out.push_str(head);
            if !head.ends_with('\n') {
                out.push_str(nl);
            }
            out.push_str(nl);
            out.push_str(&format!("{marker} {item}{nl}"));
            if !rest.is_empty() && !rest.starts_with(['\n', '\r']) {
                out.push_str(nl);
            }
            out.push_str(rest);
            return out;
        }
        let insert_at = abs_start + trimmed_len;
        out.push_str(&text[..insert_at]);
        out.push_str(nl);
        if !joins_list {
            out.push_str(nl);
        }
        out.push_str(marker);
        out.push(' ');
        out.push_str(item);
        let rest = &text[insert_at..];
        if rest.is_empty() {
            out.push_str(nl);
        } else {
            out.push_str(rest);
        }
        return out;
    }
    // The section is missing: create it before the template section that
    // follows it, or at the end.
    let block = format!("## {section}{nl}{nl}- {item}{nl}{nl}");
    let pos = super::TEMPLATE_SECTIONS
        .iter()
        .position(|s| s.eq_ignore_ascii_case(section));
    let next = pos.and_then(|p| {
        sections.iter().find(|s| {
            s.level == 2
                && super::TEMPLATE_SECTIONS
                    .iter()
                    .position(|t| t.eq_ignore_ascii_case(&s.title))
                    .is_some_and(|q| q > p)
        })
    });
    match next {
        Some(s) => {
            let at = body_start + line_offset(body, s.line);
            format!("{}{block}{}", &text[..at], &text[at..])
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(nl);
            }
            if !out.is_empty() && !out.ends_with(&format!("{nl}{nl}")) {
                out.push_str(nl);
            }
            out.push_str(block.trim_end());
            out.push_str(nl);
            out
        }
    }
}

/// The list marker to use after `line`, and whether `line` belongs to a list
/// (a list item or its indented continuation) so the new item joins it.
fn list_marker(line: &str) -> (&'static str, bool) {
    let t = line.trim_start();
    if t.contains("-->") {
        return ("-", false);
    }
    let indented = line.len() != t.len();
    for m in ["- ", "* ", "+ "] {
        if t.starts_with(m) && !indented {
            return (&m[..1], true);
        }
    }
    ("-", indented && !t.is_empty())
}

/// Byte offset of the start of 1-based `line` in `text`.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
