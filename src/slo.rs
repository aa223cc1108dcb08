//! Error budgets from the postmortems: what each incident cost against the
//! SLOs of `lore.toml` (`[[slos]]`), per rolling window, and which
//! contributing factors cost the most. Pure functions over a loaded KB; the
//! CLI (`lore slo`), the site (`slos.html`, the budget line of a postmortem,
//! the service pages) and the TUI's Trends tab all read this one report.
//!
//! An incident's cost is stated (`bad_minutes`), or its impact window (the
//! stated `minutes`, else started → mitigated, else started → resolved) times
//! the share of traffic that failed (`fraction`/`percent`, 1 when not given).
//! Drafts are left out unless asked for, as everywhere (one counting rule).

use crate::config::{Config, Slo};
use crate::doc::{Doc, Kind, SloImpact};
use crate::kb::Kb;
use chrono::NaiveDate;
use serde::Serialize;

/// Windows listed per SLO at most (a 1-day window since 1970 would be many).
const MAX_WINDOWS: usize = 120;

#[derive(Debug, Clone)]
pub struct Options {
    pub today: NaiveDate,
    /// Windows ending on or after this day are reported.
    pub since: NaiveDate,
    pub include_drafts: bool,
}

impl Options {
    /// The last 90 days, drafts left out.
    pub fn new(today: NaiveDate) -> Options {
        Options {
            today,
            since: today - chrono::Duration::days(89),
            include_drafts: false,
        }
    }
}

/// What one incident cost one SLO.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cost {
    pub id: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Budget minutes spent.
    pub minutes: f64,
    /// How the minutes were counted, in words.
    pub how: String,
    pub factors: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub spent_minutes: f64,
    pub consumed_percent: f64,
    pub over_budget: bool,
    pub incidents: Vec<Cost>,
}

