//! `update` for the `n` form: its fields, factor completion, the similar
//! incidents asked for while drafting, and the new document asked for on
//! Enter (`Io::Create`). No I/O.

use super::action::{Action, Effect, Io};
use super::input::{Edit, Input};
use super::model::App;
use super::state::{FormField, NewForm, Overlay, Tab};
use crate::doc::Kind;
use crate::draft::NewDoc;
use std::path::PathBuf;

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

pub fn update(app: &mut App, mut f: NewForm, action: Action) {
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
                    return update(app, f, Action::FormCycle(1));
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
