//! `lore export`: write the static learning site, with a progress bar on a
//! terminal.

use crate::kb::Kb;
use crate::site::{self, ExportOptions, Progress};
use anyhow::{Context as _, Result};
use std::io::IsTerminal;
use std::io::Write;
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

/// An indicatif bar on stderr, hidden when stderr is not a terminal.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn inc(&self) {
        self.0.inc(1);
    }
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut phase = site::Phases::new();
    let kb = Kb::load_cached(root)?;
    phase.done("load the KB");
    super::output::warn_unreadable(&kb);
    let out = args.out.unwrap_or_else(|| root.join("public"));
    let opts = ExportOptions {
        out: out.clone(),
        base_url: match args.base_url {
            Some(u) => {
                crate::config::check_base_url(&u)
                    .map_err(|why| super::UsageError(format!("--base-url: {why}")))?;
                u
            }
            None => kb.config.base_url.clone(),
        },
        drafts: args.drafts,
        today: crate::clock::today(),
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} rendering {pos}/{len} documents {wide_bar} {eta}",
        ) {
            b.set_style(style);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = Bar(bar);
    let report = site::export(&kb, &opts, &progress)
        .with_context(|| format!("export to {}", out.display()))?;
    progress.0.finish_and_clear();
    for w in &report.warnings {
        super::output::note(format_args!("warning: {w}"));
    }
    let drafts = kb
        .docs
        .iter()
        .filter(|d| d.status() == crate::doc::Status::Draft)
        .count();
    if drafts > 0 && !args.drafts {
        super::output::note(format_args!(
            "left out {drafts} draft{} (`lore export --drafts` includes them; `status: published` in a document publishes it)",
            if drafts == 1 { "" } else { "s" }
        ));
    }
    writeln!(
        std::io::stdout(),
        "exported {} documents to {} in {:.2}s ({} files: {} written, {} unchanged; {} of {} pages rendered, the others kept; search index {} KB)",
        report.documents,
        out.display(),
        started.elapsed().as_secs_f64(),
        report.files,
        report.write.written,
        report.write.unchanged,
        report.write.rendered,
        report.write.rendered + report.write.kept,
        report.search_bytes / 1024
    )?;
    Ok(ExitCode::SUCCESS)
}
