//! Markdown → safe HTML for the site. pulldown-cmark's writer escapes text;
//! only raw HTML (`Html`/`InlineHtml` events) goes through ammonia, and link
//! and image URLs are checked here (SPEC 12). Timeline and action-item list
//! items are rendered as structured entries; links to other documents point at
//! their pages.

use crate::doc::{ActionItem, Doc, TimelineEntry, markdown_options, normalize, slugify};
use chrono::NaiveDate;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

/// A heading of the rendered body, for the page's table of contents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// What rendering needs to know beyond the document.
pub struct RenderContext<'a> {
    /// KB-relative `.md` path → URL of its page relative to the current page.
    pub link_for: &'a dyn Fn(&Path) -> Option<String>,
    pub today: NaiveDate,
}

/// Raw HTML allowed in documents: ammonia's harmless defaults (which include
/// `details`, `summary`, `kbd`, `sup`, `sub`), web and mail links only.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"]);
    b
});

/// Inline tags passed through as written when they carry no attributes.
const PLAIN_INLINE: &[&str] = &[
    "kbd", "sup", "sub", "b", "i", "em", "strong", "code", "s", "del", "ins", "mark", "small", "u",
    "br", "abbr", "var", "samp",
];

/// Elements whose text is code or markup, never prose: dropped with the tag.
const DROP_CONTENT: &[&str] = &[
    "script", "style", "svg", "math", "iframe", "object", "template", "noscript", "textarea",
    "title", "xmp", "noembed", "noframes",
];

/// The lowercase name of an HTML tag and whether it is a closing tag.
fn tag_name(html: &str) -> Option<(String, bool)> {
    let t = html.trim_start().strip_prefix('<')?;
    let (closing, t) = match t.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let name: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| (name.to_ascii_lowercase(), closing))
}

/// Sanitises a fragment of raw HTML.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// An inline HTML tag: a plain allowed tag as written, anything else sanitised
/// (an unknown tag disappears, a script with its content).
fn inline_html(tag: &str) -> String {
    let t = tag.trim();
    let inner = t
        .strip_prefix('<')
        .and_then(|x| x.strip_suffix('>'))
        .unwrap_or("");
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim();
    if !inner.is_empty()
        && inner.bytes().all(|b| b.is_ascii_alphanumeric())
        && PLAIN_INLINE.contains(&inner.to_ascii_lowercase().as_str())
    {
        return t.to_ascii_lowercase();
    }
    sanitize(tag)
}

/// Whether a URL may appear in `href`/`src`: relative, a fragment, or http(s)
/// and mailto. Browsers ignore tabs, newlines and leading spaces inside the
/// scheme, so those are removed before looking at it.
pub fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes().get(i) == Some(&b':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => !cleaned.starts_with('\\'),
    }
}

/// Renders a document body. The first `#` heading is left out when it repeats
/// the title (the page shows the title already).
pub fn render_doc(doc: &Doc, ctx: &RenderContext) -> Rendered {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(doc.body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| -> usize {
        let i = match line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        doc.body_line + i - 1
    };
    let timeline: HashMap<usize, &TimelineEntry> =
        doc.timeline.iter().map(|t| (t.line, t)).collect();
    let actions: HashMap<usize, &ActionItem> =
        doc.action_items.iter().map(|a| (a.line, a)).collect();
    let events: Vec<(Event, usize)> = Parser::new_ext(&doc.body, markdown_options())
        .into_offset_iter()
        .map(|(e, r)| (e, line_of(r.start)))
        .collect();
    let mut w = Writer {
        events,
        out: Vec::new(),
        toc: Vec::new(),
        ids: page_ids(),
        next_suffix: HashMap::new(),
        ctx,
        started: doc.stamps.started,
        skip_raw: None,
        open_details: 0,
    };
    w.run(&doc.title, &timeline, &actions);
    let mut html = String::with_capacity(doc.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, w.out.into_iter());
    Rendered { html, toc: w.toc }
}

/// Renders a short piece of Markdown (an action item, a timeline entry) without
/// the paragraph around it.
pub fn render_inline(md: &str, ctx: &RenderContext) -> String {
    if plain::is_plain(md) {
        return md.to_string();
    }
    render_inline_parsed(md, ctx)
}

fn render_inline_parsed(md: &str, ctx: &RenderContext) -> String {
    let events: Vec<(Event, usize)> = Parser::new_ext(md, markdown_options())
        .map(|e| (e, 0))
        .collect();
    let mut w = Writer {
        events,
        out: Vec::new(),
        toc: Vec::new(),
        ids: page_ids(),
        next_suffix: HashMap::new(),
        ctx,
        started: None,
        skip_raw: None,
        open_details: 0,
    };
    w.run("", &HashMap::new(), &HashMap::new());
    let out = w.out.into_iter().filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, out);
    html.trim_end().to_string()
}

