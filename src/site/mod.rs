//! The static learning site (SPEC 9): `export` renders every page from the KB
//! with the embedded templates (or the KB's overrides), writes charts as
//! inline SVG, a search index for the browser and an Atom feed, then puts the
//! whole folder in place at once.

pub mod chart;
mod drills;
mod feed;
mod made;
pub mod markdown;
mod model;
mod output;
mod overview;
mod pages;
pub mod paths;
mod search_index;
mod search_terms;
pub mod serve;
mod slos;
mod templates;
mod views;

pub use output::{MARKER, WriteReport};

use crate::error::Result;
use crate::kb::Kb;
use crate::stats;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One file of the site: a `/`-separated path inside the output folder.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Progress of the document pages, for a bar on a terminal.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn inc(&self);
}

/// No progress display.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: u64) {}
    fn inc(&self) {}
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub out: PathBuf,
    /// Absolute address of the site, for the feed (may be empty).
    pub base_url: String,
    pub drafts: bool,
    /// Decides what is overdue and stale.
    pub today: NaiveDate,
}

/// What an export did.
#[derive(Debug, Clone)]
pub struct ExportReport {
    pub documents: usize,
    pub files: usize,
    pub write: WriteReport,
    /// Bytes of the search index (all shards).
    pub search_bytes: u64,
    /// What could not be shown, for the user to know.
    pub warnings: Vec<String>,
}

/// The built-in static assets (the repository's `site/` folder).
const ASSETS: &[(&str, &[u8])] = &[
    ("assets/style.css", include_bytes!("../../site/style.css")),
    ("assets/search.js", include_bytes!("../../site/search.js")),
    ("assets/actions.js", include_bytes!("../../site/actions.js")),
    ("assets/copy.js", include_bytes!("../../site/copy.js")),
    (
        "assets/favicon.svg",
        include_bytes!("../../site/favicon.svg"),
    ),
];

/// Writes the site for `kb` into `opts.out`.
pub fn export(kb: &Kb, opts: &ExportOptions, progress: &dyn Progress) -> Result<ExportReport> {
    let mut phase = Phases::new();
    let tpl = templates::Templates::load(&kb.root)?;
    phase.done("  templates");
    let site = model::Site::new(kb, opts.drafts);
    phase.done("  site model");
    let mut sopts = stats::Options::new(opts.today);
    sopts.include_drafts = opts.drafts;
    let stats = stats::compute(kb, &sopts);
    phase.done("  stats");
    // The site's SLO page covers a year of windows.
    let slo = crate::slo::report(
        kb,
        &crate::slo::Options {
            today: opts.today,
            since: opts.today - chrono::Duration::days(364),
            include_drafts: opts.drafts,
        },
    );
    phase.done("  SLO report");
    let writer = output::SiteWriter::create(&opts.out)?;
    phase.done("  staging folder and last manifest");
    // The search index first: its working set is freed before the similar
    // incidents are computed, which keeps the peak memory down.
    let (index, filters) = search_index::build(&site);
    let search_bytes = index.iter().map(|p| p.bytes.len() as u64).sum();
    index.par_iter().try_for_each(|p| writer.write(p))?;
    drop(index);
    phase.done("search index");
    // Similar incidents are ranked page by page from one shared index, so
    // no list for all 10,000 documents is ever held.
    let similar = crate::similar::Similarity::cached(kb);
    phase.done("similarity index");
    let mut warnings = Vec::new();
    let edits = match crate::store::git::activity(&kb.root) {
        Ok(map) => map
            .into_iter()
            .map(|(path, a)| {
                let edit = |by: String, at: chrono::DateTime<chrono::FixedOffset>| views::Edit {
                    by,
                    on: at.date_naive().to_string(),
                };
                let created = (a.created != a.changed || a.created_by != a.changed_by)
                    .then(|| edit(a.created_by.clone(), a.created));
                (path, (created, Some(edit(a.changed_by, a.changed))))
            })
            .collect(),
        Err(e) => {
            warnings.push(format!(
                "no \"last edited\" lines: git history could not be read: {e}"
            ));
            HashMap::new()
        }
    };
    let shared = pages::Shared {
        site: &site,
        opts,
        stats: &stats,
        slo: &slo,
        tpl: &tpl,
        similar: &similar,
        edits: &edits,
        postmortems: site
            .docs
            .iter()
            .filter(|d| d.kind == crate::doc::Kind::Postmortem)
            .count(),
    };
    phase.done("git activity");
    progress.start(site.docs.len() as u64);
    pages::documents(&shared, &writer, progress)?;
    similar.save();
    phase.done("document pages");
    pages::terms(&shared, &writer)?;
    phase.done("term pages");
    pages::lists(&shared, &writer)?;
    // One after another, each page's values dropped before the next are
    // made: together they would be most of the export's peak memory.
    shared.emit(&writer, pages::browse(&shared)?)?;
    let actions = pages::action_views(&shared);
    pages::actions(&shared, &writer, &actions)?;
    shared.emit(&writer, overview::overview(&shared, &actions)?)?;
    drop(actions);
    shared.emit(&writer, pages::trends(&shared)?)?;
    shared.emit(&writer, slos::page(&shared)?)?;
    shared.emit(&writer, drills::page(&shared)?)?;
    shared.emit(&writer, pages::search(&shared, &filters)?)?;
    let mut files = assets(&kb.root)?;
    files.push(Page {
        path: "feed.xml".into(),
        bytes: feed::render(&site, &tpl, &opts.base_url)?.into_bytes(),
    });
    files.par_iter().try_for_each(|p| writer.write(p))?;
    phase.done("lists, overview, trends, feed, assets");
    let write = writer.finish()?;
    phase.done("swap into place");
    Ok(ExportReport {
        documents: site.docs.len(),
        files: write.written + write.unchanged,
        write,
        search_bytes,
        warnings,
    })
}

/// Wall time of each export phase on stderr when `LORE_PHASES` is set, for
/// profiling (`bench/export.sh` prints them).
pub struct Phases {
    on: bool,
    last: std::time::Instant,
}

#[allow(clippy::new_without_default)]
impl Phases {
    pub fn new() -> Phases {
        Phases {
            on: std::env::var_os("LORE_PHASES").is_some(),
            last: std::time::Instant::now(),
        }
    }

    pub fn done(&mut self, what: &str) {
        if self.on {
            let ms = self.last.elapsed().as_secs_f64() * 1000.0;
            // Resident memory now and at its peak so far (Linux).
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let kb = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
                    .map_or(String::new(), |v| format!(", {key} {} MB", v / 1024))
            };
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "phase {what}: {ms:.0} ms{}{}",
                kb("VmRSS:"),
                kb("VmHWM:")
            );
            self.last = std::time::Instant::now();
        }
    }
}

/// Built-in assets, replaced or extended by the KB's own `site/` files.
fn assets(root: &Path) -> Result<Vec<Page>> {
    let own = crate::store::static_files(root)?;
    let mut out: Vec<Page> = ASSETS
        .iter()
        .filter(|(path, _)| {
            let name = path.trim_start_matches("assets/");
            !own.iter().any(|(p, _)| p == name)
        })
        .map(|(path, bytes)| Page {
            path: path.to_string(),
            bytes: bytes.to_vec(),
        })
        .collect();
    for (rel, bytes) in own {
        let path = format!("assets/{rel}");
        if paths::is_contained(&path) {
            out.push(Page { path, bytes });
        }
    }
    Ok(out)
}
