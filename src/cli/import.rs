//! `lore import SOURCE_DIR`: bring Markdown postmortems from elsewhere.

use anyhow::{Result, bail};
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

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("import is not available in this build yet")
}
