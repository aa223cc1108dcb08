//! Search as you type, in the model: the request for the text typed (the
//! runner's search worker answers the newest) and how its results are shown.

use super::action::Effect;
use super::model::App;
use super::state::SearchOutcome;

/// The request for the current search text, or nothing when it is empty.
pub fn request(app: &mut App) -> Option<Effect> {
    app.search.sent += 1;
    let query = app.search.input.text.trim().to_string();
    if query.is_empty() {
        app.search.shown = app.search.sent;
        app.search.outcome = SearchOutcome::default();
        app.search.shown_query.clear();
        app.search.error = None;
        app.refresh_rows();
        return None;
    }
    app.search.pending.push((app.search.sent, query.clone()));
    Some(Effect::Search {
        id: app.search.sent,
        query: format!("{}{query}", scope(app)),
    })
}

/// Filters of the query language for the tab's kind and the active facets
/// (values holding spaces stay a filter of the list only).
fn scope(app: &App) -> String {
    let mut out = String::new();
    if let Some(kind) = app.tab.kind() {
        out.push_str(&format!("kind:{} ", kind.as_str()));
    }
    // One value of a group narrows the query; several (any of them) are a
    // filter of the list only, as are values holding spaces.
    let mut facets: Vec<_> = app.filter.iter().collect();
    facets.sort_by_key(|(g, _)| g.label());
    for (g, vs) in facets {
        if let [v] = vs.as_slice()
            && !v.is_empty()
            && !v.contains(char::is_whitespace)
            && !v.contains('"')
        {
            out.push_str(&format!("{}:{v} ", g.label()));
        }
    }
    out
}

/// Shows results unless newer ones are already shown (results arrive in
/// order, so intermediate ones still appear while typing).
pub fn results(app: &mut App, id: u64, result: Result<SearchOutcome, String>) {
    let query = app
        .search
        .pending
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, q)| q.clone());
    // Answers come in order: requests up to this one are settled.
    app.search.pending.retain(|(i, _)| *i > id);
    if id < app.search.shown || !app.search.active() {
        return;
    }
    app.search.shown = id;
    match result {
        Ok(outcome) => {
            app.search.error = None;
            let query = query.unwrap_or_default();
            // A new query starts at its best hit; the same one asked again
            // (after a write, a change on disk) keeps the reader's place.
            if query != app.search.shown_query {
                app.selected = 0;
                app.offset = 0;
            }
            app.search.shown_query = query;
            app.search.outcome = outcome;
        }
        Err(e) => app.search.error = Some(e),
    }
    app.refresh_rows();
}

impl App {
    /// Asks for the search again (the tab, facets or files changed).
    pub fn research(&mut self) {
        if self.search.active()
            && let Some(e) = super::search::request(self)
        {
            self.effect(e);
        }
    }
}
