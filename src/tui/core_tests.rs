//! `update` on its own: an `App` built from records and documents parsed
//! from strings, over a root that does not exist. Every step of a live
//! incident is driven by keys and answered by hand, as the runner would
//! answer; the effects asked for are checked, and nothing touches a disk.

use super::app::{Action, App, Effect, Io, Overlay, Screen, Write, update};
use super::keymap;
use super::layout::Geometry;
use super::theme::Theme;
use crate::config::Config;
use crate::doc::{Doc, ParseContext};
use crate::lifecycle::Which;
use crate::record::Record;
use chrono::TimeZone;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

const LIVE: &str = "---
title: Edge 502s
date: 2026-04-21
status: draft
severity: SEV2
services: [edge]
started: 2026-04-21T07:20:00Z
---
# Edge 502s

## Timeline

- 07:20 Incident started

## Action items

- [ ] Roll back edge config @edge
";

fn doc(text: &str) -> Doc {
    Doc::parse(
        text,
        Path::new("postmortems/2026-04-21-edge-502s.md"),
        &ParseContext::default(),
    )
}

fn app() -> App {
    let root = PathBuf::from("/nonexistent/lore-kb");
    let d = doc(LIVE);
    let mut app = App::new(
        root,
        Config::default(),
        vec![Record::from_doc(&d)],
        Theme { color: false },
    );
    app.clock = chrono::Utc.with_ymd_and_hms(2026, 4, 21, 7, 45, 0).single();
    update(&mut app, Action::Resize(100, 30));
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let ev = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    keymap::map_event(app, &ev).map_or_else(Vec::new, |a| update(app, a))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// What the runner answers to the read Enter asked for: the live document.
fn read_live(app: &mut App) {
    update(
        app,
        Action::Read {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            item: None,
            result: Ok(Box::new(doc(LIVE))),
        },
    );
}

/// The one write an action asked for.
fn write_of(effects: Vec<Effect>) -> (PathBuf, Write) {
    let writes: Vec<(PathBuf, Write)> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Io(Io::Write { rel, change, .. }) => Some((rel, change)),
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 1, "one write: {writes:?}");
    writes.into_iter().next().unwrap()
}

/// What the runner answers after a write: the note and the document now.
fn wrote(app: &mut App, text: &str, note: &str) -> Vec<Effect> {
    update(
        app,
        Action::Wrote {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            result: Ok((note.into(), Box::new(doc(text)))),
            reveal: None,
        },
    )
}

#[test]
fn a_live_incident_is_driven_by_keys_without_a_file_system() {
    let mut app = app();
    assert!(!app.root.exists());
    // Enter asks for the document; the answer opens it.
    let asked = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&asked[..], [Effect::Io(Io::Read { rel, item: None, .. })] if rel.ends_with("2026-04-21-edge-502s.md")),
        "{asked:?}"
    );
    read_live(&mut app);
    assert_eq!(app.screen, Screen::Read);

    // `t`: the time is pre-filled (same day: HH:MM) and a typed one is kept.
    key(&mut app, KeyCode::Char('t'));
    let Some(Overlay::Prompt(p)) = &app.overlay else {
        panic!("no prompt")
    };
    assert_eq!(p.input.text, "07:45 ");
    typed(&mut app, "Paged the edge on-call");
    let (rel, change) = write_of(key(&mut app, KeyCode::Enter));
    assert_eq!(rel, Path::new("postmortems/2026-04-21-edge-502s.md"));
    assert!(
        matches!(&change, Write::Timeline { text, .. } if text == "07:45 Paged the edge on-call"),
        "{change:?}"
    );
    assert!(app.message.starts_with("saving"), "{}", app.message);
    let after = LIVE.replace(
        "- 07:20 Incident started\n",
        "- 07:20 Incident started\n- 07:45 Paged the edge on-call\n",
    );
    let next = wrote(&mut app, &after, "saved · postmortem: timeline entry 07:45");
    assert!(next.iter().any(|e| matches!(e, Effect::RefreshIndex)));
    assert_eq!(app.open.as_ref().unwrap().doc.timeline.len(), 2);
    assert_eq!(app.records[0].title, "Edge 502s");
    assert!(app.message.contains("timeline entry 07:45"));

    // `D`: the stamp's time is now, editable; a time that is no time stays.
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::End);
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "7:3x");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Prompt(_))));
    assert!(app.message.starts_with("error:"), "{}", app.message);
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "0");
    let (_, change) = write_of(key(&mut app, KeyCode::Enter));
    let Write::Stamp { which, at } = change else {
        panic!("{change:?}")
    };
    assert_eq!(which, Which::Detected);
    assert_eq!(at.to_rfc3339(), "2026-04-21T07:30:00+00:00");

    // Space in the document: the picker of its items, then a toggle.
    key(&mut app, KeyCode::Char(' '));
    assert!(matches!(app.overlay, Some(Overlay::Items(_))));
    let (_, change) = write_of(key(&mut app, KeyCode::Char(' ')));
    assert!(
        matches!(&change, Write::SetAction { item, done: true } if item.text == "Roll back edge config"),
        "{change:?}"
    );
    key(&mut app, KeyCode::Esc);

    // `h` asks for the history; its answer opens the browser.
    let asked = key(&mut app, KeyCode::Char('h'));
    assert!(matches!(&asked[..], [Effect::Io(Io::History { .. })]));
    update(
        &mut app,
        Action::HistoryLoaded {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            title: "2026-04-21-edge-502s".into(),
            result: Ok(Vec::new()),
        },
    );
    assert_eq!(app.message, "2026-04-21-edge-502s has no commits yet");

    // A failed write says why and leaves the document as it was.
    update(
        &mut app,
        Action::Wrote {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            result: Err("disk full".into()),
            reveal: None,
        },
    );
    assert_eq!(app.message, "error: disk full");
    assert_eq!(app.open.as_ref().unwrap().doc.timeline.len(), 2);
    assert!(!app.root.exists());
}

