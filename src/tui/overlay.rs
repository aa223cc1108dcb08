//! `update` while an overlay is open: help, the facet picker, the new-document
//! form, the one-line prompts and the history browser.

use super::app::{
    Action, App, Effect, FacetEntry, FacetGroup, FacetPicker, FormField, HistoryView, NewForm,
    Overlay, Tab, facet_values,
};
use super::data;
use super::input::{Edit, Input};
use crate::doc::Kind;
use crate::draft::{self, NewDoc};
use std::collections::BTreeMap;

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    let overlay = app.overlay.take()?;
    if let Action::Quit = action
        && !matches!(overlay, Overlay::Form(_) | Overlay::Prompt(_))
    {
        app.should_quit = true;
        return Some(Effect::Quit);
    }
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
                let max = p.entries.len().saturating_sub(1) as isize;
                p.selected = (p.selected as isize)
                    .saturating_add(delta)
                    .clamp(0, max.max(0)) as usize;
                app.overlay = Some(Overlay::Facets(p));
            }
            Action::Scroll { down, .. } => {
                let max = p.entries.len().saturating_sub(1);
                p.selected = if down {
                    (p.selected + 3).min(max)
                } else {
                    p.selected.saturating_sub(3)
                };
                app.overlay = Some(Overlay::Facets(p));
            }
            Action::ToggleFacet | Action::Submit | Action::Open => {
                if let Some(e) = p.entries.get(p.selected).cloned() {
                    toggle(app, &e);
                }
                open_facets(app);
                if let Some(Overlay::Facets(q)) = app.overlay.as_mut() {
                    q.selected = p.selected.min(q.entries.len().saturating_sub(1));
                }
            }
            Action::ClearFilters => {
                app.filter.clear();
                app.actions.owner = None;
                app.jobs.push(super::app::Job::Research);
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
            Action::Submit => super::ops::submit_prompt(app, p),
            Action::Back => app.say("nothing added"),
            _ => app.overlay = Some(Overlay::Prompt(p)),
        },
        Overlay::Form(f) => return form(app, f, action),
        Overlay::History(h) => history(app, h, action),
    }
    None
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
        selected: 0,
        offset: 0,
    }));
}

/// Turns a facet value on (replacing another value of its group) or off.
fn toggle(app: &mut App, e: &FacetEntry) {
    if e.group == FacetGroup::Owner {
        let v = (e.value != "(no owner)").then(|| e.value.clone());
        app.actions.owner = if app.actions.owner == v { None } else { v };
        app.actions.selected = 0;
        app.actions.offset = 0;
        app.refresh_actions();
        return;
    }
    let on = app
        .filter
        .get(&e.group)
        .is_some_and(|v| v.eq_ignore_ascii_case(&e.value));
    if on {
        app.filter.remove(&e.group);
    } else {
        app.filter.insert(e.group, e.value.clone());
    }
    app.refresh_rows();
    app.jobs.push(super::app::Job::Research);
}

pub fn open_form(app: &mut App) {
    let kind = if app.tab == Tab::Runbooks {
        Kind::Runbook
    } else {
        Kind::Postmortem
    };
    app.overlay = Some(Overlay::Form(NewForm {
        kind,
        title: Input::default(),
        severity: None,
        services: Input::default(),
        factors: Input::default(),
        field: FormField::Title,
        error: None,
    }));
}

