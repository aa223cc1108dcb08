//! `slos.html` and the budget lines elsewhere on the site: what incidents cost
//! each SLO per window, which contributing factors cost the most, and on a
//! postmortem's page the share of a window's budget it used. Read from the
//! one report `crate::slo` computes for the site's year.

use super::chart::{self, Figure};
use super::made::Made;
use super::pages::Shared;
use crate::doc::Doc;
use crate::error::Result;
use crate::slo::{SloReport, minutes, percent};
use serde::Serialize;

/// One line of a postmortem's page: "used 34 % of checkout-availability's
/// 30-day budget".
#[derive(Debug, Serialize)]
pub struct BudgetLine {
    pub slo: String,
    pub anchor: String,
    pub window_days: u32,
    pub spent: String,
    pub budget: String,
    /// `None` when the cost cannot be counted (no stamps, no minutes).
    pub percent: Option<String>,
    pub over: bool,
}

pub fn budget_lines(sh: &Shared, d: &Doc) -> Vec<BudgetLine> {
    crate::slo::doc_budget(&sh.site.kb.config, d)
        .into_iter()
        .map(|(slo, spent, pct)| BudgetLine {
            anchor: format!("slos.html#slo-{}", slo.id),
            window_days: slo.window_days,
            spent: spent.map(minutes).unwrap_or_default(),
            budget: minutes(slo.budget_minutes()),
            percent: pct.map(percent),
            over: pct.is_some_and(|p| p > 100.0),
            slo: slo.id,
        })
        .collect()
}

/// An SLO as the site shows it: its report, its chart and the incidents of
/// the windows that had any.
/// `(incident url or "", title, minutes, how they were counted)`.
type IncidentRow = (String, String, String, String);

#[derive(Debug, Serialize)]
struct SloView<'a> {
    slo: &'a SloReport,
    figure: Figure,
    budget: String,
    spent: String,
    /// `(window, spent, percent, incidents)`.
    windows: Vec<(String, String, String, Vec<IncidentRow>)>,
    factors: Vec<(String, String, String, usize)>,
    service_url: Option<String>,
}

/// The current window of each SLO of `service`, for its service page.
#[derive(Debug, Serialize)]
pub struct ServiceSlo {
    pub id: String,
    pub objective: f64,
    pub window_days: u32,
    pub percent: String,
    pub over: bool,
}

pub fn for_service(sh: &Shared, service: &str) -> Vec<ServiceSlo> {
    sh.slo
        .slos
        .iter()
        .filter(|o| o.service.eq_ignore_ascii_case(service))
        .map(|o| {
            let w = o.windows.first();
            ServiceSlo {
                id: o.id.clone(),
                objective: o.objective,
                window_days: o.window_days,
                percent: percent(w.map_or(0.0, |w| w.consumed_percent)),
                over: w.is_some_and(|w| w.over_budget),
            }
        })
        .collect()
}

pub fn page(sh: &Shared) -> Result<Made> {
    let site = sh.site;
    let url_of = |id: &str| {
        site.by_id(id)
            .map(|i| site.urls[i].clone())
            .unwrap_or_default()
    };
    let views: Vec<SloView> = sh
        .slo
        .slos
        .iter()
        .map(|o| SloView {
            figure: chart::slo_windows(o),
            budget: minutes(o.budget_minutes),
            spent: minutes(o.spent_minutes),
            windows: o
                .windows
                .iter()
                .filter(|w| !w.incidents.is_empty())
                .map(|w| {
                    (
                        format!("{} – {}", w.from, w.to),
                        minutes(w.spent_minutes),
                        percent(w.consumed_percent),
                        w.incidents
                            .iter()
                            .map(|c| {
                                (
                                    url_of(&c.id),
                                    c.title.clone(),
                                    minutes(c.minutes),
                                    c.how.clone(),
                                )
                            })
                            .collect(),
                    )
                })
                .collect(),
            factors: o
                .factors
                .iter()
                .map(|f| {
                    let url = site
                        .term(super::model::Taxonomy::Factor, &f.factor)
                        .map(|t| t.url.clone())
                        .unwrap_or_default();
                    (
                        url,
                        f.name.clone(),
                        format!("{} ({})", minutes(f.minutes), percent(f.share_percent)),
                        f.incidents,
                    )
                })
                .collect(),
            service_url: site
                .term(super::model::Taxonomy::Service, &o.service)
                .map(|t| t.url.clone()),
            slo: o,
        })
        .collect();
    let mut c = sh.context(0, "slos", "SLOs");
    c.insert("slos", &views);
    c.insert("since", &sh.slo.since.to_string());
    c.insert("to", &sh.slo.to.to_string());
    c.insert("drafts_left_out", &sh.slo.drafts_left_out);
    c.insert("drafts", &sh.opts.drafts);
    sh.page("slos.html".into(), "slos.html", c)
}
