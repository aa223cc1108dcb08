//! `lore search QUERY`: ranked results with snippets, as a list or JSON.

use super::{Format, UsageError};
use crate::index::{Hit, SearchResults, Searcher};
use crate::record::Record;
use crate::term::Safe;
use anyhow::Result;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The query: words, "phrases", field:value filters, after:/before:, ttd:/ttr:
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
    pub query: Vec<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// One JSON result: the list record plus score and snippet (`**` marks the
/// matched words).
#[derive(Serialize)]
struct HitJson<'a> {
    #[serde(flatten)]
    record: &'a Record,
    score: f32,
    snippet: String,
}

/// Opens the index and searches; a damaged index found only while searching
/// is rebuilt once, with a notice.
fn search(root: &Path, query: &str, limit: usize) -> Result<SearchResults> {
    let searcher = Searcher::open(root)?;
    super::index::print_notice(searcher.stats());
    match searcher.search(query, limit) {
        Ok(r) => Ok(r),
        Err(crate::Error::Index(e)) => {
            super::output::note(format_args!(
                "the search index is damaged ({e}); rebuilding it"
            ));
            crate::index::rebuild(root, false)?;
            Ok(Searcher::open(root)?.search(query, limit)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The query words may start with `-` (exclusions), so clap hands every word
/// after the first to the query, options included; take `--limit` and
/// `--format` back out of it.
fn split_options(mut args: Args) -> Result<Args> {
    let words = std::mem::take(&mut args.query);
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n == "--limit" || n == "--format" => {
                (n.to_string(), Some(v.to_string()))
            }
            _ => (w.clone(), None),
        };
        match name.as_str() {
            "--limit" | "--format" => {
                let value = match inline.or_else(|| it.next()) {
                    Some(v) => v,
                    None => return Err(UsageError(format!("{name} needs a value")).into()),
                };
                if name == "--limit" {
                    args.limit = value
                        .parse()
                        .map_err(|_| UsageError(format!("--limit `{value}` is not a number")))?;
                } else {
                    args.format =
                        <Format as clap::ValueEnum>::from_str(&value, true).map_err(|_| {
                            UsageError(format!("--format `{value}`: use table or json"))
                        })?;
                }
            }
            "--" => {}
            _ => args.query.push(w),
        }
    }
    Ok(args)
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let args = split_options(args)?;
    let query = args.query.join(" ");
    let results = search(root, &query, args.limit)?;
    typo_hints(root, &query);
    if results.ignored > 0 {
        super::output::note(format_args!(
            "the query is long: searched its first {} distinct terms and {} KB, ignored {} more terms",
            crate::index::MAX_ATOMS,
            crate::index::MAX_QUERY_BYTES / 1024,
            results.ignored
        ));
    }
    if results.any_word {
        super::output::note(format_args!(
            "no document has all the words; showing those with any of them, best first"
        ));
    }
    if results.fuzzy {
        super::output::note(format_args!(
            "no exact matches; showing typo-tolerant matches"
        ));
    }
    match args.format {
        Format::Json => {
            let hits: Vec<HitJson> = results
                .hits
                .iter()
                .map(|h| HitJson {
                    record: &h.record,
                    score: h.score,
                    snippet: h.snippet.marked("**", "**"),
                })
                .collect();
            super::output::json(&hits)?;
        }
        Format::Table => print_hits(&results.hits)?,
    }
    if results.hits.is_empty() {
        super::output::note(format_args!("no documents match"));
    } else if results.total > results.hits.len() {
        super::output::note(format_args!(
            "showing {} of {} matches (--limit N for more)",
            results.hits.len(),
            results.total
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Each hit as a line (date, severity, id, title) and its snippet below.
fn print_hits(hits: &[Hit]) -> std::io::Result<()> {
    let color = super::output::color();
    let (b, e) = if color {
        ("\x1b[1m", "\x1b[22m")
    } else {
        ("", "")
    };
    let id_w = hits
        .iter()
        .map(|h| h.record.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for h in hits {
        let r = &h.record;
        let date = r.date.map_or_else(|| "-".to_string(), |d| d.to_string());
        let sev = r.severity.as_deref().unwrap_or("-");
        let head = format!(
            "{date:<10}  {:<4}  {b}{:<id_w$}{e}  {}",
            Safe(sev),
            Safe(&r.id),
            crate::term::clean_line(&r.title)
        );
        writeln!(out, "{}", head.trim_end())?;
        // Marked with private-use stand-ins, cleaned, then given lore's own
        // escapes, so none from the document survive.
        let snippet = crate::term::clean_line(&h.snippet.marked("\u{e000}", "\u{e001}"))
            .replace('\u{e000}', b)
            .replace('\u{e001}', e)
            .replace('\r', " ");
        if !snippet.is_empty() {
            writeln!(out, "    {snippet}")?;
        }
    }
    out.flush()
}

/// A `factor:` or `severity:` filter that names nothing in the taxonomy gets
/// a did-you-mean on stderr (the search itself still runs as written).
fn typo_hints(root: &Path, query: &str) {
    use crate::index::query::{Atom, FilterField};
    let Ok(cfg) = crate::config::Config::load(root) else {
        return;
    };
    let parsed = crate::index::query::parse(query);
    for a in parsed.groups.iter().flatten().chain(parsed.excluded.iter()) {
        let Atom::Field { field, value } = a else {
            continue;
        };
        let problem = match field {
            FilterField::Factor => cfg.check_factor(value).err(),
            FilterField::Severity => cfg.check_severity(value).err(),
            _ => None,
        };
        if let Some(p) = problem {
            super::output::note(format_args!("warning: {p}"));
        }
    }
}