struct Writer<'a, 'c> {
    events: Vec<(Event<'a>, usize)>,
    out: Vec<Event<'a>>,
    toc: Vec<TocEntry>,
    ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    ctx: &'c RenderContext<'c>,
    started: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Inside an inline `<script>`, `<style>`, `<svg>`…: its text is dropped
    /// until the closing tag or the end of the block.
    skip_raw: Option<String>,
    /// `<details>` blocks opened by raw HTML and not yet closed: the
    /// Markdown between `<details><summary>…</summary>` and `</details>` is
    /// their content.
    open_details: usize,
}

impl<'a> Writer<'a, '_> {
    fn run(
        &mut self,
        title: &str,
        timeline: &HashMap<usize, &TimelineEntry>,
        actions: &HashMap<usize, &ActionItem>,
    ) {
        let events = std::mem::take(&mut self.events);
        let mut i = 0;
        let mut first_block = true;
        while let Some((ev, line)) = events.get(i) {
            match ev {
                Event::Start(Tag::Heading { level, .. }) => {
                    let end = find_end(&events, i);
                    let text = plain_text(events.get(i + 1..end).unwrap_or(&[]));
                    if first_block
                        && *level == HeadingLevel::H1
                        && text.trim().eq_ignore_ascii_case(title.trim())
                    {
                        i = end + 1;
                        first_block = false;
                        continue;
                    }
                    let id = self.unique_id(&text);
                    self.toc.push(TocEntry {
                        level: *level as u8,
                        id: id.clone(),
                        title: text,
                    });
                    self.out.push(Event::Start(Tag::Heading {
                        level: *level,
                        id: Some(id.into()),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    self.copy(events.get(i + 1..=end).unwrap_or(&[]));
                    i = end + 1;
                }
                Event::Start(Tag::List(start)) => {
                    let next_line = events.get(i + 1).map(|e| e.1);
                    let class = match next_line {
                        Some(l) if timeline.contains_key(&l) => Some("timeline"),
                        Some(l) if actions.contains_key(&l) => Some("action-items"),
                        _ => None,
                    };
                    match (class, start) {
                        (Some(c), None) => self
                            .out
                            .push(Event::Html(format!("<ul class=\"{c}\">\n").into())),
                        (Some(c), Some(n)) => self.out.push(Event::Html(
                            format!("<ol class=\"{c}\" start=\"{n}\">\n").into(),
                        )),
                        (None, _) => self.out.push(ev.clone()),
                    }
                    i += 1;
                }
                Event::Start(Tag::Item)
                    if timeline.contains_key(line) || actions.contains_key(line) =>
                {
                    let end = find_end(&events, i);
                    let inner = events.get(i + 1..end).unwrap_or(&[]);
                    match (timeline.get(line), actions.get(line)) {
                        (Some(t), _) => self.timeline_item(t, inner),
                        (None, Some(a)) => {
                            let html = self.action_item(a);
                            self.out.push(Event::Html(html.into()));
                        }
                        (None, None) => {}
                    }
                    i = end + 1;
                }
                Event::Start(Tag::HtmlBlock) => {
                    let end = find_end(&events, i);
                    let mut raw = String::new();
                    for (e, _) in events.get(i + 1..end).unwrap_or(&[]) {
                        if let Event::Html(h) | Event::InlineHtml(h) | Event::Text(h) = e {
                            raw.push_str(h);
                        }
                    }
                    let clean = details::block(&mut self.open_details, &raw)
                        .unwrap_or_else(|| sanitize(&raw));
                    if !clean.trim().is_empty() {
                        self.out.push(Event::Html(format!("{clean}\n").into()));
                    }
                    i = end + 1;
                    continue;
                }
                _ => {
                    self.copy(std::slice::from_ref(&events[i]));
                    i += 1;
                }
            }
            if !matches!(ev, Event::Start(Tag::HtmlBlock)) {
                first_block = false;
            }
        }
        for _ in 0..std::mem::take(&mut self.open_details) {
            self.out.push(Event::Html("</details>\n".into()));
        }
    }

    /// Copies events, making raw HTML and URLs safe on the way.
    fn copy(&mut self, events: &[(Event<'a>, usize)]) {
        let mut skip_image = 0usize;
        for (ev, _) in events {
            if skip_image > 0 {
                match ev {
                    Event::Start(Tag::Image { .. }) => skip_image += 1,
                    Event::End(TagEnd::Image) => skip_image -= 1,
                    Event::Text(t) | Event::Code(t) => self.out.push(Event::Text(t.clone())),
                    _ => {}
                }
                continue;
            }
            if let Some(tag) = &self.skip_raw {
                match ev {
                    Event::Html(h) | Event::InlineHtml(h) => {
                        if tag_name(h).is_some_and(|(name, closing)| closing && name == *tag) {
                            self.skip_raw = None;
                        }
                        continue;
                    }
                    Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => {
                        continue;
                    }
                    Event::End(_) => self.skip_raw = None,
                    _ => {}
                }
            }
            match ev {
                Event::Html(h) | Event::InlineHtml(h) => {
                    if let Some((name, false)) = tag_name(h)
                        && DROP_CONTENT.contains(&name.as_str())
                        && !h.trim_end().ends_with("/>")
                        && !h.to_ascii_lowercase().contains(&format!("</{name}"))
                    {
                        self.skip_raw = Some(name);
                    }
                    self.out.push(Event::InlineHtml(inline_html(h).into()));
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = self.link_target(dest_url, *link_type);
                    self.out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(Tag::Image { dest_url, .. })
                    if !safe_url(dest_url) || is_local(dest_url) =>
                {
                    // Unsafe or KB-local images (not part of the export) show
                    // their alt text instead.
                    skip_image = 1;
                }
                other => self.out.push(other.clone()),
            }
        }
    }

    fn link_target(&self, url: &CowStr<'a>, link_type: LinkType) -> CowStr<'a> {
        if !safe_url(url) {
            return "#".into();
        }
        if matches!(link_type, LinkType::Email) {
            return url.clone();
        }
        let (path, frag) = match url.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (url.as_ref(), None),
        };
        if is_local(url)
            && path.ends_with(".md")
            && let Some(page) = (self.ctx.link_for)(Path::new(path))
        {
            return match frag {
                Some(f) => format!("{page}#{f}").into(),
                None => page.into(),
            };
        }
        url.clone()
    }

    fn unique_id(&mut self, text: &str) -> String {
        // (`page_ids` are taken from the start: `## Main` becomes `main-2`.)
        let base = match slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        if self.ids.insert(base.clone()) {
            return base;
        }
        // The next suffix to try is remembered per base, so thousands of
        // identical headings cost linear time, not quadratic.
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// A timeline entry: its time, the time since the incident started, and
    /// the item's own inline Markdown after the time.
    fn timeline_item(&mut self, t: &TimelineEntry, inner: &[(Event<'a>, usize)]) {
        let rel = match (self.started, t.at) {
            (Some(s), Some(at)) => {
                let secs = (at - s).num_seconds();
                let sign = if secs < 0 { "−" } else { "+" };
                format!(
                    "<span class=\"tl-rel\" title=\"since the incident started\">T{sign}{}</span>",
                    crate::stats::human_duration(secs.abs())
                )
            }
            _ => String::new(),
        };
        let datetime =
            t.at.map(|a| format!(" datetime=\"{}\"", a.to_rfc3339()))
                .unwrap_or_default();
        self.out.push(Event::Html(
            format!(
                "<li><time{datetime}>{}</time>{rel}<span class=\"tl-text\">",
                esc(&t.time)
            )
            .into(),
        ));
        match strip_time(inner, &t.time) {
            Some(rest) => self.copy(&rest),
            None => {
                let text = render_inline(&t.text, self.ctx);
                self.out.push(Event::Html(text.into()));
            }
        }
        self.out.push(Event::Html("</span></li>\n".into()));
    }

    fn action_item(&self, a: &ActionItem) -> String {
        let overdue = crate::actions::is_overdue(a, self.ctx.today);
        let state = if a.done {
            "done"
        } else if overdue {
            "overdue"
        } else {
            "open"
        };
        let mark = if a.done { "✓" } else { "○" };
        let mut chips = String::new();
        if let Some(o) = &a.owner {
            chips.push_str(&format!("<span class=\"chip owner\">@{}</span>", esc(o)));
        }
        if let Some(d) = a.due {
            let label = if overdue { "overdue since" } else { "due" };
            chips.push_str(&format!("<span class=\"chip due\">{label} {d}</span>"));
        }
        if let Some(k) = a.kind {
            chips.push_str(&format!("<span class=\"chip type\">{}</span>", k.as_str()));
        }
        format!(
            "<li class=\"{state}\"><span class=\"mark\" aria-label=\"{state}\">{mark}</span><span class=\"ai-text\">{}</span>{chips}</li>\n",
            render_inline(&a.text, self.ctx)
        )
    }
}

/// The inline events of a list item without its leading time (and the
/// emphasis or code around it), or `None` when the item does not start with it.
fn strip_time<'a>(inner: &[(Event<'a>, usize)], time: &str) -> Option<Vec<(Event<'a>, usize)>> {
    let mut events: Vec<(Event<'a>, usize)> = inner
        .iter()
        .filter(|(e, _)| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .cloned()
        .collect();
    let first = events
        .iter()
        .position(|(e, _)| matches!(e, Event::Text(_) | Event::Code(_)))?;
    let text = match &events[first].0 {
        Event::Text(t) | Event::Code(t) => t.to_string(),
        _ => return None,
    };
    let rest = text.trim_start().strip_prefix(time)?;
    let wrappers = first;
    let rest = rest
        .trim_start_matches(['Z', 'z'])
        .trim_start()
        .trim_start_matches(['-', '–', '—', ':', '|'])
        .trim_start();
    if rest.is_empty() {
        // The time stood alone, maybe inside `**…**` or `code`: drop it and
        // its wrapper.
        let close = events
            .iter()
            .skip(first + 1)
            .take(wrappers)
            .take_while(|(e, _)| matches!(e, Event::End(_)))
            .count();
        events.drain(first - wrappers.min(first)..=first + close);
        if let Some((Event::Text(t), l)) = events.first().cloned() {
            let trimmed = t
                .trim_start()
                .trim_start_matches(['-', '–', '—', ':', '|'])
                .trim_start()
                .to_string();
            events[0] = (Event::Text(trimmed.into()), l);
        }
    } else {
        events[first].0 = Event::Text(rest.to_string().into());
    }
    Some(events)
}

/// A URL without a scheme that is not a fragment: a file next to the document.
fn is_local(url: &str) -> bool {
    !url.starts_with('#') && !url.contains(':') && !url.starts_with("//")
}

/// Resolves a `.md` link against the document's folder (KB-relative result).
pub fn resolve_link(doc_path: &Path, target: &Path) -> std::path::PathBuf {
    normalize(&doc_path.parent().unwrap_or(Path::new("")).join(target))
}

/// Index of the `End` matching the `Start` at `i` (or the last event).
fn find_end(events: &[(Event, usize)], i: usize) -> usize {
    let mut depth = 0i32;
    for (j, (e, _)) in events.iter().enumerate().skip(i) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn plain_text(events: &[(Event, usize)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

mod details;
mod page_ids;
mod plain;
use page_ids::page_ids;

#[cfg(test)]
mod tests;
