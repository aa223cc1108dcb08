//! Drills from past incidents ("Wheel of Misfortune"): a published
//! postmortem turned into a role-play. First the situation as the responders
//! saw it at the first alert (services, severity, how it was detected — not
//! the title or the factors, which give the answer away), then each next
//! timeline entry, then the debrief (what led up to it, the factors, the
//! runbooks used, what went well, where we got lucky, the action items).
//!
//! A drill is recorded as a small Markdown file in `drills/` (who, when,
//! which postmortem, the trainee's notes) and committed, so coverage shows;
//! `plan` proposes the postmortems least drilled, preferring those whose
//! runbooks are stale. Pure functions here, except `save` and `records`.

use crate::config::Config;
use crate::doc::{Doc, Kind, Status};
use crate::error::Result;
use crate::kb::Kb;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The folder drill records live in, inside the KB.
pub const FOLDER: &str = "drills";

/// One step revealed on Space: a timeline entry.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    /// As written (`14:02`), with the time since the first alert.
    pub time: String,
    pub since_alert: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Drill {
    pub id: String,
    pub date: Option<NaiveDate>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    /// The Detection section, or the first alert's timeline entry.
    pub detection: String,
    pub steps: Vec<Step>,
    pub debrief: Debrief,
}

/// What the drill reveals at the end.
#[derive(Debug, Clone, Serialize)]
pub struct Debrief {
    pub title: String,
    /// Timeline entries before the first alert: what led up to it.
    pub before: Vec<Step>,
    pub factors: Vec<String>,
    pub runbooks: Vec<String>,
    pub went_well: String,
    pub lucky: String,
    pub actions: Vec<String>,
}

/// The drill of a postmortem.
pub fn from_doc(cfg: &Config, d: &Doc) -> Drill {
    let alert = d.stamps.detected.or(d.stamps.started);
    let since = |at: Option<chrono::DateTime<chrono::FixedOffset>>| match (alert, at) {
        (Some(a), Some(t)) if t >= a => Some(format!(
            "T+{}",
            crate::stats::human_duration((t - a).num_seconds())
        )),
        _ => None,
    };
    let step = |e: &crate::doc::TimelineEntry| Step {
        time: e.time.clone(),
        since_alert: since(e.at),
        text: e.text.clone(),
    };
    let (before, steps): (Vec<_>, Vec<_>) = d
        .timeline
        .iter()
        .partition(|e| matches!((alert, e.at), (Some(a), Some(t)) if t < a));
    // What the section says, without the template's examples in comments.
    let text = |name: &str| {
        let lines: Vec<&str> = d
            .section_text(name)
            .map(|t| {
                crate::doc::prose_lines(t)
                    .into_iter()
                    .map(|(_, l)| l)
                    .collect()
            })
            .unwrap_or_default();
        lines.join("\n").trim().to_string()
    };
    let mut detection = text("Detection");
    if detection.is_empty() {
        detection = steps
            .first()
            .map(|e| e.text.clone())
            .unwrap_or_else(|| "An alert fired.".into());
    }
    Drill {
        id: d.id.clone(),
        date: d.meta.date,
        severity: d.meta.severity.clone(),
        services: d.meta.services.clone(),
        detection,
        steps: steps.into_iter().map(step).collect(),
        debrief: Debrief {
            title: d.title.clone(),
            before: before.into_iter().map(step).collect(),
            factors: d
                .meta
                .factors
                .iter()
                .map(|f| cfg.factor(f).map_or_else(|| f.clone(), |x| x.name.clone()))
                .collect(),
            runbooks: d.meta.runbooks.clone(),
            went_well: text("What went well"),
            lucky: text("Where we got lucky"),
            actions: d.action_items.iter().map(|a| a.text.clone()).collect(),
        },
    }
}

