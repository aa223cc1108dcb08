//! `lore list`: documents newest first, with filters, as a table or JSON.

use super::Format;
use crate::doc::{Kind, Status};
use crate::kb::Kb;
use crate::record::{Filter, Record};
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// postmortem or runbook
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// draft, review or published
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    #[arg(long)]
    pub severity: Option<String>,
    #[arg(long)]
    pub service: Option<String>,
    #[arg(long)]
    pub factor: Option<String>,
    /// From this date on (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Up to this date (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Incidents on today's date in earlier years (LORE_TODAY pins today)
    #[arg(long)]
    pub on_this_day: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("`{s}` is not a kind; use postmortem or runbook"))
}

pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| format!("`{s}` is not a status; use draft, review or published"))
}

impl Args {
    fn filter(&self) -> Result<Filter> {
        let bound = |v: &Option<String>, end| -> Result<_> {
            v.as_deref()
                .map(|s| Filter::bound(s, end).map_err(|e| super::UsageError(e.to_string())))
                .transpose()
                .map_err(Into::into)
        };
        Ok(Filter {
            kind: self.kind,
            status: self.status,
            severity: self.severity.clone(),
            service: self.service.clone(),
            factor: self.factor.clone(),
            since: bound(&self.since, false)?,
            until: bound(&self.until, true)?,
        })
    }
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let mut filter = args.filter()?;
    let mut records = all_records(root)?;
    // A typo in a taxonomy value is an error, not "no documents match"; a
    // value some document uses is no typo even when lore.toml lacks it.
    let cfg = crate::config::Config::load(root)?;
    if let Some(s) = &filter.severity
        && !records
            .iter()
            .any(|r| r.severity.as_deref() == Some(s.as_str()))
    {
        filter.severity = Some(cfg.check_severity(s).map_err(anyhow::Error::msg)?);
    }
    if let Some(f) = &filter.factor
        && !records.iter().any(|r| r.factors.contains(f))
    {
        cfg.check_factor(f).map_err(anyhow::Error::msg)?;
    }
    if let Some(svc) = &filter.service {
        unseen_warning(
            "service",
            svc,
            records.iter().flat_map(|r| r.services.iter()),
        );
    }
    records.retain(|r| filter.matches(r));
    if args.on_this_day {
        let today = crate::clock::today();
        records.retain(|r| {
            r.kind == Kind::Postmortem
                && r.date.is_some_and(|d| crate::stats::on_this_day(d, today))
        });
    }
    print_records(&records, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// Every record, from the search index's stored fields (brought up to date
/// first); from the Markdown files when the index cannot be used (for
/// example a read-only KB).
fn all_records(root: &Path) -> Result<Vec<Record>> {
    if let Ok(searcher) = crate::index::Searcher::open(root) {
        super::index::print_notice(searcher.stats());
        if let Ok(records) = searcher.records() {
            super::output::warn_unreadable_count(searcher.stats().unreadable);
            return Ok(records);
        }
    }
    let kb = Kb::load(root)?;
    super::output::warn_unreadable(&kb);
    Ok(kb.docs.iter().map(Record::from_doc).collect())
}

/// Prints records as the `list` table or a JSON array.
pub fn print_records(records: &[Record], format: Format) -> Result<()> {
    match format {
        Format::Json => super::output::json(records)?,
        Format::Table => {
            let mut t = super::output::Table::new(vec!["DATE", "SEV", "STATUS", "ID", "TITLE"]);
            for r in records {
                t.row(vec![
                    r.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                    r.severity.clone().unwrap_or_else(|| "-".into()),
                    r.status.as_str().to_string(),
                    r.id.clone(),
                    r.title.clone(),
                ]);
            }
            if t.is_empty() {
                super::output::note(format_args!("no documents match"));
            } else {
                t.print()?;
            }
        }
    }
    Ok(())
}

/// Warns (with a did-you-mean) when no document names `value` at all, so a
/// typo is not mistaken for "nothing matches".
pub fn unseen_warning<'a>(what: &str, value: &str, seen: impl Iterator<Item = &'a String>) {
    let seen: Vec<&str> = seen.map(String::as_str).collect();
    let wanted = value.trim_start_matches('@');
    if seen
        .iter()
        .any(|s| s.trim_start_matches('@').eq_ignore_ascii_case(wanted))
    {
        return;
    }
    let hint = crate::config::did_you_mean(wanted, seen.iter().map(|s| s.trim_start_matches('@')))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    super::output::note(format_args!(
        "warning: no document names the {what} `{value}`{hint}"
    ));
}
