//! Planning an import without writing anything: which files come in and
//! where, what was inferred for each and from where, what was skipped and
//! why, and the totals per field.

use super::map::{self, Mapping};
use super::source::{self, Source, front_matter_map, push_unique};
use super::{emit, infer};
use crate::doc::{Doc, Kind, ParseContext, Status, slugify};
use crate::error::{Error, Result};
use crate::kb::Kb;
use crate::store;
use serde::Serialize;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The status imported postmortems get when they name none of lore's.
    pub status: Status,
    /// `--map FROM=TO`, on top of `[import]` and the built-in table.
    pub maps: Vec<(String, String)>,
    /// Re-import sources that changed since they were imported.
    pub update: bool,
    /// Add the suggested factors to each document.
    pub apply_suggestions: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            status: Status::Published,
            maps: Vec::new(),
            update: false,
            apply_suggestions: false,
        }
    }
}

/// What happens to one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Import,
    Update,
    /// Imported before and unchanged.
    Unchanged,
    /// Imported before and changed since (re-imported with `--update`).
    Changed,
    Skip,
}

/// A value and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct From<T> {
    pub value: T,
    pub from: String,
}

/// What lore read from one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inferred {
    pub title: Option<From<String>>,
    pub date: Option<From<String>>,
    pub severity: Option<From<String>>,
    pub services: Vec<String>,
    pub factors: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    /// Stamps (started, detected…) known, and from where.
    pub stamps: Vec<From<String>>,
    /// Durations stated in prose or front matter (ttd, ttm, ttr).
    pub durations: Vec<String>,
    pub timeline_entries: usize,
    pub action_items: usize,
}

/// One source file in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Relative to the import folder.
    pub source: PathBuf,
    pub outcome: Outcome,
    /// The KB path it goes to (or went to, when imported before).
    pub target: Option<PathBuf>,
    /// Why it was skipped, or what changed.
    pub reason: Option<String>,
    pub inferred: Inferred,
    pub warnings: Vec<String>,
    pub suggestions: Vec<super::Suggestion>,
    #[serde(skip)]
    pub text: String,
}

/// Per field, how many imported files have it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub files: usize,
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub changed: usize,
    pub skipped: usize,
    pub fields: BTreeMap<&'static str, usize>,
    pub timeline_entries: usize,
    pub action_items: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub items: Vec<Item>,
    pub totals: Totals,
}

/// Plans the import of every file under `source`.
pub fn plan(kb: &Kb, source: &Path, opts: &Options) -> Result<Report> {
    if !source.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a folder",
            source.display()
        )));
    }
    let mapping = Mapping::new(&kb.config, &opts.maps);
    for (from, to) in kb
        .config
        .import
        .iter()
        .chain(opts.maps.iter().map(|(a, b)| (a, b)))
    {
        if !map::TARGETS.contains(&to.as_str()) {
            return Err(Error::Invalid(format!(
                "cannot map `{from}` to `{to}`: lore's fields are {}",
                map::TARGETS.join(", ")
            )));
        }
    }
    let imported: HashMap<String, (&Doc, String)> = kb
        .docs
        .iter()
        .filter_map(|d| {
            let from = d.meta.extra.get("imported_from")?.as_str()?.to_string();
            let hash = d
                .meta
                .extra
                .get("import_hash")
                .and_then(|h| h.as_str())
                .unwrap_or("")
                .to_string();
            Some((from, (d, hash)))
        })
        .collect();
    let mut taken: HashSet<PathBuf> = kb.docs.iter().map(|d| d.path.clone()).collect();
    // Texts seen, by hash: earlier files of this import and documents
    // imported before (so a copy of one is never imported on a second run).
    let mut seen_hashes: HashMap<String, PathBuf> = imported
        .values()
        .map(|(d, h)| (h.clone(), d.path.clone()))
        .collect();
    let mut items = Vec::new();
    let walker = walkdir::WalkDir::new(source)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker.filter_map(|e| e.ok()) {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(source)
            .unwrap_or(entry.path())
            .to_path_buf();
        let item = plan_one(
            kb,
            &mapping,
            opts,
            entry.path(),
            rel,
            &imported,
            &mut taken,
            &mut seen_hashes,
        );
        items.push(item);
    }
    emit::rewrite_links(&mut items);
    emit::record_body_hashes(&mut items);
    let totals = totals(&items);
    Ok(Report { items, totals })
}

