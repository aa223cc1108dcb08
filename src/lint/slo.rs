//! Checks of `slo_impact`: every SLO named exists, its cost can be counted
//! and is no longer than the incident, and the most severe incidents of a
//! service with an SLO say what they cost it.

use super::{Findings, hint};
use crate::config::did_you_mean;
use crate::doc::{Doc, Level};
use crate::kb::Kb;

pub(super) fn check(kb: &Kb, d: &Doc, f: &mut Findings) {
    let cfg = &kb.config;
    let key = "slo_impact";
    for imp in &d.meta.slo_impact {
        if cfg.slo(&imp.slo).is_none() {
            f.field(
                "unknown-slo",
                Level::Error,
                key,
                format!(
                    "`slo_impact` names SLO `{}`, which lore.toml does not define{}",
                    imp.slo,
                    hint(did_you_mean(
                        &imp.slo,
                        cfg.slos.iter().map(|s| s.id.as_str())
                    ))
                ),
            );
            continue;
        }
        match crate::slo::cost_of(d, imp) {
            None => f.field(
                "slo-uncounted",
                Level::Warning,
                key,
                format!(
                    "`slo_impact` names `{}` but nothing says how long the impact lasted: set `started` and `mitigated`, or `minutes:` or `bad_minutes:`",
                    imp.slo
                ),
            ),
            Some(_) => {
                let longest = [imp.bad_minutes, imp.minutes]
                    .into_iter()
                    .flatten()
                    .reduce(f64::max);
                if let (Some(m), Some(total)) = (longest, d.ttr())
                    && m > total as f64 / 60.0 + 1.0
                {
                    f.field(
                        "slo-impact-too-long",
                        Level::Warning,
                        key,
                        format!(
                            "`slo_impact` for `{}` counts {} but the incident lasted {} (started to resolved)",
                            imp.slo,
                            crate::slo::minutes(m),
                            crate::stats::human_duration(total)
                        ),
                    );
                }
            }
        }
    }
    let severe = d
        .meta
        .severity
        .as_ref()
        .is_some_and(|s| cfg.severity_rank(s) == Some(0));
    if severe && d.meta.slo_impact.is_empty() && !d.meta.near_miss {
        let slos: Vec<&str> = cfg
            .slos
            .iter()
            .filter(|s| {
                d.meta
                    .services
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&s.service))
            })
            .map(|s| s.id.as_str())
            .collect();
        if !slos.is_empty() {
            f.field(
                "slo-not-named",
                Level::Warning,
                "severity",
                format!(
                    "hint: a {} of a service with an SLO; say what it cost with `slo_impact: [{}]`",
                    d.meta.severity.as_deref().unwrap_or_default(),
                    slos.join(", ")
                ),
            );
        }
    }
}
