//! What teams already write, read as data without rewriting the Markdown:
//! time stamps in the forms people type (`2020-01-21 15:36`, `21-01-2020
//! 15:36`, `Jan 21, 15:36`, `15:36`), zone lines (`All times in CET.`),
//! durations in prose (`2 hours 28 minutes`), section names teams use for the
//! timeline and the action items, and Markdown tables. Pure functions.

use super::time::local;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A zone a team names for its times: an IANA zone or a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Named(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// A local wall-clock time in this zone as an instant.
    pub fn instant(self, n: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Named(tz) => local(n, tz),
            Zone::Fixed(off) => off.from_local_datetime(&n).single(),
        }
    }
}

/// Common abbreviations, which are not IANA names, as the offsets they stand
/// for (a `CET` line means +01:00 even in summer, as written).
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("IST", 330),
    ("SGT", 480),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
];

/// Reads one token as a zone: an IANA name (`Europe/Berlin`), an
/// abbreviation (`CET`), or an offset (`+02:00`, `UTC+2`, `GMT-05:30`).
pub fn parse_zone(token: &str) -> Option<Zone> {
    let t = token.trim_matches(|c: char| !(c.is_alphanumeric() || "+-:/_".contains(c)));
    if t.is_empty() {
        return None;
    }
    if t.contains('/') {
        return t.parse::<Tz>().ok().map(Zone::Named);
    }
    let upper = t.to_ascii_uppercase();
    for prefix in ["UTC", "GMT"] {
        if let Some(rest) = upper.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return offset(rest).map(Zone::Fixed);
        }
    }
    if let Some((_, mins)) = ABBREVIATIONS.iter().find(|(a, _)| *a == upper) {
        return FixedOffset::east_opt(mins * 60).map(Zone::Fixed);
    }
    offset(t).map(Zone::Fixed)
}

/// `+02:00`, `-0530`, `+2`.
fn offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty()
        || digits.len() > 4
        || !rest.chars().all(|c| c.is_ascii_digit() || c == ':')
    {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits[..1].parse::<i32>().ok()?,
            digits[1..].parse::<i32>().ok()?,
        ),
        _ => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The zone a line such as `All times in CET.`, `Times are UTC+2` or
/// `Timezone: Europe/Berlin` sets; `None` for lines that do not speak of
/// times or name no zone.
pub fn zone_line(line: &str) -> Option<Zone> {
    let lower = line.to_ascii_lowercase();
    if !(lower.contains("time") || lower.contains("zone")) {
        return None;
    }
    line.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .find_map(|w| {
            let w = w.trim_end_matches(['.', ';', ':']);
            // A bare `Z` in prose is no zone.
            (w.len() > 1).then(|| parse_zone(w)).flatten()
        })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ',']).to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m) && m.len() <= w.len())
        .map(|i| i as u32 + 1)
}

/// A time of day: `15:36`, `15:36:07`, `3:36pm`, `3:36 PM` (the `PM` may be
/// the next word, returned as used).
fn time_of_day(word: &str, next: Option<&str>) -> Option<(NaiveTime, bool)> {
    let w = word.trim_end_matches([',', '.', ';', '*', '`', '_']);
    let lower = w.to_ascii_lowercase();
    let (core, mut pm, mut am) = (
        lower.trim_end_matches("am").trim_end_matches("pm"),
        lower.ends_with("pm"),
        lower.ends_with("am"),
    );
    let core = core.trim_end_matches(['z', 'Z']);
    if !core.contains(':') || !core.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let t = NaiveTime::parse_from_str(core, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(core, "%H:%M:%S"))
        .ok()?;
    let mut used_next = false;
    if !pm && !am {
        match next.map(|n| n.trim_end_matches(['.', ',']).to_ascii_lowercase()) {
            Some(n) if n == "pm" => (pm, used_next) = (true, true),
            Some(n) if n == "am" => (am, used_next) = (true, true),
            _ => {}
        }
    }
    use chrono::Timelike;
    let t = if pm && t.hour() < 12 {
        t + chrono::TimeDelta::hours(12)
    } else if am && t.hour() == 12 {
        t - chrono::TimeDelta::hours(12)
    } else {
        t
    };
    Some((t, used_next))
}

