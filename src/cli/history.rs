//! `lore history ID [--patch]`: commits that touched a document.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Document id
    pub id: String,
    /// Show the diff of each commit
    #[arg(long)]
    pub patch: bool,
}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("history is not available in this build yet")
}
