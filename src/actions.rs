//! Action items across the knowledge base, with their postmortem and whether
//! they are overdue.

use crate::doc::{ActionItem, Kind};
use crate::kb::Kb;
use chrono::NaiveDate;
use serde::Serialize;

/// One action item with where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub doc_id: String,
    pub doc_title: String,
    pub doc_date: Option<NaiveDate>,
    pub path: String,
    #[serde(flatten)]
    pub item: ActionItem,
    pub overdue: bool,
}

/// Which action items to show.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub open_only: bool,
    pub owner: Option<String>,
}

/// Every action item of every postmortem, open ones first, then by due date.
pub fn all(kb: &Kb, today: NaiveDate, filter: &ActionFilter) -> Vec<ActionRow> {
    let want_owner = filter
        .owner
        .as_deref()
        .map(|o| o.trim_start_matches('@').to_ascii_lowercase());
    let mut rows: Vec<ActionRow> = kb
        .by_kind(Kind::Postmortem)
        .flat_map(|d| {
            d.action_items.iter().map(move |a| ActionRow {
                doc_id: d.id.clone(),
                doc_title: d.title.clone(),
                doc_date: d.meta.date,
                path: d.path.to_string_lossy().into_owned(),
                item: a.clone(),
                overdue: is_overdue(a, today),
            })
        })
        .filter(|r| !filter.open_only || !r.item.done)
        .filter(|r| {
            want_owner.as_deref().is_none_or(|w| {
                r.item
                    .owner
                    .as_deref()
                    .is_some_and(|o| o.to_ascii_lowercase() == w)
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        a.item
            .done
            .cmp(&b.item.done)
            .then_with(|| a.item.due.is_none().cmp(&b.item.due.is_none()))
            .then_with(|| a.item.due.cmp(&b.item.due))
            .then_with(|| b.doc_date.cmp(&a.doc_date))
    });
    rows
}

/// Open, with a due date before `today`.
pub fn is_overdue(a: &ActionItem, today: NaiveDate) -> bool {
    !a.done && a.due.is_some_and(|d| d < today)
}
