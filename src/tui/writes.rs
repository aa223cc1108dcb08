//! Changes to documents in the model: the prompts of `t`, `a` and the stamps,
//! Space on an action item, `S`, `e`, and what a saved change brings back.
//! No I/O: every change leaves as one `Io::Write` (the library's shared
//! write path: lock, re-read, change, atomic write, commit, index update)
//! and comes back as `Action::Wrote`.

use super::action::{Effect, Io, Saved, Write};
use super::input::Input;
use super::model::App;
use super::opening::{open_doc, reshow_open, target};
use super::state::Loaded;
use super::state::{Focus, ItemPicker, Overlay, Prompt, PromptKind, Screen, Tab};
use crate::doc::{Doc, Kind};
use crate::lifecycle::Which;
use crate::record::Record;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a stamp's time is pre-filled.
const STAMP_FORMAT: &str = "%Y-%m-%d %H:%M";

/// `t`, `a`, `D` `M` `R`: a one-line prompt on the postmortem acted on.
/// Times are pre-filled with now and can be edited before Enter.
pub fn open_prompt(app: &mut App, kind: PromptKind) {
    let Some((rel, doc_kind, doc_id)) = postmortem_target(app) else {
        return;
    };
    let now = app.now().with_timezone(&app.config.tz);
    // A bare HH:MM is on the incident's day: written on another day, the
    // pre-filled time carries its date.
    let day = match &app.open {
        Some(o) if o.doc.path == rel => o.doc.meta.date,
        _ => app
            .records
            .iter()
            .find(|r| Path::new(&r.path) == rel)
            .and_then(|r| r.date),
    };
    let time = if day == Some(now.date_naive()) {
        "%H:%M "
    } else {
        "%Y-%m-%d %H:%M "
    };
    let input = match kind {
        PromptKind::Timeline => Input::with_text(&now.format(time).to_string()),
        PromptKind::Stamp(_) => Input::with_text(&now.format(STAMP_FORMAT).to_string()),
        PromptKind::ActionItem => Input::default(),
    };
    app.overlay = Some(Overlay::Prompt(Prompt {
        kind,
        prefill: input.text.clone(),
        input,
        rel,
        doc_kind,
        doc_id,
    }));
}

/// Enter in a prompt: the change, for the I/O worker.
pub fn submit_prompt(app: &mut App, p: Prompt) {
    let text = p.input.text.trim().to_string();
    let now = crate::lifecycle::at_second(&app.config, app.now());
    let change = match p.kind {
        PromptKind::Timeline => {
            // Only the pre-filled time left: nothing to add.
            let bare = crate::lifecycle::parse_at(&text, &app.config, now).is_some();
            if text.is_empty() || bare {
                app.say("nothing added: the entry was empty");
                return;
            }
            Write::Timeline {
                text: text.clone(),
                now,
            }
        }
        PromptKind::ActionItem => {
            if text.is_empty() {
                app.say("nothing added: the item was empty");
                return;
            }
            if let Some(e) = crate::change::due_problem(&text) {
                // Keep the prompt open with what was typed.
                app.say(format!("error: {e}"));
                app.overlay = Some(Overlay::Prompt(p));
                return;
            }
            Write::ActionItem { text: text.clone() }
        }
        // The pre-filled minute left as it is means now, to the second (a
        // stamp a few seconds after `started` must not land before it).
        PromptKind::Stamp(which) if text == p.prefill.trim() => Write::Stamp { which, at: now },
        PromptKind::Stamp(which) => match crate::lifecycle::read_at(&text, &app.config, now) {
            Ok(at) => Write::Stamp { which, at },
            Err(why) => {
                app.say(format!("error: {why}"));
                app.overlay = Some(Overlay::Prompt(p));
                return;
            }
        },
    };
    // The words as the document shows them (a typed time is reformatted).
    let words: Vec<&str> = text
        .split_whitespace()
        .skip_while(|w| w.chars().all(|c| c.is_ascii_digit() || ":-TZ+".contains(c)))
        .collect();
    let reveal = match p.kind {
        PromptKind::Stamp(w) => Some(w.entry().to_string()),
        _ => Some(words.join(" ")),
    };
    write(app, p.rel, p.doc_kind, change, reveal);
}

fn write(app: &mut App, rel: PathBuf, kind: Kind, change: Write, reveal: Option<String>) {
    app.say(format!("saving {}…", rel.display()));
    app.effect(Effect::Io(Io::Write {
        rel,
        kind,
        change,
        reveal,
    }));
}

