//! A document body → the site's HTML (`lore::site::markdown::render_doc`, and
//! `render_inline` for each timeline entry and action item): never panics,
//! and what comes out is inert — no script, no event handler, no script URL,
//! none of the elements the sanitizer removes — so any input that gets markup
//! through is a crash with its reproducer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lore::doc::{Doc, ParseContext, parse_date};
use lore::site::markdown::{RenderContext, render_doc, render_inline};
use std::path::Path;

const FRONT: &str =
    "---\ntitle: Fuzz\ndate: 2024-03-12\nstatus: published\nstarted: 2024-03-12T14:00:00Z\n---\n";

/// Elements the sanitizer never lets through (`<input type="checkbox">` is
/// pulldown-cmark's task-list marker, `<img>` a Markdown image).
#[rustfmt::skip]
const BANNED: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "meta", "link", "form", "button", "textarea", "select", "svg", "math", "template", "title",
    "noscript", "xmp", "plaintext", "isindex", "video", "audio", "source", "set", "animate",
];
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcset",
];

/// Start tags of `html` in order (a `<` inside a quoted value starts none).
fn start_tags(html: &str) -> Vec<&str> {
    let b = html.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while let Some(off) = html[i..].find('<') {
        let s = i + off;
        if !b.get(s + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = s + 1;
            continue;
        }
        let (mut j, mut quote, mut prev) = (s + 1, None, b'<');
        while j < b.len() && (quote.is_some() || b[j] != b'>') {
            match quote {
                Some(q) if b[j] == q => quote = None,
                None if matches!(b[j], b'"' | b'\'') && prev == b'=' => quote = Some(b[j]),
                _ => {}
            }
            if !b[j].is_ascii_whitespace() {
                prev = b[j];
            }
            j += 1;
        }
        i = (j + 1).min(html.len());
        out.push(&html[s..i]);
    }
    out
}

/// (lowercase name, value) of a start tag, split at whitespace and `/`.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.strip_prefix('<').unwrap_or(tag);
    let mut it = inner.strip_suffix('>').unwrap_or(inner).chars().peekable();
    let sep = |c: &char| c.is_whitespace() || *c == '/';
    while it.next_if(|c| !sep(c)).is_some() {}
    let mut out = Vec::new();
    loop {
        while it.next_if(sep).is_some() {}
        let Some(first) = it.next() else { return out };
        let mut name = first.to_ascii_lowercase().to_string();
        while let Some(c) = it.next_if(|c| !sep(c) && *c != '=') {
            name.push(c.to_ascii_lowercase());
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'=').is_some() {
            while it.next_if(|c| c.is_whitespace()).is_some() {}
            let q = it.next_if(|c| matches!(c, '"' | '\''));
            while let Some(c) = it.next_if(|c| q.map_or(!c.is_whitespace(), |q| *c != q)) {
                value.push(c);
            }
            it.next_if(|c| Some(*c) == q);
        }
        out.push((name, value));
    }
}

/// Whether a URL attribute value would run script: character references
/// decoded once, tab and newlines removed and leading controls and spaces
/// trimmed as a browser does, then the scheme compared.
fn script_url(v: &str) -> bool {
    const NAMED: &[(&str, char)] = &[
        ("colon", ':'),
        ("tab", '\t'),
        ("newline", '\n'),
        ("amp", '&'),
        ("quot", '"'),
        ("apos", '\''),
        ("lt", '<'),
        ("gt", '>'),
    ];
    let (mut url, mut rest) = (String::new(), v);
    while let Some((head, t)) = rest.split_once('&') {
        url.push_str(head);
        let (radix, skip) = match t.as_bytes() {
            [b'#', b'x' | b'X', ..] => (16, 2),
            [b'#', ..] => (10, 1),
            _ => (36, 0),
        };
        let end = t[skip..].find(|c: char| !c.is_digit(radix));
        let end = end.map_or(t.len(), |n| skip + n);
        let name = t[..end].to_ascii_lowercase();
        let named = NAMED.iter().find(|n| n.0 == name).map(|n| n.1);
        let code = u32::from_str_radix(&t[skip..end], radix).ok();
        let code = code.and_then(char::from_u32);
        let ch = if skip == 0 { named } else { code };
        url.push(ch.unwrap_or('&'));
        let semi = usize::from(t[end..].starts_with(';'));
        rest = if ch.is_some() { &t[end + semi..] } else { t };
    }
    url.push_str(rest);
    url.retain(|c| !matches!(c, '\t' | '\n' | '\r'));
    let url = url
        .trim_start_matches(|c: char| c <= ' ')
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "livescript:", "data:"]
        .iter()
        .any(|s| url.starts_with(s))
}

fn assert_inert(html: &str, md: &str) {
    for tag in start_tags(html) {
        let name: String = tag[1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(
            !BANNED.contains(&name.as_str()),
            "<{name}> in {html:?} from {md:?}"
        );
        for (attr, value) in attributes(tag) {
            assert!(!attr.starts_with("on"), "handler in {tag:?} from {md:?}");
            let live = URL_ATTRS.contains(&attr.as_str()) && script_url(&value);
            assert!(!live, "{attr}={value:?} in {tag:?} from {md:?}");
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("<script"),
        "a <script in {html:?} from {md:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let md = String::from_utf8_lossy(data);
    let text = format!("{FRONT}{md}");
    let doc = Doc::parse(
        &text,
        Path::new("postmortems/f.md"),
        &ParseContext::default(),
    );
    let link_for = |_: &Path| Some("other.html".to_string());
    let ctx = RenderContext {
        link_for: &link_for,
        today: parse_date("2024-06-01").expect("a valid date"),
    };
    let rendered = render_doc(&doc, &ctx);
    assert_inert(&rendered.html, &md);
    for e in &rendered.toc {
        let ok = e.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        assert!(ok, "heading id {:?} from {md:?}", e.id);
    }
    for t in &doc.timeline {
        assert_inert(&render_inline(&t.text, &ctx), &md);
    }
    for a in &doc.action_items {
        assert_inert(&render_inline(&a.text, &ctx), &md);
    }
});
