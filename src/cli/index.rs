//! `lore index [--rebuild]`: bring the search index up to date.

use crate::index::UpdateStats;
use anyhow::Result;
use std::io::IsTerminal;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Throw the index away and build it again
    #[arg(long)]
    pub rebuild: bool,
}

/// Prints an update's notice (rebuilt, or read-only) as one stderr line.
pub fn print_notice(stats: &UpdateStats) {
    if let Some(n) = &stats.notice {
        super::output::note(format_args!("{n}"));
    }
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let start = std::time::Instant::now();
    let progress = std::io::stderr().is_terminal() && super::output::is_tty();
    let stats = if args.rebuild {
        crate::index::rebuild(root, progress)?
    } else {
        crate::index::update(root, progress)?
    };
    print_notice(&stats);
    let secs = start.elapsed().as_secs_f64();
    let docs = |n: usize| format!("{n} document{}", if n == 1 { "" } else { "s" });
    if stats.rebuilt {
        writeln!(
            std::io::stdout(),
            "indexed {} in {secs:.2} s",
            docs(stats.files)
        )?;
    } else if stats.changed() {
        writeln!(
            std::io::stdout(),
            "index updated in {secs:.2} s: {} added, {} updated, {} removed ({} in all)",
            stats.added,
            stats.updated,
            stats.removed,
            docs(stats.files)
        )?;
    } else {
        writeln!(
            std::io::stdout(),
            "index is up to date ({})",
            docs(stats.files)
        )?;
    }
    super::output::warn_unreadable_count(stats.unreadable);
    Ok(ExitCode::SUCCESS)
}
