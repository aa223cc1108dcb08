//! Reading one foreign file for an import: names and kinds of file that are
//! no postmortem, Markdown without an extension, HTML exports converted, the
//! front matter as a map, and the small readings of names and values (the
//! team's own ids, UUIDs, dates, YAML scalars). Pure but for `read`.

use crate::store;
use serde_json::{Map, Value};
use std::path::Path;

/// One foreign file, read: its text (HTML converted to Markdown), a hash of
/// it and its `/`-separated path in the import folder.
pub(super) struct Source {
    pub text: String,
    pub converted: bool,
    pub hash_hex: String,
    pub rel_s: String,
}

/// Reads `abs` (at `rel` in the import folder), or says why it is skipped.
pub(super) fn read(abs: &Path, rel: &Path) -> Result<Source, String> {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if let Some(why) = skipped_name(&name) {
        return Err(String::from(why));
    }
    let markdown_ext = matches!(
        ext.as_deref(),
        Some("md" | "markdown" | "mdown" | "mkd" | "txt")
    );
    let html = matches!(ext.as_deref(), Some("html" | "htm"));
    if !markdown_ext && !html && ext.is_some() {
        return Err(format!("not Markdown (.{})", ext.unwrap_or_default()));
    }
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => return Err(format!("cannot read: {e}")),
    };
    if bytes.len() as u64 > store::MAX_FILE_BYTES {
        return Err(String::from("over the 32 MB limit for a document"));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(String::from("binary (holds NUL bytes)"));
    }
    let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let mut converted = false;
    if html {
        // Confluence and Google Docs "Web page" exports: to Markdown first,
        // then read like any other file.
        match from_html(&text) {
            Some(md) => (text, converted) = (md, true),
            None => {
                return Err(String::from(
                    "an HTML file that could not be converted to Markdown",
                ));
            }
        }
    }
    if ext.is_none() && !looks_like_markdown(&text) {
        return Err(String::from(
            "not Markdown (no extension, no heading or list)",
        ));
    }
    let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    let hash_hex = format!("{hash:016x}");
    let rel_s = rel.to_string_lossy().replace('\\', "/");
    Ok(Source {
        text,
        converted,
        hash_hex,
        rel_s,
    })
}

/// A file name that is no postmortem.
pub(super) fn skipped_name(name: &str) -> Option<&'static str> {
    let l = name.to_ascii_lowercase();
    let stem = l.split('.').next().unwrap_or(&l);
    if [
        "readme",
        "index",
        "license",
        "contributing",
        "changelog",
        "summary",
        "_sidebar",
    ]
    .contains(&stem)
    {
        return Some("a README or index page, not a postmortem");
    }
    if stem.contains("template") || stem.starts_with('_') {
        return Some("a template, not a postmortem");
    }
    None
}

/// Whether text without a `.md` name is Markdown: front matter, a heading or
/// a list.
pub(super) fn looks_like_markdown(text: &str) -> bool {
    text.starts_with("---\n")
        || text.lines().take(200).any(|l| {
            let t = l.trim_start();
            t.starts_with("# ")
                || t.starts_with("## ")
                || t.starts_with("- ")
                || t.starts_with("* ")
        })
}

/// The team's own id at the start of a file name: `PM2020-002`, `INC-1234`,
/// `SEV-12`, `IR_2021_04` (letters, then digits, hyphens allowed).
pub fn own_id(stem: &str) -> Option<String> {
    let first = stem.split([' ', '_']).next()?.trim_end_matches(['-', ':']);
    let letters = first.chars().take_while(char::is_ascii_uppercase).count();
    let rest = &first[letters..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ok = (2..=6).contains(&letters)
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| first.to_string())
}

pub(super) fn is_uuid(stem: &str) -> bool {
    let s: Vec<&str> = stem.split('-').collect();
    s.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&s).all(|(n, p)| p.len() == *n)
        && stem.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The first `YYYY-MM-DD` that is a real date in `text`.
pub(super) fn first_date(text: &str) -> Option<chrono::NaiveDate> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = text.get(i..i + 10)?;
        let shape = s.bytes().enumerate().all(|(j, c)| match j {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
        if !shape || (i > 0 && b[i - 1].is_ascii_digit()) {
            return None;
        }
        crate::doc::parse_date(s)
    })
}

pub(super) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

pub(super) fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}

/// The YAML front matter of a text as a map (empty when it has none).
pub(super) fn front_matter_map(text: &str) -> (Map<String, Value>, &str) {
    match crate::doc::split_front_matter(text) {
        crate::doc::Split::Found { yaml, body, .. } => {
            let m = serde_saphyr::from_str::<Value>(yaml)
                .ok()
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default();
            (m, body)
        }
        _ => (Map::new(), text),
    }
}

/// An HTML page as Markdown: its `<title>` as the first heading when the
/// body has none, scripts and styles left out.
pub(super) fn from_html(html: &str) -> Option<String> {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec![
            "script", "style", "head", "nav", "footer", "iframe", "noscript",
        ])
        .build();
    let md = converter.convert(html).ok()?;
    let lower = html.to_ascii_lowercase();
    let title = lower.find("<title>").and_then(|i| {
        let start = i + "<title>".len();
        let end = lower[start..].find("</title>")? + start;
        let t = html.get(start..end)?.trim();
        (!t.is_empty()).then(|| t.to_string())
    });
    let has_heading = md.lines().any(|l| l.starts_with("# "));
    Some(match title {
        Some(t) if !has_heading => format!("# {t}\n\n{md}\n"),
        _ => format!("{md}\n"),
    })
}

/// A YAML scalar: a JSON string is valid YAML.
pub(super) fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub(super) fn yaml_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| yaml(s)).collect::<Vec<_>>().join(", ")
    )
}
