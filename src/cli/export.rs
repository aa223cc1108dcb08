//! `lore export`: write the static learning site.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder (default: public/ in the KB)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Absolute URL the site will be served from, for the feed
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include drafts
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("export is not available in this build yet")
}
