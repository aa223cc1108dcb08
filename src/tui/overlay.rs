//! `update` while an overlay is open: help, the facet picker, the one-line
//! prompts, the history browser and the action-item picker (the `n` form is
//! `draft_form`). No I/O: history and diffs are asked for as `Io`.

use super::action::{Action, Effect, Io};
use super::input::Input;
use super::model::{App, facet_values};
use super::state::{
    CommitRow, FacetEntry, FacetGroup, FacetPicker, HistoryView, ItemPicker, Overlay, Tab,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn update(app: &mut App, action: Action) {
    let Some(overlay) = app.overlay.take() else {
        return;
    };
    if let Action::Quit = action
        && !matches!(overlay, Overlay::Form(_) | Overlay::Prompt(_))
    {
        app.should_quit = true;
        return;
    }
    // In a form or a prompt, Ctrl-C cancels it (what was typed is not lost
    // to a quit by accident).
    let action = match action {
        Action::Quit => Action::Back,
        other => other,
    };
    match overlay {
        Overlay::Help { scroll } => match action {
            Action::Down => app.overlay = Some(Overlay::Help { scroll: scroll + 1 }),
            Action::Up => {
                app.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_sub(1),
                })
            }
            Action::PageDown => {
                app.overlay = Some(Overlay::Help {
                    scroll: scroll + 10,
                })
            }
            Action::PageUp => {
                app.overlay = Some(Overlay::Help {
                    scroll: scroll.saturating_sub(10),
                })
            }
            Action::Scroll { down, .. } => {
                let s = if down {
                    scroll + 3
                } else {
                    scroll.saturating_sub(3)
                };
                app.overlay = Some(Overlay::Help { scroll: s });
            }
            _ => {}
        },
        Overlay::Facets(mut p) => match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                let delta: isize = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -10,
                    Action::PageDown => 10,
                    Action::Top => isize::MIN / 2,
                    _ => isize::MAX / 2,
                };
                let max = p.shown().len().saturating_sub(1) as isize;
                p.selected = (p.selected as isize)
                    .saturating_add(delta)
                    .clamp(0, max.max(0)) as usize;
                app.overlay = Some(Overlay::Facets(p));
            }
            Action::Scroll { down, .. } => {
                let max = p.shown().len().saturating_sub(1);
                p.selected = if down {
                    (p.selected + 3).min(max)
                } else {
                    p.selected.saturating_sub(3)
                };
                app.overlay = Some(Overlay::Facets(p));
            }
            Action::Input(e) => {
                // Typing narrows the values shown.
                p.query.apply(e);
                p.selected = 0;
                app.overlay = Some(Overlay::Facets(p));
            }
            Action::ToggleFacet | Action::Submit | Action::Open => {
                if let Some(e) = p.current().cloned() {
                    toggle(app, &e);
                }
                // Counts follow the new filter; the narrowing and place stay.
                open_facets(app);
                if let Some(Overlay::Facets(q)) = app.overlay.as_mut() {
                    q.query = p.query.clone();
                    q.selected = p.selected.min(q.shown().len().saturating_sub(1));
                }
            }
            Action::ClearFilters => {
                app.filter.clear();
                app.actions.owner = None;
                app.research();
                app.refresh_rows();
                app.refresh_actions();
                open_facets(app);
            }
            _ => {}
        },
        Overlay::Prompt(mut p) => match action {
            Action::Input(e) => {
                p.input.apply(e);
                app.overlay = Some(Overlay::Prompt(p));
            }
            Action::Submit => super::writes::submit_prompt(app, p),
            Action::Back => app.say("nothing added"),
            _ => app.overlay = Some(Overlay::Prompt(p)),
        },
        Overlay::Form(f) => super::draft_form::update(app, f, action),
        Overlay::History(h) => history(app, h, action),
        Overlay::Items(p) => items(app, p, action),
    }
}

/// The open document's action items: move, Space or Enter toggles.
fn items(app: &mut App, mut p: ItemPicker, action: Action) {
    let n = app.open.as_ref().map_or(0, |o| o.doc.action_items.len());
    match action {
        Action::Up => p.selected = p.selected.saturating_sub(1),
        Action::Down => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        Action::Top => p.selected = 0,
        Action::Bottom => p.selected = n.saturating_sub(1),
        Action::ToggleFacet | Action::Submit | Action::Open | Action::ToggleActionItem => {
            super::writes::toggle_picked(app, p.selected);
        }
        Action::Back => return,
        _ => {}
    }
    if let Some(a) = app
        .open
        .as_ref()
        .and_then(|o| o.doc.action_items.get(p.selected))
    {
        p.text = a.text.clone();
    }
    if n > 0 {
        app.overlay = Some(Overlay::Items(p));
    }
}

