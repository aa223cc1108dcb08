//! Trend figures over the knowledge base, pure functions of `&Kb` and a date:
//! incidents per month by severity, factors by quarter and together, time to
//! detect/resolve distributions, action follow-through, services and runbook
//! review age. Shared by `lore stats`, the TUI's Trends tab and the site.

mod actions;
mod distribution;
mod factors;
mod periods;

pub use distribution::{Bucket, Distribution, human_duration, median, percentile};
pub use periods::{month_key, months_between, quarter_key, quarters_between};

use crate::doc::{Doc, Kind, Status};
use crate::kb::Kb;
use actions::action_figures;
use chrono::NaiveDate;
use factors::{co_occurrence, factor_quarters, unique};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What to count.
#[derive(Debug, Clone)]
pub struct Options {
    /// Decides what is recent, overdue or stale.
    pub today: NaiveDate,
    /// Only postmortems of this day or later (runbooks are always counted).
    pub since: Option<NaiveDate>,
    /// Count draft postmortems too. One rule for every figure lore shows
    /// (`lore stats`, the TUI's Trends, the site): drafts are left out, and
    /// how many is said, unless asked for (`--drafts`).
    pub include_drafts: bool,
    /// The window of the key figures, in days (90 by default).
    pub recent_days: i64,
}

impl Options {
    pub fn new(today: NaiveDate) -> Options {
        Options {
            today,
            since: None,
            include_drafts: false,
            recent_days: 90,
        }
    }
}

/// Every trend figure. Serialises as the JSON of `lore stats --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub today: NaiveDate,
    pub since: Option<NaiveDate>,
    /// Severity labels in chart order: the KB's levels (most severe first), then
    /// other values seen, then `unrated` when some incident has none.
    pub severities: Vec<String>,
    pub summary: Summary,
    /// Every month from the first to the last dated incident, gaps included.
    pub per_month: Vec<MonthCount>,
    pub factor_quarters: FactorQuarters,
    /// Pairs of factors named in the same postmortem, most frequent first.
    pub co_occurrence: Vec<Pair>,
    pub ttd: Distribution,
    pub ttm: Distribution,
    pub ttr: Distribution,
    pub durations_by_quarter: Vec<QuarterDurations>,
    pub by_severity: Vec<SeverityDurations>,
    pub actions: ActionFigures,
    pub services: Vec<ServiceCount>,
    pub runbooks: Vec<RunbookAge>,
}

/// Key figures of the last `window_days` days.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub window_days: i64,
    pub postmortems: usize,
    pub incidents: usize,
    pub near_misses: usize,
    /// Incidents in the window before, for a trend.
    pub previous_incidents: usize,
    pub by_severity: Vec<LabelCount>,
    pub ttd_median: Option<i64>,
    pub ttr_median: Option<i64>,
    /// How many incidents of the window each median is taken from.
    pub ttd_from: usize,
    pub ttr_from: usize,
    /// Draft postmortems the figures leave out (0 when drafts are counted).
    pub drafts_left_out: usize,
    pub open_actions: usize,
    pub overdue_actions: usize,
    pub stale_runbooks: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelCount {
    pub label: String,
    pub count: usize,
}

/// Incidents of one month; `counts` follows `Stats::severities`. Near misses are
/// counted apart and not in `counts`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthCount {
    pub month: String,
    pub counts: Vec<usize>,
    pub incidents: usize,
    pub near_misses: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorQuarters {
    pub quarters: Vec<String>,
    /// Factors that occur at all, most frequent first.
    pub rows: Vec<FactorRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorRow {
    pub id: String,
    pub name: String,
    pub group: String,
    pub counts: Vec<usize>,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub count: usize,
}

/// Median and p90 of time to detect and to resolve in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterDurations {
    pub quarter: String,
    pub ttd_count: usize,
    pub ttd_median: Option<i64>,
    pub ttd_p90: Option<i64>,
    pub ttr_count: usize,
    pub ttr_median: Option<i64>,
    pub ttr_p90: Option<i64>,
}

/// Time to resolve of the incidents of one severity, with every point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeverityDurations {
    pub severity: String,
    pub incidents: usize,
    pub ttr: Distribution,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub id: String,
    pub title: String,
    pub seconds: i64,
}

