//! `lore show ID`: one document as Markdown or JSON.

use crate::doc::{ActionItem, TimelineEntry};
use crate::kb::Kb;
use crate::record::Record;
use crate::similar::{Similar, similar_to};
use crate::term::Safe;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShowFormat {
    #[default]
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Document id (or its path relative to the KB)
    pub id: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: ShowFormat,
    /// Print the document as it was at this git revision
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

/// `show --format json`: the list record plus the body and structured data.
#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    record: Record,
    impact: Option<&'a str>,
    trigger: Option<&'a str>,
    runbooks: &'a [String],
    related: &'a [String],
    started: Option<String>,
    detected: Option<String>,
    mitigated: Option<String>,
    resolved: Option<String>,
    /// Front matter fields lore does not know, kept as written.
    extra: &'a serde_json::Map<String, serde_json::Value>,
    body: &'a str,
    timeline: &'a [TimelineEntry],
    action_items: &'a [ActionItem],
    backlinks: Vec<&'a str>,
    /// The most similar other postmortems, with the reasons.
    similar: Vec<Similar>,
}

/// How many similar incidents `show` lists.
const SIMILAR: usize = 5;

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    if let Some(rev) = &args.rev {
        // The document may have been renamed or deleted since `rev`.
        let current = kb.find(&args.id).ok().map(|d| d.path.as_path());
        let (_, text) = crate::store::git::doc_at_rev(root, &args.id, current, rev)?;
        std::io::stdout().write_all(for_terminal(&text).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let doc = kb.find(&args.id)?;
    match args.format {
        ShowFormat::Markdown => {
            let text = crate::store::read_text(root, &doc.path)?;
            let mut out = std::io::stdout().lock();
            out.write_all(for_terminal(&text).as_bytes())?;
            out.flush()?;
            // On stderr, so `lore show ID > file.md` keeps the document as is.
            let similar = similar_to(&kb, doc, SIMILAR);
            if !similar.is_empty() {
                let mut lines = vec!["\nSimilar incidents:".to_string()];
                for s in similar {
                    let date = s.date.map_or_else(|| "-".to_string(), |d| d.to_string());
                    lines.push(format!("  {date:<10}  {}  {}", Safe(&s.id), Safe(&s.title)));
                    if !s.reasons.is_empty() {
                        lines.push(format!("              {}", Safe(&s.reasons.join("; "))));
                    }
                }
                super::output::stderr_lines(&lines);
            }
        }
        ShowFormat::Json => {
            let m = &doc.meta;
            let ts = |t: &Option<chrono::DateTime<chrono::FixedOffset>>| t.map(|t| t.to_rfc3339());
            let view = ShowJson {
                record: Record::from_doc(doc),
                impact: m.impact.as_deref(),
                trigger: m.trigger.as_deref(),
                runbooks: &m.runbooks,
                related: &m.related,
                started: ts(&doc.stamps.started),
                detected: ts(&doc.stamps.detected),
                mitigated: ts(&doc.stamps.mitigated),
                resolved: ts(&doc.stamps.resolved),
                extra: &m.extra,
                body: &doc.body,
                timeline: &doc.timeline,
                action_items: &doc.action_items,
                backlinks: kb
                    .backlinks(&doc.id)
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect(),
                similar: similar_to(&kb, doc, SIMILAR),
            };
            super::output::json(&view)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A document as printed: byte-exact into a pipe or file, stripped of escape
/// sequences and bidi controls on a terminal.
fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if super::output::is_tty() {
        crate::term::clean(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
