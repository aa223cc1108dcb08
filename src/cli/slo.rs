//! `lore slo`: error budgets spent by incidents (library: `crate::slo`).

use crate::kb::Kb;
use crate::record::Filter;
use crate::slo::{self, Options, Report, minutes, percent as pct};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Windows ending on or after this date (YYYY, YYYY-MM or YYYY-MM-DD; default: the last 90 days)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Count draft postmortems too (left out by default, as everywhere)
    #[arg(long)]
    pub drafts: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: super::stats::StatsFormat,
}

pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    // A bad date is refused before the KB is read, as `lore stats` does.
    let mut opts = Options::new(crate::clock::today());
    if let Some(s) = args.since.as_deref() {
        opts.since = Filter::bound(s, false).map_err(|e| super::UsageError(e.to_string()))?;
    }
    let kb = Kb::load(root)?;
    super::output::warn_unreadable(&kb);
    opts.include_drafts = args.drafts;
    let r = slo::report(&kb, &opts);
    match args.format {
        super::stats::StatsFormat::Json => super::output::json(&r)?,
        super::stats::StatsFormat::Text => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(crate::term::clean(&text(&r)).as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as a person reads it.
pub fn text(r: &Report) -> String {
    let mut s = String::new();
    if r.slos.is_empty() {
        s.push_str("No SLOs yet: add [[slos]] to lore.toml (id, service, objective, window_days) and name them in postmortems with slo_impact.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "Error budgets spent by incidents, {} to {}",
        r.since, r.to
    );
    if r.drafts_left_out > 0 {
        let _ = writeln!(
            s,
            "  {} draft{} naming an SLO left out (--drafts counts them)",
            r.drafts_left_out,
            if r.drafts_left_out == 1 { "" } else { "s" }
        );
    }
    for o in &r.slos {
        let _ = writeln!(
            s,
            "\n{}  ({}: {} % over {} days, budget {} per window)",
            o.id,
            o.service,
            o.objective,
            o.window_days,
            minutes(o.budget_minutes)
        );
        if !o.description.is_empty() {
            let _ = writeln!(s, "  {}", o.description);
        }
        // The current window always; older ones only when they had incidents.
        let mut quiet = 0;
        for (i, w) in o.windows.iter().enumerate() {
            if i > 0 && w.incidents.is_empty() {
                quiet += 1;
                continue;
            }
            let state = if w.over_budget {
                "OVER BUDGET"
            } else if w.spent_minutes > 0.0 {
                "within budget"
            } else {
                "no incidents"
            };
            let _ = writeln!(
                s,
                "  {} – {}  spent {:<8} {:>6} of budget  {}",
                w.from,
                w.to,
                minutes(w.spent_minutes),
                pct(w.consumed_percent),
                state
            );
            for c in &w.incidents {
                let _ = writeln!(
                    s,
                    "      {:<8} {}  {} ({})",
                    minutes(c.minutes),
                    c.id,
                    c.title,
                    c.how
                );
            }
        }
        if quiet > 0 {
            let _ = writeln!(
                s,
                "  and {quiet} earlier window{} without incidents",
                if quiet == 1 { "" } else { "s" }
            );
        }
        if o.windows_left_out {
            let _ = writeln!(s, "  (older windows left out)");
        }
        if !o.factors.is_empty() {
            let top: Vec<String> = o
                .factors
                .iter()
                .take(3)
                .map(|f| {
                    format!(
                        "{} {} ({})",
                        f.name,
                        minutes(f.minutes),
                        pct(f.share_percent)
                    )
                })
                .collect();
            let _ = writeln!(s, "  costliest factors: {}", top.join(", "));
        }
    }
    for (id, slo) in &r.uncounted {
        let _ = writeln!(
            s,
            "\nnote: {id} names {slo} but says nothing of how long (see `lore lint`)"
        );
    }
    s
}
