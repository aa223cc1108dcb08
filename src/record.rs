//! The flat record of a document that `list`, `search`, JSON output, the index's
//! stored fields and the TUI's lists share, and the filters over it.

use crate::doc::{Doc, Kind, Status, period};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One document as lists show it. Field names are the JSON contract of SPEC 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub status: Status,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub factors: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub path: String,
    pub near_miss: bool,
    /// Owners of the document's action items (runbooks: the runbook owner).
    pub owners: Vec<String>,
    pub ttd_seconds: Option<i64>,
    pub ttm_seconds: Option<i64>,
    pub ttr_seconds: Option<i64>,
    pub summary: String,
}

impl Record {
    pub fn from_doc(d: &Doc) -> Record {
        let mut owners: Vec<String> = d
            .action_items
            .iter()
            .filter_map(|a| a.owner.clone())
            .chain(
                d.meta
                    .owner
                    .iter()
                    .map(|o| o.trim_start_matches('@').to_string()),
            )
            .collect();
        owners.sort();
        owners.dedup();
        Record {
            id: d.id.clone(),
            kind: d.kind,
            title: d.title.clone(),
            date: d.sort_date(),
            status: d.status(),
            severity: d.meta.severity.clone(),
            services: d.meta.services.clone(),
            factors: d.meta.factors.clone(),
            tags: d.meta.tags.clone(),
            authors: d.meta.authors.clone(),
            path: d.path.to_string_lossy().replace('\\', "/"),
            near_miss: d.meta.near_miss,
            owners,
            ttd_seconds: d.ttd(),
            ttm_seconds: d.ttm(),
            ttr_seconds: d.ttr(),
            summary: d.summary(),
        }
    }
}

/// The filters of `lore list` (and the facets of the TUI). Values compare
/// case-insensitively; `since`/`until` are inclusive periods.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub severity: Option<String>,
    pub service: Option<String>,
    pub factor: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Filter {
    /// Parses a `--since`/`--until` value into the first or last day it names.
    pub fn bound(value: &str, end: bool) -> Result<NaiveDate> {
        let (a, b) = period(value).ok_or_else(|| {
            Error::Invalid(format!(
                "`{value}` is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"
            ))
        })?;
        Ok(if end { b } else { a })
    }

    pub fn matches(&self, r: &Record) -> bool {
        let eq = |want: &Option<String>, have: &str| {
            want.as_ref().is_none_or(|w| w.eq_ignore_ascii_case(have))
        };
        let any = |want: &Option<String>, have: &[String]| {
            want.as_ref()
                .is_none_or(|w| have.iter().any(|h| h.eq_ignore_ascii_case(w)))
        };
        self.kind.is_none_or(|k| k == r.kind)
            && self.status.is_none_or(|s| s == r.status)
            && eq(&self.severity, r.severity.as_deref().unwrap_or(""))
            && any(&self.service, &r.services)
            && any(&self.factor, &r.factors)
            && self.since.is_none_or(|s| r.date.is_some_and(|d| d >= s))
            && self.until.is_none_or(|u| r.date.is_some_and(|d| d <= u))
    }
}
