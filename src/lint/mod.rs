//! Checks over the whole KB, as a reviewer would make them (SPEC section 5a).
//! Each finding has a stable code, a level, the file and, where known, the line.
//! Depends only on the loaded `Kb`; no I/O.

mod language;
mod slo;

use crate::actions::is_overdue;
use crate::config::did_you_mean;
use crate::doc::{Doc, Kind, Level, Status, TEMPLATE_SECTIONS};
use crate::kb::Kb;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub level: Level,
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// Runs every check. `today` decides what is overdue or stale.
pub fn lint(kb: &Kb, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &kb.file_errors {
        out.push(Finding {
            code: e.code,
            level: Level::Error,
            path: e.path.clone(),
            line: e.line,
            message: e.message.clone(),
        });
    }
    duplicate_ids(kb, &mut out);
    for d in &kb.docs {
        let mut f = Findings {
            doc: d,
            out: &mut out,
        };
        for p in &d.problems {
            f.push(p.code, p.level, p.line, p.message.clone());
        }
        check_doc(kb, d, today, &mut f);
    }
    out.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(a.line.cmp(&b.line))
            .then(a.code.cmp(b.code))
    });
    out
}

/// Lint findings for one document only (the TUI shows them inline).
pub fn lint_doc(kb: &Kb, doc: &Doc, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut f = Findings { doc, out: &mut out };
    for p in &doc.problems {
        f.push(p.code, p.level, p.line, p.message.clone());
    }
    check_doc(kb, doc, today, &mut f);
    out.sort_by_key(|f| f.line);
    out
}

struct Findings<'a> {
    doc: &'a Doc,
    out: &'a mut Vec<Finding>,
}

impl Findings<'_> {
    fn push(&mut self, code: &'static str, level: Level, line: Option<usize>, message: String) {
        self.out.push(Finding {
            code,
            level,
            path: self.doc.path.clone(),
            line,
            message,
        });
    }
    fn field(&mut self, code: &'static str, level: Level, key: &str, message: String) {
        let line = self.doc.meta.line_of(key);
        self.push(code, level, line, message);
    }
}