/// A change came back saved and committed (or refused).
pub fn wrote(
    app: &mut App,
    rel: &Path,
    result: Result<(String, Box<Doc>), String>,
    reveal: Option<String>,
) {
    match result {
        Ok((note, doc)) => {
            apply_doc(app, *doc);
            app.say(note);
            if let Some(o) = app.open.as_mut()
                && o.doc.path == rel
            {
                o.reveal = reveal;
            }
        }
        Err(e) => app.say(format!("error: {e}")),
    }
}

/// A document as it was just saved, in the lists, the KB and the open view;
/// the search worker re-checks the index.
pub fn apply_doc(app: &mut App, doc: Doc) {
    if let Some(since) = app.since_load.as_mut() {
        since.retain(|d| d.path != doc.path);
        since.push(doc.clone());
    }
    let rec = Record::from_doc(&doc);
    let rel_s = rec.path.clone();
    match app.records.iter_mut().find(|r| r.path == rel_s) {
        Some(r) => *r = rec,
        None => app.records.push(rec),
    }
    if let Some(kb) = &app.kb {
        // A new KB with this document replaced; lint, trends and similar
        // incidents are recomputed off the UI thread.
        let mut docs: Vec<Doc> = kb
            .docs
            .iter()
            .filter(|d| d.path != doc.path)
            .cloned()
            .collect();
        docs.push(doc.clone());
        let kb = crate::kb::Kb::from_docs(
            kb.root.clone(),
            kb.config.clone(),
            docs,
            kb.file_errors.clone(),
        );
        let kb = Arc::new(kb);
        app.kb = Some(Arc::clone(&kb));
        app.similar.clear();
        app.effect(Effect::SetKb(Arc::clone(&kb)));
        let today = app.today();
        app.effect(Effect::Analyse { kb, today });
    }
    app.findings.remove(&doc.path);
    app.effect(Effect::RefreshIndex);
    app.research();
    app.refresh_rows();
    app.refresh_actions();
    if app.open.as_ref().is_some_and(|o| o.doc.path == doc.path) {
        reshow_open(app, Some(doc));
    }
}

/// A changed document read again: in the model unless it is what the model
/// already holds (our own write coming back); gone from disk, gone here.
pub fn reread(app: &mut App, rel: &Path, result: Result<Option<Box<Doc>>, String>) {
    match result {
        Err(e) => app.say(format!("error: {e}")),
        Ok(Some(doc)) => {
            let held = app.kb.as_ref().and_then(|kb| kb.by_path(rel));
            let same = held.is_some_and(|h| {
                serde_json::to_string(h).ok() == serde_json::to_string(&*doc).ok()
            });
            if !same {
                apply_doc(app, *doc);
            }
        }
        Ok(None) => remove_doc(app, rel),
    }
}

/// A document removed on disk: out of the lists and the KB. An open one
/// stays as shown, saying so.
pub fn remove_doc(app: &mut App, rel: &Path) {
    let rel_s = rel.to_string_lossy().replace('\\', "/");
    let before = app.records.len();
    app.records.retain(|r| r.path != rel_s);
    if app.records.len() == before {
        return;
    }
    if let Some(kb) = &app.kb {
        let docs: Vec<Doc> = kb.docs.iter().filter(|d| d.path != rel).cloned().collect();
        let kb = Arc::new(crate::kb::Kb::from_docs(
            kb.root.clone(),
            kb.config.clone(),
            docs,
            kb.file_errors.clone(),
        ));
        app.kb = Some(Arc::clone(&kb));
        app.similar.clear();
        app.effect(Effect::SetKb(Arc::clone(&kb)));
        let today = app.today();
        app.effect(Effect::Analyse { kb, today });
    }
    app.effect(Effect::RefreshIndex);
    app.research();
    app.refresh_rows();
    app.refresh_actions();
    if app.open.as_ref().is_some_and(|o| o.doc.path == rel) {
        app.say(format!("{} was removed on disk", rel.display()));
    }
}

/// `e`: ask the loop to run the editor on the document acted on.
pub fn start_edit(app: &mut App) {
    let Some((rel, kind, _)) = target(app) else {
        app.say("select a document first");
        return;
    };
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let message = format!("{}: edit {stem}", kind.as_str());
    app.editing = Some((rel.clone(), kind, false));
    app.effect(Effect::EditExisting { rel, message });
}

/// An editor round trip came back from the event loop: show the document as
/// it was saved and say what happened.
pub fn saved(app: &mut App, saved: Saved) {
    let Some((rel, kind, created)) = app.editing.take() else {
        return;
    };
    if let Some(doc) = saved.doc {
        let open_it = app.open.as_ref().is_none_or(|o| o.doc.path != rel);
        apply_doc(app, (*doc).clone());
        if open_it {
            open_doc(app, *doc);
        }
    }
    app.say(saved.note);
    if created {
        app.tab = if kind == Kind::Runbook {
            Tab::Runbooks
        } else {
            Tab::Postmortems
        };
        app.refresh_rows();
    }
    if app.open.is_some() {
        app.screen = Screen::Read;
        app.focus = Focus::Detail;
    }
}

