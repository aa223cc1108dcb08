//! Dates and timestamps as written in documents: `YYYY-MM-DD`, RFC 3339 and the
//! shorter `2024-03-12 14:02Z` forms people type in timelines.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Parses `YYYY-MM-DD`; impossible dates (Feb 30) give `None`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Parses RFC 3339 and the relaxed forms `YYYY-MM-DD HH:MM[:SS][Z|±HH:MM]`.
/// A stamp without an offset is taken as UTC.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    parse_timestamp_in(s, Tz::UTC)
}

/// As `parse_timestamp`, placing a stamp without an offset in `tz`.
pub fn parse_timestamp_in(s: &str, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let s = s.replacen(' ', "T", 1);
    for fmt in ["%Y-%m-%dT%H:%M%#z", "%Y-%m-%dT%H:%M:%S%#z"] {
        if let Ok(t) = DateTime::parse_from_str(&s, fmt) {
            return Some(t);
        }
    }
    let (naive_part, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (s.as_str(), false),
    };
    for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(naive_part, fmt) {
            return if utc {
                Some(n.and_utc().fixed_offset())
            } else {
                local(n, tz)
            };
        }
    }
    None
}

/// Places a wall-clock time in a zone; in a DST gap the later instant is used.
pub fn local(n: NaiveDateTime, tz: Tz) -> Option<DateTime<FixedOffset>> {
    tz.from_local_datetime(&n)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(n + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.fixed_offset())
}

/// The inclusive span of days a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` names, so that
/// `after:2024-03 before:2024-03` is all of March.
pub fn period(s: &str) -> Option<(NaiveDate, NaiveDate)> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some((first, next.pred_opt()?))
        }
        [_, _, _] => {
            let d = parse_date(s)?;
            Some((d, d))
        }
        _ => None,
    }
}