fn hint(s: Option<String>) -> String {
    s.map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

fn check_doc(kb: &Kb, d: &Doc, today: NaiveDate, f: &mut Findings) {
    let cfg = &kb.config;
    let factor_ids = || cfg.factors.iter().map(|x| x.id.as_str());
    for factor in &d.meta.factors {
        if cfg.factor(factor).is_none() {
            f.field(
                "unknown-factor",
                Level::Error,
                "factors",
                format!(
                    "unknown contributing factor `{factor}`{}; the taxonomy is in lore.toml",
                    hint(did_you_mean(factor, factor_ids()))
                ),
            );
        }
    }
    if let Some(t) = &d.meta.trigger {
        let looks_like_id = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if looks_like_id
            && t.contains('-')
            && cfg.factor(t).is_none()
            && let Some(s) = did_you_mean(t, factor_ids())
        {
            f.field(
                "unknown-factor",
                Level::Warning,
                "trigger",
                format!("trigger `{t}` is not a taxonomy id (did you mean `{s}`?)"),
            );
        }
    }
    if let Some(sev) = &d.meta.severity
        && !sev.is_empty()
        && cfg.severity_rank(sev).is_none()
    {
        f.field(
            "unknown-severity",
            Level::Error,
            "severity",
            format!(
                "unknown severity `{sev}`{}; lore.toml allows {}",
                hint(did_you_mean(
                    sev,
                    cfg.severities.levels.iter().map(String::as_str)
                )),
                cfg.severities.levels.join(", ")
            ),
        );
    }
    references(kb, d, f);
    if d.kind == Kind::Postmortem {
        time_order(d, f);
        sections(d, f);
        slo::check(kb, d, f);
        action_items(d, today, f);
    } else {
        stale_runbook(kb, d, today, f);
    }
    for l in &d.links {
        if kb.by_path(&l.resolved).is_none() && !kb.root.join(&l.resolved).exists() {
            f.push(
                "broken-link",
                Level::Error,
                Some(l.line),
                format!("link to `{}`, which does not exist", l.target),
            );
        }
    }
    language::check(d, f);
}

fn references(kb: &Kb, d: &Doc, f: &mut Findings) {
    let ids = || kb.docs.iter().map(|x| x.id.as_str());
    for (key, list, want) in [
        ("related", &d.meta.related, None),
        ("runbooks", &d.meta.runbooks, Some(Kind::Runbook)),
    ] {
        for id in list {
            match kb.get(id) {
                None => f.field(
                    "unknown-id",
                    Level::Error,
                    key,
                    format!(
                        "`{key}` names `{id}`, which is no document{}",
                        hint(did_you_mean(id, ids()))
                    ),
                ),
                Some(t) if want.is_some_and(|k| k != t.kind) => f.field(
                    "wrong-kind",
                    Level::Warning,
                    key,
                    format!(
                        "`{key}` names `{id}`, which is a {}, not a runbook",
                        t.kind.as_str()
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}

fn time_order(d: &Doc, f: &mut Findings) {
    let m = &d.meta;
    let stamps = [
        ("started", m.started),
        ("detected", m.detected),
        ("mitigated", m.mitigated),
        ("resolved", m.resolved),
    ];
    let present: Vec<_> = stamps
        .iter()
        .filter_map(|(k, t)| t.map(|t| (*k, t)))
        .collect();
    for w in present.windows(2) {
        let ((k1, t1), (k2, t2)) = (w[0], w[1]);
        if t2 < t1 {
            f.field(
                "time-order",
                Level::Error,
                k2,
                format!("`{k2}` ({t2}) is before `{k1}` ({t1}); the order is started ≤ detected ≤ mitigated ≤ resolved"),
            );
        }
    }
    let mut last: Option<(usize, chrono::DateTime<chrono::FixedOffset>)> = None;
    for e in &d.timeline {
        if let Some(at) = e.at {
            if let Some((_, prev)) = last
                && at < prev
            {
                f.push(
                    "timeline-order",
                    Level::Warning,
                    Some(e.line),
                    format!(
                        "timeline entry `{}` is earlier than the one before it",
                        e.time
                    ),
                );
            }
            last = Some((e.line, at));
        }
    }
}

fn sections(d: &Doc, f: &mut Findings) {
    let status = d.status();
    if status == Status::Draft {
        return;
    }
    let missing: Vec<&str> = TEMPLATE_SECTIONS
        .iter()
        .copied()
        .filter(|s| d.section(s).is_none())
        .collect();
    if !missing.is_empty() {
        f.push(
            "missing-section",
            Level::Warning,
            Some(d.body_line),
            format!(
                "a {} postmortem should have the template sections; missing: {}",
                status.as_str(),
                missing.join(", ")
            ),
        );
    }
}

fn action_items(d: &Doc, today: NaiveDate, f: &mut Findings) {
    for a in &d.action_items {
        if a.owner.is_none() && !a.done {
            f.push(
                "action-no-owner",
                Level::Warning,
                Some(a.line),
                format!(
                    "action item `{}` has no owner; add @team or @person",
                    a.text
                ),
            );
        }
        if is_overdue(a, today) {
            let due = a.due.map(|d| d.to_string()).unwrap_or_default();
            f.push(
                "action-overdue",
                Level::Warning,
                Some(a.line),
                format!(
                    "action item `{}` was due {due} and is still open ({} days overdue)",
                    a.text,
                    a.due.map_or(0, |d| (today - d).num_days())
                ),
            );
        }
    }
}

fn stale_runbook(kb: &Kb, d: &Doc, today: NaiveDate, f: &mut Findings) {
    let default = kb.config.runbooks.review_every_days;
    if !d.is_stale(default, today) {
        return;
    }
    match d.meta.last_reviewed {
        Some(last) => f.field(
            "stale-runbook",
            Level::Warning,
            "last_reviewed",
            format!(
                "runbook last reviewed {last}, {} days ago (review every {} days)",
                (today - last).num_days(),
                d.review_every(default)
            ),
        ),
        None => f.push(
            "stale-runbook",
            Level::Warning,
            Some(1),
            "runbook has no `last_reviewed` date".into(),
        ),
    }
}

fn duplicate_ids(kb: &Kb, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, Vec<&Doc>> = HashMap::new();
    for d in &kb.docs {
        seen.entry(d.id.as_str()).or_default().push(d);
    }
    for (id, docs) in seen {
        if docs.len() < 2 {
            continue;
        }
        // Each finding names at most a few others, so thousands of documents
        // sharing an id give linear output, not quadratic.
        const NAMED: usize = 3;
        for d in &docs {
            let others: Vec<String> = docs
                .iter()
                .filter(|o| o.path != d.path)
                .take(NAMED)
                .map(|o| o.path.display().to_string())
                .collect();
            let rest = docs.len() - 1 - others.len();
            let more = if rest > 0 {
                format!(" and {rest} more")
            } else {
                String::new()
            };
            out.push(Finding {
                code: "duplicate-id",
                level: Level::Error,
                path: d.path.clone(),
                line: d.meta.line_of("id").or(Some(1)),
                message: format!("id `{id}` is also used by {}{more}", others.join(", ")),
            });
        }
    }
}