/// The postmortem a lifecycle key acts on, or a note why there is none.
fn postmortem_target(app: &mut App) -> Option<(PathBuf, Kind, String)> {
    match target(app) {
        Some(t) if t.1 == Kind::Postmortem => Some(t),
        Some(_) => {
            app.say("timeline entries, stamps and action items belong to postmortems");
            None
        }
        None => {
            app.say("select a postmortem first");
            None
        }
    }
}

/// `D` `M` `R`: the stamp's time, pre-filled with now.
pub fn stamp(app: &mut App, which: Which) {
    open_prompt(app, PromptKind::Stamp(which));
}

/// Space: on the Actions tab the selected item; in a document, the picker
/// of its action items.
pub fn toggle_action_item(app: &mut App) {
    if app.tab == Tab::Actions && app.screen == Screen::Browse {
        let Some(row) = app.actions.rows.get(app.actions.selected).cloned() else {
            app.say("no action item selected");
            return;
        };
        let change = Write::SetAction {
            done: !row.item.done,
            item: row.item,
        };
        write(
            app,
            PathBuf::from(&row.path),
            Kind::Postmortem,
            change,
            None,
        );
        return;
    }
    let Some(o) = &app.open else {
        app.say("Space marks action items: open a postmortem or the Actions tab");
        return;
    };
    if o.doc.action_items.is_empty() {
        app.say(format!("{} has no action items; `a` adds one", o.doc.id));
        return;
    }
    let selected = o.doc.action_items.iter().position(|a| !a.done).unwrap_or(0);
    let text = o.doc.action_items[selected].text.clone();
    app.overlay = Some(Overlay::Items(ItemPicker { selected, text }));
}

/// Space or Enter in the item picker: that item done, or open again.
pub fn toggle_picked(app: &mut App, picked: usize) {
    let Some(o) = &app.open else {
        return;
    };
    let Some(item) = o.doc.action_items.get(picked).cloned() else {
        return;
    };
    let (rel, kind) = (o.doc.path.clone(), o.doc.kind);
    let change = Write::SetAction {
        done: !item.done,
        item: item.clone(),
    };
    write(app, rel, kind, change, Some(item.text));
}

/// `S`: the next status, refused with lint's errors when publishing.
pub fn advance_status(app: &mut App) {
    let Some((rel, kind, _)) = target(app) else {
        app.say("select a document first");
        return;
    };
    let Some(kb) = app.kb.clone() else {
        app.say("still reading the knowledge base; try again in a moment");
        return;
    };
    let current = kb
        .by_path(&rel)
        .map_or(crate::doc::Status::Draft, |d| d.status());
    let next = crate::lifecycle::next_status(current);
    if next == current {
        app.say(format!("already {}", current.as_str()));
        return;
    }
    write(app, rel, kind, Write::Status { kb, to: next }, None);
}

/// The whole KB was read or analysed: findings, trends, action items, and
/// (read from disk) the lists and the open document as the files are now.
pub fn loaded(app: &mut App, loaded: Loaded) {
    // An analysis of a KB that a later write replaced is stale.
    if !loaded.from_disk
        && app
            .kb
            .as_ref()
            .is_some_and(|kb| !Arc::ptr_eq(kb, &loaded.kb))
    {
        return;
    }
    let Loaded {
        kb,
        findings,
        stats,
        slos,
        anniversaries,
        from_disk,
    } = loaded;
    if from_disk && app.kb.is_some() {
        // A reload: the records now come from the files as they are.
        app.records = kb.docs.iter().map(Record::from_doc).collect();
        app.refresh_rows();
        app.effect(Effect::RefreshIndex);
        app.research();
    }
    // An analysis of the KB held is not a new KB: similar incidents stay.
    if from_disk || app.kb.is_none() {
        app.kb = Some(Arc::clone(&kb));
        app.similar.clear();
        app.effect(Effect::SetKb(kb));
    }
    app.findings = findings;
    app.stats = Some(stats);
    app.slos = Some(slos);
    app.anniversaries = anniversaries;
    app.refresh_actions();
    // The KB's parse of the open document is the file as it is now.
    let newer = app
        .open
        .as_ref()
        .and_then(|o| app.kb.as_ref()?.by_path(&o.doc.path).cloned());
    // Not in this load (removed meanwhile): it stays as shown.
    if newer.is_some() || !from_disk {
        reshow_open(app, newer);
    }
    // What was saved or re-read while the load ran may be newer than what
    // it read: applied again on top.
    if from_disk && let Some(docs) = app.since_load.take() {
        for d in docs {
            apply_doc(app, d);
        }
    }
}