/// Factor ids matching the word being typed in the factors field.
pub fn factor_suggestions(app: &App, f: &NewForm) -> Vec<String> {
    let word = f
        .factors
        .text
        .rsplit(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if word.is_empty() {
        return Vec::new();
    }
    let mut prefix: Vec<String> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    for fa in &app.config.factors {
        let id = fa.id.to_ascii_lowercase();
        if id == word {
            return Vec::new();
        }
        if id.starts_with(&word) {
            prefix.push(fa.id.clone());
        } else if id.contains(&word) || fa.name.to_ascii_lowercase().contains(&word) {
            inner.push(fa.id.clone());
        }
    }
    prefix.extend(inner);
    prefix.truncate(6);
    prefix
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn form(app: &mut App, mut f: NewForm, action: Action) -> Option<Effect> {
    let fields = FormField::ALL;
    let at = fields.iter().position(|x| *x == f.field).unwrap_or(0);
    match action {
        Action::Back => {
            app.say("new document cancelled");
            return None;
        }
        Action::FormNext | Action::Down => f.field = fields[(at + 1) % fields.len()],
        Action::FormPrev | Action::Up => f.field = fields[(at + fields.len() - 1) % fields.len()],
        Action::Complete => {
            let sugg = factor_suggestions(app, &f);
            if f.field == FormField::Factors && !sugg.is_empty() {
                let mut parts = split_list(&f.factors.text);
                parts.pop();
                parts.push(sugg[0].clone());
                f.factors = Input::with_text(&format!("{}, ", parts.join(", ")));
            } else {
                f.field = fields[(at + 1) % fields.len()];
            }
        }
        Action::FormCycle(d) => match f.field {
            FormField::Kind => {
                f.kind = if f.kind == Kind::Postmortem {
                    Kind::Runbook
                } else {
                    Kind::Postmortem
                };
            }
            FormField::Severity => {
                let n = app.config.severities.levels.len();
                // None sits before the first level.
                let cur = f.severity.map_or(0, |i| i + 1) as isize;
                let next = (cur + d as isize).rem_euclid(n as isize + 1) as usize;
                f.severity = next.checked_sub(1);
            }
            _ => {
                let e = if d < 0 { Edit::Left } else { Edit::Right };
                field_input(&mut f).map(|i| i.apply(e));
            }
        },
        Action::Input(e) => match f.field {
            FormField::Kind | FormField::Severity => {
                if let Edit::Insert(' ') = e {
                    app.overlay = Some(Overlay::Form(f));
                    return form_cycle(app);
                }
            }
            _ => {
                field_input(&mut f).map(|i| i.apply(e));
            }
        },
        Action::Submit => return submit_form(app, f),
        _ => {}
    }
    app.overlay = Some(Overlay::Form(f));
    None
}

fn form_cycle(app: &mut App) -> Option<Effect> {
    if let Some(Overlay::Form(f)) = app.overlay.take() {
        return form(app, f, Action::FormCycle(1));
    }
    None
}

fn field_input(f: &mut NewForm) -> Option<&mut Input> {
    match f.field {
        FormField::Title => Some(&mut f.title),
        FormField::Services => Some(&mut f.services),
        FormField::Factors => Some(&mut f.factors),
        _ => None,
    }
}

/// Writes the new document from the template and asks for the editor.
fn submit_form(app: &mut App, mut f: NewForm) -> Option<Effect> {
    let new = NewDoc {
        kind: f.kind,
        title: f.title.text.trim().to_string(),
        date: app.today(),
        severity: f
            .severity
            .and_then(|i| app.config.severities.levels.get(i).cloned())
            .filter(|_| f.kind == Kind::Postmortem),
        services: split_list(&f.services.text),
        factors: if f.kind == Kind::Postmortem {
            split_list(&f.factors.text)
        } else {
            Vec::new()
        },
        authors: data::user_name(&app.root).into_iter().collect(),
        started: None,
    };
    match draft::create(&app.root, &app.config, &new) {
        Ok(rel) => {
            app.editing = Some((rel.clone(), f.kind, true));
            app.say(format!("created {}", rel.display()));
            Some(Effect::Edit(rel))
        }
        Err(e) => {
            f.error = Some(e.to_string());
            app.overlay = Some(Overlay::Form(f));
            None
        }
    }
}

pub fn open_history(app: &mut App) {
    let Some((rel, _, id)) = super::ops::target(app) else {
        app.say("select a document first");
        return;
    };
    match data::history(&app.root, &rel) {
        Ok(commits) if commits.is_empty() => app.say(format!("{id} has no commits yet")),
        Ok(commits) => {
            app.overlay = Some(Overlay::History(HistoryView {
                rel,
                title: id,
                commits,
                selected: 0,
                diff: None,
                scroll: 0,
            }))
        }
        Err(e) => app.say(format!("history: {e:#}")),
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
                match data::diff(&app.root, &h.rel, &c.id) {
                    Ok(d) => {
                        h.diff = Some(d.lines().map(str::to_string).collect());
                        h.scroll = 0;
                    }
                    Err(e) => app.say(format!("diff: {e:#}")),
                }
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::History(h));
}
