//! `lore timeline ID TEXT [--at TIME]` and `lore action add ID TEXT`: the
//! responder's writes for scripts and chat bots, through the same library
//! path as the TUI's `t` and `a` (lock, re-read, change, commit, index).

use crate::doc::Kind;
use crate::kb::Kb;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// The postmortem (id, file stem or alias)
    pub id: String,
    /// What happened, e.g. "Rolled back checkout"
    pub text: String,
    /// When: HH:MM (today, in the KB's zone) or an RFC 3339 stamp (default: now)
    #[arg(long)]
    pub at: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ActionArgs {
    #[command(subcommand)]
    pub action: ActionCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum ActionCommand {
    /// Add an open action item: TEXT may hold @owner, due:YYYY-MM-DD and #type
    Add { id: String, text: String },
}

/// The postmortem `id` names, for a write.
fn target(root: &Path, id: &str) -> Result<(Kb, std::path::PathBuf)> {
    let kb = Kb::load(root)?;
    let doc = kb.find(id)?;
    if doc.kind != Kind::Postmortem {
        bail!(
            "{}: timeline entries and action items belong to postmortems",
            doc.path.display()
        );
    }
    let rel = doc.path.clone();
    Ok((kb, rel))
}

/// `--at` as a time in the KB's zone.
fn at_time(
    at: Option<&str>,
    tz: chrono_tz::Tz,
) -> Result<chrono::DateTime<chrono_tz::Tz>, super::UsageError> {
    let now = chrono::Utc::now().with_timezone(&tz);
    let Some(s) = at else {
        return Ok(now);
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&tz));
    }
    if let Ok(hm) = chrono::NaiveTime::parse_from_str(s, "%H:%M")
        && let Some(t) = now
            .date_naive()
            .and_time(hm)
            .and_local_timezone(tz)
            .earliest()
    {
        return Ok(t);
    }
    Err(super::UsageError(format!(
        "--at `{s}` is not a time; write HH:MM or an RFC 3339 stamp like 2026-04-21T14:02:00Z"
    )))
}

pub fn run_timeline(root: &Path, args: TimelineArgs) -> Result<ExitCode> {
    if args.text.trim().is_empty() {
        return Err(super::UsageError("the timeline entry is empty".into()).into());
    }
    let (kb, rel) = target(root, &args.id)?;
    let at = at_time(args.at.as_deref(), kb.config.tz)?;
    let changed =
        crate::change::add_timeline(root, &kb.config, &rel, Kind::Postmortem, &args.text, at)?;
    report(&changed)
}

pub fn run_action(root: &Path, args: ActionArgs) -> Result<ExitCode> {
    let ActionCommand::Add { id, text } = args.action;
    if text.trim().is_empty() {
        return Err(super::UsageError("the action item is empty".into()).into());
    }
    let (kb, rel) = target(root, &id)?;
    let changed = crate::change::add_action(root, &kb.config, &rel, Kind::Postmortem, &text)?;
    report(&changed)
}

fn report(changed: &crate::change::Changed) -> Result<ExitCode> {
    if changed.commit == Some(crate::store::git::CommitOutcome::NotVersioned) {
        super::note_not_versioned();
    }
    writeln!(
        std::io::stdout(),
        "{}",
        crate::term::clean_line(&changed.note())
    )?;
    Ok(ExitCode::SUCCESS)
}
