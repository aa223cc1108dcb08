//! What the UI does to documents: open one (with its side panel and lint
//! findings), add a timeline entry or action item, draft a new one, and take
//! back a document from `$EDITOR` — each write saved, re-indexed and committed.

use super::app::{
    App, DocFinding, Effect, Focus, Job, OpenDoc, Overlay, Prompt, PromptKind, Screen, SideItem,
    Tab,
};
use super::data;
use super::input::Input;
use crate::doc::{Doc, Kind, Level};
use crate::record::Record;
use std::path::{Path, PathBuf};

/// Reads a document and makes it the open one (the screen is not changed).
pub fn open_path(app: &mut App, rel: &Path, kind: Kind) {
    match data::read_doc(&app.root, &app.config, rel, kind) {
        Ok(doc) => open_doc(app, doc),
        Err(e) => app.say(format!("cannot open {}: {e:#}", rel.display())),
    }
}

/// Makes `doc` the open document, at its top (no I/O).
pub fn open_doc(app: &mut App, doc: Doc) {
    if app.kb.is_some() && !app.similar.contains_key(&doc.id) {
        app.jobs.push(Job::Similar(doc.id.clone()));
    }
    let side = side_items(app, &doc);
    let findings = findings(app, &doc);
    app.open = Some(OpenDoc {
        doc,
        scroll: 0,
        side,
        side_selected: 0,
        findings,
        rendered: Default::default(),
    });
}

/// Related documents, runbooks used, backlinks (once the KB is loaded).
fn side_items(app: &App, doc: &Doc) -> Vec<SideItem> {
    let by_id = |id: &str| app.records.iter().find(|r| r.id == id);
    let target = |r: &Record| {
        Some((
            PathBuf::from(&r.path),
            r.kind,
        ))
    };
    let mut out = Vec::new();
    for (section, ids) in [
        ("Related", &doc.meta.related),
        ("Runbooks", &doc.meta.runbooks),
    ] {
        for id in ids {
            let r = by_id(id);
            out.push(SideItem {
                section,
                id: id.clone(),
                title: r.map_or_else(|| "(no such document)".to_string(), |r| r.title.clone()),
                note: r
                    .and_then(|r| r.date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                detail: None,
                target: r.and_then(target),
            });
        }
    }
    for l in &doc.links {
        if let Some(r) = app
            .records
            .iter()
            .find(|r| Path::new(&r.path) == l.resolved)
            && !out.iter().any(|s| s.id == r.id)
        {
            out.push(SideItem {
                section: "Links",
                id: r.id.clone(),
                title: r.title.clone(),
                note: r.date.map(|d| d.to_string()).unwrap_or_default(),
                detail: None,
                target: target(r),
            });
        }
    }
    if let Some(similar) = app.similar.get(&doc.id) {
        for s in similar {
            let r = by_id(&s.id);
            out.push(SideItem {
                section: "Similar incidents",
                id: s.id.clone(),
                title: s.title.clone(),
                note: s.date.map(|d| d.to_string()).unwrap_or_default(),
                detail: Some(s.reasons.join("; ")),
                target: r.and_then(target),
            });
        }
    }
    if let Some(kb) = &app.kb {
        for b in kb.backlinks(&doc.id) {
            out.push(SideItem {
                section: "Backlinks",
                id: b.id.clone(),
                title: b.title.clone(),
                note: b.sort_date().map(|d| d.to_string()).unwrap_or_default(),
                detail: None,
                target: Some((b.path.clone(), b.kind)),
            });
        }
    }
    // Runbooks first: at 3 a.m. the runbook is what a responder needs.
    let order = [
        "Runbooks",
        "Similar incidents",
        "Related",
        "Links",
        "Backlinks",
    ];
    out.sort_by_key(|s| order.iter().position(|o| *o == s.section));
    out
}

/// The document's own problems, plus the KB-wide lint findings for its file.
fn findings(app: &App, doc: &Doc) -> Vec<DocFinding> {
    let mut out: Vec<DocFinding> = match app.findings.get(&doc.path) {
        Some(f) => f
            .iter()
            .map(|f| DocFinding {
                level: f.level,
                line: f.line,
                message: f.message.clone(),
            })
            .collect(),
        None => doc
            .problems
            .iter()
            .map(|p| DocFinding {
                level: p.level,
                line: p.line,
                message: p.message.clone(),
            })
            .collect(),
    };
    out.sort_by_key(|f| (f.level != Level::Error, f.line));
    out
}

/// The document `t`, `a`, `e` and `h` act on: the open one, else the
/// selected list row.
pub fn target(app: &App) -> Option<(PathBuf, Kind, String)> {
    if let Some(o) = &app.open {
        return Some((o.doc.path.clone(), o.doc.kind, o.doc.id.clone()));
    }
    if app.tab == Tab::Actions {
        return app
            .actions
            .rows
            .get(app.actions.selected)
            .map(|r| (PathBuf::from(&r.path), Kind::Postmortem, r.doc_id.clone()));
    }
    app.tab.kind()?;
    app.selected_record().map(|r| {
        (
            PathBuf::from(&r.path),
            r.kind,
            r.id.clone(),
        )
    })
}

pub fn open_prompt(app: &mut App, kind: PromptKind) {
    let Some((rel, doc_kind, doc_id)) = target(app) else {
        app.say("select a document first");
        return;
    };
    if doc_kind == Kind::Runbook {
        app.say("timeline entries and action items belong to postmortems");
        return;
    }
    app.overlay = Some(Overlay::Prompt(Prompt {
        kind,
        input: Input::default(),
        rel,
        doc_kind,
        doc_id,
    }));
}

/// Enter in a prompt: append the line, save, index, commit.
pub fn submit_prompt(app: &mut App, p: Prompt) {
    let text = p.input.text.trim();
    if text.is_empty() {
        app.say("nothing added: the entry was empty");
        return;
    }
    let now = app.now().with_timezone(&app.config.tz);
    let result = (|| -> anyhow::Result<String> {
        let changed = match p.kind {
            PromptKind::Timeline => crate::lifecycle::add_timeline(
                &app.root,
                &app.config,
                &p.rel,
                text,
                now.fixed_offset(),
            )?,
            PromptKind::ActionItem => {
                crate::change::add_action(&app.root, &app.config, &p.rel, p.doc_kind, text)?
            }
        };
        after_write(app, &p.rel, p.doc_kind)?;
        Ok(changed.note())
    })();
    match result {
        Ok(note) => app.say(note),
        Err(e) => app.say(format!("error: {e:#}")),
    }
    reveal(app, text);
}

/// Scrolls the open document so the first line holding `needle` sits in the
/// middle of the pane.
fn reveal(app: &mut App, needle: &str) {
    let a = super::ui::areas(
        app,
        ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1),
    );
    let width = a.detail.width.saturating_sub(2);
    let half = (a.detail.height.saturating_sub(2) / 2) as usize;
    let first_words: String = needle
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let found = super::detail::lines_for(app, width).iter().position(|l| {
        let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
        text.contains(&first_words)
    });
    let max = super::ui::detail_max_scroll(app);
    if let (Some(i), Some(o)) = (found, app.open.as_mut()) {
        o.scroll = i.saturating_sub(half).min(max);
    }
}

