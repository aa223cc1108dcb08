//! `lore import SOURCE_DIR [--dry-run]`: bring Markdown postmortems from
//! elsewhere; prints what each file became.

use crate::import;
use crate::kb::Kb;
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder of Markdown files to import
    pub source: PathBuf,
    /// Show what would be imported without writing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    let items = import::plan(&kb, &args.source)?;
    let mut t = super::output::Table::new(vec!["SOURCE", "TARGET", "NOTE"]);
    for i in &items {
        t.row(vec![
            i.source.display().to_string(),
            i.target
                .as_ref()
                .map_or_else(|| "-".to_string(), |p| p.display().to_string()),
            i.note.clone(),
        ]);
    }
    if t.is_empty() {
        super::output::note(format_args!(
            "no Markdown files in {}",
            args.source.display()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    t.print()?;
    let n = items.iter().filter(|i| i.target.is_some()).count();
    if args.dry_run {
        writeln!(std::io::stdout(), "dry run: {n} file(s) would be imported")?;
        return Ok(ExitCode::SUCCESS);
    }
    let written = import::apply(root, &items)?;
    writeln!(
        std::io::stdout(),
        "imported {} file(s); run `lore lint` to see what needs attention",
        written.len()
    )?;
    if !written.is_empty() {
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
    }
    Ok(ExitCode::SUCCESS)
}