/// Budget minutes spent by incidents naming one factor.
#[derive(Debug, Clone, Serialize)]
pub struct FactorCost {
    pub factor: String,
    pub name: String,
    pub minutes: f64,
    /// Of all minutes this SLO lost in the period (incidents with several
    /// factors count for each, so the shares may add up to more than 100).
    pub share_percent: f64,
    pub incidents: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SloReport {
    pub id: String,
    pub service: String,
    pub description: String,
    pub objective: f64,
    pub window_days: u32,
    pub budget_minutes: f64,
    /// Newest window first.
    pub windows: Vec<Window>,
    pub spent_minutes: f64,
    pub factors: Vec<FactorCost>,
    /// Windows before `since` were left out to keep the list short.
    pub windows_left_out: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub since: NaiveDate,
    pub to: NaiveDate,
    pub slos: Vec<SloReport>,
    pub drafts_left_out: usize,
    /// Incidents naming an SLO whose cost cannot be counted (no stamps, no
    /// minutes): `(document id, SLO id)`.
    pub uncounted: Vec<(String, String)>,
}

/// The budget minutes one impact entry spent, and how they were counted;
/// `None` when nothing says how long the impact lasted.
pub fn cost_of(doc: &Doc, impact: &SloImpact) -> Option<(f64, String)> {
    if let Some(m) = impact.bad_minutes {
        return Some((m, "stated bad minutes".into()));
    }
    let (window, from) = match impact.minutes {
        Some(m) => (m, "stated minutes".to_string()),
        None => match (doc.ttm(), doc.ttr()) {
            (Some(s), _) => (s.max(0) as f64 / 60.0, "started to mitigated".to_string()),
            (None, Some(s)) => (s.max(0) as f64 / 60.0, "started to resolved".to_string()),
            _ => return None,
        },
    };
    Some(match impact.fraction {
        Some(f) if f < 1.0 => (
            window * f,
            format!("{from} × {:.0} % of traffic", f * 100.0),
        ),
        _ => (window, from),
    })
}

/// The error-budget report for every SLO of `cfg` over `kb`.
pub fn report(kb: &Kb, opts: &Options) -> Report {
    let cfg = &kb.config;
    let docs: Vec<&Doc> = kb
        .docs
        .iter()
        .filter(|d| crate::stats::counts(d, opts.include_drafts))
        .collect();
    let drafts_left_out = kb
        .docs
        .iter()
        .filter(|d| d.kind == Kind::Postmortem && !crate::stats::counts(d, opts.include_drafts))
        .filter(|d| !d.meta.slo_impact.is_empty())
        .count();
    let mut uncounted = Vec::new();
    // Every counted cost per SLO, with the incident's day.
    let mut costs: Vec<Vec<Cost>> = vec![Vec::new(); cfg.slos.len()];
    for d in &docs {
        for imp in &d.meta.slo_impact {
            let Some(i) = cfg.slos.iter().position(|s| s.id == imp.slo) else {
                continue;
            };
            match cost_of(d, imp) {
                Some((minutes, how)) => costs[i].push(Cost {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    date: d.meta.date.or(d.stamps.started.map(|t| t.date_naive())),
                    minutes,
                    how,
                    factors: d.meta.factors.clone(),
                }),
                None => uncounted.push((d.id.clone(), imp.slo.clone())),
            }
        }
    }
    let slos = cfg
        .slos
        .iter()
        .zip(costs)
        .map(|(slo, costs)| one(cfg, slo, costs, opts))
        .collect();
    Report {
        since: opts.since,
        to: opts.today,
        slos,
        drafts_left_out,
        uncounted,
    }
}

fn one(cfg: &Config, slo: &Slo, costs: Vec<Cost>, opts: &Options) -> SloReport {
    let budget = slo.budget_minutes();
    let days = i64::from(slo.window_days);
    let mut windows = Vec::new();
    let mut to = opts.today;
    while to >= opts.since && windows.len() < MAX_WINDOWS {
        let from = to - chrono::Duration::days(days - 1);
        let mut incidents: Vec<Cost> = costs
            .iter()
            .filter(|c| c.date.is_some_and(|d| d >= from && d <= to))
            .cloned()
            .collect();
        incidents.sort_by(|a, b| b.minutes.total_cmp(&a.minutes).then(a.id.cmp(&b.id)));
        // `+ 0.0`: an empty sum is -0.0, which would print as "-0 %".
        let spent: f64 = incidents.iter().map(|c| c.minutes).sum::<f64>() + 0.0;
        windows.push(Window {
            from,
            to,
            spent_minutes: spent,
            consumed_percent: if budget > 0.0 {
                spent / budget * 100.0
            } else {
                0.0
            },
            over_budget: spent > budget,
            incidents,
        });
        to = from - chrono::Duration::days(1);
    }
    let windows_left_out = to >= opts.since;
    let in_period: Vec<&Cost> = windows.iter().flat_map(|w| &w.incidents).collect();
    let spent: f64 = in_period.iter().map(|c| c.minutes).sum::<f64>() + 0.0;
    let mut factors: Vec<FactorCost> = Vec::new();
    for c in &in_period {
        for f in &c.factors {
            match factors.iter_mut().find(|x| &x.factor == f) {
                Some(x) => {
                    x.minutes += c.minutes;
                    x.incidents += 1;
                }
                None => factors.push(FactorCost {
                    factor: f.clone(),
                    name: cfg.factor(f).map_or_else(|| f.clone(), |x| x.name.clone()),
                    minutes: c.minutes,
                    share_percent: 0.0,
                    incidents: 1,
                }),
            }
        }
    }
    for f in &mut factors {
        f.share_percent = if spent > 0.0 {
            f.minutes / spent * 100.0
        } else {
            0.0
        };
    }
    factors.sort_by(|a, b| {
        b.minutes
            .total_cmp(&a.minutes)
            .then(a.factor.cmp(&b.factor))
    });
    SloReport {
        id: slo.id.clone(),
        service: slo.service.clone(),
        description: slo.description.clone(),
        objective: slo.objective,
        window_days: slo.window_days,
        budget_minutes: budget,
        windows,
        spent_minutes: spent,
        factors,
        windows_left_out,
    }
}

/// What one postmortem cost each SLO it names, against one window's budget:
/// `(SLO, minutes, percent of the budget)`; minutes `None` when uncounted.
pub fn doc_budget(cfg: &Config, doc: &Doc) -> Vec<(Slo, Option<f64>, Option<f64>)> {
    doc.meta
        .slo_impact
        .iter()
        .filter_map(|imp| {
            let slo = cfg.slo(&imp.slo)?.clone();
            let minutes = cost_of(doc, imp).map(|c| c.0);
            let pct = minutes
                .filter(|_| slo.budget_minutes() > 0.0)
                .map(|m| m / slo.budget_minutes() * 100.0);
            Some((slo, minutes, pct))
        })
        .collect()
}

/// A share of a budget as a person reads it: `34 %`, `<1 %` for a sliver.
pub fn percent(p: f64) -> String {
    if p > 0.0 && p < 1.0 {
        "<1 %".into()
    } else {
        format!("{p:.0} %")
    }
}

/// `15m`, `1h 05m`, `2d 3h`: budget minutes as a person reads them.
pub fn minutes(m: f64) -> String {
    if m <= 0.0 {
        return "0m".into();
    }
    if m < 10.0 && m.fract().abs() > 0.05 {
        return format!("{m:.1}m");
    }
    crate::stats::human_duration((m * 60.0).round() as i64)
}

/// The folder of OpenSLO files, inside the KB.
pub const OPENSLO_FOLDER: &str = "slos";

/// SLOs from OpenSLO v1 files (`kind: SLO`) in the KB's `slos/` folder:
/// `metadata.name` → id, `spec.service`, `spec.objectives[0].target`
/// (0.999) or `targetPercent` (99.9), `spec.timeWindow[0].duration` (`28d`,
/// `4w`). lore reads them and never rewrites them. A file that is not a
/// usable SLO is one finding, never a stop; other kinds (`SLI`,
/// `AlertPolicy`…) are skipped.
pub fn openslo(
    root: &std::path::Path,
) -> (Vec<(Slo, std::path::PathBuf)>, Vec<crate::store::FileError>) {
    let mut slos = Vec::new();
    let mut errors = Vec::new();
    for rel in crate::store::folder_files(root, OPENSLO_FOLDER, &["yaml", "yml"]) {
        let bad = |message: String| crate::store::FileError {
            path: rel.clone(),
            line: None,
            code: "bad-openslo",
            message,
        };
        let text = match crate::store::read_text(root, &rel) {
            Ok(t) => t,
            Err(e) => {
                errors.push(bad(e.to_string()));
                continue;
            }
        };
        let docs = match openslo_file(&text) {
            Ok(docs) => docs,
            Err(why) => {
                errors.push(bad(why));
                continue;
            }
        };
        let several = docs.len() > 1;
        for (n, doc) in docs.into_iter().enumerate() {
            // A file of several documents (`---` between them) names the one.
            let which = |why: String| match several {
                true => format!("document {} of the file: {why}", n + 1),
                false => why,
            };
            match doc {
                Ok(Some(slo)) if slos.iter().any(|(s, _): &(Slo, _)| s.id == slo.id) => {
                    errors.push(bad(which(format!(
                        "SLO `{}` is defined before (here or in another file); this one is left out",
                        slo.id
                    ))))
                }
                Ok(Some(slo)) => slos.push((slo, rel.clone())),
                Ok(None) => {}
                Err(why) => errors.push(bad(which(why))),
            }
        }
    }
    (slos, errors)
}

/// Each document of an OpenSLO file: an SLO, another kind (`None`: services,
/// SLIs, alert policies sit beside SLOs in one file), or why an SLO is not
/// usable.
fn openslo_file(text: &str) -> std::result::Result<Vec<OneSlo>, String> {
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("not YAML: {e}"))?;
    Ok(docs.iter().map(openslo_value).collect())
}

