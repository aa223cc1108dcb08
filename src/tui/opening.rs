//! Opening documents in the model: the open one with its side panel and
//! lint findings, what a read, a KB load or a change on disk brings back.
//! No I/O: reads are asked for as `Io::Read` and answered with
//! `Action::Read`.

use super::action::{Effect, Io};
use super::model::App;
use super::state::{DocFinding, Focus, OpenDoc, Screen, SideItem, Tab};
use crate::doc::{Doc, Kind, Level};
use crate::record::Record;
use std::path::{Path, PathBuf};

/// Asks for a document to be read and opened (at an action item).
pub fn request_open(app: &mut App, rel: PathBuf, kind: Kind, item: Option<usize>) {
    request(app, rel, kind, item, false);
}

/// Asks for the document a side-panel link points to: Esc comes back.
pub fn follow_link(app: &mut App, rel: PathBuf, kind: Kind) {
    request(app, rel, kind, None, true);
}

fn request(app: &mut App, rel: PathBuf, kind: Kind, item: Option<usize>, link: bool) {
    app.pending_open = Some((rel.clone(), link));
    app.effect(Effect::Io(Io::Read { rel, kind, item }));
}

/// A document asked for came back: open it for reading.
pub fn opened(app: &mut App, rel: PathBuf, item: Option<usize>, result: Result<Box<Doc>, String>) {
    // Only the newest request, and only while nothing else was done since.
    let link = match app.pending_open.take() {
        Some((p, link)) if p == rel => link,
        other => {
            app.pending_open = other;
            return;
        }
    };
    let doc = match result {
        Ok(d) => *d,
        Err(e) => {
            app.say(format!("error: cannot open {}: {e}", rel.display()));
            return;
        }
    };
    match (&app.open, link) {
        (Some(o), true) if app.screen == Screen::Read => app.back_stack.push(o.clone()),
        _ => app.back_stack.clear(),
    }
    // Items of the Actions tab are postmortems; the list shows them there.
    if app.tab == Tab::Actions {
        app.tab = Tab::Postmortems;
        app.back_to = Some(Tab::Actions);
        app.refresh_rows();
    }
    // `item` is the line of an action item (from the Actions tab).
    let line = item
        .and_then(|l| doc.action_items.iter().find(|a| a.line == l))
        .map(|a| a.text.clone());
    open_doc(app, doc);
    if let Some(o) = app.open.as_mut() {
        o.reveal = line;
    }
    app.screen = Screen::Read;
    app.focus = Focus::Detail;
    select_path(app, &rel);
}

/// Selects the list row of a path, if shown.
pub fn select_path(app: &mut App, rel: &Path) {
    let rel = rel.to_string_lossy();
    if let Some(i) = app
        .rows
        .iter()
        .position(|&r| app.row_record(r).is_some_and(|x| x.path == rel))
    {
        app.selected = i;
        app.clamp_offset();
    }
}

/// Makes `doc` the open document, at its top.
pub fn open_doc(app: &mut App, doc: Doc) {
    if app.kb.is_some() && !app.similar.contains_key(&doc.id) {
        app.effect(Effect::Similar(doc.id.clone()));
    }
    let side = side_items(app, &doc);
    let findings = findings(app, &doc);
    let rev = app.next_rev;
    app.next_rev += 1;
    app.open = Some(OpenDoc {
        doc,
        scroll: 0,
        side,
        side_selected: 0,
        findings,
        rev,
        stick_end: false,
        reveal: None,
    });
}

/// Related documents, runbooks used, backlinks (once the KB is loaded).
fn side_items(app: &App, doc: &Doc) -> Vec<SideItem> {
    let by_id = |id: &str| app.records.iter().find(|r| r.id == id);
    let target = |r: &Record| Some((PathBuf::from(&r.path), r.kind));
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
    app.selected_record()
        .map(|r| (PathBuf::from(&r.path), r.kind, r.id.clone()))
}

/// Redraws the open document from `newer` (or as it is) with a fresh side
/// panel and findings, keeping the reader's place: the same line, or the end
/// when they were at the end.
pub fn reshow_open(app: &mut App, newer: Option<Doc>) {
    let max = app.detail_max_scroll();
    let Some(o) = &app.open else {
        return;
    };
    let (scroll, sel, reveal) = (o.scroll, o.side_selected, o.reveal.clone());
    let at_end = app.screen == Screen::Read && scroll > 0 && scroll >= max;
    let doc = newer.unwrap_or_else(|| o.doc.clone());
    // The item picker follows its item if lines moved.
    if let Some(super::state::Overlay::Items(p)) = app.overlay.as_mut()
        && let Some(i) = doc.action_items.iter().position(|a| a.text == p.text)
    {
        p.selected = i;
    }
    open_doc(app, doc);
    if let Some(o) = app.open.as_mut() {
        o.scroll = scroll;
        o.stick_end = at_end;
        o.reveal = reveal;
        o.side_selected = sel.min(o.side.len().saturating_sub(1));
    }
}

/// Past this many changed files (a `git pull`), the whole KB is read again
/// rather than each file.
const REREAD_MAX: usize = 50;

/// Files changed on disk (another responder, `git pull`, an editor): each
/// document is read again; `lore.toml`, many files or `r` read the KB.
pub fn on_disk(app: &mut App, paths: &[PathBuf]) {
    // Anything but a document (lore.toml, an OpenSLO file, a drill record)
    // is read with the whole KB.
    let paths_cfg = &app.config.paths;
    let document = |p: &Path| {
        p.extension().is_some_and(|e| e == "md")
            && (p.starts_with(&paths_cfg.postmortems) || p.starts_with(&paths_cfg.runbooks))
    };
    let config = paths.iter().any(|p| !document(p));
    if paths.is_empty() || config || paths.len() > REREAD_MAX || app.kb.is_none() {
        if paths.is_empty() {
            app.say("reloading the knowledge base");
        }
        app.since_load = Some(Vec::new());
        app.effect(Effect::LoadKb);
        return;
    }
    for rel in paths {
        let kind = app.config.kind_of(rel);
        app.effect(Effect::Io(Io::Reread {
            rel: rel.clone(),
            kind,
        }));
    }
}
