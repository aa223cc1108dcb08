//! `update` while an overlay is open: help, the facet picker, the new-document
//! form, the one-line prompts, the history browser and the action-item
//! picker. No I/O: history, diffs and new documents are asked for as `Io`.

use super::action::{Action, Effect, Io};
use super::input::{Edit, Input};
use super::model::{App, facet_values};
use super::state::{
    CommitRow, FacetEntry, FacetGroup, FacetPicker, FormField, HistoryView, ItemPicker, NewForm,
    Overlay, Tab,
};
use crate::doc::Kind;
use crate::draft::NewDoc;
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
        Overlay::Form(f) => form(app, f, action),
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

pub fn open_form(app: &mut App) {
    app.draft_key.clear();
    app.similar.remove(super::state::DRAFT_ID);
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
        started_now: false,
        date: Input::with_text(&app.today().to_string()),
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

fn form(app: &mut App, mut f: NewForm, action: Action) {
    let fields = FormField::ALL;
    let at = fields.iter().position(|x| *x == f.field).unwrap_or(0);
    match action {
        Action::Back => {
            app.say("new document cancelled");
            return;
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
            FormField::Started => {
                f.started_now = !f.started_now;
                if f.started_now {
                    // A live incident is today's.
                    f.date = Input::with_text(&app.today().to_string());
                }
            }
            _ => {
                let e = if d < 0 { Edit::Left } else { Edit::Right };
                field_input(&mut f).map(|i| i.apply(e));
            }
        },
        Action::Input(e) => {
            if f.field.is_choice() {
                if let Edit::Insert(' ') = e {
                    return form(app, f, Action::FormCycle(1));
                }
            } else {
                field_input(&mut f).map(|i| i.apply(e));
            }
        }
        Action::Submit => return submit_form(app, f),
        _ => {}
    }
    ask_similar(app, &f);
    app.overlay = Some(Overlay::Form(f));
}

/// While drafting: the incidents similar to what the form holds so far
/// (title, services, factors), asked for when those change.
fn ask_similar(app: &mut App, f: &NewForm) {
    let key = format!("{}\n{}\n{}", f.title.text, f.services.text, f.factors.text);
    if f.kind != Kind::Postmortem || key.trim().is_empty() || app.draft_key == key {
        return;
    }
    app.draft_key = key;
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let list = |s: &str| {
        split_list(s)
            .iter()
            .map(|v| q(v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "---\ntitle: {}\nservices: [{}]\nfactors: [{}]\n---\n# {}\n",
        q(f.title.text.trim()),
        list(&f.services.text),
        list(&f.factors.text),
        f.title.text.trim()
    );
    let doc = crate::doc::Doc::parse(
        &text,
        std::path::Path::new("postmortems/draft.md"),
        &crate::doc::ParseContext::default(),
    );
    app.effect(Effect::SimilarDraft(Box::new(doc)));
}

fn field_input(f: &mut NewForm) -> Option<&mut Input> {
    match f.field {
        FormField::Title => Some(&mut f.title),
        FormField::Services => Some(&mut f.services),
        FormField::Factors => Some(&mut f.factors),
        FormField::Date => Some(&mut f.date),
        _ => None,
    }
}

/// Checks the form and asks for the document to be written from the
/// template; the form stays open until the answer (`created`).
fn submit_form(app: &mut App, mut f: NewForm) {
    let now = crate::lifecycle::at_second(&app.config, app.now());
    let date = match chrono::NaiveDate::parse_from_str(f.date.text.trim(), "%Y-%m-%d") {
        Ok(d) => d,
        Err(_) => {
            f.error = Some(format!(
                "the date `{}` is not a date: write YYYY-MM-DD",
                f.date.text.trim()
            ));
            f.field = FormField::Date;
            app.overlay = Some(Overlay::Form(f));
            return;
        }
    };
    let is_pm = f.kind == Kind::Postmortem;
    let new = NewDoc {
        kind: f.kind,
        title: f.title.text.trim().to_string(),
        date,
        severity: f
            .severity
            .and_then(|i| app.config.severities.levels.get(i).cloned())
            .filter(|_| is_pm),
        services: split_list(&f.services.text),
        factors: if is_pm {
            split_list(&f.factors.text)
        } else {
            Vec::new()
        },
        authors: app.author.iter().cloned().collect(),
        started: (is_pm && f.started_now).then_some(now),
    };
    // The checks `draft::create` makes, before anything is written.
    if let Err(e) = new.validate(&app.config) {
        f.error = Some(e.to_string());
        app.overlay = Some(Overlay::Form(f));
        return;
    }
    f.error = None;
    app.overlay = Some(Overlay::Form(f));
    app.effect(Effect::Io(Io::Create(new)));
}

/// The new document was written (then the editor opens on it), or not.
pub fn created(app: &mut App, result: Result<(PathBuf, Kind), String>) {
    let form = match app.overlay.take() {
        Some(Overlay::Form(f)) => Some(f),
        other => {
            app.overlay = other;
            None
        }
    };
    match result {
        // The form was closed meanwhile: the file is there, no editor.
        Ok((rel, _)) if form.is_none() => {
            app.say(format!("created {}; `e` edits it", rel.display()));
        }
        Ok((rel, kind)) => {
            app.editing = Some((rel.clone(), kind, true));
            app.say(format!("created {}", rel.display()));
            app.effect(Effect::Edit(rel));
        }
        Err(e) => match form {
            Some(mut f) => {
                f.error = Some(e);
                app.overlay = Some(Overlay::Form(f));
            }
            None => app.say(format!("error: {e}")),
        },
    }
}

/// `h`: ask for the history of the document acted on.
pub fn open_history(app: &mut App) {
    let Some((rel, _, title)) = super::ops::target(app) else {
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