/// The facilitator's sheet: the steps in order and what to reveal when, for
/// a game master running the drill in a meeting.
pub fn sheet(d: &Drill) -> String {
    let mut s = format!("# Drill: {}\n\n", d.id);
    s.push_str("Facilitator's sheet. Read the situation aloud; reveal each step when the trainee asks the question it answers, or after a few minutes. Keep the title and the factors for the debrief.\n\n");
    s.push_str("## The situation at the first alert\n\n");
    if let Some(sev) = &d.severity {
        s.push_str(&format!("- Severity: {sev}\n"));
    }
    if !d.services.is_empty() {
        s.push_str(&format!("- Services: {}\n", d.services.join(", ")));
    }
    s.push_str(&format!("\n{}\n\n## Steps\n\n", d.detection));
    if d.steps.is_empty() {
        s.push_str("The postmortem has no timeline: let the trainee talk through what they would check.\n\n");
    }
    for (i, st) in d.steps.iter().enumerate() {
        s.push_str(&format!(
            "{}. **{}{}** {}\n",
            i + 1,
            st.time,
            st.since_alert
                .as_ref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            st.text
        ));
    }
    let b = &d.debrief;
    s.push_str(&format!(
        "\n## Debrief\n\n**What happened:** {}\n\n",
        b.title
    ));
    if !b.before.is_empty() {
        s.push_str("**Before the first alert:**\n\n");
        for st in &b.before {
            s.push_str(&format!("- {} {}\n", st.time, st.text));
        }
        s.push('\n');
    }
    for (label, list) in [
        ("Contributing factors", &b.factors),
        ("Runbooks used", &b.runbooks),
        ("Action items", &b.actions),
    ] {
        if !list.is_empty() {
            s.push_str(&format!("**{label}:**\n\n"));
            for x in list {
                s.push_str(&format!("- {x}\n"));
            }
            s.push('\n');
        }
    }
    for (label, text) in [
        ("What went well", &b.went_well),
        ("Where we got lucky", &b.lucky),
    ] {
        if !text.is_empty() {
            s.push_str(&format!("**{label}:**\n\n{text}\n\n"));
        }
    }
    s
}

/// A drill that was run: who, when, which postmortem, the trainee's notes
/// (with the step they were written at, 0 = the situation).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    pub postmortem: String,
    pub date: NaiveDate,
    pub who: String,
    pub steps_revealed: usize,
    pub notes: Vec<(usize, String)>,
    #[serde(skip)]
    pub path: PathBuf,
}

/// The front matter of a record file.
#[derive(Serialize, serde::Deserialize)]
struct RecordMeta {
    kind: String,
    postmortem: String,
    date: NaiveDate,
    who: String,
    steps_revealed: usize,
}

/// The record as its Markdown file.
pub fn record_text(r: &Record, title: &str) -> String {
    let meta = RecordMeta {
        kind: "drill".into(),
        postmortem: r.postmortem.clone(),
        date: r.date,
        who: r.who.clone(),
        steps_revealed: r.steps_revealed,
    };
    let yaml = serde_saphyr::to_string(&meta).unwrap_or_default();
    let mut s = format!(
        "---\n{}---\n# Drill: {}\n\n",
        yaml,
        title.replace('\n', " ")
    );
    if r.notes.is_empty() {
        s.push_str("No notes were taken.\n");
    } else {
        s.push_str("## Notes\n\n");
        for (step, text) in &r.notes {
            let at = if *step == 0 {
                "at the first alert".to_string()
            } else {
                format!("after step {step}")
            };
            s.push_str(&format!("- {at}: {}\n", text.replace('\n', " ")));
        }
    }
    s
}

/// Writes the record into `drills/` as a new file (never over another) and
/// commits it. Returns its KB-relative path. The file is named from the date
/// and `stem`, the postmortem's file stem, slugified: an `id:` in front
/// matter never picks where lore writes.
pub fn save(root: &Path, r: &Record, title: &str, stem: &str) -> Result<PathBuf> {
    let name = format!("{}-{}", r.date, crate::doc::slugify(stem));
    let rel = crate::store::create_numbered(
        root,
        Path::new(FOLDER),
        &name,
        record_text(r, title).as_bytes(),
    )?;
    let msg = format!("drill: {} by {}", r.postmortem, r.who);
    crate::store::git::commit_paths(root, std::slice::from_ref(&rel), &msg)?;
    Ok(rel)
}

