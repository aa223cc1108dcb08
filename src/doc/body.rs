//! The structured parts of a document body: sections by heading, the timeline,
//! action items and links to other documents.

use super::time::{local, parse_timestamp_in};
use super::{ActionItem, ActionType, Doc, DocLink, Level, Problem, Section, TimelineEntry};
use chrono::{NaiveTime, TimeDelta};
use chrono_tz::Tz;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::path::{Component, Path, PathBuf};

/// The Markdown extensions lore reads everywhere: GitHub's tables, task lists,
/// strikethrough and footnotes.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// Byte offsets of line starts, to turn offsets into 1-based lines.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(v)
    }
    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// All headings of the body with the byte range of the content each one heads
/// (up to the next heading of the same or a higher level).
pub fn heading_sections(body: &str, body_line: usize) -> Vec<Section> {
    let lines = Lines::new(body);
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<(u8, usize, String)> = None;
    for (ev, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((heading_level(level), range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = current.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, title)) = current.take() {
                    out.push(Section {
                        level,
                        title: title.trim().to_string(),
                        line: body_line + lines.line(start) - 1,
                        content: range.end..body.len(),
                    });
                }
            }
            _ => {}
        }
    }
    let starts: Vec<(u8, usize)> = out
        .iter()
        .map(|s| (s.level, heading_start(body, s.content.start)))
        .collect();
    for i in 0..out.len() {
        let level = out[i].level;
        if let Some((_, next)) = starts[i + 1..].iter().find(|(l, _)| *l <= level) {
            out[i].content.end = (*next).max(out[i].content.start);
        }
    }
    out
}

/// The start of the line holding the heading that ends at `end`.
fn heading_start(body: &str, end: usize) -> usize {
    let before = &body[..end.min(body.len())];
    let trimmed = before.trim_end_matches('\n');
    // Setext headings span two lines; ATX headings one.
    let last_line = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let line = &trimmed[last_line..];
    if line.chars().all(|c| c == '=' || c == '-' || c == ' ') && last_line > 0 {
        trimmed[..last_line - 1].rfind('\n').map_or(0, |i| i + 1)
    } else {
        last_line
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The list items of the content of `section` with their file lines.
fn section_lines<'a>(doc: &'a Doc, name: &str) -> Vec<(usize, &'a str)> {
    let Some(sec) = doc.section(name) else {
        return Vec::new();
    };
    let text = &doc.body[sec.content.clone()];
    // The file line holding the first byte of the content (which may be the
    // end of the heading's own line).
    let first = doc.body_line + doc.body[..sec.content.start].matches('\n').count();
    let mut out = Vec::new();
    for (i, l) in prose_lines(text) {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix(['-', '*', '+'])
            && let Some(rest) = rest.strip_prefix(' ')
        {
            out.push((first + i, rest.trim()));
        }
    }
    out
}

/// Lines of Markdown outside fenced code blocks and HTML comments (templates
/// keep their examples in comments), with 0-based line numbers.
pub fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut in_comment = false;
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if in_comment {
            if l.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if !in_fence && t.starts_with("<!--") {
            in_comment = !t.contains("-->");
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            out.push((i, l));
        }
    }
    out
}

/// Timeline entries: list items of `Timeline` starting with a time. Bare times
/// sit on the incident date in the KB timezone and roll over past midnight.
pub fn timeline(doc: &Doc, tz: Tz) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    let mut day_shift = 0i64;
    let mut last_bare: Option<NaiveTime> = None;
    for (line, item) in section_lines(doc, "Timeline") {
        let item = item.trim_start_matches(['*', '`', '_']);
        let Some((time, rest, bare)) = split_time(item, tz) else {
            continue;
        };
        let at = match bare {
            Some(t) => {
                if last_bare.is_some_and(|prev| t < prev) {
                    day_shift += 1;
                }
                last_bare = Some(t);
                doc.meta
                    .date
                    .and_then(|d| local(d.and_time(t), tz).map(|a| a + TimeDelta::days(day_shift)))
            }
            None => time.1,
        };
        let text = rest
            .trim_start_matches(['*', '`', '_'])
            .trim_start()
            .trim_start_matches(['-', '–', '—', ':', '|'])
            .trim()
            .to_string();
        out.push(TimelineEntry {
            line,
            at,
            time: time.0,
            text,
        });
    }
    out
}

