//! Ids a heading may not take: lore's templates give them to elements of
//! every page.

use std::collections::HashSet;

/// The ids lore's own templates give elements of a page: a heading must not
/// take one (`## Main` would become a second `id="main"` and break the skip
/// link and the scripts that look elements up).
pub(super) const PAGE_IDS: &[&str] = &[
    "main",
    "q",
    "results",
    "search-form",
    "search-status",
    "on-this-day",
    "action-filters",
    "action-table",
    "f-after",
    "f-before",
    "f-count",
    "f-factor",
    "f-kind",
    "f-owner",
    "f-service",
    "f-severity",
    "f-state",
    "f-status",
];

pub(super) fn page_ids() -> HashSet<String> {
    PAGE_IDS.iter().map(|s| s.to_string()).collect()
}
