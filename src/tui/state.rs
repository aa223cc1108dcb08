//! The parts of the UI model below `App`: facets, the prompts and the
//! new-document form, the history browser, the open document with its side
//! panel, the search bar's state and the Actions tab. Plain data; `update`
//! (in `app`) changes it.

use super::input::Input;
use crate::actions::ActionRow;
use crate::doc::{Doc, Kind, Level};
use crate::kb::Kb;
use crate::lint::Finding;
use crate::record::Record;
use crate::stats::Stats;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// The four tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Postmortems,
    Runbooks,
    Actions,
    Trends,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Postmortems, Tab::Runbooks, Tab::Actions, Tab::Trends];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Postmortems => "Postmortems",
            Tab::Runbooks => "Runbooks",
            Tab::Actions => "Actions",
            Tab::Trends => "Trends",
        }
    }

    /// The kind of document a list tab shows.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Tab::Postmortems => Some(Kind::Postmortem),
            Tab::Runbooks => Some(Kind::Runbook),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// Whether the list or one open document fills the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browse,
    Read,
}

/// The pane that takes the movement keys; `Tab` cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
    Side,
}

/// How the document list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Oldest,
    Severity,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "newest first",
            Sort::Oldest => "oldest first",
            Sort::Severity => "most severe first",
        }
    }
}

/// Which action items the Actions tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionShow {
    Open,
    Overdue,
    All,
}

impl ActionShow {
    pub fn label(self) -> &'static str {
        match self {
            ActionShow::Open => "open",
            ActionShow::Overdue => "overdue",
            ActionShow::All => "all",
        }
    }
}

/// One search result as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub record: Record,
    /// A short excerpt of the body around the matched words.
    pub snippet: String,
    /// Byte ranges of `snippet` holding matched words.
    pub highlights: Vec<Range<usize>>,
}

/// What one search request returned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchOutcome {
    pub hits: Vec<SearchHit>,
    pub total: usize,
    /// The words matched only after typo correction.
    pub fuzzy: bool,
}

/// One commit that touched a document.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitRow {
    pub id: String,
    pub short: String,
    pub date: String,
    pub author: String,
    pub subject: String,
}

/// The parsed KB with what is computed over all of it: lint findings by
/// file and the trend figures.
#[derive(Debug)]
pub struct Loaded {
    pub kb: Arc<Kb>,
    pub findings: HashMap<PathBuf, Vec<Finding>>,
    pub stats: Stats,
    /// Error budgets of the current windows (`lore slo`'s report).
    pub slos: crate::slo::Report,
    /// Postmortems of this date in earlier years, newest first: title, date.
    pub anniversaries: Vec<(String, chrono::NaiveDate)>,
    /// Read from the files (a load or reload), not an analysis of the
    /// model's own KB after a write.
    pub from_disk: bool,
}

/// The id similar incidents of the document being drafted come back under.
pub const DRAFT_ID: &str = "\u{0}draft";

/// A facet a list can be narrowed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetGroup {
    Status,
    Severity,
    Service,
    Factor,
    Owner,
}

impl FacetGroup {
    pub fn label(self) -> &'static str {
        match self {
            FacetGroup::Status => "status",
            FacetGroup::Severity => "severity",
            FacetGroup::Service => "service",
            FacetGroup::Factor => "factor",
            FacetGroup::Owner => "owner",
        }
    }
}

/// One line of the facet picker: a value present in the list, with a count.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetEntry {
    pub group: FacetGroup,
    pub value: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacetPicker {
    pub entries: Vec<FacetEntry>,
    /// Typed to narrow the entries to values holding it.
    pub query: Input,
    /// Index into `shown()`.
    pub selected: usize,
}

impl FacetPicker {
    /// The entries the query leaves, as indices into `entries`.
    pub fn shown(&self) -> Vec<usize> {
        let q = self.query.text.trim().to_lowercase();
        (0..self.entries.len())
            .filter(|&i| {
                q.is_empty()
                    || self.entries[i].value.to_lowercase().contains(&q)
                    || self.entries[i].group.label().starts_with(&q)
            })
            .collect()
    }

    /// The entry selected, if any is shown.
    pub fn current(&self) -> Option<&FacetEntry> {
        self.shown()
            .get(self.selected)
            .and_then(|&i| self.entries.get(i))
    }
}

/// What a one-line prompt adds to the open document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Timeline,
    ActionItem,
    /// The time of a stamp, pre-filled with now.
    Stamp(crate::lifecycle::Which),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    /// What the field was pre-filled with (a time left as it is means now).
    pub prefill: String,
    pub rel: PathBuf,
    pub doc_kind: Kind,
    pub doc_id: String,
}