/// A date in the forms teams write: `2020-01-21`, `21-01-2020`,
/// `21.01.2020`, `Jan 21` / `21 Jan` (with an optional year; else `year`).
/// Returns the date and how many words it used.
fn date_words(words: &[&str], year: Option<i32>) -> Option<(NaiveDate, usize)> {
    let w0 = words.first()?.trim_end_matches([',', '*', '`', '_']);
    if let Some(d) = super::parse_date(w0) {
        return Some((d, 1));
    }
    // 21-01-2020, 21.01.2020
    for sep in ['-', '.'] {
        let parts: Vec<&str> = w0.split(sep).collect();
        if parts.len() == 3 && parts[2].len() == 4 {
            let (d, m, y) = (
                parts[0].parse().ok()?,
                parts[1].parse().ok()?,
                parts[2].parse().ok()?,
            );
            return NaiveDate::from_ymd_opt(y, m, d).map(|n| (n, 1));
        }
    }
    let year_after = |i: usize| {
        words
            .get(i)
            .map(|w| w.trim_end_matches([',', '.']))
            .filter(|w| w.len() == 4)
            .and_then(|w| w.parse::<i32>().ok())
    };
    // Jan 21[, 2020]
    if let (Some(m), Some(w1)) = (month(w0), words.get(1)) {
        let day: u32 = w1
            .trim_end_matches([',', '.'])
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()?;
        let (y, used) = match year_after(2) {
            Some(y) => (y, 3),
            None => (year?, 2),
        };
        return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, used));
    }
    // 21 Jan[ 2020]
    if let (Ok(day), Some(m)) = (w0.parse::<u32>(), words.get(1).and_then(|w| month(w))) {
        let (y, used) = match year_after(2) {
            Some(y) => (y, 3),
            None => (year?, 2),
        };
        return NaiveDate::from_ymd_opt(y, m, day).map(|d| (d, used));
    }
    None
}

/// A time stamp at the start of `text`: the stamp as written, the instant
/// when it can be placed (a bare time needs `date`), the bare time of day
/// when no date was written, and the rest of the text.
pub struct When<'a> {
    pub written: String,
    pub at: Option<DateTime<FixedOffset>>,
    pub bare: Option<NaiveTime>,
    pub rest: &'a str,
}

/// Reads a leading time stamp in any of the forms above, in `zone` unless the
/// stamp names its own (`15:36 UTC`, an RFC 3339 offset).
pub fn leading_when(text: &str, date: Option<NaiveDate>, zone: Zone) -> Option<When<'_>> {
    let text = text.trim_start_matches(['*', '`', '_', ' ']);
    // RFC 3339 / ISO with a T, one word.
    let first = text.split_whitespace().next()?;
    let first_clean = first.trim_end_matches([',', '*', '`', '_', '|']);
    if first_clean.contains('T') && first_clean.len() >= 16 {
        if let Ok(t) = DateTime::parse_from_rfc3339(first_clean) {
            return Some(When {
                written: first_clean.to_string(),
                at: Some(t),
                bare: None,
                rest: after_words(text, 1),
            });
        }
        if let Ok(n) = NaiveDateTime::parse_from_str(first_clean, "%Y-%m-%dT%H:%M") {
            return Some(When {
                written: first_clean.to_string(),
                at: zone.instant(n),
                bare: None,
                rest: after_words(text, 1),
            });
        }
    }
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    let year = date.map(|d| chrono::Datelike::year(&d));
    let (day, used_date) = match date_words(&words, year) {
        Some((d, n)) => (Some(d), n),
        None => (None, 0),
    };
    let (t, used_pm) = time_of_day(words.get(used_date)?, words.get(used_date + 1).copied())?;
    let mut used = used_date + 1 + usize::from(used_pm);
    // A zone right after the time: `15:36 UTC`, `15:36 (CET)`.
    let mut z = zone;
    let tail = words.get(used - 1).copied().unwrap_or("");
    if tail.ends_with(['Z', 'z']) && tail.contains(':') {
        z = Zone::Fixed(FixedOffset::east_opt(0)?);
    }
    if let Some(own) = words.get(used).and_then(|w| {
        let w = w.trim_matches(|c: char| c == '(' || c == ')' || c == ',');
        (w.len() > 1 && w.chars().any(|c| c.is_ascii_alphabetic() || c == '+'))
            .then(|| parse_zone(w))
            .flatten()
    }) {
        z = own;
        used += 1;
    }
    let written = words[..used].join(" ");
    let written = written.trim_end_matches([',', '*', '`', '_']).to_string();
    let (at, bare) = match day {
        Some(d) => (z.instant(d.and_time(t)), None),
        None => (date.and_then(|d| z.instant(d.and_time(t))), Some(t)),
    };
    Some(When {
        written,
        at,
        bare,
        rest: after_words(text, used),
    })
}