type Stamp = (String, Option<chrono::DateTime<chrono::FixedOffset>>);

/// Splits a leading time from a timeline item: a full stamp (one or two tokens)
/// or a bare `HH:MM[:SS]` (returned as the third element).
fn split_time(item: &str, tz: Tz) -> Option<(Stamp, &str, Option<NaiveTime>)> {
    let mut tokens = item.splitn(3, ' ');
    let a = tokens.next()?.trim_end_matches(['*', '`', '_', ',']);
    let b = tokens.next().unwrap_or("");
    if a.len() >= 10 && a.as_bytes()[4] == b'-' {
        let b_clean = b.trim_end_matches(['*', '`', '_', ',']);
        let two = format!("{a} {b_clean}");
        if let Some(t) = parse_timestamp_in(&two, tz) {
            let rest = item.splitn(3, ' ').nth(2).unwrap_or("");
            return Some(((two, Some(t)), rest, None));
        }
        if let Some(t) = parse_timestamp_in(a, tz) {
            let rest = item.split_once(' ').map_or("", |x| x.1);
            return Some(((a.to_string(), Some(t)), rest, None));
        }
        return None;
    }
    let raw = a.trim_end_matches(['Z', 'z']);
    let t = NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
        .ok()?;
    if !raw.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let rest = item.split_once(' ').map_or("", |x| x.1);
    let rest = rest
        .strip_prefix("UTC")
        .map(str::trim_start)
        .unwrap_or(rest);
    Some(((a.to_string(), None), rest, Some(t)))
}

/// Action items: task-list items of `Action items` with their tokens, and a
/// problem for each `due:` that is not a date.
pub fn action_items(doc: &Doc) -> (Vec<ActionItem>, Vec<Problem>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (line, item) in section_lines(doc, "Action items") {
        let (done, rest) = if let Some(r) = item.strip_prefix("[ ]") {
            (false, r)
        } else if let Some(r) = item
            .strip_prefix("[x]")
            .or_else(|| item.strip_prefix("[X]"))
        {
            (true, r)
        } else {
            continue;
        };
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
        items.push(ActionItem {
            line,
            done,
            text: words.join(" "),
            owner,
            due,
            kind,
        });
    }
    (items, problems)
}

/// Links from the body to `.md` files, resolved against the document's folder.
pub fn doc_links(doc: &Doc) -> Vec<DocLink> {
    let lines = Lines::new(&doc.body);
    let dir = doc.path.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(&doc.body, markdown_options()).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = ev else {
            continue;
        };
        let url = dest_url.as_ref();
        if url.contains("://") || url.starts_with(['#', '/']) || url.starts_with("mailto:") {
            continue;
        }
        let target = url.split(['#', '?']).next().unwrap_or("");
        if !target.ends_with(".md") {
            continue;
        }
        out.push(DocLink {
            line: doc.body_line + lines.line(range.start) - 1,
            target: url.to_string(),
            resolved: normalize(&dir.join(target)),
        });
    }
    out
}

/// Removes `.` and `..` components without touching the file system; a path
/// that climbs above the root keeps its leading `..`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.last(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The first paragraph of Markdown as plain text, on one line.
pub fn first_paragraph(md: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ev in Parser::new_ext(md, markdown_options()) {
        match ev {
            Event::Start(Tag::Paragraph) => depth += 1,
            Event::End(TagEnd::Paragraph) => {
                if !out.trim().is_empty() {
                    break;
                }
                depth -= 1;
            }
            Event::Text(t) | Event::Code(t) if depth > 0 => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak if depth > 0 => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A file-name-safe slug: lowercase ASCII letters, digits and single hyphens.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > 60 {
        out.truncate(60);
        out = out.trim_end_matches('-').to_string();
    }
    out
}
