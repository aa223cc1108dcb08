//! `lore import SOURCE_DIR [--dry-run] [--status S] [--map FROM=TO]…
//! [--update] [--apply-suggestions] [--format text|json]`: a team's existing
//! postmortems, with what was inferred for each, what was skipped and why,
//! and totals per field; one commit for the whole import.

use super::UsageError;
use crate::doc::Status;
use crate::import::{self, Options, Outcome, Report};
use crate::kb::Kb;
use crate::term::Safe;
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder of postmortems to import (Markdown, with or without front matter)
    pub source: PathBuf,
    /// Show the report without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Status for imported postmortems that name none (default: published,
    /// as they were where they came from)
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Map a foreign front-matter field to one of lore's, e.g. --map company=services
    #[arg(long = "map", value_name = "FROM=TO")]
    pub maps: Vec<String>,
    /// Re-import sources that changed since they were imported
    #[arg(long)]
    pub update: bool,
    /// Add the suggested contributing factors to each document
    #[arg(long)]
    pub apply_suggestions: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
}

fn options(args: &Args) -> Result<Options, UsageError> {
    let status = match &args.status {
        Some(s) => Status::parse(s)
            .ok_or_else(|| UsageError(format!("--status `{s}`: use draft, review or published")))?,
        None => Status::Published,
    };
    let mut maps = Vec::new();
    for m in &args.maps {
        let (from, to) = m.split_once('=').ok_or_else(|| {
            UsageError(format!("--map `{m}`: write FROM=TO, e.g. company=services"))
        })?;
        maps.push((from.trim().to_string(), to.trim().to_string()));
    }
    Ok(Options {
        status,
        maps,
        update: args.update,
        apply_suggestions: args.apply_suggestions,
    })
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let opts = options(&args)?;
    let kb = Kb::load(root)?;
    let report = import::plan(&kb, &args.source, &opts)?;
    match args.format {
        ReportFormat::Json => super::output::json(&report)?,
        ReportFormat::Text => print_report(&report)?,
    }
    if args.dry_run {
        if args.format == ReportFormat::Text {
            let n = report.totals.imported + report.totals.updated;
            writeln!(std::io::stdout(), "dry run: {n} file(s) would be imported")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let written = import::apply(root, &report)?;
    if written.is_empty() {
        if args.format == ReportFormat::Text {
            writeln!(std::io::stdout(), "nothing new to import")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let message = format!(
        "import: add {} document{} from {}",
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        args.source.display()
    );
    if let crate::store::git::CommitOutcome::NotVersioned =
        crate::store::git::commit_paths(root, &written, &message)?
    {
        super::note_not_versioned();
    }
    if args.format == ReportFormat::Text {
        writeln!(
            std::io::stdout(),
            "imported {} file(s) in one commit; `lore lint` shows what needs attention",
            written.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &Report) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for i in &r.items {
        let src = i.source.to_string_lossy();
        match i.outcome {
            Outcome::Skip | Outcome::Unchanged | Outcome::Changed => {
                let what = match i.outcome {
                    Outcome::Skip => "skipped",
                    Outcome::Unchanged => "unchanged",
                    _ => "changed",
                };
                writeln!(
                    out,
                    "{what:<9} {}: {}",
                    Safe(&src),
                    Safe(i.reason.as_deref().unwrap_or(""))
                )?;
            }
            Outcome::Import | Outcome::Update => {
                let target = i
                    .target
                    .as_ref()
                    .map(|t| t.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let verb = if i.outcome == Outcome::Update {
                    "update"
                } else {
                    "import"
                };
                writeln!(out, "{verb:<9} {} -> {}", Safe(&src), Safe(&target))?;
                let f = &i.inferred;
                let mut parts = Vec::new();
                if let Some(t) = &f.title {
                    parts.push(format!("title from {}", t.from));
                }
                if let Some(d) = &f.date {
                    parts.push(format!("date {} from {}", d.value, d.from));
                }
                if let Some(s) = &f.severity {
                    parts.push(format!("severity {}", s.value));
                }
                for (name, list) in [
                    ("services", &f.services),
                    ("factors", &f.factors),
                    ("aliases", &f.aliases),
                ] {
                    if !list.is_empty() {
                        parts.push(format!("{name} {}", list.join(", ")));
                    }
                }
                for s in &f.stamps {
                    parts.push(format!("{} from {}", s.value, s.from));
                }
                if !f.durations.is_empty() {
                    parts.push(format!("stated {}", f.durations.join(", ")));
                }
                parts.push(format!(
                    "{} timeline entries, {} action items",
                    f.timeline_entries, f.action_items
                ));
                writeln!(out, "          {}", Safe(&parts.join("; ")))?;
                for w in &i.warnings {
                    writeln!(out, "          warning: {}", Safe(w))?;
                }
                if !i.suggestions.is_empty() {
                    let s: Vec<String> = i
                        .suggestions
                        .iter()
                        .map(|s| format!("{} ({})", s.factor, s.words.join(", ")))
                        .collect();
                    writeln!(out, "          suggested factors: {}", Safe(&s.join("; ")))?;
                }
            }
        }
    }
    let t = &r.totals;
    writeln!(
        out,
        "\n{} files: {} to import, {} to update, {} unchanged, {} changed (use --update), {} skipped",
        t.files, t.imported, t.updated, t.unchanged, t.changed, t.skipped
    )?;
    let n = t.imported + t.updated;
    if n > 0 {
        let fields: Vec<String> = t
            .fields
            .iter()
            .map(|(k, v)| format!("{k} {v}/{n}"))
            .collect();
        writeln!(out, "found: {}", fields.join(", "))?;
        writeln!(
            out,
            "       {} timeline entries, {} action items in all",
            t.timeline_entries, t.action_items
        )?;
    }
    out.flush()
}
