//! `lore sync`: fetch, fast-forward, push. Never merges or rewrites history.

use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(root: &Path, _args: Args) -> Result<ExitCode> {
    // Unlike lore's own commits, fetch and push go through the system git.
    super::output::note(format_args!(
        "note: sync runs the system `git` for fetch and push, with your git configuration and hooks (pre-push, credential helpers, core.sshCommand)"
    ));
    let r = crate::store::git::sync(root)?;
    let mut out = std::io::stdout().lock();
    let plural = |n: usize| if n == 1 { "commit" } else { "commits" };
    let at = r.head.as_deref().unwrap_or("no commits");
    match (r.pulled, r.pushed) {
        (0, 0) => writeln!(
            out,
            "{} is up to date with {}/{} ({at})",
            r.branch, r.remote, r.branch
        )?,
        (pulled, 0) => writeln!(
            out,
            "fast-forwarded {} by {pulled} {} from {}/{} (now {at})",
            r.branch,
            plural(pulled),
            r.remote,
            r.branch
        )?,
        (0, pushed) => writeln!(
            out,
            "pushed {pushed} {} to {}/{} ({at})",
            plural(pushed),
            r.remote,
            r.branch
        )?,
        (pulled, pushed) => writeln!(
            out,
            "fast-forwarded by {pulled} {}, then pushed {pushed} {} to {}/{} ({at})",
            plural(pulled),
            plural(pushed),
            r.remote,
            r.branch
        )?,
    }
    Ok(ExitCode::SUCCESS)
}
