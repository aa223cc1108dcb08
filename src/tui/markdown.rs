//! Markdown to styled terminal lines, wrapped to a width: headings, emphasis,
//! lists and task lists, tables, code blocks, links, block quotes, rules and
//! footnotes. HTML comments (template guidance) are left out.

use super::theme::Theme;
pub use super::wrap::{fit, wrap};
use crate::doc::markdown_options;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// A prefix drawn before each line of a container (list item, quote).
struct Prefix {
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
    used: bool,
}

struct TableState {
    align: Vec<Alignment>,
    rows: Vec<Vec<String>>,
    cell: String,
    in_head: bool,
    head_rows: usize,
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: usize,
    out: Vec<Line<'static>>,
    pending: Vec<(String, Style)>,
    styles: Vec<Style>,
    prefixes: Vec<Prefix>,
    lists: Vec<Option<u64>>,
    need_blank: bool,
    code: Option<String>,
    table: Option<TableState>,
    links: Vec<String>,
    in_comment: bool,
    /// Style-stack depth at the start of each open list item.
    item_styles: Vec<usize>,
}

/// Renders Markdown into lines no wider than `width` columns.
pub fn render(md: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut r = Renderer {
        theme,
        width: (width as usize).max(10),
        out: Vec::new(),
        pending: Vec::new(),
        styles: vec![Style::new()],
        prefixes: Vec::new(),
        lists: Vec::new(),
        need_blank: false,
        code: None,
        table: None,
        links: Vec::new(),
        in_comment: false,
        item_styles: Vec::new(),
    };
    for ev in Parser::new_ext(md, markdown_options()) {
        r.event(ev);
    }
    r.flush();
    r.out
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, s: Style) {
        let cur = self.style();
        self.styles.push(cur.patch(s));
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(code) = self.code.as_mut() {
            code.push_str(t);
        } else if let Some(tb) = self.table.as_mut() {
            tb.cell.push_str(t);
        } else {
            let s = self.style();
            self.pending.push((t.to_string(), s));
        }
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let s = self.style().patch(self.theme.code());
                if let Some(tb) = self.table.as_mut() {
                    tb.cell.push_str(&t);
                } else {
                    self.pending.push((t.to_string(), s));
                }
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.blank();
                let w = self.width.saturating_sub(self.prefix_width());
                self.emit(vec![Span::styled("─".repeat(w), self.theme.dim())]);
                self.need_blank = true;
            }
            Event::TaskListMarker(done) => {
                let (mark, style) = if done {
                    ("✔ ", self.theme.done())
                } else {
                    ("☐ ", self.theme.open_item())
                };
                if let Some(p) = self.prefixes.last_mut()
                    && !p.used
                {
                    p.first = vec![Span::raw("  "), Span::styled(mark, style)];
                }
                if done {
                    // Popped when the item ends.
                    self.push_style(self.theme.dim());
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => self.html(&h),
            Event::FootnoteReference(f) => {
                let s = self.theme.link();
                self.pending.push((format!("[{f}]"), s));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn html(&mut self, h: &str) {
        let mut rest = h;
        loop {
            if self.in_comment {
                match rest.find("-->") {
                    Some(i) => {
                        self.in_comment = false;
                        rest = &rest[i + 3..];
                    }
                    None => return,
                }
            } else {
                match rest.find("<!--") {
                    Some(i) => {
                        self.html_text(&rest[..i]);
                        self.in_comment = true;
                        rest = &rest[i + 4..];
                    }
                    None => {
                        self.html_text(rest);
                        return;
                    }
                }
            }
        }
    }

    fn html_text(&mut self, t: &str) {
        let t = t.trim_end_matches('\n');
        if !t.trim().is_empty() {
            let s = self.theme.dim();
            self.pending.push((t.to_string(), s));
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.begin_block(),
            Tag::Heading { level, .. } => {
                self.flush();
                if !self.out.is_empty() {
                    self.blank();
                }
                let lvl = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                };
                self.push_style(self.theme.heading(lvl));
                if lvl >= 3 {
                    let s = self.style();
                    self.pending.push(("▸ ".into(), s));
                }
            }
            Tag::BlockQuote(_) => {
                self.begin_block();
                let bar = Span::styled("│ ", self.theme.dim());
                self.prefixes.push(Prefix {
                    first: vec![bar.clone()],
                    rest: vec![bar],
                    used: false,
                });
                self.push_style(Style::new().add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(kind) => {
                self.begin_block();
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    let l = lang.to_string();
                    self.emit(vec![Span::styled(format!("  {l}"), self.theme.dim())]);
                }
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.begin_block();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => if depth.is_multiple_of(2) {
                        "• "
                    } else {
                        "◦ "
                    }
                    .to_string(),
                };
                let w = marker.width();
                self.prefixes.push(Prefix {
                    first: vec![Span::raw("  "), Span::styled(marker, self.theme.dim())],
                    rest: vec![Span::raw(format!("  {}", " ".repeat(w)))],
                    used: false,
                });
                self.item_styles.push(self.styles.len());
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.push_style(self.theme.link());
                self.links.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.push_style(self.theme.dim());
                self.text("[image: ");
                self.links.push(dest_url.to_string());
            }
            Tag::Table(align) => {
                self.begin_block();
                self.table = Some(TableState {
                    align,
                    rows: Vec::new(),
                    cell: String::new(),
                    in_head: false,
                    head_rows: 0,
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.cell.clear();
                }
            }
            Tag::FootnoteDefinition(name) => {
                self.begin_block();
                let label = format!("[{name}] ");
                let w = label.width();
                self.prefixes.push(Prefix {
                    first: vec![Span::styled(label, self.theme.dim())],
                    rest: vec![Span::raw(" ".repeat(w))],
                    used: false,
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.need_blank = true;
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
                self.need_blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.prefixes.pop();
                self.pop_style();
                self.need_blank = true;
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let style = self.theme.code();
                for l in code.trim_end_matches('\n').split('\n') {
                    self.emit(vec![
                        Span::styled("  ▏ ", self.theme.dim()),
                        Span::styled(l.replace('\t', "    "), style),
                    ]);
                }
                self.need_blank = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.need_blank = true;
                }
            }
            TagEnd::Item => {
                self.flush();
                self.prefixes.pop();
                if let Some(depth) = self.item_styles.pop() {
                    self.styles.truncate(depth.max(1));
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(url) = self.links.pop()
                    && url.contains("://")
                {
                    let s = self.theme.dim();
                    let shown = self.pending.iter().rev().take(1).any(|(t, _)| t == &url);
                    if !shown {
                        self.pending.push((format!(" <{url}>"), s));
                    }
                }
            }
            TagEnd::Image => {
                self.text("]");
                self.links.pop();
                self.pop_style();
            }
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    let cell = std::mem::take(&mut t.cell);
                    if let Some(row) = t.rows.last_mut() {
                        row.push(cell.trim().to_string());
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                    t.head_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.draw_table(t);
                }
                self.need_blank = true;
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.prefixes.pop();
            }
            _ => {}
        }
    }

    /// Starts a block: a blank line first when the previous block asked.
    fn begin_block(&mut self) {
        self.flush();
        if self.need_blank {
            self.blank();
        }
    }

    fn blank(&mut self) {
        self.need_blank = false;
        if self.out.last().is_some_and(|l| l.width() == 0) || self.out.is_empty() {
            return;
        }
        let spans: Vec<Span<'static>> = self
            .prefixes
            .iter()
            .filter(|p| p.first.len() == 1 && p.first[0].content == "│ ")
            .map(|p| p.rest[0].clone())
            .collect();
        self.out.push(Line::from(spans));
    }

    fn prefix_width(&self) -> usize {
        self.prefixes
            .iter()
            .map(|p| if p.used { &p.rest } else { &p.first })
            .flat_map(|v| v.iter())
            .map(|s| s.content.width())
            .sum()
    }

    /// Emits one line with the container prefixes.
    fn emit(&mut self, spans: Vec<Span<'static>>) {
        let mut line: Vec<Span<'static>> = Vec::new();
        for p in self.prefixes.iter_mut() {
            if p.used {
                line.extend(p.rest.iter().cloned());
            } else {
                line.extend(p.first.iter().cloned());
                p.used = true;
            }
        }
        line.extend(spans);
        self.out.push(Line::from(line));
    }

    /// Wraps the pending inline text into lines.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        if self.need_blank {
            self.blank();
        }
        let pending = std::mem::take(&mut self.pending);
        let avail = self.width.saturating_sub(self.prefix_width()).max(8);
        for line in wrap(&pending, avail) {
            self.emit(line);
        }
    }

    fn draw_table(&mut self, t: TableState) {
        let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let mut widths = vec![1usize; cols];
        for row in &t.rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(c.width());
            }
        }
        let avail = self
            .width
            .saturating_sub(self.prefix_width() + 3 * cols + 1)
            .max(cols);
        while widths.iter().sum::<usize>() > avail {
            let Some((i, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
                break;
            };
            if widths[i] <= 3 {
                break;
            }
            widths[i] -= 1;
        }
        let dim = self.theme.dim();
        let border = |l: &str, m: &str, r: &str| -> Vec<Span<'static>> {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            vec![Span::styled(format!("{l}{}{r}", parts.join(m)), dim)]
        };
        self.emit(border("┌", "┬", "┐"));
        for (ri, row) in t.rows.iter().enumerate() {
            let mut spans = vec![Span::styled("│", dim)];
            for (i, w) in widths.iter().enumerate() {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                let cell = fit(cell, *w);
                let pad = w.saturating_sub(cell.width());
                let (l, r) = match t.align.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                let style = if ri < t.head_rows {
                    self.theme.bold()
                } else {
                    Style::new()
                };
                spans.push(Span::raw(format!(" {}", " ".repeat(l))));
                spans.push(Span::styled(cell, style));
                spans.push(Span::raw(format!("{} ", " ".repeat(r))));
                spans.push(Span::styled("│", dim));
            }
            self.emit(spans);
            if ri + 1 == t.head_rows && t.rows.len() > t.head_rows {
                self.emit(border("├", "┼", "┤"));
            }
        }
        self.emit(border("└", "┴", "┘"));
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
