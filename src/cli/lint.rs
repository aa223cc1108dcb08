//! `lore lint [--strict]`: findings as text (`file:line: level[code]: …`) or
//! JSON; exit 1 on errors, and on warnings with `--strict`.

use crate::doc::Level;
use crate::kb::Kb;
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LintFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Fail on warnings too
    #[arg(long)]
    pub strict: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: LintFormat,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let kb = Kb::load(root)?;
    let today = crate::clock::today();
    let findings = crate::lint::lint(&kb, today);
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    match args.format {
        LintFormat::Json => super::output::json(&findings)?,
        LintFormat::Text => {
            let color = super::output::color();
            let mut out = std::io::stdout().lock();
            for f in &findings {
                let loc = match f.line {
                    Some(l) => format!("{}:{l}", f.path.display()),
                    None => f.path.display().to_string(),
                };
                let loc = crate::term::clean_line(&loc).into_owned();
                let message = crate::term::clean_line(&f.message);
                let level = match (f.level, color) {
                    (Level::Error, true) => "\x1b[1;31merror\x1b[0m",
                    (Level::Warning, true) => "\x1b[1;33mwarning\x1b[0m",
                    (Level::Error, false) => "error",
                    (Level::Warning, false) => "warning",
                };
                writeln!(out, "{loc}: {level}[{}]: {message}", f.code)?;
            }
            let docs = kb.docs.len() + kb.file_errors.len();
            writeln!(
                out,
                "{docs} file{} checked: {errors} error{}, {warnings} warning{}",
                if docs == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            )?;
        }
    }
    let fail = errors > 0 || (args.strict && warnings > 0);
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