/// After a file was written and committed: re-read it and update the lists,
/// the KB and the search worker's view of the index.
pub fn after_write(app: &mut App, rel: &Path, kind: Kind) -> anyhow::Result<()> {
    let doc = data::read_doc(&app.root, &app.config, rel, kind)?;
    apply_doc(app, doc);
    Ok(())
}

/// A document as it was just saved, in the lists, the KB and the open view
/// (no I/O); the search worker re-checks the index.
pub fn apply_doc(app: &mut App, doc: Doc) {
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
        app.kb = Some(std::sync::Arc::new(kb));
        app.similar.clear();
        app.jobs.push(Job::NewKb);
        app.jobs.push(Job::Reanalyse);
    }
    app.findings.remove(&doc.path);
    app.jobs.push(Job::RefreshIndex);
    app.refresh_rows();
    app.refresh_actions();
    if app.open.as_ref().is_some_and(|o| o.doc.path == doc.path) {
        refresh_open(app, Some(doc));
    }
}

/// Redraws the open document from `newer` (or as it is) with a fresh side
/// panel and findings, keeping the reader's place: the same line, or the end
/// when they were at the end. No I/O.
pub fn refresh_open(app: &mut App, newer: Option<Doc>) {
    let Some(o) = &app.open else {
        return;
    };
    let (scroll, sel) = (o.scroll, o.side_selected);
    let at_end =
        app.screen == Screen::Read && scroll > 0 && scroll >= super::ui::detail_max_scroll(app);
    let doc = newer.unwrap_or_else(|| o.doc.clone());
    open_doc(app, doc);
    let max = super::ui::detail_max_scroll(app);
    if let Some(o) = app.open.as_mut() {
        o.scroll = if at_end { max } else { scroll.min(max) };
        o.side_selected = sel.min(o.side.len().saturating_sub(1));
    }
}

/// `e`: remember the text before, then ask the loop to run the editor.
pub fn start_edit(app: &mut App) -> Option<Effect> {
    let Some((rel, kind, _)) = target(app) else {
        app.say("select a document first");
        return None;
    };
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let message = format!("{}: edit {stem}", kind.as_str());
    app.editing = Some((rel.clone(), kind, false));
    Some(Effect::EditExisting { rel, message })
}

/// An editor round trip came back from the event loop: show the document as
/// it was saved and say what happened (no I/O).
pub fn saved(app: &mut App, saved: super::app::Saved) {
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
            app.say("stamps and action items belong to postmortems");
            None
        }
        None => {
            app.say("select a postmortem first");
            None
        }
    }
}

/// `D` `M` `R`: the stamp now, through the library call `lore stamp` makes.
pub fn stamp(app: &mut App, which: crate::lifecycle::Which) {
    let Some((rel, kind, _)) = postmortem_target(app) else {
        return;
    };
    let now = app.now().with_timezone(&app.config.tz).fixed_offset();
    let result = crate::lifecycle::stamp(&app.root, &app.config, &rel, which, now)
        .map_err(anyhow::Error::from)
        .and_then(|c| after_write(app, &rel, kind).map(|_| c.note()));
    match result {
        Ok(note) => app.say(note),
        Err(e) => app.say(format!("error: {e:#}")),
    }
}

/// Space on the Actions tab: the selected item done, or open again.
pub fn toggle_action_item(app: &mut App) {
    let Some(row) = app.actions.rows.get(app.actions.selected).cloned() else {
        app.say("no action item selected");
        return;
    };
    let rel = PathBuf::from(&row.path);
    let result =
        crate::lifecycle::set_action(&app.root, &app.config, &rel, &row.item, !row.item.done)
            .map_err(anyhow::Error::from)
            .and_then(|c| after_write(app, &rel, Kind::Postmortem).map(|_| c.note()));
    match result {
        Ok(note) => app.say(note),
        Err(e) => app.say(format!("error: {e:#}")),
    }
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
    let result = crate::lifecycle::set_status(&app.root, &kb, &rel, next, false)
        .map_err(anyhow::Error::from)
        .and_then(|c| after_write(app, &rel, kind).map(|_| c.note()));
    match result {
        Ok(note) => app.say(note),
        Err(e) => app.say(format!("error: {e:#}")),
    }
}
