//! The terminal UI's model: one `App` holding everything on screen, the
//! `Action`s that change it, and `update`, the only place that changes it.
//! Work that needs the terminal or a thread (the editor, a search) comes back
//! from `update` as an `Effect` for the event loop to run.

use super::data::{self, SearchOutcome};
use super::input::Edit;
use super::theme::Theme;
use crate::config::Config;
use crate::doc::{Doc, Kind};
use crate::kb::Kb;
use crate::lint::Finding;
use crate::record::Record;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
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

pub use super::state::*;

/// The model of the whole UI.
pub struct App {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub records: Vec<Record>,
    /// The parsed KB, once the background load has finished.
    pub kb: Option<Arc<Kb>>,
    /// Similar past incidents by document id.
    pub similar: HashMap<String, Vec<crate::similar::Similar>>,
    /// Background work the event loop should start.
    pub jobs: Vec<Job>,
    pub findings: HashMap<PathBuf, Vec<Finding>>,
    /// Trend figures over the parsed KB.
    pub stats: Option<crate::stats::Stats>,
    pub tab: Tab,
    /// The tab Esc returns to after reading a document opened from it.
    pub back_to: Option<Tab>,
    pub screen: Screen,
    pub focus: Focus,
    pub sort: Sort,
    pub filter: HashMap<FacetGroup, String>,
    pub search: SearchState,
    pub rows: Vec<RowRef>,
    pub selected: usize,
    pub offset: usize,
    pub preview_scroll: usize,
    pub open: Option<OpenDoc>,
    pub overlay: Option<Overlay>,
    pub actions: ActionsView,
    pub message: String,
    pub size: (u16, u16),
    /// Fixed in tests; the wall clock otherwise.
    pub clock: Option<DateTime<Utc>>,
    /// The document being edited in `$EDITOR`, and whether it is new.
    pub editing: Option<(PathBuf, Kind, bool)>,
    pub should_quit: bool,
}

/// Everything that can happen to the model.
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
    /// `D` `M` `R`: stamp detected / mitigated / resolved now.
    Stamp(crate::lifecycle::Which),
    /// Space: mark the selected action item done (or open again).
    ToggleActionItem,
    /// `S`: draft → review → published (publishing gated by lint).
    AdvanceStatus,
    History,
    FormNext,
    FormPrev,
    /// Left/right on a form choice (kind, severity).
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
    SearchDone {
        id: u64,
        result: Result<SearchOutcome, String>,
    },
    KbLoaded(Box<data::Loaded>),
    /// Similar incidents of a document arrived.
    SimilarDone(String, Vec<crate::similar::Similar>),
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

/// Background work after a write, for the event loop to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// The search worker re-checks the files before its next query.
    RefreshIndex,
    /// Lint, trends and similar incidents over the updated KB.
    Reanalyse,
    /// Run the search again (the tab or the facets changed).
    Research,
    /// Hand the newly loaded KB to the similar-incidents thread.
    NewKb,
    /// Ask for the similar incidents of this document.
    Similar(String),
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    Search {
        id: u64,
        query: String,
    },
    /// Suspend the UI and open the editor on this new document (KB-relative).
    Edit(PathBuf),
    /// Suspend the UI, edit a copy of this existing document in the editor
    /// and apply the edit to the file as it is then (`change::EditSession`).
    EditExisting {
        rel: PathBuf,
        message: String,
    },
}

