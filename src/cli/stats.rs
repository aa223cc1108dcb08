//! `lore stats`: key figures of the KB as text or JSON.

use crate::kb::Kb;
use crate::record::Filter;
use crate::stats::{self, Distribution, Options, Stats, human_duration};
use anyhow::Result;
use std::fmt::Write as _;
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
    /// Count draft postmortems too (left out by default, as on the site)
    #[arg(long)]
    pub drafts: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: StatsFormat,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let since = match args.since.as_deref() {
        Some(s) => Some(Filter::bound(s, false).map_err(|e| super::UsageError(e.to_string()))?),
        None => None,
    };
    let kb = Kb::load(root)?;
    super::output::warn_unreadable(&kb);
    let mut opts = Options::new(crate::clock::today());
    opts.since = since;
    opts.include_drafts = args.drafts;
    let s = stats::compute(&kb, &opts);
    match args.format {
        StatsFormat::Json => super::output::json(&s)?,
        StatsFormat::Text => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(crate::term::clean(&text(&s)).as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn dur(v: Option<i64>) -> String {
    v.map_or_else(|| "-".into(), human_duration)
}

fn dist_line(name: &str, d: &Distribution) -> String {
    format!(
        "  {name:<17} median {:<8} p90 {:<8} ({} with timestamps, {} without)\n",
        dur(d.median),
        dur(d.p90),
        d.count,
        d.missing
    )
}

/// The report as plain text, one block per figure.
pub fn text(s: &Stats) -> String {
    let mut o = String::new();
    let sum = &s.summary;
    let _ = writeln!(o, "Last {} days (to {})", sum.window_days, s.today);
    if sum.drafts_left_out > 0 {
        let _ = writeln!(
            o,
            "  drafts left out   {} (as on the site; --drafts counts them)",
            sum.drafts_left_out
        );
    }
    let sev: Vec<String> = sum
        .by_severity
        .iter()
        .map(|c| format!("{} {}", c.label, c.count))
        .collect();
    let _ = writeln!(
        o,
        "  incidents         {} ({}){}",
        sum.incidents,
        if sev.is_empty() {
            "none".into()
        } else {
            sev.join(", ")
        },
        format_args!(
            ", {} in the {} days before",
            sum.previous_incidents, sum.window_days
        )
    );
    let _ = writeln!(o, "  near misses       {}", sum.near_misses);
    let _ = writeln!(
        o,
        "  median TTD / TTR  {} / {} (of {} / {} incidents with the stamps)",
        dur(sum.ttd_median),
        dur(sum.ttr_median),
        sum.ttd_from,
        sum.ttr_from
    );
    let _ = writeln!(
        o,
        "  open actions      {} ({} overdue)",
        sum.open_actions, sum.overdue_actions
    );
    let _ = writeln!(o, "  stale runbooks    {}", sum.stale_runbooks);

    let _ = writeln!(o, "\nDurations over {} postmortems", sum.postmortems);
    o.push_str(&dist_line("time to detect", &s.ttd));
    o.push_str(&dist_line("time to mitigate", &s.ttm));
    o.push_str(&dist_line("time to resolve", &s.ttr));
    for b in &s.by_severity {
        o.push_str(&dist_line(&format!("  TTR {}", b.severity), &b.ttr));
    }

    let _ = writeln!(
        o,
        "\nIncidents per month ({}; near misses apart)",
        s.severities.join(" ")
    );
    for m in &s.per_month {
        let counts: Vec<String> = m.counts.iter().map(|c| format!("{c:>3}")).collect();
        let _ = writeln!(
            o,
            "  {}  {:>3} |{}  near misses {}",
            m.month,
            m.incidents,
            counts.join(""),
            m.near_misses
        );
    }

    let _ = writeln!(o, "\nContributing factors");
    for r in s.factor_quarters.rows.iter().take(10) {
        let _ = writeln!(o, "  {:>4}  {} ({})", r.total, r.name, r.id);
    }
    if let Some(p) = s.co_occurrence.first() {
        let _ = writeln!(o, "  most often together: {} + {} ({}×)", p.a, p.b, p.count);
    }

    let a = &s.actions;
    let _ = writeln!(o, "\nAction items");
    let _ = writeln!(
        o,
        "  {} total, {} done, {} open, {} overdue, {} without owner",
        a.total, a.done, a.open, a.overdue, a.without_owner
    );
    if let Some(share) = a.share_done_past_target {
        let _ = writeln!(
            o,
            "  {:.0}% done of the {} items older than the {}-day follow-up target",
            share * 100.0,
            a.past_target,
            a.follow_up_days
        );
    }

    let _ = writeln!(o, "\nMost affected services");
    for sv in s.services.iter().take(10) {
        let _ = writeln!(
            o,
            "  {:>4}  {}{}",
            sv.incidents,
            sv.service,
            sv.worst_severity
                .as_deref()
                .map(|w| format!(" (worst {w})"))
                .unwrap_or_default()
        );
    }
    let stale: Vec<&str> = s
        .runbooks
        .iter()
        .filter(|r| r.stale)
        .map(|r| r.id.as_str())
        .collect();
    let _ = writeln!(
        o,
        "\nRunbooks: {} total, {} due for review",
        s.runbooks.len(),
        stale.len()
    );
    for id in stale.iter().take(10) {
        let _ = writeln!(o, "  {id}");
    }
    o
}