type OneSlo = std::result::Result<Option<Slo>, String>;

#[cfg(test)]
fn openslo_one(text: &str) -> OneSlo {
    let v: serde_json::Value =
        serde_saphyr::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    openslo_value(&v)
}

fn openslo_value(v: &serde_json::Value) -> OneSlo {
    let api = v["apiVersion"].as_str().unwrap_or_default();
    let openslo = api.starts_with("openslo/") || api.starts_with("openslo.com/");
    if !openslo || v["kind"].as_str() != Some("SLO") {
        return Ok(None);
    }
    let id = v["metadata"]["name"]
        .as_str()
        .filter(|s| !s.trim().is_empty() && !s.contains(char::is_whitespace))
        .ok_or("an OpenSLO SLO needs metadata.name, one word like checkout-availability")?;
    let spec = &v["spec"];
    let service = spec["service"]
        .as_str()
        .ok_or("an OpenSLO SLO needs spec.service")?;
    let o = &spec["objectives"][0];
    let objective = o["targetPercent"]
        .as_f64()
        .or_else(|| o["target"].as_f64().map(|t| t * 100.0))
        .ok_or("spec.objectives[0] needs target (0.999) or targetPercent (99.9)")?;
    if !(objective > 0.0 && objective < 100.0) {
        return Err(format!("objective {objective} % must be between 0 and 100"));
    }
    let window = spec["timeWindow"][0]["duration"]
        .as_str()
        .ok_or("spec.timeWindow[0].duration is needed (e.g. 28d)")?;
    let w = window.trim();
    let days = if let Some(n) = w.strip_suffix('d') {
        n.parse::<u32>().ok()
    } else if let Some(n) = w.strip_suffix('w') {
        n.parse::<u32>().ok().and_then(|w| w.checked_mul(7))
    } else {
        None
    }
    .filter(|d| (1..=366).contains(d))
    .ok_or_else(|| {
        format!("timeWindow duration `{window}`: write days or weeks, like 28d or 4w")
    })?;
    Ok(Some(Slo {
        id: id.trim().to_string(),
        service: service.to_string(),
        objective: (objective * 1e6).round() / 1e6,
        window_days: days,
        description: spec["description"]
            .as_str()
            .or(v["metadata"]["displayName"].as_str())
            .unwrap_or_default()
            .to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_the_window_times_what_the_objective_allows() {
        let slo = Slo {
            id: "a".into(),
            service: "s".into(),
            objective: 99.9,
            window_days: 30,
            description: String::new(),
        };
        assert!((slo.budget_minutes() - 43.2).abs() < 1e-9);
        let slo = Slo {
            objective: 99.0,
            window_days: 28,
            ..slo
        };
        assert!((slo.budget_minutes() - 403.2).abs() < 1e-9);
    }

    #[test]
    fn an_openslo_file_may_hold_several_documents_of_several_kinds() {
        let yaml = "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: search}\nspec: {}\n---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec: {service: search, objectives: [{target: 0.99}], timeWindow: [{duration: 28d}]}\n---\napiVersion: openslo.com/v2alpha\nkind: SLO\nmetadata: {name: b}\nspec: {service: search, objectives: [{targetPercent: 99.5}], timeWindow: [{duration: 1w}]}\n---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: c}\nspec: {service: search}\n";
        let docs = openslo_file(yaml).unwrap();
        assert_eq!(docs.len(), 4);
        assert_eq!(docs[0], Ok(None));
        let ids: Vec<String> = docs
            .iter()
            .filter_map(|d| d.as_ref().ok().cloned().flatten())
            .map(|s| format!("{} {} {}", s.id, s.objective, s.window_days))
            .collect();
        assert_eq!(ids, ["a 99 28", "b 99.5 7"]);
        assert!(docs[3].as_ref().unwrap_err().contains("objectives"));
    }

    #[test]
    fn openslo_files_are_read_as_slos() {
        let yaml = "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: search-latency\n  displayName: Search latency\nspec:\n  service: search\n  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.995\n  timeWindow:\n    - duration: 4w\n      isRolling: true\n";
        let slo = openslo_one(yaml).unwrap().unwrap();
        assert_eq!(slo.id, "search-latency");
        assert_eq!(slo.service, "search");
        assert!((slo.objective - 99.5).abs() < 1e-9);
        assert_eq!(slo.window_days, 28);
        assert_eq!(slo.description, "Search latency");
        assert_eq!(
            openslo_one("apiVersion: openslo/v1\nkind: SLI\n").unwrap(),
            None
        );
        assert!(openslo_one("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, objectives: [{target: 1.5}], timeWindow: [{duration: 28d}]}\n").is_err());
        assert!(openslo_one("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: x}\nspec: {service: s, objectives: [{target: 0.9}], timeWindow: [{duration: 1M}]}\n").unwrap_err().contains("28d"));
        for odd in ["28日", "613566757w", "d", "-3d"] {
            let y = format!(
                "apiVersion: openslo/v1\nkind: SLO\nmetadata: {{name: x}}\nspec: {{service: s, objectives: [{{target: 0.9}}], timeWindow: [{{duration: \"{odd}\"}}]}}\n"
            );
            assert!(openslo_one(&y).is_err(), "{odd}");
        }
    }
}