#[test]
fn scrolling_and_clicks_use_the_geometry_the_frame_handed_back() {
    let mut app = app();
    key(&mut app, KeyCode::Enter);
    read_live(&mut app);
    let rev = app.open.as_ref().unwrap().rev;
    update(
        &mut app,
        Action::Drawn(Geometry {
            doc_rev: Some(rev),
            detail_lines: 40,
            detail_rows: 25,
            detail_scroll: 0,
            side_rows: vec![None, Some(0), None, Some(1)],
            side_top: 3,
        }),
    );
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.open.as_ref().unwrap().scroll, 15, "40 lines, 25 shown");
    // A click maps through the side rows the frame drew.
    assert_eq!(app.geometry.side_item_at(6), Some(1));
    assert_eq!(app.geometry.side_item_at(5), None);
}

/// Modules of `src/tui` a file names through `super::` (its tests aside).
fn deps(text: &str) -> std::collections::BTreeSet<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    let mut out = std::collections::BTreeSet::new();
    for (i, _) in code.match_indices("super::") {
        let rest = &code[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(0);
            for part in group[..end].split(',') {
                out.insert(part.trim().split("::").next().unwrap_or("").to_string());
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn the_modules_of_the_tui_import_each_other_without_a_cycle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut graph = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "rs")
            || name.ends_with("_tests")
            || name == "test_kb"
            || name == "mod"
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut d = deps(&text);
        d.retain(|m| *m != name && dir.join(format!("{m}.rs")).exists());
        graph.insert(name, d);
    }
    assert!(graph.len() > 20, "{graph:?}");
    // Depth-first search; a module met again on the current path is a cycle.
    fn visit(
        m: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {} -> {m}", path[i..].join(" -> "));
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            visit(d, graph, path, done);
        }
        path.pop();
    }
    let mut done = std::collections::BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn a_read_that_arrives_after_the_user_moved_on_is_dropped() {
    let mut app = app();
    key(&mut app, KeyCode::Enter);
    // Before the answer: a search is started.
    key(&mut app, KeyCode::Char('/'));
    read_live(&mut app);
    assert_eq!(app.screen, Screen::Browse);
    assert!(app.open.is_none() && app.search.typing);
}

#[test]
fn opened_at_an_action_item_reveals_that_item() {
    let mut app = app();
    let d = doc(LIVE);
    let line = d.action_items[0].line;
    super::opening::request_open(
        &mut app,
        "postmortems/2026-04-21-edge-502s.md".into(),
        crate::doc::Kind::Postmortem,
        Some(line),
    );
    update(
        &mut app,
        Action::Read {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            item: Some(line),
            result: Ok(Box::new(d)),
        },
    );
    assert_eq!(
        app.open.as_ref().unwrap().reveal.as_deref(),
        Some("Roll back edge config")
    );
}

#[test]
fn the_item_picker_follows_its_item_when_the_document_changes() {
    let mut app = app();
    key(&mut app, KeyCode::Enter);
    let two = LIVE.replace(
        "- [ ] Roll back edge config @edge\n",
        "- [ ] Roll back edge config @edge\n- [ ] Canary edge pushes @edge\n",
    );
    update(
        &mut app,
        Action::Read {
            rel: "postmortems/2026-04-21-edge-502s.md".into(),
            item: None,
            result: Ok(Box::new(doc(&two))),
        },
    );
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    // Another responder adds an item above both.
    let three = two.replace(
        "- [ ] Roll back edge config @edge\n",
        "- [ ] Page the CDN vendor @edge\n- [ ] Roll back edge config @edge\n",
    );
    wrote(&mut app, &three, "saved");
    let Some(Overlay::Items(p)) = &app.overlay else {
        panic!("picker closed")
    };
    assert_eq!((p.selected, p.text.as_str()), (2, "Canary edge pushes"));
}
