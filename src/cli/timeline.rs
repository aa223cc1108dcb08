//! The responder's writes for scripts and chat bots, through the same library
//! calls as the TUI (`lifecycle`, `change`): `lore timeline`, `lore stamp`,
//! `lore action add|done|reopen`, `lore status`, and `lore review`.

use crate::doc::{Kind, Level, Status};
use crate::kb::Kb;
use crate::lifecycle::{self, Which};
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    /// The postmortem (id, file stem or alias)
    pub id: String,
    /// What happened; a leading HH:MM is its time ("07:30 Config merged")
    pub text: String,
    /// When: HH:MM (today, in the KB's zone), YYYY-MM-DD HH:MM or RFC 3339 (default: now)
    #[arg(long)]
    pub at: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct StampArgs {
    /// The postmortem (id, file stem or alias)
    pub id: String,
    /// Which stamp to set
    #[arg(value_enum)]
    pub which: Which,
    /// When (default: now), as for `lore timeline --at`
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
    /// Mark an item done: REF is ID#N (N from 1) or a fragment of its text
    Done { reference: String },
    /// Mark a done item open again
    Reopen { reference: String },
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// The document (id, file stem or alias)
    pub id: String,
    /// draft, review or published
    pub status: String,
    /// Publish although lint reports errors for the document
    #[arg(long)]
    pub force: bool,
}

/// The postmortem `id` names, for a write.
fn postmortem<'a>(kb: &'a Kb, id: &str) -> Result<&'a crate::doc::Doc> {
    let doc = kb.find(id)?;
    if doc.kind != Kind::Postmortem {
        bail!(
            "{}: timeline entries, stamps and action items belong to postmortems",
            doc.path.display()
        );
    }
    Ok(doc)
}

fn at(
    kb: &Kb,
    s: Option<&str>,
) -> Result<chrono::DateTime<chrono::FixedOffset>, super::UsageError> {
    let now = lifecycle::now(&kb.config);
    match s {
        None => Ok(now),
        Some(s) => lifecycle::read_at(s, &kb.config, now)
            .map_err(|why| super::UsageError(format!("--at {why}"))),
    }
}

pub fn run_timeline(root: &Path, args: TimelineArgs) -> Result<ExitCode> {
    if args.text.trim().is_empty() {
        return Err(super::UsageError("the timeline entry is empty".into()).into());
    }
    let kb = Kb::load(root)?;
    let doc = postmortem(&kb, &args.id)?;
    let when = at(&kb, args.at.as_deref())?;
    report(&lifecycle::add_timeline(
        root, &kb.config, &doc.path, &args.text, when,
    )?)
}

pub fn run_stamp(root: &Path, args: StampArgs) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    let doc = postmortem(&kb, &args.id)?;
    let when = at(&kb, args.at.as_deref())?;
    report(&lifecycle::stamp(
        root, &kb.config, &doc.path, args.which, when,
    )?)
}

pub fn run_action(root: &Path, args: ActionArgs) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    match args.action {
        ActionCommand::Add { id, text } => {
            if text.trim().is_empty() {
                return Err(super::UsageError("the action item is empty".into()).into());
            }
            let doc = postmortem(&kb, &id)?;
            report(&crate::change::add_action(
                root,
                &kb.config,
                &doc.path,
                Kind::Postmortem,
                &text,
            )?)
        }
        ActionCommand::Done { reference } => toggle(root, &kb, &reference, true),
        ActionCommand::Reopen { reference } => toggle(root, &kb, &reference, false),
    }
}

fn toggle(root: &Path, kb: &Kb, reference: &str, done: bool) -> Result<ExitCode> {
    let (doc, i) = lifecycle::find_action(kb, reference)?;
    report(&lifecycle::set_action(
        root,
        &kb.config,
        &doc.path,
        &doc.action_items[i],
        done,
    )?)
}

pub fn run_status(root: &Path, args: StatusArgs) -> Result<ExitCode> {
    let status = Status::parse(&args.status).ok_or_else(|| {
        super::UsageError(format!("`{}`: use draft, review or published", args.status))
    })?;
    let kb = Kb::load(root)?;
    let doc = kb.find(&args.id)?;
    report(&lifecycle::set_status(
        root, &kb, &doc.path, status, args.force,
    )?)
}

/// `lore review`: what awaits review, oldest first, with reviewers and lint.
pub fn run_review(root: &Path) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    let today = crate::clock::today();
    let mut waiting: Vec<&crate::doc::Doc> = kb
        .docs
        .iter()
        .filter(|d| d.status() == Status::Review)
        .collect();
    waiting.sort_by_key(|d| d.sort_date());
    let mut t = super::output::Table::new(vec!["DATE", "AGE", "ID", "REVIEWERS", "LINT", "TITLE"]);
    for d in &waiting {
        let age = d
            .sort_date()
            .map_or("-".into(), |x| format!("{}d", (today - x).num_days()));
        let reviewers = match d.meta.extra.get("reviewers") {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => "-".into(),
        };
        let findings = crate::lint::lint_doc(&kb, d, today);
        let errors = findings.iter().filter(|f| f.level == Level::Error).count();
        let lint = match (errors, findings.len() - errors) {
            (0, 0) => "clean".to_string(),
            (0, w) => format!("{w} warning(s)"),
            (e, w) => format!("{e} error(s), {w} warning(s)"),
        };
        t.row(vec![
            d.sort_date().map_or("-".into(), |x| x.to_string()),
            age,
            d.id.clone(),
            reviewers,
            lint,
            d.title.clone(),
        ]);
    }
    if t.is_empty() {
        super::output::note(format_args!("nothing awaits review"));
    } else {
        t.print()?;
    }
    Ok(ExitCode::SUCCESS)
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
