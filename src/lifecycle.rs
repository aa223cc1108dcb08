//! The incident lifecycle as library calls the CLI and the TUI share: stamp
//! started / detected / mitigated / resolved (front matter and a timeline
//! line), add a timeline entry in time order (a typed `HH:MM` is used),
//! mark an action item done or open, move the status, gated by lint. Each is
//! one `change::change_doc`: under the document's lock, on the file as it is
//! now, one commit.

use crate::change::{Changed, change_doc};
use crate::config::Config;
use crate::doc::edit::append_timeline;
use crate::doc::edit_fields::{insert_item_before, set_done, set_field};
use crate::doc::prose::{Zone, leading_when};
use crate::doc::{ActionItem, Doc, Kind, Level, ParseContext, Status};
use crate::error::{Error, Result};
use crate::kb::Kb;
use chrono::{DateTime, FixedOffset, TimeZone};
use std::path::Path;

/// One of the incident's four stamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    Started,
    Detected,
    Mitigated,
    Resolved,
}

impl Which {
    pub fn key(self) -> &'static str {
        match self {
            Which::Started => "started",
            Which::Detected => "detected",
            Which::Mitigated => "mitigated",
            Which::Resolved => "resolved",
        }
    }

    /// The timeline line a stamp adds.
    pub fn entry(self) -> &'static str {
        match self {
            Which::Started => "Incident started",
            Which::Detected => "Detected",
            Which::Mitigated => "Mitigated",
            Which::Resolved => "Resolved",
        }
    }
}

fn parse(cfg: &Config, rel: &Path, text: &str) -> Doc {
    let ctx = ParseContext {
        timezone: cfg.tz,
        default_kind: Kind::Postmortem,
    };
    Doc::parse(text, rel, &ctx)
}

/// `text` with a timeline entry for `at` placed in time order: before the
/// first entry that is later, else at the end of the timeline. A bare
/// `HH:MM` on the incident's day, a full stamp otherwise.
/// Returns the new text and the stamp as written.
fn with_entry(
    cfg: &Config,
    text: &str,
    doc: &Doc,
    at: DateTime<FixedOffset>,
    entry: &str,
) -> (String, String) {
    let local = at.with_timezone(&cfg.tz);
    let later = doc.timeline.iter().find(|e| e.at.is_some_and(|t| t > at));
    let earlier_other_day = doc
        .timeline
        .iter()
        .filter_map(|e| e.at)
        .filter(|t| *t <= at)
        .any(|t| Some(t.with_timezone(&cfg.tz).date_naive()) != doc.meta.date);
    let bare = doc.meta.date == Some(local.date_naive()) && !earlier_other_day;
    let stamp = if bare {
        local.format("%H:%M").to_string()
    } else if cfg.tz == chrono_tz::Tz::UTC {
        local.format("%Y-%m-%d %H:%MZ").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    };
    let entry = entry.split_whitespace().collect::<Vec<_>>().join(" ");
    let new = match later {
        Some(e) => insert_item_before(text, e.line, &format!("{stamp} {entry}")),
        None => append_timeline(text, &stamp, &entry),
    };
    (new, stamp)
}

/// `set_field`, with the error a user sees when the front matter is open.
fn field(rel: &Path, text: &str, key: &str, value: &str) -> Result<String> {
    crate::change::front_matter_closed(rel, text)?;
    set_field(text, key, value)
        .ok_or_else(|| Error::Invalid(format!("{}: cannot set `{key}`", rel.display())))
}

/// Adds a timeline entry. A leading time in `entry` (`07:30 Config merged`,
/// `2026-04-21 07:30 …`) is the entry's time; otherwise `now`.
pub fn add_timeline(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    entry: &str,
    now: DateTime<FixedOffset>,
) -> Result<Changed> {
    change_doc(root, rel, |before| {
        crate::change::front_matter_closed(rel, before)?;
        let doc = parse(cfg, rel, before);
        let day = doc
            .meta
            .date
            .or(Some(now.with_timezone(&cfg.tz).date_naive()));
        let (at, text) = match leading_when(entry, day, Zone::Named(cfg.tz)) {
            Some(w) if w.at.is_some() && !w.rest.trim().is_empty() => (w.at.unwrap_or(now), w.rest),
            _ => (now, entry),
        };
        let at = plausible(at, now).map_err(Error::Invalid)?;
        let (after, stamp) = with_entry(cfg, before, &doc, at, text);
        Ok((
            after,
            format!("postmortem: timeline entry {stamp} in {}", doc.id),
        ))
    })
}