impl App {
    /// A model over `records` (read from the index's stored fields, so
    /// start-up does not parse every file). `kb` may come later.
    pub fn new(root: PathBuf, config: Config, records: Vec<Record>, theme: Theme) -> App {
        let mut app = App {
            root,
            config,
            theme,
            records,
            kb: None,
            similar: HashMap::new(),
            jobs: Vec::new(),
            findings: HashMap::new(),
            stats: None,
            tab: Tab::Postmortems,
            back_to: None,
            screen: Screen::Browse,
            focus: Focus::List,
            sort: Sort::Newest,
            filter: HashMap::new(),
            search: SearchState::default(),
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            preview_scroll: 0,
            open: None,
            overlay: None,
            actions: ActionsView {
                rows: Vec::new(),
                show: ActionShow::Open,
                owner: None,
                selected: 0,
                offset: 0,
            },
            message: String::new(),
            size: (100, 30),
            clock: None,
            editing: None,
            should_quit: false,
        };
        app.refresh_rows();
        app
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    /// Today for overdue checks: the test clock, else `LORE_TODAY` or the
    /// local date.
    pub fn today(&self) -> NaiveDate {
        match self.clock {
            Some(c) => c.with_timezone(&self.config.tz).date_naive(),
            None => crate::clock::today(),
        }
    }

    /// The record a list row shows.
    pub fn row_record(&self, r: RowRef) -> Option<&Record> {
        match r {
            RowRef::Record(i) => self.records.get(i),
            RowRef::Hit(i) => self.search.outcome.hits.get(i).map(|h| &h.record),
        }
    }

    pub fn selected_record(&self) -> Option<&Record> {
        self.rows
            .get(self.selected)
            .and_then(|&r| self.row_record(r))
    }

    /// How many documents of a kind the KB holds.
    pub fn count_kind(&self, kind: Kind) -> usize {
        self.records
            .iter()
            .filter(|r| r.kind == kind)
            .count()
    }

    pub fn severity_rank(&self, sev: Option<&str>) -> Option<usize> {
        sev.and_then(|s| self.config.severity_rank(s))
    }

    /// Lines a list row takes: two when it shows a search snippet.
    pub fn row_height(&self) -> usize {
        if self.search.active() && self.tab.kind().is_some() {
            2
        } else {
            1
        }
    }

    /// The record filter of the current facets.
    fn matches_facets(&self, r: &Record) -> bool {
        self.filter.iter().all(|(g, v)| {
            facet_values(r, *g)
                .iter()
                .any(|x| x.eq_ignore_ascii_case(v))
        })
    }

    /// Recomputes the visible rows after a change of tab, filter, sort, hits
    /// or records, keeping the selected document selected when it stays.
    pub fn refresh_rows(&mut self) {
        let keep = self.selected_record().map(|r| r.path.clone());
        let Some(kind) = self.tab.kind() else {
            self.rows.clear();
            return;
        };
        if self.search.active() {
            self.rows = (0..self.search.outcome.hits.len())
                .filter(|&i| {
                    let r = &self.search.outcome.hits[i].record;
                    r.kind == kind && self.matches_facets(r)
                })
                .map(RowRef::Hit)
                .collect();
        } else {
            let mut idx: Vec<usize> = (0..self.records.len())
                .filter(|&i| self.records[i].kind == kind && self.matches_facets(&self.records[i]))
                .collect();
            let recs = &self.records;
            let levels = self.config.severities.levels.len();
            match self.sort {
                Sort::Newest => idx.sort_by(|&a, &b| {
                    recs[b]
                        .date
                        .cmp(&recs[a].date)
                        .then(recs[a].id.cmp(&recs[b].id))
                }),
                Sort::Oldest => idx.sort_by(|&a, &b| {
                    recs[a]
                        .date
                        .cmp(&recs[b].date)
                        .then(recs[a].id.cmp(&recs[b].id))
                }),
                Sort::Severity => idx.sort_by_key(|&i| {
                    let rank = recs[i]
                        .severity
                        .as_deref()
                        .and_then(|s| self.config.severity_rank(s))
                        .unwrap_or(levels);
                    (rank, std::cmp::Reverse(recs[i].date))
                }),
            }
            self.rows = idx.into_iter().map(RowRef::Record).collect();
        }
        let found = keep.and_then(|p| {
            self.rows
                .iter()
                .position(|&r| self.row_record(r).is_some_and(|rec| rec.path == p))
        });
        self.selected = found.unwrap_or(0).min(self.rows.len().saturating_sub(1));
        self.preview_scroll = 0;
        self.clamp_offset();
    }

    /// Rows that fit in the list pane.
    pub fn list_capacity(&self) -> usize {
        let h = super::ui::areas(
            self,
            ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1),
        )
        .list_rows;
        (h / self.row_height()).max(1)
    }

