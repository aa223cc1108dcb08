//! The command line: clap definitions and dispatch. Each subcommand lives in its
//! own small file and calls library functions; nothing here names tantivy, tera
//! or gix types.

mod actions;
mod completions;
mod drill;
mod export;
mod factors;
mod history;
mod import;
mod index;
mod init;
mod lint;
mod list;
mod new;
pub mod output;
mod search;
mod serve;
mod show;
mod slo;
mod stats;
mod sync;
mod timeline;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "lore",
    version,
    about = "Blameless postmortems and runbooks as Markdown in git: search, terminal UI, learning site",
    long_about = None,
    after_help = "Run `lore` without a command to open the terminal UI."
)]
pub struct Cli {
    /// The knowledge base folder (default: LORE_KB, then the nearest lore.toml upwards)
    #[arg(long, global = true, value_name = "DIR", env = "LORE_KB")]
    pub kb: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a knowledge base: lore.toml, folders, .gitignore, git repository
    Init(init::Args),
    /// Draft a new postmortem or runbook from the template
    New(new::Args),
    /// List documents, newest first
    List(list::Args),
    /// Print one document
    Show(show::Args),
    /// Search with the query language (words, "phrases", field:value, after:, ttd:>30m…)
    Search(search::Args),
    /// Check documents as a reviewer would; exits 1 on errors
    Lint(lint::Args),
    /// Update the search index (only changed files)
    Index(index::Args),
    /// Write the static learning site
    Export(export::Args),
    /// Live preview of the site on 127.0.0.1, rebuilt as documents change
    Serve(serve::Args),
    /// Key figures: incidents, durations, factors, action follow-through
    Stats(stats::Args),
    /// Error budgets: what incidents cost each SLO of lore.toml, per window
    Slo(slo::Args),
    /// Practise on a past incident, step by step (`--plan`: what to drill next)
    Drill(drill::Args),
    /// Action items across all postmortems
    Actions(actions::Args),
    /// The git history of one document
    History(history::Args),
    /// The contributing-factor taxonomy with counts; `rename OLD NEW` across the KB
    Factors(factors::Args),
    /// Import Markdown postmortems from another folder
    Import(import::Args),
    /// Fetch, fast-forward and push the knowledge base's git repository
    Sync(sync::Args),
    /// Print shell completions
    Completions(completions::Args),
    /// Add a timeline entry to a postmortem (stamped now, or --at TIME)
    Timeline(timeline::TimelineArgs),
    /// Action items: `add ID TEXT`, `done REF`, `reopen REF` (REF: ID#N or a text fragment)
    Action(timeline::ActionArgs),
    /// Stamp started, detected, mitigated or resolved (now, or --at TIME)
    Stamp(timeline::StampArgs),
    /// Move a document to draft, review or published (publishing is gated by lint)
    Status(timeline::StatusArgs),
    /// What awaits review: age, reviewers, lint state
    Review,
}

/// Table or JSON, for commands that list things.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// What `main` should do after the command line has been handled.
pub enum Outcome {
    Exit(ExitCode),
    /// No subcommand: open the terminal UI on this KB root.
    OpenTui(PathBuf),
}

/// Parses arguments and runs the command. Usage errors exit 2 via clap.
pub fn run() -> Result<Outcome> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if e.use_stderr() {
                // Usage errors quote the arguments: through the sanitizer,
                // like every other text that reaches the terminal.
                use std::io::Write;
                let text = e.render().to_string();
                let _ = write!(std::io::stderr(), "{}", crate::term::clean(&text));
            } else {
                let _ = e.print();
            }
            return Ok(Outcome::Exit(ExitCode::from(code)));
        }
    };
    let kb = cli.kb.as_deref();
    let code = match cli.command {
        None => return Ok(Outcome::OpenTui(kb_root(kb)?)),
        Some(Command::Init(a)) => init::run(a)?,
        Some(Command::New(a)) => new::run(&writer_root(kb)?, a)?,
        Some(Command::List(a)) => list::run(&kb_root(kb)?, a)?,
        Some(Command::Show(a)) => show::run(&kb_root(kb)?, a)?,
        Some(Command::Search(a)) => search::run(&kb_root(kb)?, a)?,
        Some(Command::Lint(a)) => lint::run(&kb_root(kb)?, a)?,
        Some(Command::Index(a)) => index::run(&writer_root(kb)?, a)?,
        Some(Command::Export(a)) => export::run(&writer_root(kb)?, a)?,
        Some(Command::Serve(a)) => serve::run(&kb_root(kb)?, a)?,
        Some(Command::Stats(a)) => stats::run(&kb_root(kb)?, a)?,
        Some(Command::Slo(a)) => slo::run(&kb_root(kb)?, a)?,
        Some(Command::Drill(a)) => drill::run(&writer_root(kb)?, a)?,
        Some(Command::Actions(a)) => actions::run(&kb_root(kb)?, a)?,
        Some(Command::History(a)) => history::run(&kb_root(kb)?, a)?,
        Some(Command::Factors(a)) => factors::run(&writer_root(kb)?, a)?,
        Some(Command::Import(a)) => import::run(&writer_root(kb)?, a)?,
        Some(Command::Sync(a)) => sync::run(&writer_root(kb)?, a)?,
        Some(Command::Completions(a)) => completions::run(a)?,
        Some(Command::Timeline(a)) => timeline::run_timeline(&writer_root(kb)?, a)?,
        Some(Command::Action(a)) => timeline::run_action(&writer_root(kb)?, a)?,
        Some(Command::Stamp(a)) => timeline::run_stamp(&writer_root(kb)?, a)?,
        Some(Command::Status(a)) => timeline::run_status(&writer_root(kb)?, a)?,
        Some(Command::Review) => timeline::run_review(&kb_root(kb)?)?,
    };
    Ok(Outcome::Exit(code))
}

/// The KB root from `--kb`/`LORE_KB` or the current directory upwards. A
/// change that a killed lore left half done is finished first (one `stat`
/// when there is none), so every command sees a whole KB.
pub fn kb_root(explicit: Option<&Path>) -> Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    let root = crate::config::discover(explicit, &cwd)?;
    match crate::store::journal::recover(&root) {
        Ok(Some(note)) => output::note(format_args!("{note}")),
        Ok(None) => {}
        Err(e) => output::note(format_args!("warning: {e}")),
    }
    Ok(root)
}

/// `kb_root` for commands that write (and the TUI): also sweeps the
/// temporary files killed writes left, which would show in `git status`.
/// Kept out of read commands, where listing every folder costs more than
/// the search itself.
pub fn writer_root(explicit: Option<&Path>) -> Result<PathBuf> {
    let root = kb_root(explicit)?;
    if let Ok(cfg) = crate::config::Config::load(&root) {
        crate::store::sweep_temp_files(&root, &cfg);
    }
    Ok(root)
}

/// Says once per run, on stderr, that the KB's changes are not versioned.
pub fn note_not_versioned() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        output::note(format_args!("note: this knowledge base is not in a git repository, so changes are not versioned (run `git init` to keep history)"));
    });
}

/// A usage error: printed as `lore: error: …`, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
