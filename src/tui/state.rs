//! The parts of the UI model below `App`: facets, the prompts and the
//! new-document form, the history browser, the open document with its side
//! panel, the search bar's state and the Actions tab. Plain data; `update`
//! (in `app`) changes it.

use super::app::ActionShow;
use super::data::{CommitRow, SearchOutcome};
use super::input::Input;
use crate::actions::ActionRow;
use crate::doc::{Doc, Kind, Level};
use std::path::PathBuf;

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
    pub selected: usize,
    pub offset: usize,
}

/// What a one-line prompt adds to the open document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Timeline,
    ActionItem,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
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
}

impl FormField {
    pub const ALL: [FormField; 5] = [
        FormField::Kind,
        FormField::Title,
        FormField::Severity,
        FormField::Services,
        FormField::Factors,
    ];
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
    Help { scroll: usize },
    Facets(FacetPicker),
    Form(NewForm),
    Prompt(Prompt),
    History(HistoryView),
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
    /// The rendered lines at the last width drawn: the document is rendered
    /// once per width, not on every frame and scroll key. An `OpenDoc` is
    /// rebuilt whenever its document or findings change.
    pub rendered: RenderCache,
}

/// Lines rendered for one width.
pub type RenderCache =
    std::cell::RefCell<Option<(u16, std::sync::Arc<Vec<ratatui::text::Line<'static>>>)>>;

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
