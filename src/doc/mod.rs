//! The document model: front matter, body sections, timeline, action items and
//! derived durations. Pure functions from text to `Doc`; no I/O here.

mod body;
pub mod edit;
pub mod edit_fields;
mod frontmatter;
mod intern;
pub mod prose;
mod structure;
mod time;

pub use body::{
    first_paragraph, heading_sections, markdown_options, normalize, prose_lines, slugify,
};
pub use frontmatter::{FrontMatter, SloImpact, Split, body_of, split_front_matter};
pub use structure::{Stamps, Stated};
pub use time::{parse_date, parse_timestamp, parse_timestamp_in, period};

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The sections of the built-in postmortem template, in order: lint expects
/// them in reviewed postmortems, edits create a missing one in its place.
pub const TEMPLATE_SECTIONS: [&str; 11] = [
    "Summary",
    "Impact",
    "Timeline",
    "Contributing factors",
    "Detection",
    "Response and recovery",
    "What went well",
    "What went wrong",
    "Where we got lucky",
    "Action items",
    "Lessons learned",
];

/// What a document is: a postmortem of an incident, or a runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Postmortem,
    Runbook,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Postmortem => "postmortem",
            Kind::Runbook => "runbook",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "postmortem" | "postmortems" => Some(Kind::Postmortem),
            "runbook" | "runbooks" => Some(Kind::Runbook),
            _ => None,
        }
    }
}

/// Review state of a document; drafts stay out of the exported site.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Draft,
    Review,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim().to_ascii_lowercase().as_str() {
            "draft" => Some(Status::Draft),
            "review" => Some(Status::Review),
            "published" => Some(Status::Published),
            _ => None,
        }
    }
}

/// How bad a finding is: errors make `lint` fail, warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// Something wrong with a document found while parsing it, with the 1-based line
/// in the file where there is one. `lint` adds the KB-wide checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub level: Level,
    pub line: Option<usize>,
    pub message: String,
}

/// One entry of the `Timeline` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub line: usize,
    /// The instant, when the time could be placed (needs `date` for bare times).
    pub at: Option<DateTime<FixedOffset>>,
    /// The time as written (`14:02`, `2024-03-12 14:02Z`).
    pub time: String,
    pub text: String,
}

/// Kind of an action item, from its `#type` token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    Prevent,
    Detect,
    Mitigate,
    Process,
}

impl ActionType {
    pub fn parse(s: &str) -> Option<ActionType> {
        match s.to_ascii_lowercase().as_str() {
            "prevent" => Some(ActionType::Prevent),
            "detect" => Some(ActionType::Detect),
            "mitigate" => Some(ActionType::Mitigate),
            "process" => Some(ActionType::Process),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ActionType::Prevent => "prevent",
            ActionType::Detect => "detect",
            ActionType::Mitigate => "mitigate",
            ActionType::Process => "process",
        }
    }
}

/// A task-list item of the `Action items` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub line: usize,
    pub done: bool,
    /// The item's text without the `@owner`, `due:` and `#type` tokens.
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    #[serde(rename = "type")]
    pub kind: Option<ActionType>,
}

/// A `##`-level (or any level) heading of the body and where its content lies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub level: u8,
    pub title: String,
    /// 1-based line of the heading in the file.
    pub line: usize,
    /// Byte range of the section content (after the heading) within `Doc::body`.
    #[serde(skip)]
    pub content: std::ops::Range<usize>,
}

/// A Markdown link from the body to another `.md` file of the KB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocLink {
    pub line: usize,
    /// The target as written.
    pub target: String,
    /// The target resolved against the document's folder, relative to the KB root.
    pub resolved: PathBuf,
}