/// Sets one stamp in the front matter and adds its timeline line.
pub fn stamp(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    which: Which,
    at: DateTime<FixedOffset>,
) -> Result<Changed> {
    change_doc(root, rel, |before| {
        let mut doc = parse(cfg, rel, before);
        // Stamped again: the earlier stamp's own timeline line goes, so the
        // timeline keeps one "Detected".
        let old = match which {
            Which::Started => doc.meta.started,
            Which::Detected => doc.meta.detected,
            Which::Mitigated => doc.meta.mitigated,
            Which::Resolved => doc.meta.resolved,
        };
        let stale = old.and_then(|t| {
            doc.timeline
                .iter()
                .find(|e| e.at == Some(t) && e.text == which.entry())
                .map(|e| e.line)
        });
        let base = match stale {
            Some(line) => {
                let t = crate::doc::edit_fields::remove_line(before, line);
                doc = parse(cfg, rel, &t);
                t
            }
            None => before.to_string(),
        };
        let (with_line, _) = with_entry(cfg, &base, &doc, at, which.entry());
        let at_local = at.with_timezone(&cfg.tz);
        let after = field(rel, &with_line, which.key(), &at_local.to_rfc3339())?;
        Ok((
            after,
            format!("postmortem: mark {} {}", doc.id, which.key()),
        ))
    })
}

/// An action item named by `ID#N` (its place in the document, from 1) or by
/// a fragment of its text that only one item holds.
pub fn find_action<'a>(kb: &'a Kb, reference: &str) -> Result<(&'a Doc, usize)> {
    if let Some((id, n)) = reference.rsplit_once('#')
        && let Ok(n) = n.parse::<usize>()
    {
        let doc = kb.find(id)?;
        return match n.checked_sub(1).and_then(|i| doc.action_items.get(i)) {
            Some(_) => Ok((doc, n - 1)),
            None => Err(Error::Invalid(format!(
                "{} has {} action item{}; `{reference}` names none",
                doc.id,
                doc.action_items.len(),
                if doc.action_items.len() == 1 { "" } else { "s" }
            ))),
        };
    }
    let needle = reference.to_lowercase();
    let hits: Vec<(&Doc, usize)> = kb
        .by_kind(Kind::Postmortem)
        .flat_map(|d| {
            d.action_items
                .iter()
                .enumerate()
                .filter(|(_, a)| a.text.to_lowercase().contains(&needle))
                .map(move |(i, _)| (d, i))
        })
        .collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::Invalid(format!(
            "no action item says `{reference}`; `lore actions` lists them"
        ))),
        many => {
            let names: Vec<String> = many
                .iter()
                .take(5)
                .map(|(d, i)| format!("{}#{} ({})", d.id, i + 1, d.action_items[*i].text))
                .collect();
            let more = match many.len().saturating_sub(names.len()) {
                0 => String::new(),
                n => format!("; and {n} more"),
            };
            Err(Error::Invalid(format!(
                "`{reference}` matches {} action items; name one as ID#N: {}{more}",
                many.len(),
                names.join("; ")
            )))
        }
    }
}

/// Marks the action item `item` of the document at `rel` done or open. The
/// item is found again in the file as it is now (by its text), in case lines
/// moved meanwhile.
pub fn set_action(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    item: &ActionItem,
    done: bool,
) -> Result<Changed> {
    change_doc(root, rel, |before| {
        let doc = parse(cfg, rel, before);
        let now = doc
            .action_items
            .iter()
            .find(|a| a.text == item.text && a.line == item.line)
            .or_else(|| doc.action_items.iter().find(|a| a.text == item.text))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: the action item `{}` is gone",
                    rel.display(),
                    item.text
                ))
            })?;
        let after = set_done(before, now.line, done).ok_or_else(|| {
            Error::Invalid(format!(
                "{}:{}: that action item is a table row; change its status cell by hand",
                rel.display(),
                now.line
            ))
        })?;
        let verb = if done { "done" } else { "reopen" };
        Ok((
            after,
            format!("postmortem: {verb} action item in {}", doc.id),
        ))
    })
}

