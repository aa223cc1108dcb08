//! The text an import writes — a new front matter of lore's fields with the
//! foreign ones kept, then the body byte for byte — and what is done to the
//! planned texts once every file is planned: links between imported files
//! pointed at their new paths, the body's hash recorded. Pure.

use super::infer::{Fields, first};
use super::plan::{From, Inferred, Item, Outcome};
use super::source::{yaml, yaml_list};
use crate::doc::Status;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The new document: lore's fields, the foreign ones kept, the body.
#[allow(clippy::too_many_arguments)]
pub(super) fn document(
    title: &str,
    date: &Option<From<chrono::NaiveDate>>,
    status: Status,
    inf: &Inferred,
    fields: &Fields,
    stamp_fields: &[(&str, String)],
    (rel_s, hash_hex): (&str, &str),
    mut kept: Map<String, Value>,
    body: &str,
) -> String {
    let first = |f: &str| first(fields, f);
    let mut out = format!("---\ntitle: {}\n", yaml(title));
    if let Some(d) = &date {
        out.push_str(&format!("date: {}\n", d.value));
    }
    out.push_str(&format!("status: {}\n", status.as_str()));
    if let Some(s) = &inf.severity {
        out.push_str(&format!("severity: {}\n", yaml(&s.value)));
    }
    for (key, list) in [
        ("services", &inf.services),
        ("factors", &inf.factors),
        ("tags", &inf.tags),
        ("aliases", &inf.aliases),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("{key}: {}\n", yaml_list(list)));
        }
    }
    if let Some(a) = fields.get("authors").filter(|a| !a.is_empty()) {
        out.push_str(&format!("authors: {}\n", yaml_list(a)));
    }
    for (name, t) in stamp_fields {
        out.push_str(&format!("{name}: {t}\n"));
    }
    if let Some(i) = first("impact") {
        out.push_str(&format!("impact: {}\n", yaml(&i)));
    }
    let source = first("source").unwrap_or_else(|| rel_s.to_string());
    out.push_str(&format!("source: {}\n", yaml(&source)));
    out.push_str(&format!(
        "imported_from: {}\nimport_hash: {}\n",
        yaml(rel_s),
        yaml(hash_hex)
    ));
    for k in ["imported_from", "import_hash", "import_body"] {
        kept.remove(k);
    }
    if !kept.is_empty() {
        let extra = serde_saphyr::to_string(&Value::Object(kept)).unwrap_or_default();
        out.push_str(&extra);
        if !extra.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("---\n");
    if !body.starts_with('\n') {
        out.push('\n');
    }
    out.push_str(body);
    out
}

/// A hash of a document's body as written, so a later `--update` can tell
/// whether anyone edited it in the KB since.
pub(super) fn body_hash(text: &str) -> String {
    let body = crate::doc::body_of(text).replace("\r\n", "\n");
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(body.as_bytes()))
}

/// Records each new text's body hash in its front matter (after the links
/// are rewritten, so it is the body as written).
pub(super) fn record_body_hashes(items: &mut [Item]) {
    for item in items.iter_mut() {
        if !matches!(item.outcome, Outcome::Import | Outcome::Update) {
            continue;
        }
        let h = body_hash(&item.text);
        if let Some(at) = item.text.find("\nimport_hash: ") {
            let end = item.text[at + 1..]
                .find('\n')
                .map_or(item.text.len(), |i| at + 1 + i + 1);
            item.text
                .insert_str(end, &format!("import_body: {}\n", yaml(&h)));
        }
    }
}

/// Points relative links between imported files at their new paths; the rest
/// of each body stays byte for byte.
pub(super) fn rewrite_links(items: &mut [Item]) {
    let moved: HashMap<PathBuf, PathBuf> = items
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Import | Outcome::Update))
        .filter_map(|i| Some((crate::doc::normalize(&i.source), i.target.clone()?)))
        .collect();
    for item in items.iter_mut() {
        let Some(target) = item.target.clone() else {
            continue;
        };
        if !matches!(item.outcome, Outcome::Import | Outcome::Update) {
            continue;
        }
        let from_dir = item.source.parent().unwrap_or(Path::new("")).to_path_buf();
        let to_dir = target.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        let parser = pulldown_cmark::Parser::new_ext(&item.text, crate::doc::markdown_options());
        for (ev, range) in parser.into_offset_iter() {
            let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = ev
            else {
                continue;
            };
            let url = dest_url.to_string();
            if url.contains("://") || url.starts_with('#') || url.starts_with('/') {
                continue;
            }
            let (path, frag) = url
                .split_once('#')
                .map_or((url.as_str(), None), |(p, f)| (p, Some(f)));
            let resolved = crate::doc::normalize(&from_dir.join(path));
            let Some(new) = moved.get(&resolved) else {
                continue;
            };
            let rel = relative(&to_dir, new);
            let new_url = match frag {
                Some(f) => format!("{rel}#{f}"),
                None => rel,
            };
            if let Some(at) = item.text[range.clone()].rfind(&url) {
                let start = range.start + at;
                edits.push((start..start + url.len(), new_url));
            }
        }
        for (r, new) in edits.into_iter().rev() {
            item.text.replace_range(r, &new);
        }
    }
}

/// `to` relative to the folder `from` (both relative to one root).
fn relative(from: &Path, to: &Path) -> String {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