/// Action items and how well they are followed through. Items carry no closing
/// date, so "within target" reads: of the items whose postmortem is at least
/// `follow_up_days` old, the share that is done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionFigures {
    pub follow_up_days: u32,
    pub total: usize,
    pub done: usize,
    pub open: usize,
    pub overdue: usize,
    pub without_owner: usize,
    /// Items whose postmortem is at least `follow_up_days` old.
    pub past_target: usize,
    pub past_target_done: usize,
    /// `past_target_done / past_target`, when there is any such item.
    pub share_done_past_target: Option<f64>,
    /// Opened and done items by the month of their postmortem.
    pub by_month: Vec<ActionMonth>,
    /// Open items by the age of their postmortem.
    pub open_by_age: Vec<AgeBucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionMonth {
    pub month: String,
    pub opened: usize,
    pub done: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgeBucket {
    pub label: String,
    pub min_days: i64,
    pub max_days: Option<i64>,
    pub count: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceCount {
    pub service: String,
    pub incidents: usize,
    pub near_misses: usize,
    pub worst_severity: Option<String>,
    pub last: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunbookAge {
    pub id: String,
    pub title: String,
    pub last_reviewed: Option<NaiveDate>,
    /// Days since the last review.
    pub age_days: Option<i64>,
    pub review_every_days: u32,
    /// Never reviewed, or the review is past due.
    pub stale: bool,
}

/// The label of incidents without a severity.
pub const UNRATED: &str = "unrated";

/// Whether `date` is today's month and day in an earlier year (Morgue's
/// anniversary view). 29 February counts on 28 February in other years.
pub fn on_this_day(date: NaiveDate, today: NaiveDate) -> bool {
    use chrono::Datelike;
    if date.year() >= today.year() {
        return false;
    }
    let leap_day = date.month() == 2 && date.day() == 29;
    let today_is_leap = chrono::NaiveDate::from_ymd_opt(today.year(), 2, 29).is_some();
    (date.month(), date.day()) == (today.month(), today.day())
        || (leap_day && !today_is_leap && (today.month(), today.day()) == (2, 28))
}

/// The postmortems on this day in earlier years, newest first.
pub fn anniversaries(kb: &Kb, today: NaiveDate) -> Vec<&Doc> {
    kb.docs
        .iter()
        .filter(|d| d.kind == crate::doc::Kind::Postmortem)
        .filter(|d| d.meta.date.is_some_and(|x| on_this_day(x, today)))
        .collect()
}

/// The one counting rule: a postmortem counts unless it is a draft and
/// drafts are left out (stats, the site, the TUI's Trends, error budgets).
pub fn counts(d: &Doc, include_drafts: bool) -> bool {
    d.kind == Kind::Postmortem && (include_drafts || d.status() != Status::Draft)
}

/// The postmortems the figures count, per the options.
pub fn counted<'a>(kb: &'a Kb, opts: &Options) -> Vec<&'a Doc> {
    kb.by_kind(Kind::Postmortem)
        .filter(|d| counts(d, opts.include_drafts))
        .filter(|d| {
            opts.since
                .is_none_or(|s| d.meta.date.is_some_and(|date| date >= s))
        })
        .collect()
}

/// Computes every figure.
pub fn compute(kb: &Kb, opts: &Options) -> Stats {
    let docs = counted(kb, opts);
    let severities = severity_order(kb, &docs);
    let sev_of = |d: &Doc| severity_label(kb, d);
    let months = match date_span(&docs) {
        Some((a, b)) => months_between(a, b),
        None => Vec::new(),
    };
    let quarters = match date_span(&docs) {
        Some((a, b)) => quarters_between(a, b),
        None => Vec::new(),
    };
    let month_ix: HashMap<&str, usize> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let quarter_ix: HashMap<&str, usize> = quarters
        .iter()
        .enumerate()
        .map(|(i, q)| (q.as_str(), i))
        .collect();

    let mut per_month: Vec<MonthCount> = months
        .iter()
        .map(|m| MonthCount {
            month: m.clone(),
            counts: vec![0; severities.len()],
            incidents: 0,
            near_misses: 0,
        })
        .collect();
    for d in &docs {
        let Some(date) = d.meta.date else { continue };
        let Some(row) = month_ix
            .get(month_key(date).as_str())
            .and_then(|&i| per_month.get_mut(i))
        else {
            continue;
        };
        if d.meta.near_miss {
            row.near_misses += 1;
        } else if let Some(s) = severities.iter().position(|s| *s == sev_of(d)) {
            row.incidents += 1;
            if let Some(c) = row.counts.get_mut(s) {
                *c += 1;
            }
        }
    }

    let runbooks = runbook_ages(kb, opts.today);
    let actions = action_figures(kb, &docs, &months, opts);
    let ttd = Distribution::of(
        docs.iter().filter_map(|d| d.ttd()),
        docs.iter().filter(|d| d.ttd().is_none()).count(),
    );
    let ttm = Distribution::of(
        docs.iter().filter_map(|d| d.ttm()),
        docs.iter().filter(|d| d.ttm().is_none()).count(),
    );
    let ttr = Distribution::of(
        docs.iter().filter_map(|d| d.ttr()),
        docs.iter().filter(|d| d.ttr().is_none()).count(),
    );
    Stats {
        today: opts.today,
        since: opts.since,
        summary: summary(kb, &docs, opts, &severities, &actions, &runbooks),
        per_month,
        factor_quarters: factor_quarters(kb, &docs, &quarters, &quarter_ix),
        co_occurrence: co_occurrence(&docs),
        ttd,
        ttm,
        ttr,
        durations_by_quarter: durations_by_quarter(&docs, &quarters, &quarter_ix),
        by_severity: by_severity(kb, &docs, &severities),
        actions,
        services: services(kb, &docs),
        runbooks,
        severities,
    }
}

/// A document's severity as the KB spells it, or `unrated`.
pub fn severity_label(kb: &Kb, d: &Doc) -> String {
    match d
        .meta
        .severity
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => UNRATED.to_string(),
        Some(s) => kb
            .config
            .severity_rank(s)
            .and_then(|i| kb.config.severities.levels.get(i).cloned())
            .unwrap_or_else(|| s.to_string()),
    }
}

