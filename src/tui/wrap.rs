//! Fitting styled text to a width: greedy word wrap that keeps a word whole
//! across styles (`fit`, cutting with an ellipsis, is `crate::width`).

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use crate::width::truncate as fit;

/// Greedy word wrap of styled text; words longer than a line are split.
/// A word may span several styles (`**bold**,`) and is kept whole.
pub fn wrap(parts: &[(String, Style)], width: usize) -> Vec<Vec<Span<'static>>> {
    // Units: a run of spaces (None) or a word made of styled pieces.
    let mut units: Vec<Option<Vec<(String, Style)>>> = Vec::new();
    for (text, style) in parts {
        for c in text.chars() {
            let c = if c == '\n' || c == '\t' { ' ' } else { c };
            if c == ' ' {
                if !matches!(units.last(), Some(None)) {
                    units.push(None);
                }
                continue;
            }
            match units.last_mut() {
                Some(Some(word)) => match word.last_mut() {
                    Some((t, s)) if s == style => t.push(c),
                    _ => word.push((c.to_string(), *style)),
                },
                _ => units.push(Some(vec![(c.to_string(), *style)])),
            }
        }
    }
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut cur_w = 0usize;
    let mut space_pending = false;
    for unit in units {
        let Some(word) = unit else {
            space_pending = cur_w > 0;
            continue;
        };
        let w: usize = word.iter().map(|(t, _)| t.width()).sum();
        let sp = usize::from(space_pending);
        if cur_w > 0 && cur_w + sp + w > width {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0;
        } else if space_pending && cur_w > 0 {
            // A space between two words of one style takes that style
            // (underlined headings and links stay continuous).
            let prev = cur.last().map(|s| s.style);
            let next = word.first().map(|(_, s)| *s);
            let style = if prev == next {
                prev.unwrap_or_default()
            } else {
                Style::new()
            };
            cur.push(Span::styled(" ", style));
            cur_w += 1;
        }
        space_pending = false;
        for (text, style) in word {
            if cur_w + text.width() <= width {
                cur_w += text.width();
                cur.push(Span::styled(text, style));
                continue;
            }
            let mut piece = String::new();
            for c in text.chars() {
                let cw = c.width().unwrap_or(0);
                if cur_w + cw > width && cur_w > 0 {
                    if !piece.is_empty() {
                        cur.push(Span::styled(std::mem::take(&mut piece), style));
                    }
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                piece.push(c);
                cur_w += cw;
            }
            if !piece.is_empty() {
                cur.push(Span::styled(piece, style));
            }
        }
    }
    trim_trailing_space(&mut cur);
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

fn trim_trailing_space(spans: &mut Vec<Span<'static>>) {
    while spans.last().is_some_and(|s| s.content.trim().is_empty()) {
        spans.pop();
    }
}
