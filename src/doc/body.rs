//! The shape of a document body: sections by heading, prose lines outside
//! code and comments, links to other documents, summaries and slugs. The
//! timeline and action items are read in `structure`.

use super::{Doc, DocLink, Section};
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