fn severity_order(kb: &Kb, docs: &[&Doc]) -> Vec<String> {
    let mut out = kb.config.severities.levels.clone();
    let mut extra: Vec<String> = docs
        .iter()
        .map(|d| severity_label(kb, d))
        .filter(|s| s != UNRATED && !out.contains(s))
        .collect();
    extra.sort();
    extra.dedup();
    out.extend(extra);
    if docs.iter().any(|d| severity_label(kb, d) == UNRATED) {
        out.push(UNRATED.to_string());
    }
    out
}

fn date_span(docs: &[&Doc]) -> Option<(NaiveDate, NaiveDate)> {
    let dates = docs.iter().filter_map(|d| d.meta.date);
    let min = dates.clone().min()?;
    let max = dates.max()?;
    Some((min, max))
}

fn summary(
    kb: &Kb,
    docs: &[&Doc],
    opts: &Options,
    severities: &[String],
    actions: &ActionFigures,
    runbooks: &[RunbookAge],
) -> Summary {
    let from = opts.today - chrono::Duration::days(opts.recent_days);
    let prev_from = from - chrono::Duration::days(opts.recent_days);
    let in_window = |d: &&&Doc| d.meta.date.is_some_and(|x| x > from && x <= opts.today);
    let recent: Vec<&Doc> = docs.iter().filter(in_window).copied().collect();
    let previous = docs
        .iter()
        .filter(|d| !d.meta.near_miss && d.meta.date.is_some_and(|x| x > prev_from && x <= from))
        .count();
    let by_severity = severities
        .iter()
        .map(|s| LabelCount {
            label: s.clone(),
            count: recent
                .iter()
                .filter(|d| !d.meta.near_miss && severity_label(kb, d) == *s)
                .count(),
        })
        .filter(|c| c.count > 0)
        .collect();
    let sorted = |f: fn(&Doc) -> Option<i64>| {
        let mut v: Vec<i64> = recent
            .iter()
            .filter_map(|d| f(d))
            .filter(|&x| x >= 0)
            .collect();
        v.sort_unstable();
        (median(&v), v.len())
    };
    let (ttd_median, ttd_from) = sorted(Doc::ttd);
    let (ttr_median, ttr_from) = sorted(Doc::ttr);
    let drafts_left_out = if opts.include_drafts {
        0
    } else {
        kb.by_kind(Kind::Postmortem)
            .filter(|d| !counts(d, false))
            .filter(|d| {
                opts.since
                    .is_none_or(|s| d.meta.date.is_some_and(|x| x >= s))
            })
            .count()
    };
    Summary {
        window_days: opts.recent_days,
        postmortems: docs.len(),
        incidents: recent.iter().filter(|d| !d.meta.near_miss).count(),
        near_misses: recent.iter().filter(|d| d.meta.near_miss).count(),
        previous_incidents: previous,
        by_severity,
        ttd_median,
        ttr_median,
        ttd_from,
        ttr_from,
        drafts_left_out,
        open_actions: actions.open,
        overdue_actions: actions.overdue,
        stale_runbooks: runbooks.iter().filter(|r| r.stale).count(),
    }
}