/// Every drill record of the KB (files that do not parse are skipped).
pub fn records(root: &Path) -> Vec<Record> {
    let mut out: Vec<Record> = crate::store::folder_files(root, FOLDER, &["md"])
        .into_iter()
        .filter_map(|rel| {
            let mut r = parse_record(&crate::store::read_text(root, &rel).ok()?)?;
            r.path = rel;
            Some(r)
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.path.cmp(&b.path)));
    out
}

fn parse_record(text: &str) -> Option<Record> {
    let crate::doc::Split::Found { yaml, .. } = crate::doc::split_front_matter(text) else {
        return None;
    };
    let m: RecordMeta = serde_saphyr::from_str(yaml).ok()?;
    Some(Record {
        postmortem: m.postmortem,
        date: m.date,
        who: m.who,
        steps_revealed: m.steps_revealed,
        notes: Vec::new(),
        path: PathBuf::new(),
    })
}

/// A postmortem proposed for the next drill.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: String,
    pub title: String,
    pub drilled: usize,
    pub last_drilled: Option<NaiveDate>,
    /// Runbooks it used that are due for review (practising them is doubly
    /// useful).
    pub stale_runbooks: usize,
}

#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub service: Option<String>,
    pub factor: Option<String>,
    pub seed: u64,
}

/// The published postmortems to drill next, best first: never drilled
/// before drilled, then fewest drills, then most stale runbooks; ties are
/// broken by `seed` (the same seed, the same plan).
pub fn plan(kb: &Kb, drills: &[Record], opts: &PlanOptions, today: NaiveDate) -> Vec<Candidate> {
    let mut out: Vec<(Candidate, u64)> = drillable(kb, opts)
        .map(|d| {
            let mine: Vec<&Record> = drills.iter().filter(|r| r.postmortem == d.id).collect();
            let stale = d
                .meta
                .runbooks
                .iter()
                .filter_map(|id| kb.get(id))
                .filter(|rb| rb.is_stale(kb.config.runbooks.review_every_days, today))
                .count();
            let tie = xxhash_rust::xxh3::xxh3_64_with_seed(d.id.as_bytes(), opts.seed);
            (
                Candidate {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    drilled: mine.len(),
                    last_drilled: mine.iter().map(|r| r.date).max(),
                    stale_runbooks: stale,
                },
                tie,
            )
        })
        .collect();
    out.sort_by(|(a, ta), (b, tb)| {
        a.drilled
            .cmp(&b.drilled)
            .then(b.stale_runbooks.cmp(&a.stale_runbooks))
            .then(ta.cmp(tb))
    });
    out.into_iter().map(|(c, _)| c).collect()
}

/// Published postmortems with a timeline, narrowed by service and factor.
pub fn drillable<'a>(kb: &'a Kb, opts: &'a PlanOptions) -> impl Iterator<Item = &'a Doc> + 'a {
    kb.docs.iter().filter(move |d| {
        d.kind == Kind::Postmortem
            && d.status() == Status::Published
            && !d.timeline.is_empty()
            && opts
                .service
                .as_ref()
                .is_none_or(|s| d.meta.services.iter().any(|x| x.eq_ignore_ascii_case(s)))
            && opts
                .factor
                .as_ref()
                .is_none_or(|f| d.meta.factors.contains(f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_what_was_written() {
        let r = Record {
            postmortem: "2024-03-12-x".into(),
            date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            who: "Ana \"on call\"".into(),
            steps_revealed: 4,
            notes: vec![(0, "check DNS".into())],
            path: PathBuf::new(),
        };
        let text = record_text(&r, "X");
        assert!(text.contains("- at the first alert: check DNS"));
        let back = parse_record(&text).unwrap();
        assert_eq!(back.postmortem, r.postmortem);
        assert_eq!(back.date, r.date);
        assert_eq!(back.steps_revealed, 4);
        assert_eq!(back.who, "Ana \"on call\"");
    }
}
