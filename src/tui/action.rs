//! The messages of the UI core: every `Action` that changes the model (a key,
//! a click, a resize, the geometry a frame was drawn at, a worker's result),
//! and every `Effect` that `update` asks the event loop to perform. Plain
//! data: nothing here does anything.

use super::input::Edit;
use super::state::{CommitRow, Geometry, Loaded, SearchOutcome, Tab};
use crate::doc::{ActionItem, Doc, Kind, Status};
use crate::draft::NewDoc;
use crate::kb::Kb;
use crate::lifecycle::Which;
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::path::PathBuf;
use std::sync::Arc;

/// Everything that can happen to the model.
#[derive(Debug)]
pub enum Action {
    Quit,
    Help,
    Back,
    NextPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NextTab,
    PrevTab,
    GoTab(Tab),
    StartSearch,
    /// A keystroke in the focused text field.
    Input(Edit),
    /// Enter in a text field, prompt or form.
    Submit,
    CycleSort,
    OpenFacets,
    ToggleFacet,
    ClearFilters,
    CycleActionShow,
    New,
    EditDoc,
    AddTimeline,
    AddAction,
    /// `D` `M` `R`: stamp detected / mitigated / resolved (time editable).
    Stamp(Which),
    /// Space: an action item done (or open again).
    ToggleActionItem,
    /// `S`: draft → review → published (publishing gated by lint).
    AdvanceStatus,
    History,
    /// `r`: read the KB again from disk.
    Reload,
    FormNext,
    FormPrev,
    /// Left/right on a form choice (kind, severity, started).
    FormCycle(i8),
    /// Tab in the factors field: complete the current word.
    Complete,
    Scroll {
        x: u16,
        y: u16,
        down: bool,
    },
    Click {
        x: u16,
        y: u16,
    },
    Resize(u16, u16),
    /// A frame was drawn: where everything was, for scrolling and clicks.
    Drawn(Geometry),
    /// A second passed (elapsed-time header, status messages expiring).
    Tick,
    SearchDone {
        id: u64,
        result: Result<SearchOutcome, String>,
    },
    KbLoaded(Box<Loaded>),
    /// Loading or analysing the KB failed.
    KbFailed(String),
    /// Similar incidents of a document arrived.
    SimilarDone(String, Vec<crate::similar::Similar>),
    /// A document asked for with `Io::Read` was read.
    Read {
        rel: PathBuf,
        /// Open it at this action item (from the Actions tab).
        item: Option<usize>,
        result: Result<Box<Doc>, String>,
    },
    /// A change asked for with `Io::Write` was saved and committed (the
    /// commit note and the document read back), or why not.
    Wrote {
        rel: PathBuf,
        result: Result<(String, Box<Doc>), String>,
        /// Scroll the open document to the line holding this text.
        reveal: Option<String>,
    },
    /// A document asked for with `Io::Create` was written from the template.
    Created(Result<(PathBuf, Kind), String>),
    HistoryLoaded {
        rel: PathBuf,
        title: String,
        result: Result<Vec<CommitRow>, String>,
    },
    DiffLoaded {
        commit: String,
        result: Result<String, String>,
    },
    /// Files of the KB changed on disk (another process, `git pull`); none
    /// named: read everything again.
    Changed(Vec<PathBuf>),
    /// A changed document read again (`None`: it is gone).
    Reread {
        rel: PathBuf,
        result: Result<Option<Box<Doc>>, String>,
    },
    /// An editor round trip ended: the document as saved, and what to say.
    Saved(Saved),
}

/// What the event loop hands back after an editor round trip: the document
/// read back (none when nothing could be saved) and the status-bar note.
#[derive(Debug)]
pub struct Saved {
    pub doc: Option<Box<Doc>>,
    pub note: String,
}

/// Work `update` asks for; the effects runner performs it and answers with
/// actions.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Search with the newest query (older ones still queued are dropped).
    Search { id: u64, query: String },
    /// The search worker re-checks the files before its next query.
    RefreshIndex,
    /// Read the whole KB again, lint it and compute its figures.
    LoadKb,
    /// Lint and compute the figures of this version of the KB.
    Analyse { kb: Arc<Kb>, today: NaiveDate },
    /// Hand a new version of the KB to the similar-incidents worker.
    SetKb(Arc<Kb>),
    /// Ask for the similar incidents of this document.
    Similar(String),
    /// Ask for the incidents similar to what the `n` form holds so far.
    SimilarDraft(Box<Doc>),
    /// A library call on the I/O worker (in order).
    Io(Io),
    /// Suspend the UI and open the editor on this new document (KB-relative).
    Edit(PathBuf),
    /// Suspend the UI, edit a copy of this existing document in the editor
    /// and apply the edit to the file as it is then (`change::EditSession`).
    EditExisting { rel: PathBuf, message: String },
}

/// A library call: reads, and writes of one document through the shared
/// path (lock, re-read, change, atomic write, commit, index update).
#[derive(Debug, Clone)]
pub enum Io {
    Read {
        rel: PathBuf,
        kind: Kind,
        item: Option<usize>,
    },
    Write {
        rel: PathBuf,
        kind: Kind,
        change: Write,
        reveal: Option<String>,
    },
    /// Read a document that changed on disk, if it is still there.
    Reread {
        rel: PathBuf,
        kind: Kind,
    },
    Create(NewDoc),
    History {
        rel: PathBuf,
        title: String,
    },
    Diff {
        rel: PathBuf,
        commit: String,
    },
}

/// One change of an existing document.
#[derive(Debug, Clone)]
pub enum Write {
    Timeline {
        text: String,
        now: DateTime<FixedOffset>,
    },
    ActionItem {
        text: String,
    },
    Stamp {
        which: Which,
        at: DateTime<FixedOffset>,
    },
    SetAction {
        item: ActionItem,
        done: bool,
    },
    Status {
        kb: Arc<Kb>,
        to: Status,
    },
}
