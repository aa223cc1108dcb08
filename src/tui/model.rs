//! The model of the terminal UI: one `App` holding everything on screen,
//! and what can be read from it. Plain data and pure accessors; `update`
//! (in `app`) is the only place that changes it.

use super::action::Effect;
use super::state::*;
use super::theme::Theme;
use crate::config::Config;
use crate::doc::Kind;
use crate::kb::Kb;
use crate::lint::Finding;
use crate::record::Record;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// How long a status message stays (errors stay until the next message).
pub const MESSAGE_SECONDS: i64 = 8;

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
    pub findings: HashMap<PathBuf, Vec<Finding>>,
    /// Trend figures over the parsed KB.
    pub stats: Option<crate::stats::Stats>,
    pub slos: Option<crate::slo::Report>,
    /// Postmortems of this date in earlier years (title, date), newest first.
    pub anniversaries: Vec<(String, chrono::NaiveDate)>,
    pub tab: Tab,
    /// The tab Esc returns to after reading a document opened from it.
    pub back_to: Option<Tab>,
    /// Documents Esc returns to after following a link, as they were shown.
    pub back_stack: Vec<OpenDoc>,
    pub screen: Screen,
    pub focus: Focus,
    pub sort: Sort,
    pub filter: HashMap<FacetGroup, Vec<String>>,
    pub search: SearchState,
    pub rows: Vec<RowRef>,
    pub selected: usize,
    pub offset: usize,
    pub preview_scroll: usize,
    pub open: Option<OpenDoc>,
    /// The next `OpenDoc::rev`.
    pub next_rev: u64,
    pub overlay: Option<Overlay>,
    pub actions: ActionsView,
    pub message: String,
    /// When the message was set, for expiring it.
    pub message_at: Option<DateTime<Utc>>,
    pub size: (u16, u16),
    /// Where the last frame drew everything.
    pub geometry: Geometry,
    /// Fixed in tests; the wall clock otherwise.
    pub clock: Option<DateTime<Utc>>,
    /// The first Trends panel shown when they do not all fit.
    pub trends_scroll: usize,
    /// What the `n` form held when similar incidents were last asked for.
    pub draft_key: String,
    /// `LORE_TODAY`, read once at start-up.
    pub fixed_today: Option<NaiveDate>,
    /// The document asked for and not read yet (a later navigation drops
    /// it), and whether it was reached by following a link.
    pub pending_open: Option<(PathBuf, bool)>,
    /// Documents saved or re-read since a whole-KB load was asked for: the
    /// load may have read them before they changed, so they are applied
    /// again on top of it.
    pub since_load: Option<Vec<crate::doc::Doc>>,
    /// The git user, as the author of new documents.
    pub author: Option<String>,
    /// The document being edited in `$EDITOR`, and whether it is new.
    pub editing: Option<(PathBuf, Kind, bool)>,
    /// Effects asked for while handling the current action.
    pub outbox: Vec<Effect>,
    pub should_quit: bool,
}

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    /// Today for overdue checks: the test clock, else `LORE_TODAY` or the
    /// local date.
    pub fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| self.now().with_timezone(&self.config.tz).date_naive())
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
        self.records.iter().filter(|r| r.kind == kind).count()
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

    /// The record filter of the current facets: within a group any chosen
    /// value, across groups all of them.
    pub fn matches_facets(&self, r: &Record) -> bool {
        self.matches_facets_except(r, FacetGroup::Owner)
    }

    /// `matches_facets` leaving group `skip` out (owners filter the Actions
    /// tab, not the lists).
    pub fn matches_facets_except(&self, r: &Record, skip: FacetGroup) -> bool {
        self.filter
            .iter()
            .filter(|(g, _)| **g != skip)
            .all(|(g, vs)| {
                vs.is_empty()
                    || facet_values(r, *g)
                        .iter()
                        .any(|x| vs.iter().any(|v| x.eq_ignore_ascii_case(v)))
            })
    }

    /// Asks for work from the outside world (returned by `update`).
    pub fn effect(&mut self, e: Effect) {
        self.outbox.push(e);
    }

    /// Whether a pane has the keyboard, for its border colour.
    pub fn focused(&self, pane: Focus) -> bool {
        self.overlay.is_none() && !self.search.typing && self.focus == pane
    }

    /// The furthest the detail pane can scroll, as last drawn; unknown
    /// (unbounded, the next frame clamps it) when the pane changed since.
    pub fn detail_max_scroll(&self) -> usize {
        let drawn = self.geometry.doc_rev == self.open.as_ref().map(|o| o.rev);
        if drawn {
            self.geometry.detail_max_scroll()
        } else {
            usize::MAX / 4
        }
    }

    /// A message for the status bar.
    pub fn say(&mut self, msg: impl Into<String>) {
        self.message = msg.into();
        self.message_at = Some(self.now());
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