/// A parsed document. Always produced, even from broken input: what could not be
/// read is recorded in `problems` instead. `Deserialize` reads back what
/// `Serialize` wrote (the parse cache, `store::parsed`, adds what it skips).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Doc {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// Path relative to the KB root, with `/` separators.
    pub path: PathBuf,
    pub meta: FrontMatter,
    /// Markdown after the front matter, line endings normalised to `\n`.
    #[serde(skip)]
    pub body: String,
    /// 1-based file line on which `body` starts.
    pub body_line: usize,
    pub sections: Vec<Section>,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    pub links: Vec<DocLink>,
    pub problems: Vec<Problem>,
    /// Started / detected / mitigated / resolved: the front matter's, else
    /// what the timeline marks.
    pub stamps: Stamps,
    /// Durations the document states (front matter or prose), for when the
    /// stamps cannot give them.
    pub stated: Stated,
    /// Byte size of the file.
    pub size: u64,
}

/// What parsing needs to know beyond the text: the KB's timezone for bare
/// timeline times, and the kind implied by the folder.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext {
    pub timezone: Tz,
    pub default_kind: Kind,
}

impl Default for ParseContext {
    fn default() -> Self {
        ParseContext {
            timezone: Tz::UTC,
            default_kind: Kind::Postmortem,
        }
    }
}

