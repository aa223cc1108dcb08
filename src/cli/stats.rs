//! `lore stats`: key figures of the KB.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatsFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only incidents from this date on (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: StatsFormat,
}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("stats are not available in this build yet")
}
