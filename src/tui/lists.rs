//! The rows the lists show, recomputed after a change of tab, filter, sort,
//! hits or records, and the scrolling that keeps the selection in view.
//! Pure: reads the model and the layout.

use super::model::App;
use super::state::*;

impl App {
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
        (super::layout::screen(self).list_rows / self.row_height()).max(1)
    }

    /// Scrolls the list so the selection is visible and the pane full: no
    /// empty rows below the last document while earlier ones are hidden.
    pub fn clamp_offset(&mut self) {
        let cap = self.list_capacity();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + cap {
            self.offset = self.selected + 1 - cap;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(cap));
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
}
