//! `lore sync`: fetch, fast-forward, push.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_root: &Path, _args: Args) -> Result<ExitCode> {
    bail!("sync is not available in this build yet")
}
