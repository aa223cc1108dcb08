//! `lore search QUERY`: ranked results with snippets.

use super::Format;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The query: words, "phrases", field:value filters, after:/before:, ttd:/ttr:
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("search is not available in this build yet")
}