impl Doc {
    /// Parses raw file bytes: accepts a UTF-8 BOM and CRLF, and decodes invalid
    /// UTF-8 lossily while recording the line of the first bad byte.
    pub fn from_bytes(bytes: &[u8], path: &Path, ctx: &ParseContext) -> Doc {
        let mut problems = Vec::new();
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                problems.push(Problem {
                    code: "invalid-utf8",
                    level: Level::Error,
                    line: Some(line),
                    message: "file is not valid UTF-8; invalid bytes were replaced when reading"
                        .into(),
                });
                String::from_utf8_lossy(bytes)
            }
        };
        let mut doc = Doc::parse(&text, path, ctx);
        doc.size = bytes.len() as u64;
        problems.append(&mut doc.problems);
        doc.problems = problems;
        doc
    }

    /// Parses a document from its text. `path` is relative to the KB root.
    pub fn parse(text: &str, path: &Path, ctx: &ParseContext) -> Doc {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let normalized;
        let text = if text.contains('\r') {
            normalized = text.replace("\r\n", "\n");
            normalized.as_str()
        } else {
            text
        };
        let mut problems = Vec::new();
        let split = split_front_matter(text);
        let (meta, body, body_line) = match split {
            frontmatter::Split::None => {
                problems.push(Problem {
                    code: "no-front-matter",
                    level: Level::Error,
                    line: Some(1),
                    message: "no front matter: the file should start with a `---` line followed by YAML fields and a closing `---`".into(),
                });
                (FrontMatter::default(), text, 1)
            }
            frontmatter::Split::Unterminated => {
                problems.push(Problem {
                    code: "front-matter-unterminated",
                    level: Level::Error,
                    line: Some(1),
                    message:
                        "front matter opened with `---` on line 1 is never closed by a `---` line"
                            .into(),
                });
                (FrontMatter::default(), text, 1)
            }
            frontmatter::Split::Found {
                yaml,
                body,
                body_line,
            } => {
                let meta = FrontMatter::parse(yaml, 2, &mut problems);
                (meta, body, body_line)
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = meta.id.clone().unwrap_or_else(|| stem.clone());
        let kind = meta.kind.unwrap_or(ctx.default_kind);
        let sections = heading_sections(body, body_line);
        let title = meta
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| {
                sections
                    .iter()
                    .find(|s| s.level == 1)
                    .map(|s| s.title.clone())
                    .filter(|t| !t.trim().is_empty())
            })
            .unwrap_or_else(|| stem.clone());
        let mut doc = Doc {
            id,
            kind,
            title,
            path: path.to_path_buf(),
            meta,
            body: body.to_string(),
            body_line,
            sections,
            timeline: Vec::new(),
            action_items: Vec::new(),
            links: Vec::new(),
            problems,
            stamps: Stamps::default(),
            stated: Stated::default(),
            size: text.len() as u64,
        };
        if doc.kind == Kind::Postmortem {
            doc.timeline = structure::timeline(&doc, ctx.timezone);
            let (items, mut problems) = structure::action_items(&doc);
            doc.action_items = items;
            doc.problems.append(&mut problems);
            doc.stamps = structure::stamps(&doc);
            doc.stated = structure::stated(&doc);
        } else {
            doc.stamps = structure::stamps(&doc);
        }
        doc.links = body::doc_links(&doc);
        doc.check_required();
        doc
    }

    fn check_required(&mut self) {
        let has_fm = !self
            .problems
            .iter()
            .any(|p| p.code == "no-front-matter" || p.code == "front-matter-unterminated");
        if !has_fm {
            return;
        }
        if self.meta.title.is_none() && !self.problems.iter().any(|p| p.code == "yaml") {
            self.problems.push(Problem {
                code: "missing-field",
                level: Level::Error,
                line: Some(1),
                message: "required field `title` is missing".into(),
            });
        }
        if self.kind == Kind::Postmortem
            && self.meta.date.is_none()
            && !self.meta.had_field("date")
            && !self.problems.iter().any(|p| p.code == "yaml")
        {
            self.problems.push(Problem {
                code: "missing-field",
                level: Level::Error,
                line: Some(1),
                message: "required field `date` (YYYY-MM-DD) is missing".into(),
            });
        }
    }

    /// The review status; when none is given, `draft` for a postmortem and
    /// `published` for a runbook (runbooks are living documents, not drafts).
    pub fn status(&self) -> Status {
        self.meta.status.unwrap_or(match self.kind {
            Kind::Postmortem => Status::Draft,
            Kind::Runbook => Status::Published,
        })
    }

    /// The section whose heading matches `name` (case-insensitive), if any.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.level >= 2 && s.title.eq_ignore_ascii_case(name))
    }

    /// The Markdown content of a section, without its heading.
    pub fn section_text(&self, name: &str) -> Option<&str> {
        self.section(name).map(|s| &self.body[s.content.clone()])
    }

    /// A short summary: the first paragraph of `Summary`, else of the body.
    pub fn summary(&self) -> String {
        let src = self.section_text("Summary").unwrap_or(&self.body);
        body::first_paragraph(src)
    }

    /// Time to detect: `detected - started`, else the stated duration.
    pub fn ttd(&self) -> Option<i64> {
        span(self.stamps.started, self.stamps.detected).or(self.stated.ttd)
    }
    /// Time to mitigate: `mitigated - started`, else the stated duration.
    pub fn ttm(&self) -> Option<i64> {
        span(self.stamps.started, self.stamps.mitigated).or(self.stated.ttm)
    }
    /// Time to resolve: `resolved - started`, else the stated duration.
    pub fn ttr(&self) -> Option<i64> {
        span(self.stamps.started, self.stamps.resolved).or(self.stated.ttr)
    }

    /// Days between reviews of a runbook: its own `review_every_days`, else
    /// the KB's default.
    pub fn review_every(&self, default_days: u32) -> u32 {
        self.meta.review_every_days.unwrap_or(default_days)
    }

    /// The day a runbook's next review is due: `last_reviewed` plus its
    /// review interval; `None` when it was never reviewed.
    pub fn review_due(&self, default_days: u32) -> Option<NaiveDate> {
        let every = i64::from(self.review_every(default_days));
        self.meta
            .last_reviewed
            .and_then(|r| r.checked_add_signed(chrono::TimeDelta::days(every)))
    }

    /// A runbook is stale when it was never reviewed or its review is past due
    /// (the one rule lint, stats and the site share).
    pub fn is_stale(&self, default_days: u32, today: NaiveDate) -> bool {
        self.review_due(default_days).is_none_or(|due| due < today)
    }

    /// The date that orders documents: the incident date, else `last_reviewed`.
    pub fn sort_date(&self) -> Option<NaiveDate> {
        self.meta.date.or(self.meta.last_reviewed)
    }
}

fn span(a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some((b - a).num_seconds()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
