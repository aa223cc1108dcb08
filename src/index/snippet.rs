//! Snippets: the plain text of a document body, cut around the passage with
//! the most distinct query words, with the matched words' byte ranges.

use super::schema;
use crate::doc::markdown_options;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::ops::Range;
use tantivy::tokenizer::TextAnalyzer;

/// A short passage of a document with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text` of the matched words.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The text with each highlight wrapped in `open` … `close` (ANSI bold on
    /// a terminal, `**` in JSON).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            if r.start < at || r.end > self.text.len() {
                continue;
            }
            let (Some(before), Some(word)) = (self.text.get(at..r.start), self.text.get(r.clone()))
            else {
                continue;
            };
            out.push_str(before);
            out.push_str(open);
            out.push_str(word);
            out.push_str(close);
            at = r.end;
        }
        out.push_str(self.text.get(at..).unwrap_or(""));
        out
    }
}

/// The readable text of Markdown: no markup or headings, whitespace collapsed.
pub fn plain_text(markdown: &str) -> String {
    let mut raw = String::with_capacity(markdown.len());
    // Section headings (`Summary`, `Timeline`) only get in the way of a passage.
    let mut in_heading = false;
    for ev in Parser::new_ext(markdown, markdown_options()) {
        match ev {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                raw.push(' ');
            }
            Event::Text(_) | Event::Code(_) if in_heading => {}
            Event::Text(t) | Event::Code(t) => raw.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => raw.push(' '),
            Event::TaskListMarker(done) => raw.push_str(if done { "[x] " } else { "[ ] " }),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => raw.push(' '),
            _ => {}
        }
    }
    let mut out = String::with_capacity(raw.len());
    for w in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Largest char boundary at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Cuts `text` to about `max` bytes around the best cluster of `terms`
/// (analyzed tokens, each with the edits a match may be away).
pub fn make(
    text: &str,
    terms: &[(String, u8)],
    analyzer: &mut TextAnalyzer,
    max: usize,
) -> Snippet {
    let mut matches: Vec<(Range<usize>, usize)> = Vec::new();
    if !terms.is_empty() {
        let mut ts = analyzer.token_stream(text);
        while ts.advance() && matches.len() < 2000 {
            let tok = ts.token();
            let hit = terms.iter().position(|(t, d)| {
                *t == tok.text
                    || (*d > 0 && strsim::damerau_levenshtein(t, &tok.text) <= usize::from(*d))
            });
            if let Some(i) = hit {
                matches.push((tok.offset_from..tok.offset_to, i));
            }
        }
    }
    // The window starting at the match that covers the most distinct terms.
    let mut best: Option<(usize, usize)> = None; // (score, index of first match)
    for (i, (r, _)) in matches.iter().enumerate() {
        let limit = r.start + max.saturating_sub(40);
        let mut seen: Vec<usize> = Vec::new();
        let mut count = 0;
        for (r2, t) in matches[i..].iter().take_while(|(r2, _)| r2.end <= limit) {
            let _ = r2;
            count += 1;
            if !seen.contains(t) {
                seen.push(*t);
            }
        }
        let score = seen.len() * 1000 + count;
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    let anchor = best.map_or(0, |(_, i)| matches[i].0.start);
    // Some context before the first match, starting at a word.
    let mut start = floor(text, anchor.saturating_sub(40));
    if start > 0 {
        start = text[start..anchor]
            .find(' ')
            .map_or(anchor, |s| start + s + 1);
    }
    let mut end = floor(text, start + max);
    if end < text.len()
        && let Some(sp) = text[start..end].rfind(' ')
        && start + sp > anchor
    {
        end = start + sp;
    }
    let prefix = if start > 0 { "… " } else { "" };
    let suffix = if end < text.len() { " …" } else { "" };
    let body = &text[start..end];
    let highlights = matches
        .iter()
        .filter(|(r, _)| r.start >= start && r.end <= end)
        .map(|(r, _)| r.start - start + prefix.len()..r.end - start + prefix.len())
        .collect();
    Snippet {
        text: format!("{prefix}{body}{suffix}"),
        highlights,
    }
}

/// Snippet of a document body for the analyzed `terms`.
pub fn for_body(markdown: &str, terms: &[(String, u8)]) -> Snippet {
    let mut analyzer = schema::text_analyzer();
    make(&plain_text(markdown), terms, &mut analyzer, 180)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup() {
        let md = "## Summary\n\nThe **primary** failed over.\n\n- [x] Alert on `lag` @dba\n";
        assert_eq!(
            plain_text(md),
            "The primary failed over. [x] Alert on lag @dba"
        );
    }

    #[test]
    fn snippet_marks_stemmed_matches_around_the_best_passage() {
        let filler = "Nothing happened here for a while. ".repeat(20);
        let md = format!("{filler}\n\nDuring the failovers the replica lag grew.\n\n{filler}");
        let s = for_body(&md, &[("failov".into(), 0), ("replica".into(), 0)]);
        let marked = s.marked("[", "]");
        assert!(
            marked.contains("During the [failovers] the [replica] lag grew."),
            "{marked}"
        );
        assert!(
            marked.starts_with("… ") && marked.ends_with(" …"),
            "{marked}"
        );
        assert!(s.text.len() <= 190, "{}", s.text.len());
    }

    #[test]
    fn fuzzy_snippet_marks_words_a_typo_away() {
        let s = for_body("The replica lagged.", &[("replca".into(), 1)]);
        assert_eq!(s.marked("*", "*"), "The *replica* lagged.");
    }

    #[test]
    fn no_match_gives_the_start_of_the_text() {
        let s = for_body("Short body.", &[("zzz".into(), 0)]);
        assert_eq!(
            s,
            Snippet {
                text: "Short body.".into(),
                highlights: vec![]
            }
        );
    }
}
