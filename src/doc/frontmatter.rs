//! YAML front matter: splitting it from the body and reading its fields with
//! per-field errors, so one bad field never hides the others. Unknown fields are
//! kept as they were written.

use super::time::{parse_date, parse_timestamp};
use super::{Kind, Level, Problem, Status};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The result of looking for front matter at the top of a document.
#[derive(Debug, PartialEq)]
pub enum Split<'a> {
    None,
    Unterminated,
    Found {
        yaml: &'a str,
        body: &'a str,
        /// 1-based line of the first body line.
        body_line: usize,
    },
}

/// Splits `---\nyaml\n---\nbody`. The closing fence may also be `...`.
pub fn split_front_matter(text: &str) -> Split<'_> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Split::None;
    }
    let mut pos = (first_end + 1).min(text.len());
    let yaml_start = pos;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Split::Found {
                yaml: &text[yaml_start..pos],
                body: &text[body_start..],
                body_line: line + 1,
            };
        }
        pos = end + 1;
        line += 1;
    }
    Split::Unterminated
}

/// The Markdown after the front matter (a UTF-8 BOM skipped), or the whole
/// text when there is no complete front matter.
pub fn body_of(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match split_front_matter(text) {
        Split::Found { body, .. } => body,
        _ => text,
    }
}

/// One entry of `slo_impact`: an SLO id alone (full impact from started to
/// mitigated), or a map with `slo` and any of `bad_minutes` (the budget
/// burned, as stated), `minutes` (the impact window, when it is not started
/// to mitigated) and `fraction` or `percent` (the share of traffic failing
/// over that window).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SloImpact {
    pub slo: String,
    pub bad_minutes: Option<f64>,
    pub minutes: Option<f64>,
    pub fraction: Option<f64>,
}

/// The typed fields of SPEC section 3, plus every other field kept verbatim.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub id: Option<String>,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub factors: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub started: Option<DateTime<FixedOffset>>,
    pub detected: Option<DateTime<FixedOffset>>,
    pub mitigated: Option<DateTime<FixedOffset>>,
    pub resolved: Option<DateTime<FixedOffset>>,
    pub impact: Option<String>,
    pub trigger: Option<String>,
    pub near_miss: bool,
    pub runbooks: Vec<String>,
    pub related: Vec<String>,
    /// The team's own ids (`PM2020-002`, `INC-123`), accepted wherever an id is.
    pub aliases: Vec<String>,
    /// Where an imported document came from (a URL or a path).
    pub source: Option<String>,
    pub owner: Option<String>,
    pub last_reviewed: Option<NaiveDate>,
    pub review_every_days: Option<u32>,
    /// The SLOs the incident burned budget of, and how much.
    pub slo_impact: Vec<SloImpact>,
    /// Fields lore does not know, kept as written.
    pub extra: Map<String, Value>,
    /// Every top-level key with its 1-based file line, in file order.
    #[serde(skip)]
    pub key_lines: Vec<(String, usize)>,
}

impl FrontMatter {
    /// Whether the front matter named `key` at all (even with a bad value).
    pub fn had_field(&self, key: &str) -> bool {
        self.key_lines.iter().any(|(k, _)| k == key)
    }

    /// The file line of a top-level key, for messages.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
    }

    /// Parses the YAML text; `first_line` is the file line of its first line.
    pub fn parse(yaml: &str, first_line: usize, problems: &mut Vec<Problem>) -> FrontMatter {
        let mut fm = FrontMatter {
            key_lines: key_lines(yaml, first_line),
            ..FrontMatter::default()
        };
        if yaml.trim().is_empty() {
            return fm;
        }
        let value: Value = match serde_saphyr::from_str(yaml) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line() as usize + first_line - 1);
                let msg = yaml_message(&e.to_string());
                problems.push(Problem {
                    code: "yaml",
                    level: Level::Error,
                    line: line.or(Some(first_line)),
                    message: format!("front matter is not valid YAML: {msg}"),
                });
                return fm;
            }
        };
        let map = match value {
            Value::Object(m) => m,
            Value::Null => return fm,
            _ => {
                problems.push(Problem {
                    code: "yaml",
                    level: Level::Error,
                    line: Some(first_line),
                    message: "front matter must be a mapping of `field: value` lines".into(),
                });
                return fm;
            }
        };
        let mut r = Reader {
            fm: &mut fm,
            problems,
        };
        for (key, value) in map {
            r.field(&key, value);
        }
        fm
    }
}

