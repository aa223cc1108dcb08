//! `lore init [DIR]`: writes the KB skeleton.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the knowledge base in (default: the current folder)
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?,
    };
    let report =
        crate::init::init(&dir).with_context(|| format!("cannot initialise {}", dir.display()))?;
    use std::io::Write;
    write!(std::io::stdout(), "{report}")?;
    Ok(ExitCode::SUCCESS)
}