fn skip(source: PathBuf, reason: impl Into<String>) -> Item {
    Item {
        source,
        outcome: Outcome::Skip,
        target: None,
        reason: Some(reason.into()),
        inferred: Inferred::default(),
        warnings: Vec::new(),
        suggestions: Vec::new(),
        text: String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_one(
    kb: &Kb,
    mapping: &Mapping,
    opts: &Options,
    abs: &Path,
    rel: PathBuf,
    imported: &HashMap<String, (&Doc, String)>,
    taken: &mut HashSet<PathBuf>,
    seen_hashes: &mut HashMap<String, PathBuf>,
) -> Item {
    let Source {
        text,
        converted,
        hash_hex,
        rel_s,
    } = match source::read(abs, &rel) {
        Ok(s) => s,
        Err(why) => return skip(rel, why),
    };
    if let Some((doc, old_hash)) = imported.get(&rel_s) {
        let mut item = skip(rel.clone(), "");
        item.target = Some(doc.path.clone());
        if *old_hash == hash_hex {
            item.outcome = Outcome::Unchanged;
            item.reason = Some(format!("already imported as {}", doc.path.display()));
            return item;
        }
        if !opts.update {
            item.outcome = Outcome::Changed;
            item.reason = Some(format!(
                "changed since it was imported as {}; `--update` re-imports it",
                doc.path.display()
            ));
            return item;
        }
        // `--update` replaces the document: only when nobody edited it in
        // the KB since the import, so no one's words are lost.
        let now = store::read_text(&kb.root, &doc.path)
            .map(|t| emit::body_hash(&t))
            .unwrap_or_default();
        let then = doc.meta.extra.get("import_body").and_then(|v| v.as_str());
        if then != Some(now.as_str()) {
            item.outcome = Outcome::Changed;
            item.reason = Some(format!(
                "changed at the source, and {} was edited in the knowledge base since the import; not updated, so those edits stay (merge the source into it by hand)",
                doc.path.display()
            ));
            return item;
        }
    }
    if let Some(first) = seen_hashes.get(&hash_hex) {
        return skip(rel, format!("the same text as {}", first.display()));
    }
    seen_hashes.insert(hash_hex.clone(), rel.clone());

    let (fm, body) = front_matter_map(&text);
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ctx = ParseContext {
        timezone: kb.config.tz,
        default_kind: Kind::Postmortem,
    };
    let doc = Doc::parse(&text, Path::new(&rel_s), &ctx);
    let cfg = &kb.config;
    let mut inf = Inferred::default();
    let mut warnings = Vec::new();
    if converted {
        warnings.push("converted from HTML; check tables and images".into());
    }
    let (fields, mut kept) = infer::map_fields(mapping, &fm);
    let first = |f: &str| infer::first(&fields, f);
    let title = infer::title(&fields, &doc, &stem, &mut warnings);
    let date = infer::date(&fm, &fields, &doc, body, &stem, &mut kept, &mut warnings);
    let stamp_fields = infer::facts(cfg, &fields, body, &doc, &stem, &mut inf, &mut warnings);

    // Suggested factors from the prose.
    let suggestions = super::suggest(cfg, &doc)
        .into_iter()
        .filter(|s| !inf.factors.contains(&s.factor))
        .collect::<Vec<_>>();
    if opts.apply_suggestions {
        for s in &suggestions {
            push_unique(&mut inf.factors, s.factor.clone());
        }
    }

    // Where it goes.
    let slug = match slugify(&title.value) {
        s if s.is_empty() => "imported".to_string(),
        s => s,
    };
    let stem_out = match &date {
        Some(d) if !slug.starts_with(&d.value.to_string()) => format!("{}-{slug}", d.value),
        _ => slug,
    };
    let existing = imported.get(&rel_s).map(|(d, _)| d.path.clone());
    let target = match &existing {
        Some(p) => p.clone(),
        None => {
            let dir = Path::new(&cfg.paths.postmortems);
            let mut n = 1;
            loop {
                let name = if n == 1 {
                    format!("{stem_out}.md")
                } else {
                    format!("{stem_out}-{n}.md")
                };
                let t = dir.join(name);
                if !taken.contains(&t) && !kb.root.join(&t).exists() {
                    break t;
                }
                n += 1;
            }
        }
    };
    taken.insert(target.clone());

    // The new front matter: lore's fields, then everything else as it was.
    let status = match first("status") {
        Some(s) => Status::parse(&s).unwrap_or_else(|| {
            warnings.push(format!(
                "status `{s}` is none of draft, review, published; {} used",
                opts.status.as_str()
            ));
            opts.status
        }),
        None => opts.status,
    };
    let out = emit::document(
        &title.value,
        &date,
        status,
        &inf,
        &fields,
        &stamp_fields,
        (&rel_s, &hash_hex),
        kept,
        body,
    );

    inf.title = Some(title);
    inf.date = date.map(|d| From {
        value: d.value.to_string(),
        from: d.from,
    });
    Item {
        source: rel,
        outcome: if existing.is_some() {
            Outcome::Update
        } else {
            Outcome::Import
        },
        target: Some(target),
        reason: None,
        inferred: inf,
        warnings,
        suggestions,
        text: out,
    }
}

fn totals(items: &[Item]) -> Totals {
    let mut t = Totals {
        files: items.len(),
        ..Totals::default()
    };
    for i in items {
        match i.outcome {
            Outcome::Import => t.imported += 1,
            Outcome::Update => t.updated += 1,
            Outcome::Unchanged => t.unchanged += 1,
            Outcome::Changed => t.changed += 1,
            Outcome::Skip => t.skipped += 1,
        }
        if !matches!(i.outcome, Outcome::Import | Outcome::Update) {
            continue;
        }
        let f = &i.inferred;
        let mut count = |k: &'static str, has: bool| {
            if has {
                *t.fields.entry(k).or_default() += 1;
            }
        };
        count(
            "title",
            f.title.as_ref().is_some_and(|x| x.from != "file name"),
        );
        count("date", f.date.is_some());
        count("severity", f.severity.is_some());
        count("services", !f.services.is_empty());
        count("factors", !f.factors.is_empty());
        count("aliases", !f.aliases.is_empty());
        count("started", f.stamps.iter().any(|s| s.value == "started"));
        count("detected", f.stamps.iter().any(|s| s.value == "detected"));
        count("resolved", f.stamps.iter().any(|s| s.value == "resolved"));
        count("stated durations", !f.durations.is_empty());
        count("timeline", f.timeline_entries > 0);
        count("action items", f.action_items > 0);
        t.timeline_entries += f.timeline_entries;
        t.action_items += f.action_items;
    }
    t
}
