//! `lore new postmortem|runbook --title T …`: draft from the template, open the
//! editor, print the new path.

use super::UsageError;
use crate::doc::{Kind, parse_date};
use crate::draft::{self, NewDoc};
use crate::store::git::CommitOutcome;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum NewKind {
    Postmortem,
    Runbook,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to create
    pub kind: NewKind,
    /// The title (one line)
    #[arg(long)]
    pub title: String,
    /// Day the incident started, YYYY-MM-DD (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// Severity from lore.toml, e.g. SEV2
    #[arg(long)]
    pub severity: Option<String>,
    /// An affected service (repeatable)
    #[arg(long = "service", value_name = "S")]
    pub services: Vec<String>,
    /// A contributing factor id from the taxonomy (repeatable)
    #[arg(long = "factor", value_name = "F")]
    pub factors: Vec<String>,
    /// Do not open $VISUAL / $EDITOR
    #[arg(long)]
    pub no_edit: bool,
    /// Declare a live incident: `now`, HH:MM, YYYY-MM-DD HH:MM or RFC 3339
    #[arg(long, value_name = "TIME")]
    pub started: Option<String>,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let cfg = crate::config::Config::load(root)?;
    let now = crate::lifecycle::now(&cfg);
    let started = match args.started.as_deref() {
        None => None,
        Some("now") => Some(now),
        Some(s) => Some(
            crate::lifecycle::read_at(s, &cfg, now)
                .map_err(|why| UsageError(format!("--started {why} (or write now)")))?,
        ),
    };
    let date = match &args.date {
        Some(d) => parse_date(d)
            .ok_or_else(|| UsageError(format!("--date `{d}` is not a date; write YYYY-MM-DD")))?,
        None => started.map_or_else(crate::clock::today, |t| {
            t.with_timezone(&cfg.tz).date_naive()
        }),
    };
    let kind = match args.kind {
        NewKind::Postmortem => Kind::Postmortem,
        NewKind::Runbook => Kind::Runbook,
    };
    let new = NewDoc {
        kind,
        title: args.title.trim().to_string(),
        date,
        // As lore.toml spells it (`sev2` → `SEV2`); unknown ones fail below.
        severity: args.severity.map(|s| cfg.check_severity(&s).unwrap_or(s)),
        services: args.services,
        factors: args.factors,
        authors: crate::store::git::user_name(root).into_iter().collect(),
        started,
    };
    if let Some(existing) = draft::same_title(root, &cfg, &new) {
        super::output::note(format_args!(
            "warning: {} already has this title and date; writing a second document beside it (edit that one with `lore show {}` / `e` in the TUI if you meant to)",
            existing.display(),
            existing
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        ));
    }
    let rel = draft::create(root, &cfg, &new)?;
    if !args.no_edit {
        crate::editor::edit(&root.join(&rel))
            .context("the editor did not finish cleanly; the draft is kept")?;
    }
    writeln!(std::io::stdout(), "{}", rel.display())?;
    let id = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let message = format!("{}: add {id}", kind.as_str());
    match crate::change::commit_doc(root, &rel, &message)? {
        CommitOutcome::NotVersioned => super::note_not_versioned(),
        CommitOutcome::Committed { .. } | CommitOutcome::Unchanged => {}
    }
    Ok(ExitCode::SUCCESS)
}