/// `text` after its first `n` whitespace-separated words.
fn after_words(text: &str, n: usize) -> &str {
    let mut rest = text;
    for _ in 0..n {
        rest = rest.trim_start();
        rest = rest.find(char::is_whitespace).map_or("", |i| &rest[i..]);
    }
    rest.trim_start()
}

/// A duration as teams write it: `54 minutes`, `2 hours 28 minutes`,
/// `1h 20m`, `2.5 hours`, `1 day 2 hours`, `90 min`. `None` for `?`, `N/A`,
/// `unknown` and anything else.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches(['.', ';']).to_ascii_lowercase();
    if s.is_empty() || s.starts_with('?') || s.starts_with("n/a") || s.starts_with("unknown") {
        return None;
    }
    // Split glued forms: `1h20m` -> `1 h 20 m`.
    let mut spaced = String::with_capacity(s.len() * 2);
    let mut prev_digit = None;
    for c in s.chars() {
        let digit = c.is_ascii_digit() || c == '.';
        if prev_digit.is_some_and(|p| p != digit) && c != ' ' {
            spaced.push(' ');
        }
        spaced.push(c);
        prev_digit = (c != ' ').then_some(digit);
    }
    let words: Vec<&str> = spaced
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    let mut total = 0f64;
    let mut found = false;
    let mut i = 0;
    while i + 1 < words.len() || (i < words.len() && found) {
        let Ok(n) = words[i].parse::<f64>() else {
            break;
        };
        let Some(unit) = words.get(i + 1) else { break };
        let secs = match unit.trim_end_matches('.') {
            u if u.starts_with("sec") || u == "s" => 1.0,
            u if u.starts_with("min") || u == "m" => 60.0,
            u if u.starts_with('h') => 3600.0,
            u if u.starts_with('d') => 86400.0,
            u if u.starts_with('w') => 604800.0,
            _ => break,
        };
        total += n * secs;
        found = true;
        i += 2;
    }
    found.then_some(total.round() as i64)
}

/// Which figure a prose label names: `Time to detection`, `TTD`, `Time to
/// recovery`, `Time to mitigate`, `Time to resolution`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Detect,
    Mitigate,
    Resolve,
}

fn figure(label: &str) -> Option<Figure> {
    let l = label.trim().to_ascii_lowercase();
    let l = l.trim_start_matches(['-', '*', '+', ' ']).trim_matches('*');
    match l {
        "ttd" | "mttd" => return Some(Figure::Detect),
        "ttm" | "mttm" => return Some(Figure::Mitigate),
        "ttr" | "mttr" => return Some(Figure::Resolve),
        _ => {}
    }
    let rest = l
        .strip_prefix("time to ")
        .or_else(|| l.strip_prefix("time-to-"))
        .or_else(|| l.strip_prefix("time_to_"))?;
    if rest.starts_with("detect") || rest.starts_with("discover") || rest.starts_with("identif") {
        Some(Figure::Detect)
    } else if rest.starts_with("mitigat") {
        Some(Figure::Mitigate)
    } else if rest.starts_with("recover")
        || rest.starts_with("resol")
        || rest.starts_with("repair")
        || rest.starts_with("restor")
        || rest.starts_with("fix")
    {
        Some(Figure::Resolve)
    } else {
        None
    }
}

/// A `Label: value` line of prose (a bullet or plain, with the label in bold
/// or not), as (label, value).
pub fn label_value(line: &str) -> Option<(&str, &str)> {
    let t = line
        .trim_start()
        .trim_start_matches(['-', '*', '+'])
        .trim_start();
    let (label, value) = t.split_once(':')?;
    let label = label.trim().trim_matches('*').trim();
    let value = value.trim().trim_start_matches('*').trim();
    (!label.is_empty() && label.len() <= 40 && !value.is_empty()).then_some((label, value))
}

/// A stated duration line: `- Time to detection: 54 minutes`.
pub fn stated_duration(line: &str) -> Option<(Figure, Option<i64>)> {
    let (label, value) = label_value(line)?;
    Some((figure(label)?, parse_duration(value)))
}

/// The cells of a Markdown table row, trimmed, without the outer pipes.
pub fn table_cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if !t.starts_with('|') {
        return None;
    }
    let inner = t.trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// Whether a row is the `|---|:---:|` line under a table's header.
pub fn is_separator(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

#[cfg(test)]
#[path = "prose_tests.rs"]
mod tests;
