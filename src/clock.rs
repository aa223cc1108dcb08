//! Today's date for overdue and stale checks: the local date, or `LORE_TODAY`
//! (YYYY-MM-DD) so CI runs and "what will be overdue next week" are repeatable.

use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    fixed_today().unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The date `LORE_TODAY` fixes, if any (read once by the TUI at start-up).
pub fn fixed_today() -> Option<NaiveDate> {
    std::env::var("LORE_TODAY")
        .ok()
        .and_then(|s| crate::doc::parse_date(&s))
}