/// Opens the facet picker with the values present in the current list.
pub fn open_facets(app: &mut App) {
    let mut counts: BTreeMap<(usize, String), (FacetGroup, String, usize)> = BTreeMap::new();
    let mut add = |g: FacetGroup, order: usize, v: String| {
        let e = counts
            .entry((order, v.to_ascii_lowercase()))
            .or_insert((g, v, 0));
        e.2 += 1;
    };
    if app.tab == Tab::Actions {
        if app.kb.is_none() {
            app.say("action items are still loading");
            return;
        }
        for r in &app.actions.rows {
            add(
                FacetGroup::Owner,
                0,
                r.item.owner.clone().unwrap_or_else(|| "(no owner)".into()),
            );
        }
    } else if let Some(kind) = app.tab.kind() {
        let recs: Vec<&crate::record::Record> = if app.search.active() {
            app.search.outcome.hits.iter().map(|h| &h.record).collect()
        } else {
            app.records.iter().collect()
        };
        let groups = [
            FacetGroup::Status,
            FacetGroup::Severity,
            FacetGroup::Service,
            FacetGroup::Factor,
        ];
        for r in recs.into_iter().filter(|r| r.kind == kind) {
            for (order, g) in groups.iter().enumerate() {
                // In step with the filter: a value counts the documents the
                // other groups' choices leave (its own group's are the
                // alternatives being chosen among).
                if !app.matches_facets_except(r, *g) {
                    continue;
                }
                for v in facet_values(r, *g) {
                    add(*g, order, v);
                }
            }
        }
    } else {
        app.say("facets filter the Postmortems, Runbooks and Actions lists");
        return;
    }
    let mut entries: Vec<FacetEntry> = counts
        .into_values()
        .map(|(group, value, count)| FacetEntry {
            group,
            value,
            count,
        })
        .collect();
    // Within a group: severities in lore.toml order, others by count.
    let cfg = &app.config;
    entries.sort_by_key(|e| {
        let order = match e.group {
            FacetGroup::Status => 0,
            FacetGroup::Severity => 1,
            FacetGroup::Service => 2,
            FacetGroup::Factor => 3,
            FacetGroup::Owner => 4,
        };
        let rank = match e.group {
            FacetGroup::Severity => cfg.severity_rank(&e.value).unwrap_or(usize::MAX),
            _ => usize::MAX - e.count,
        };
        (order, rank, e.value.to_ascii_lowercase())
    });
    if entries.is_empty() {
        app.say("nothing to filter by in this list");
        return;
    }
    app.overlay = Some(Overlay::Facets(FacetPicker {
        entries,
        query: Input::default(),
        selected: 0,
    }));
}

/// Turns a facet value on (beside the others chosen in its group) or off.
fn toggle(app: &mut App, e: &FacetEntry) {
    if e.group == FacetGroup::Owner {
        let v = (e.value != "(no owner)").then(|| e.value.clone());
        app.actions.owner = if app.actions.owner == v { None } else { v };
        app.actions.selected = 0;
        app.actions.offset = 0;
        app.refresh_actions();
        return;
    }
    let values = app.filter.entry(e.group).or_default();
    match values.iter().position(|v| v.eq_ignore_ascii_case(&e.value)) {
        Some(i) => {
            values.remove(i);
        }
        None => values.push(e.value.clone()),
    }
    if values.is_empty() {
        app.filter.remove(&e.group);
    }
    app.refresh_rows();
    app.research();
}

/// `h`: ask for the history of the document acted on.
pub fn open_history(app: &mut App) {
    let Some((rel, _, title)) = super::opening::target(app) else {
        app.say("select a document first");
        return;
    };
    app.effect(Effect::Io(Io::History { rel, title }));
}

/// The history arrived: show it (unless nothing touched the document).
pub fn history_loaded(
    app: &mut App,
    rel: PathBuf,
    title: String,
    result: Result<Vec<CommitRow>, String>,
) {
    match result {
        Ok(commits) if commits.is_empty() => app.say(format!("{title} has no commits yet")),
        // Something else opened meanwhile (a prompt, a form): it stays.
        Ok(_) if app.overlay.is_some() => {}
        Ok(commits) => {
            app.overlay = Some(Overlay::History(HistoryView {
                rel,
                title,
                commits,
                selected: 0,
                diff: None,
                scroll: 0,
            }))
        }
        Err(e) => app.say(format!("error: history: {e}")),
    }
}

/// A revision's diff arrived: show it in the history browser still open.
pub fn diff_loaded(app: &mut App, commit: String, result: Result<String, String>) {
    let Some(Overlay::History(h)) = app.overlay.as_mut() else {
        return;
    };
    if h.commits.get(h.selected).is_none_or(|c| c.id != commit) {
        return;
    }
    match result {
        Ok(d) => {
            h.diff = Some(d.lines().map(str::to_string).collect());
            h.scroll = 0;
        }
        Err(e) => app.say(format!("error: diff: {e}")),
    }
}

fn history(app: &mut App, mut h: HistoryView, action: Action) {
    let step = |v: usize, d: isize, len: usize| -> usize {
        (v as isize)
            .saturating_add(d)
            .clamp(0, len.saturating_sub(1) as isize) as usize
    };
    let delta = match action {
        Action::Up => Some(-1),
        Action::Down => Some(1),
        Action::PageUp => Some(-10),
        Action::PageDown => Some(10),
        Action::Top => Some(isize::MIN / 2),
        Action::Bottom => Some(isize::MAX / 2),
        Action::Scroll { down, .. } => Some(if down { 3 } else { -3 }),
        _ => None,
    };
    if let Some(d) = delta {
        match &h.diff {
            Some(lines) => h.scroll = step(h.scroll, d, lines.len()),
            None => h.selected = step(h.selected, d, h.commits.len()),
        }
        app.overlay = Some(Overlay::History(h));
        return;
    }
    match action {
        Action::Back if h.diff.is_some() => {
            h.diff = None;
            h.scroll = 0;
        }
        Action::Back | Action::History => return,
        Action::Open | Action::Submit => {
            if let Some(c) = h.commits.get(h.selected) {
                app.effect(Effect::Io(Io::Diff {
                    rel: h.rel.clone(),
                    commit: c.id.clone(),
                }));
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::History(h));
}
