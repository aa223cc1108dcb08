//! `lore index [--rebuild]`: bring the search index up to date.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Throw the index away and build it again
    #[arg(long)]
    pub rebuild: bool,
}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("the search index is not available in this build yet")
}
