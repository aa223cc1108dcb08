//! Planning an import without writing anything: which files come in and
//! where, what was inferred for each and from where, what was skipped and
//! why, and the totals per field.

use super::map::{self, Mapping};
use crate::doc::{Doc, Kind, ParseContext, Status, slugify};
use crate::error::{Error, Result};
use crate::kb::Kb;
use crate::store;
use serde::Serialize;
use serde_json::{Map, Value};
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

/// A file name that is no postmortem.
fn skipped_name(name: &str) -> Option<&'static str> {
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
fn looks_like_markdown(text: &str) -> bool {
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

fn is_uuid(stem: &str) -> bool {
    let s: Vec<&str> = stem.split('-').collect();
    s.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&s).all(|(n, p)| p.len() == *n)
        && stem.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The first `YYYY-MM-DD` that is a real date in `text`.
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

fn strings(v: &Value) -> Vec<String> {
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

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}

/// The YAML front matter of a text as a map (empty when it has none).
fn front_matter_map(text: &str) -> (Map<String, Value>, &str) {
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
fn from_html(html: &str) -> Option<String> {
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
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn yaml_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| yaml(s)).collect::<Vec<_>>().join(", ")
    )
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
    rewrite_links(&mut items);
    record_body_hashes(&mut items);
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
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = rel
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if let Some(why) = skipped_name(&name) {
        return skip(rel, why);
    }
    let markdown_ext = matches!(
        ext.as_deref(),
        Some("md" | "markdown" | "mdown" | "mkd" | "txt")
    );
    let html = matches!(ext.as_deref(), Some("html" | "htm"));
    if !markdown_ext && !html && ext.is_some() {
        return skip(rel, format!("not Markdown (.{})", ext.unwrap_or_default()));
    }
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => return skip(rel, format!("cannot read: {e}")),
    };
    if bytes.len() as u64 > store::MAX_FILE_BYTES {
        return skip(rel, "over the 32 MB limit for a document");
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return skip(rel, "binary (holds NUL bytes)");
    }
    let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let mut converted = false;
    if html {
        // Confluence and Google Docs "Web page" exports: to Markdown first,
        // then read like any other file.
        match from_html(&text) {
            Some(md) => (text, converted) = (md, true),
            None => return skip(rel, "an HTML file that could not be converted to Markdown"),
        }
    }
    if ext.is_none() && !looks_like_markdown(&text) {
        return skip(rel, "not Markdown (no extension, no heading or list)");
    }
    let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    let hash_hex = format!("{hash:016x}");
    let rel_s = rel.to_string_lossy().replace('\\', "/");
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
            .map(|t| body_hash(&t))
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
    let mut kept = Map::new();
    if converted {
        warnings.push("converted from HTML; check tables and images".into());
    }
    let mut fields: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (k, v) in &fm {
        match mapping.target(k) {
            Some(t) => {
                let target: &'static str = map::TARGETS
                    .iter()
                    .find(|x| **x == t)
                    .copied()
                    .unwrap_or("tags");
                fields.entry(target).or_default().extend(strings(v));
                // A renamed field is kept too, under its own name, unless it
                // is lore's already.
                if !map::TARGETS.contains(&k.as_str()) {
                    kept.insert(k.clone(), v.clone());
                }
            }
            None => {
                kept.insert(k.clone(), v.clone());
            }
        }
    }
    let first = |f: &str| fields.get(f).and_then(|v| v.first()).cloned();

    // Title.
    let title = if let Some(t) = first("title").filter(|t| !t.trim().is_empty()) {
        From {
            value: t,
            from: "front matter".into(),
        }
    } else if let Some(h) = doc.sections.iter().find(|s| s.level == 1) {
        From {
            value: h.title.clone(),
            from: "first heading".into(),
        }
    } else if let Some(s) =
        first("summary").or_else(|| Some(doc.summary()).filter(|s| !s.is_empty()))
    {
        let sentence = s
            .split_inclusive(['.', '!', '?'])
            .next()
            .unwrap_or(&s)
            .trim()
            .trim_end_matches('.')
            .to_string();
        warnings.push("no title anywhere: took the first sentence of the summary".into());
        From {
            value: crate::width::truncate(&sentence, 100),
            from: "summary".into(),
        }
    } else if let Some(svc) = fields.get("services").filter(|v| !v.is_empty()) {
        warnings.push("no title anywhere: made one from the services".into());
        From {
            value: format!("{} incident", svc.join(" ")),
            from: "services".into(),
        }
    } else {
        warnings.push("title taken from the file name".into());
        From {
            value: stem.clone(),
            from: "file name".into(),
        }
    };
    if is_uuid(&stem) && title.from == "file name" {
        warnings.push("the file name is a UUID; give the document a title".into());
    }

    // Date.
    let name_date = first_date(&stem);
    // lore's own `date`, else the start (a publication date comes later).
    let own_date = fm
        .get("date")
        .map(strings)
        .and_then(|v| v.first().and_then(|d| first_date(d)));
    let date = if let Some(d) = own_date {
        Some(From {
            value: d,
            from: "front matter".into(),
        })
    } else if let Some(d) = first("started").and_then(|d| first_date(&d)) {
        Some(From {
            value: d,
            from: "start time".into(),
        })
    } else if let Some(d) = first("date").and_then(|d| first_date(&d)) {
        Some(From {
            value: d,
            from: "front matter".into(),
        })
    } else if let Some(d) = doc
        .timeline
        .iter()
        .find_map(|e| e.at)
        .map(|t| t.date_naive())
    {
        Some(From {
            value: d,
            from: "timeline".into(),
        })
    } else if let Some(d) = name_date {
        Some(From {
            value: d,
            from: "file name".into(),
        })
    } else {
        first_date(body).map(|d| From {
            value: d,
            from: "text".into(),
        })
    };
    if let Some(bad) = fm
        .get("date")
        .map(strings)
        .and_then(|v| v.first().cloned())
        .filter(|d| first_date(d).is_none())
    {
        warnings.push(format!(
            "`date: {bad}` is not a date; kept as `source_date`"
        ));
        kept.insert("source_date".into(), Value::String(bad));
    }
    match &date {
        None => warnings.push("no date found; set `date:` by hand".into()),
        Some(d) if name_date.is_some_and(|n| n != d.value) => warnings.push(format!(
            "the date {} disagrees with the file name's {}",
            d.value,
            name_date.unwrap_or_default()
        )),
        _ => {}
    }

    // Severity: front matter, else a `Severity:` line in the prose.
    let sev_raw = first("severity").map(|s| (s, "front matter")).or_else(|| {
        crate::doc::prose_lines(body)
            .into_iter()
            .find_map(|(_, l)| {
                let (label, value) = crate::doc::prose::label_value(l)?;
                matches!(
                    label.to_ascii_lowercase().as_str(),
                    "severity" | "sev" | "priority"
                )
                .then(|| (value.to_string(), "text"))
            })
    });
    if let Some((raw, from)) = sev_raw {
        match map::severity(cfg, &raw) {
            Some(s) => {
                inf.severity = Some(From {
                    value: s,
                    from: from.into(),
                })
            }
            None => warnings.push(format!(
                "severity `{raw}` matches no level in lore.toml; left out"
            )),
        }
    }

    // Services, tags, factors: values naming a taxonomy factor become factors.
    for s in fields.get("services").into_iter().flatten() {
        push_unique(&mut inf.services, s.clone());
    }
    for f in fields.get("factors").into_iter().flatten() {
        match map::factor(cfg, f) {
            Some(id) => push_unique(&mut inf.factors, id),
            None => push_unique(&mut inf.tags, slugify(f)),
        }
    }
    let mut tag_words: Vec<String> = fields.get("tags").cloned().unwrap_or_default();
    for (_, l) in crate::doc::prose_lines(body) {
        if let Some((label, value)) = crate::doc::prose::label_value(l)
            && matches!(
                label.to_ascii_lowercase().as_str(),
                "category" | "categories" | "tags" | "keywords"
            )
        {
            tag_words.extend(value.split(',').map(|s| s.trim().to_string()));
        }
    }
    for t in tag_words {
        match map::factor(cfg, &t) {
            Some(id) => push_unique(&mut inf.factors, id),
            None => push_unique(&mut inf.tags, slugify(&t)),
        }
    }

    // The team's own ids.
    for a in fields.get("aliases").into_iter().flatten() {
        push_unique(&mut inf.aliases, a.clone());
    }
    if let Some(id) = own_id(&stem) {
        push_unique(&mut inf.aliases, id);
    }

    // Structure the document model found.
    let st = &doc.stamps;
    let mut stamp_fields: Vec<(&str, String)> = Vec::new();
    for name in ["started", "detected", "mitigated", "resolved"] {
        if let Some(v) = first(name) {
            match crate::doc::parse_timestamp_in(&v, cfg.tz) {
                Some(t) => {
                    stamp_fields.push((name, t.to_rfc3339()));
                    inf.stamps.push(From {
                        value: name.into(),
                        from: "front matter".into(),
                    });
                }
                None => warnings.push(format!("`{name}: {v}` is not a time stamp; left out")),
            }
        } else if let Some((_, line)) = st.inferred.iter().find(|(n, _)| *n == name) {
            inf.stamps.push(From {
                value: name.into(),
                from: format!("timeline line {line}"),
            });
        }
    }
    for (name, v) in [
        ("ttd", doc.stated.ttd),
        ("ttm", doc.stated.ttm),
        ("ttr", doc.stated.ttr),
    ] {
        if v.is_some() {
            inf.durations.push(name.into());
        }
    }
    inf.timeline_entries = doc.timeline.len();
    inf.action_items = doc.action_items.len();

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
    let mut out = format!("---\ntitle: {}\n", yaml(&title.value));
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
    for (name, t) in &stamp_fields {
        out.push_str(&format!("{name}: {t}\n"));
    }
    if let Some(i) = first("impact") {
        out.push_str(&format!("impact: {}\n", yaml(&i)));
    }
    let source = first("source").unwrap_or_else(|| rel_s.clone());
    out.push_str(&format!("source: {}\n", yaml(&source)));
    out.push_str(&format!(
        "imported_from: {}\nimport_hash: {}\n",
        yaml(&rel_s),
        yaml(&hash_hex)
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

/// A hash of a document's body as written, so a later `--update` can tell
/// whether anyone edited it in the KB since.
fn body_hash(text: &str) -> String {
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
