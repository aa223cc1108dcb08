//! `lore completions SHELL`: shell completion scripts.

use anyhow::Result;
use clap::CommandFactory;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut cmd = super::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "lore", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