/// Moves a document's status. Publishing is refused while lint reports
/// errors for it (they are named), unless `force`.
pub fn set_status(
    root: &Path,
    kb: &Kb,
    rel: &Path,
    status: Status,
    force: bool,
) -> Result<Changed> {
    let cfg = &kb.config;
    change_doc(root, rel, |before| {
        let doc = parse(cfg, rel, before);
        if status == Status::Published && !force {
            let errors: Vec<String> = crate::lint::lint_doc(kb, &doc, crate::clock::today())
                .into_iter()
                .filter(|f| f.level == Level::Error)
                .map(|f| match f.line {
                    Some(l) => format!("line {l}: {}", f.message),
                    None => f.message,
                })
                .collect();
            if !errors.is_empty() {
                return Err(Error::Invalid(format!(
                    "{} is not ready to publish: {}. Fix them, or publish anyway with --force",
                    doc.id,
                    errors.join("; ")
                )));
            }
        }
        let after = field(rel, before, "status", status.as_str())?;
        Ok((
            after,
            format!("{}: {} {}", doc.kind.as_str(), status.as_str(), doc.id),
        ))
    })
}

/// The next status of the review flow: draft → review → published.
pub fn next_status(s: Status) -> Status {
    match s {
        Status::Draft => Status::Review,
        Status::Review | Status::Published => Status::Published,
    }
}

/// A time the CLI was given for `--at`: RFC 3339, `YYYY-MM-DD HH:MM` or
/// `HH:MM` (today) in the KB's zone.
pub fn parse_at(
    s: &str,
    cfg: &Config,
    now: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let today = now.with_timezone(&cfg.tz).date_naive();
    let w = leading_when(s, Some(today), Zone::Named(cfg.tz))?;
    w.rest.trim().is_empty().then_some(w.at).flatten()
}

/// `parse_at`, refusing with the reason what is no time or no time an
/// incident can have: the one rule for `--at`, `--started` and the TUI's
/// prompts.
pub fn read_at(
    s: &str,
    cfg: &Config,
    now: DateTime<FixedOffset>,
) -> std::result::Result<DateTime<FixedOffset>, String> {
    let at = parse_at(s, cfg, now).ok_or_else(|| {
        format!("`{s}` is not a time; write HH:MM, YYYY-MM-DD HH:MM or an RFC 3339 stamp")
    })?;
    plausible(at, now)
}

/// A stamp or entry time must fall between 1970 and a day from now (a
/// responder's clock may be a little ahead): a year like 0000 or 9999 is a
/// typo, and a time in the future would sort a timeline wrongly.
pub fn plausible(
    at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> std::result::Result<DateTime<FixedOffset>, String> {
    use chrono::Datelike;
    let shown = at.format("%Y-%m-%d %H:%M");
    if at.year() < 1970 {
        Err(format!("{shown} is before 1970; is the year right?"))
    } else if at > now + chrono::Duration::days(1) {
        Err(format!("{shown} is in the future; is the date right?"))
    } else {
        Ok(at)
    }
}

/// Now, in the KB's zone, as a fixed-offset time to the second.
pub fn now(cfg: &Config) -> DateTime<FixedOffset> {
    at_second(cfg, chrono::Utc::now())
}

/// `t` in the KB's zone, to the second: stamps carry no fractions.
pub fn at_second(cfg: &Config, t: chrono::DateTime<chrono::Utc>) -> DateTime<FixedOffset> {
    use chrono::Timelike;
    let t = t.with_nanosecond(0).unwrap_or(t);
    cfg.tz.from_utc_datetime(&t.naive_utc()).fixed_offset()
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