fn durations_by_quarter(
    docs: &[&Doc],
    quarters: &[String],
    quarter_ix: &HashMap<&str, usize>,
) -> Vec<QuarterDurations> {
    let mut ttd: Vec<Vec<i64>> = vec![Vec::new(); quarters.len()];
    let mut ttr: Vec<Vec<i64>> = vec![Vec::new(); quarters.len()];
    for d in docs {
        let Some(&i) = d
            .meta
            .date
            .and_then(|x| quarter_ix.get(quarter_key(x).as_str()))
        else {
            continue;
        };
        if let (Some(v), Some(list)) = (d.ttd().filter(|&x| x >= 0), ttd.get_mut(i)) {
            list.push(v);
        }
        if let (Some(v), Some(list)) = (d.ttr().filter(|&x| x >= 0), ttr.get_mut(i)) {
            list.push(v);
        }
    }
    quarters
        .iter()
        .zip(ttd.iter_mut().zip(ttr.iter_mut()))
        .map(|(q, (d, r))| {
            d.sort_unstable();
            r.sort_unstable();
            QuarterDurations {
                quarter: q.clone(),
                ttd_count: d.len(),
                ttd_median: median(d),
                ttd_p90: percentile(d, 90),
                ttr_count: r.len(),
                ttr_median: median(r),
                ttr_p90: percentile(r, 90),
            }
        })
        .collect()
}

fn by_severity(kb: &Kb, docs: &[&Doc], severities: &[String]) -> Vec<SeverityDurations> {
    severities
        .iter()
        .map(|s| {
            let of: Vec<&&Doc> = docs
                .iter()
                .filter(|d| !d.meta.near_miss && severity_label(kb, d) == *s)
                .collect();
            let mut points: Vec<Point> = of
                .iter()
                .filter_map(|d| {
                    d.ttr().filter(|&x| x >= 0).map(|seconds| Point {
                        id: d.id.clone(),
                        title: d.title.clone(),
                        seconds,
                    })
                })
                .collect();
            points.sort_by(|a, b| a.seconds.cmp(&b.seconds).then_with(|| a.id.cmp(&b.id)));
            SeverityDurations {
                severity: s.clone(),
                incidents: of.len(),
                ttr: Distribution::of(
                    of.iter().filter_map(|d| d.ttr()),
                    of.iter().filter(|d| d.ttr().is_none()).count(),
                ),
                points,
            }
        })
        .filter(|s| s.incidents > 0)
        .collect()
}

fn services(kb: &Kb, docs: &[&Doc]) -> Vec<ServiceCount> {
    let mut map: BTreeMap<String, ServiceCount> = BTreeMap::new();
    for d in docs {
        for s in unique(&d.meta.services) {
            let e = map.entry(s.to_string()).or_insert_with(|| ServiceCount {
                service: s.to_string(),
                incidents: 0,
                near_misses: 0,
                worst_severity: None,
                last: None,
            });
            if d.meta.near_miss {
                e.near_misses += 1;
            } else {
                e.incidents += 1;
                let rank = |x: &str| kb.config.severity_rank(x).unwrap_or(usize::MAX);
                let sev = d
                    .meta
                    .severity
                    .as_deref()
                    .filter(|x| kb.config.severity_rank(x).is_some());
                if let Some(sev) = sev
                    && e.worst_severity
                        .as_deref()
                        .is_none_or(|w| rank(sev) < rank(w))
                {
                    e.worst_severity = Some(severity_label(kb, d));
                }
            }
            e.last = e.last.max(d.meta.date);
        }
    }
    let mut out: Vec<ServiceCount> = map.into_values().collect();
    out.sort_by(|a, b| {
        (b.incidents + b.near_misses)
            .cmp(&(a.incidents + a.near_misses))
            .then_with(|| b.incidents.cmp(&a.incidents))
            .then_with(|| a.service.cmp(&b.service))
    });
    out
}

/// Every runbook with its review age; never-reviewed and oldest first.
pub fn runbook_ages(kb: &Kb, today: NaiveDate) -> Vec<RunbookAge> {
    let mut out: Vec<RunbookAge> = kb
        .by_kind(Kind::Runbook)
        .map(|d| {
            let default = kb.config.runbooks.review_every_days;
            let every = d.review_every(default);
            let age = d.meta.last_reviewed.map(|r| (today - r).num_days());
            RunbookAge {
                id: d.id.clone(),
                title: d.title.clone(),
                last_reviewed: d.meta.last_reviewed,
                age_days: age,
                review_every_days: every,
                stale: d.is_stale(default, today),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.age_days
            .unwrap_or(i64::MAX)
            .cmp(&a.age_days.unwrap_or(i64::MAX))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

#[cfg(test)]
mod tests;