struct Reader<'a> {
    fm: &'a mut FrontMatter,
    problems: &'a mut Vec<Problem>,
}

impl Reader<'_> {
    fn bad(&mut self, key: &str, code: &'static str, message: String) {
        let line = self.fm.line_of(key);
        self.problems.push(Problem {
            code,
            level: Level::Error,
            line,
            message,
        });
    }

    fn string(&mut self, key: &str, v: Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => {
                self.bad(
                    key,
                    "field-type",
                    format!(
                        "`{key}` must be a single line of text, not {}",
                        describe(&other)
                    ),
                );
                None
            }
        }
    }

    fn list(&mut self, key: &str, v: Value) -> Vec<String> {
        match v {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Bool(b) => out.push(b.to_string()),
                        Value::Null => {}
                        other => self.bad(
                            key,
                            "field-type",
                            format!("`{key}` items must be text, not {}", describe(&other)),
                        ),
                    }
                }
                out
            }
            Value::String(s) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            Value::Null => Vec::new(),
            other => {
                self.bad(
                    key,
                    "field-type",
                    format!(
                        "`{key}` must be a list like [a, b], not {}",
                        describe(&other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn slo_impact(&mut self, v: Value) -> Vec<SloImpact> {
        const KEY: &str = "slo_impact";
        let items = match v {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            one => vec![one],
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::String(id) if !id.trim().is_empty() => out.push(SloImpact {
                    slo: id.trim().to_string(),
                    bad_minutes: None,
                    minutes: None,
                    fraction: None,
                }),
                Value::Object(map) => match slo_entry(&map) {
                    Ok(e) => out.push(e),
                    Err(why) => self.bad(KEY, "bad-slo-impact", why),
                },
                Value::Null => {}
                other => self.bad(
                    KEY,
                    "bad-slo-impact",
                    format!(
                        "`slo_impact` items are an SLO id or {{slo: ID, bad_minutes: N}}, not {}",
                        describe(&other)
                    ),
                ),
            }
        }
        out
    }

    fn date(&mut self, key: &str, v: Value) -> Option<NaiveDate> {
        let s = self.string(key, v)?;
        match parse_date(&s) {
            Some(d) => Some(d),
            None => {
                self.bad(
                    key,
                    "bad-date",
                    format!("`{key}: {s}` is not a valid date; write YYYY-MM-DD"),
                );
                None
            }
        }
    }

    fn timestamp(&mut self, key: &str, v: Value) -> Option<DateTime<FixedOffset>> {
        let s = self.string(key, v)?;
        match parse_timestamp(&s) {
            Some(t) => Some(t),
            None => {
                self.bad(
                    key,
                    "bad-timestamp",
                    format!(
                        "`{key}: {s}` is not a valid timestamp; write RFC 3339 like 2024-03-12T14:02:00Z"
                    ),
                );
                None
            }
        }
    }

    fn field(&mut self, key: &str, v: Value) {
        match key {
            "title" => self.fm.title = self.string(key, v),
            "id" => self.fm.id = self.string(key, v).filter(|s| !s.trim().is_empty()),
            "date" => self.fm.date = self.date(key, v),
            "last_reviewed" => self.fm.last_reviewed = self.date(key, v),
            "kind" => {
                if let Some(s) = self.string(key, v) {
                    self.fm.kind = Kind::parse(&s);
                    if self.fm.kind.is_none() {
                        self.bad(
                            key,
                            "bad-value",
                            format!("`kind: {s}` must be `postmortem` or `runbook`"),
                        );
                    }
                }
            }
            "status" => {
                if let Some(s) = self.string(key, v) {
                    self.fm.status = Status::parse(&s);
                    if self.fm.status.is_none() {
                        self.bad(
                            key,
                            "bad-value",
                            format!("`status: {s}` must be `draft`, `review` or `published`"),
                        );
                    }
                }
            }
            "severity" => self.fm.severity = self.string(key, v),
            "services" => self.fm.services = self.list(key, v),
            "factors" => self.fm.factors = self.list(key, v),
            "tags" => self.fm.tags = self.list(key, v),
            "authors" => self.fm.authors = self.list(key, v),
            "runbooks" => self.fm.runbooks = self.list(key, v),
            "related" => self.fm.related = self.list(key, v),
            "aliases" => self.fm.aliases = self.list(key, v),
            "source" => self.fm.source = self.string(key, v),
            "started" => self.fm.started = self.timestamp(key, v),
            "detected" => self.fm.detected = self.timestamp(key, v),
            "mitigated" => self.fm.mitigated = self.timestamp(key, v),
            "resolved" => self.fm.resolved = self.timestamp(key, v),
            "impact" => self.fm.impact = self.string(key, v),
            "trigger" => self.fm.trigger = self.string(key, v),
            "owner" => self.fm.owner = self.string(key, v),
            "near_miss" => match v {
                Value::Bool(b) => self.fm.near_miss = b,
                Value::Null => {}
                Value::String(s) if matches!(s.as_str(), "yes" | "true") => {
                    self.fm.near_miss = true
                }
                Value::String(s) if matches!(s.as_str(), "no" | "false") => {}
                other => self.bad(
                    key,
                    "field-type",
                    format!(
                        "`near_miss` must be true or false, not {}",
                        describe(&other)
                    ),
                ),
            },
            "slo_impact" => self.fm.slo_impact = self.slo_impact(v),
            "review_every_days" => match v {
                Value::Number(n) if n.as_u64().is_some_and(|d| d > 0 && d < 100_000) => {
                    self.fm.review_every_days = n.as_u64().map(|d| d as u32)
                }
                Value::Null => {}
                other => self.bad(
                    key,
                    "field-type",
                    format!(
                        "`review_every_days` must be a whole number of days, not {}",
                        describe(&other)
                    ),
                ),
            },
            _ => {
                self.fm.extra.insert(key.to_string(), v);
            }
        }
    }
}

/// One `slo_impact` map, checked key by key.
fn slo_entry(map: &Map<String, Value>) -> std::result::Result<SloImpact, String> {
    let mut e = SloImpact {
        slo: String::new(),
        bad_minutes: None,
        minutes: None,
        fraction: None,
    };
    for (k, v) in map {
        let num = || {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .filter(|n: &f64| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| format!("`slo_impact` `{k}` must be a number of 0 or more"))
        };
        match k.as_str() {
            "slo" | "id" => {
                e.slo = v
                    .as_str()
                    .map(|s| s.trim().to_string())
                    .ok_or("`slo_impact` `slo` must be an SLO id")?
            }
            "bad_minutes" => e.bad_minutes = Some(num()?),
            "minutes" => e.minutes = Some(num()?),
            "fraction" => e.fraction = Some(num()?),
            "percent" => e.fraction = Some(num()? / 100.0),
            other => {
                return Err(format!(
                    "`slo_impact` has no `{other}`; use slo, bad_minutes, minutes, fraction or percent"
                ));
            }
        }
    }
    if e.slo.is_empty() {
        return Err("a `slo_impact` entry names no `slo`".into());
    }
    if map.contains_key("fraction") && map.contains_key("percent") {
        return Err(format!(
            "`slo_impact` for `{}`: give fraction or percent, not both",
            e.slo
        ));
    }
    if e.bad_minutes.is_some() && (e.fraction.is_some() || e.minutes.is_some()) {
        return Err(format!(
            "`slo_impact` for `{}`: bad_minutes is the budget spent already; drop minutes and fraction, or bad_minutes",
            e.slo
        ));
    }
    if e.fraction.is_some_and(|f| f > 1.0) {
        return Err(format!(
            "`slo_impact` for `{}`: fraction must be 0 to 1 (percent 0 to 100)",
            e.slo
        ));
    }
    Ok(e)
}

/// The parser's message without its own "error: line N column M:" prefix, which
/// counts lines within the front matter rather than the file.
fn yaml_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or("invalid YAML").trim();
    let mut msg = first.strip_prefix("error:").unwrap_or(first).trim();
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some((_, after)) = rest.split_once(": ")
    {
        msg = after;
    }
    msg.to_string()
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// Top-level keys (lines without indentation of the form `key:`) with lines.
fn key_lines(yaml: &str, first_line: usize) -> Vec<(String, usize)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            if l.starts_with([' ', '\t', '-', '#']) {
                return None;
            }
            let (k, _) = l.split_once(':')?;
            let k = k.trim().trim_matches(['"', '\'']);
            (!k.is_empty() && !k.contains(' ')).then(|| (k.to_string(), first_line + i))
        })
        .collect()
}
