//! New documents from templates: the built-in `templates/` embedded in the
//! binary, overridden file by file by the KB's own `templates/`.

use crate::config::Config;
use crate::doc::{Kind, slugify};
use crate::error::{Error, Result};
use crate::store;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub const POSTMORTEM_TEMPLATE: &str = include_str!("../templates/postmortem.md");
pub const RUNBOOK_TEMPLATE: &str = include_str!("../templates/runbook.md");

/// What the user said about a new document.
#[derive(Debug, Clone)]
pub struct NewDoc {
    pub kind: Kind,
    pub title: String,
    pub date: NaiveDate,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub factors: Vec<String>,
    pub authors: Vec<String>,
    /// When the incident started, for a live one (`lore new … --started now`).
    pub started: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl NewDoc {
    /// Checks the values against the KB's taxonomy and severities, with a
    /// did-you-mean for near misses.
    pub fn validate(&self, cfg: &Config) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(Error::Invalid("the title must not be empty".into()));
        }
        if self.title.contains('\n') {
            return Err(Error::Invalid("the title must be a single line".into()));
        }
        if let Some(sev) = &self.severity {
            cfg.check_severity(sev).map_err(Error::Invalid)?;
        }
        for f in &self.factors {
            cfg.check_factor(f).map_err(Error::Invalid)?;
        }
        Ok(())
    }
}

/// The template text for a kind: the KB's override or the built-in one.
pub fn template(root: &Path, kind: Kind) -> Result<(String, String)> {
    let name = format!("{}.md", kind.as_str());
    let path = Path::new("templates").join(&name);
    let builtin = match kind {
        Kind::Postmortem => POSTMORTEM_TEMPLATE,
        Kind::Runbook => RUNBOOK_TEMPLATE,
    };
    Ok((
        name,
        store::read_kb_optional(root, &path)?.unwrap_or_else(|| builtin.to_string()),
    ))
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| yaml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A YAML scalar: bare when safe, otherwise a JSON-style double-quoted string
/// (valid YAML).
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        && !s.starts_with([' ', '-'])
        && !s.ends_with(' ');
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// Renders a new document from its template.
pub fn render(template_name: &str, template: &str, new: &NewDoc, cfg: &Config) -> Result<String> {
    let mut ctx = tera::Context::new();
    ctx.insert("title", &new.title);
    ctx.insert(
        "title_yaml",
        &serde_json::to_string(&new.title).unwrap_or_default(),
    );
    ctx.insert("date", &new.date.to_string());
    ctx.insert("severity", new.severity.as_deref().unwrap_or(""));
    ctx.insert("services", &new.services);
    ctx.insert("factors", &new.factors);
    ctx.insert("services_yaml", &yaml_list(&new.services));
    ctx.insert("factors_yaml", &yaml_list(&new.factors));
    ctx.insert("authors_yaml", &yaml_list(&new.authors));
    ctx.insert(
        "started",
        &new.started.map(|t| t.to_rfc3339()).unwrap_or_default(),
    );
    ctx.insert("timezone", &cfg.timezone);
    ctx.insert("review_every_days", &cfg.runbooks.review_every_days);
    tera::Tera::one_off(template, &ctx, false).map_err(|e| Error::Template {
        name: template_name.to_string(),
        message: error_chain(&e),
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// The document a new one would share its file name with (same title and,
/// for a postmortem, the same date), so the caller can say so instead of
/// silently writing `…-2.md`.
pub fn same_title(root: &Path, cfg: &Config, new: &NewDoc) -> Option<PathBuf> {
    let (dir, stem) = place(cfg, new);
    store::numbered(&dir, &stem)
        .next()
        .filter(|p| root.join(p).exists())
}

/// The folder and file stem of a new document, relative to the KB root:
/// `postmortems/DATE-slug` or `runbooks/slug` (its file is the first free of
/// `stem.md`, `stem-2.md`…).
fn place(cfg: &Config, new: &NewDoc) -> (PathBuf, String) {
    let slug = match slugify(&new.title) {
        s if s.is_empty() => "untitled".to_string(),
        s => s,
    };
    match new.kind {
        Kind::Postmortem => (
            PathBuf::from(&cfg.paths.postmortems),
            format!("{}-{slug}", new.date),
        ),
        Kind::Runbook => (PathBuf::from(&cfg.paths.runbooks), slug),
    }
}

/// Where a new document would go now: the first free candidate path.
pub fn new_path(root: &Path, cfg: &Config, new: &NewDoc) -> PathBuf {
    let (dir, stem) = place(cfg, new);
    store::numbered(&dir, &stem)
        .find(|rel| !root.join(rel).exists())
        .unwrap_or_default()
}

/// Validates, renders and writes a new document atomically, never over an
/// existing file: when another process takes a name first, the next free one
/// is used. Returns its path relative to the KB root.
pub fn create(root: &Path, cfg: &Config, new: &NewDoc) -> Result<PathBuf> {
    new.validate(cfg)?;
    let (name, tpl) = template(root, new.kind)?;
    let text = render(&name, &tpl, new, cfg)?;
    let (dir, stem) = place(cfg, new);
    store::create_numbered(root, &dir, &stem, text.as_bytes())
}