    /// Scrolls the list so the selection is visible.
    pub fn clamp_offset(&mut self) {
        let cap = self.list_capacity();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + cap {
            self.offset = self.selected + 1 - cap;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(1));
    }

    /// Rebuilds the Actions tab rows from the parsed KB.
    pub fn refresh_actions(&mut self) {
        let Some(kb) = &self.kb else {
            return;
        };
        let today = self.today();
        let filter = crate::actions::ActionFilter {
            open_only: self.actions.show != ActionShow::All,
            owner: self.actions.owner.clone(),
        };
        let mut rows = crate::actions::all(kb, today, &filter);
        if self.actions.show == ActionShow::Overdue {
            rows.retain(|r| r.overdue);
        }
        self.actions.rows = rows;
        self.actions.selected = self
            .actions
            .selected
            .min(self.actions.rows.len().saturating_sub(1));
        self.actions.offset = self.actions.offset.min(self.actions.selected);
    }

    /// A message for the status bar.
    pub fn say(&mut self, msg: impl Into<String>) {
        self.message = msg.into();
    }
}

/// The values of a record for one facet.
pub fn facet_values(r: &Record, g: FacetGroup) -> Vec<String> {
    match g {
        FacetGroup::Status => vec![r.status.as_str().to_string()],
        FacetGroup::Severity => r.severity.iter().cloned().collect(),
        FacetGroup::Service => r.services.clone(),
        FacetGroup::Factor => r.factors.clone(),
        FacetGroup::Owner => r.owners.clone(),
    }
}

/// Applies one action to the model. Returns work for the event loop.
pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Quit => {
            app.should_quit = true;
            Some(Effect::Quit)
        }
        Action::Resize(w, h) => {
            // A reader at the end of a document stays at its end.
            let scroll = app.open.as_ref().map(|o| o.scroll);
            let at_end = app.screen == Screen::Read
                && scroll.is_some_and(|s| s > 0 && s >= super::ui::detail_max_scroll(app));
            app.size = (w, h);
            app.clamp_offset();
            let max = super::ui::detail_max_scroll(app);
            if let Some(o) = app.open.as_mut() {
                o.scroll = if at_end { max } else { o.scroll.min(max) };
            }
            None
        }
        Action::SearchDone { id, result } => {
            super::search::results(app, id, result);
            None
        }
        Action::KbLoaded(loaded) => {
            // An analysis of a KB that a later write replaced is stale.
            if app
                .kb
                .as_ref()
                .is_some_and(|kb| !Arc::ptr_eq(kb, &loaded.kb))
            {
                return None;
            }
            let data::Loaded {
                kb,
                findings,
                stats,
            } = *loaded;
            app.kb = Some(kb);
            // Answers about the previous KB may be out of date.
            app.similar.clear();
            app.jobs.push(Job::NewKb);
            app.findings = findings;
            app.stats = Some(stats);
            app.refresh_actions();
            // The KB's parse of the open document is the file as it is now.
            let newer = app
                .open
                .as_ref()
                .and_then(|o| app.kb.as_ref()?.by_path(&o.doc.path).cloned());
            super::ops::refresh_open(app, newer);
            None
        }
        Action::SimilarDone(id, found) => {
            app.similar.insert(id.clone(), found);
            if app.open.as_ref().is_some_and(|o| o.doc.id == id) {
                super::ops::refresh_open(app, None);
            }
            None
        }
        Action::Saved(saved) => {
            super::ops::saved(app, saved);
            None
        }
        other => {
            if app.overlay.is_some() {
                super::overlay::update(app, other)
            } else {
                super::nav::update(app, other)
            }
        }
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
