//! `lore import`: brings Markdown postmortems from another folder (a wiki
//! export, an old docs repo) into the KB. Files that already have front matter
//! are copied as they are; others get front matter made from their heading and
//! the first date they mention, as drafts for review. Nothing is overwritten.

use crate::doc::{Doc, Kind, ParseContext, slugify};
use crate::error::{Error, Result};
use crate::kb::Kb;
use crate::store;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What import will do (or did) with one source file.
#[derive(Debug, Clone, Serialize)]
pub struct ImportItem {
    pub source: PathBuf,
    /// Destination relative to the KB root; `None` when skipped.
    pub target: Option<PathBuf>,
    pub title: String,
    /// What was done: "copied", "front matter added", or why it was skipped.
    pub note: String,
    #[serde(skip)]
    text: String,
}

/// Plans the import of every `*.md` under `source` without writing anything.
pub fn plan(kb: &Kb, source: &Path) -> Result<Vec<ImportItem>> {
    if !source.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a folder",
            source.display()
        )));
    }
    let mut taken: HashSet<PathBuf> = kb.docs.iter().map(|d| d.path.clone()).collect();
    let known: HashSet<(String, String)> = kb
        .docs
        .iter()
        .map(|d| (d.id.clone(), d.title.clone()))
        .collect();
    let mut items = Vec::new();
    let walker = walkdir::WalkDir::new(source)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker.into_iter().filter_map(|e| e.ok()) {
        let p = entry.path();
        if !entry.file_type().is_file() || p.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel_src = p.strip_prefix(source).unwrap_or(p).to_path_buf();
        items.push(plan_one(kb, p, rel_src, &mut taken, &known));
    }
    Ok(items)
}

fn skip(source: PathBuf, note: String) -> ImportItem {
    ImportItem {
        source,
        target: None,
        title: String::new(),
        note,
        text: String::new(),
    }
}

fn plan_one(
    kb: &Kb,
    abs: &Path,
    rel_src: PathBuf,
    taken: &mut HashSet<PathBuf>,
    known: &HashSet<(String, String)>,
) -> ImportItem {
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => return skip(rel_src, format!("skipped: cannot read: {e}")),
    };
    if bytes.len() as u64 > store::MAX_FILE_BYTES || bytes.iter().take(8192).any(|&b| b == 0) {
        return skip(rel_src, "skipped: binary or too large".into());
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let ctx = ParseContext {
        timezone: kb.config.tz,
        default_kind: Kind::Postmortem,
    };
    let doc = Doc::parse(&text, &rel_src, &ctx);
    let has_front_matter = !doc
        .problems
        .iter()
        .any(|p| matches!(p.code, "no-front-matter" | "front-matter-unterminated"));
    if known.contains(&(doc.id.clone(), doc.title.clone())) {
        return skip(
            rel_src,
            format!("skipped: `{}` is already in the knowledge base", doc.id),
        );
    }
    let (out_text, stem, note) = if has_front_matter {
        let stem = doc.id.clone();
        (text, stem, "copied".to_string())
    } else {
        let date = first_date(&text).or_else(|| first_date(&rel_src.to_string_lossy()));
        let slug = match slugify(&doc.title) {
            s if s.is_empty() => "imported".to_string(),
            s => s,
        };
        let stem = match date {
            Some(d) if !slug.starts_with(&d.to_string()) => format!("{d}-{slug}"),
            _ => slug,
        };
        let mut fm = format!(
            "---\ntitle: {}\n",
            serde_json::to_string(&doc.title).unwrap_or_default()
        );
        if let Some(d) = date {
            fm.push_str(&format!("date: {d}\n"));
        }
        fm.push_str(&format!(
            "status: draft\ntags: [imported]\nimported_from: {}\n---\n\n",
            serde_json::to_string(&rel_src.to_string_lossy()).unwrap_or_default()
        ));
        let note = if date.is_some() {
            "front matter added".to_string()
        } else {
            "front matter added; no date found, set `date:` by hand".to_string()
        };
        (fm + &text, stem, note)
    };
    let dir = match doc.kind {
        Kind::Postmortem => &kb.config.paths.postmortems,
        Kind::Runbook => &kb.config.paths.runbooks,
    };
    let mut n = 1;
    let target = loop {
        let name = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        let t = Path::new(dir).join(name);
        if !taken.contains(&t) && !kb.root.join(&t).exists() {
            break t;
        }
        n += 1;
    };
    taken.insert(target.clone());
    ImportItem {
        source: rel_src,
        target: Some(target),
        title: doc.title,
        note,
        text: out_text,
    }
}

/// The first `YYYY-MM-DD` that is a real date in the text.
fn first_date(text: &str) -> Option<chrono::NaiveDate> {
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

/// Writes the planned files (never over an existing one). Returns the paths
/// written, relative to the KB root.
pub fn apply(root: &Path, items: &[ImportItem]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for item in items {
        if let Some(t) = &item.target {
            store::create_doc(root, t, item.text.as_bytes())?;
            written.push(t.clone());
        }
    }
    Ok(written)
}