/// The fields of the new-document form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Kind,
    Title,
    Severity,
    Services,
    Factors,
    /// Whether the incident is live: "started now" stamps `started:`.
    Started,
    /// The document's date (postmortems are often written the day after).
    Date,
}

impl FormField {
    pub const ALL: [FormField; 7] = [
        FormField::Kind,
        FormField::Title,
        FormField::Severity,
        FormField::Services,
        FormField::Factors,
        FormField::Started,
        FormField::Date,
    ];

    /// Fields changed with ←/→ or Space rather than typed into.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            FormField::Kind | FormField::Severity | FormField::Started
        )
    }
}

/// The `n` form: enough to write a document from the template.
#[derive(Debug, Clone, PartialEq)]
pub struct NewForm {
    pub kind: Kind,
    pub title: Input,
    /// Index into the KB's severity levels; `None` leaves it empty.
    pub severity: Option<usize>,
    pub services: Input,
    pub factors: Input,
    /// Declared live: `started:` is now.
    pub started_now: bool,
    pub date: Input,
    pub field: FormField,
    pub error: Option<String>,
}

/// The git history of a document, and the diff of one revision.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    pub rel: PathBuf,
    pub title: String,
    pub commits: Vec<CommitRow>,
    pub selected: usize,
    pub diff: Option<Vec<String>>,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Facets(FacetPicker),
    Form(NewForm),
    Prompt(Prompt),
    History(HistoryView),
    /// Space in a document: its action items, to mark done or open.
    Items(ItemPicker),
}

/// The action items of the open document, one selected.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemPicker {
    pub selected: usize,
    /// The selected item's text: found again when the document changes
    /// under the picker (another responder's edit), so the cursor stays on it.
    pub text: String,
}

/// An entry of the side panel next to an open document.
#[derive(Debug, Clone, PartialEq)]
pub struct SideItem {
    pub section: &'static str,
    pub id: String,
    pub title: String,
    pub note: String,
    /// A second, dim line (why an incident is similar).
    pub detail: Option<String>,
    pub target: Option<(PathBuf, Kind)>,
}

/// A lint finding for the open document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocFinding {
    pub level: Level,
    pub line: Option<usize>,
    pub message: String,
}

/// The document being read.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    pub doc: Doc,
    pub scroll: usize,
    pub side: Vec<SideItem>,
    pub side_selected: usize,
    pub findings: Vec<DocFinding>,
    /// Changes whenever what the pane shows changes (document, findings,
    /// side panel), so the view renders the Markdown again only then.
    pub rev: u64,
    /// Keep the reader at the end when the next frame is drawn (they were
    /// at the end before a resize or a reload).
    pub stick_end: bool,
    /// Scroll to the first line holding this text when next drawn.
    pub reveal: Option<String>,
}

/// The search bar and its latest results.
#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub input: Input,
    pub typing: bool,
    /// The query the shown hits answer.
    pub shown_query: String,
    pub outcome: SearchOutcome,
    pub error: Option<String>,
    /// Id of the newest request sent and of the result shown.
    pub sent: u64,
    pub shown: u64,
    /// Requests not answered yet, by id, so each answer is labelled with
    /// its own query (not the text typed since).
    pub pending: Vec<(u64, String)>,
}

impl SearchState {
    /// Whether the list shows search hits rather than every document.
    pub fn active(&self) -> bool {
        !self.input.text.trim().is_empty()
    }
}

/// A row of the document list: a record, or a search hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRef {
    Record(usize),
    Hit(usize),
}

/// The Actions tab.
#[derive(Debug, Clone)]
pub struct ActionsView {
    pub rows: Vec<ActionRow>,
    pub show: ActionShow,
    pub owner: Option<String>,
    pub selected: usize,
    pub offset: usize,
}

/// What a drawn frame showed, handed back to the model (`Action::Drawn`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Geometry {
    /// The revision of the open document drawn (`OpenDoc::rev`), if any.
    pub doc_rev: Option<u64>,
    /// Lines the detail pane's content holds, and rows it shows.
    pub detail_lines: usize,
    pub detail_rows: usize,
    /// The scroll the detail pane was drawn at.
    pub detail_scroll: usize,
    /// Which side-panel entry each drawn row of the panel shows (the first
    /// entry is the panel's first inner row).
    pub side_rows: Vec<Option<usize>>,
    /// Screen row of the side panel's first inner row.
    pub side_top: u16,
}

impl Geometry {
    /// The furthest the detail pane can scroll.
    pub fn detail_max_scroll(&self) -> usize {
        self.detail_lines.saturating_sub(self.detail_rows)
    }

    /// The side-panel entry drawn at screen row `y`.
    pub fn side_item_at(&self, y: u16) -> Option<usize> {
        let row = y.checked_sub(self.side_top)? as usize;
        self.side_rows.get(row).copied().flatten()
    }
}
