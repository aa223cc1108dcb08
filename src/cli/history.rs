//! `lore history ID [--patch]`: commits that touched a document, following
//! renames, newest first; with `--patch` each commit's diff of it.

use crate::kb::Kb;
use crate::term::Safe;
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Document id (or its path relative to the KB)
    pub id: String,
    /// Show the diff of each commit
    #[arg(long)]
    pub patch: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: super::Format,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    let doc = kb.find(&args.id)?;
    if !crate::store::git::is_versioned(root) {
        super::note_not_versioned();
    }
    let commits = crate::store::git::history(root, &doc.path)?;
    if args.format == super::Format::Json {
        super::output::json(&commits)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    if commits.is_empty() {
        writeln!(out, "{}: no commits yet", Safe(&doc.path.to_string_lossy()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let activity = crate::store::git::activity(root)?;
    if let Some(a) = activity.get(&doc.path) {
        writeln!(
            out,
            "{}: created by {} on {}, last edited by {} on {}\n",
            Safe(&doc.path.to_string_lossy()),
            Safe(&a.created_by),
            a.created.format("%Y-%m-%d"),
            Safe(&a.changed_by),
            a.changed.format("%Y-%m-%d")
        )?;
    }
    for c in &commits {
        let renamed = if c.path != doc.path {
            format!("  ({})", Safe(&c.path.to_string_lossy()))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}  {}  {}  {}{renamed}",
            c.short,
            c.time.format("%Y-%m-%d %H:%M %z"),
            Safe(&c.author),
            Safe(&c.subject)
        )?;
        if args.patch {
            let diff = crate::store::git::diff(root, &c.path, &c.id)?;
            writeln!(out)?;
            out.write_all(crate::term::clean(&diff).as_bytes())?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
