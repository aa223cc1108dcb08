//! The library calls behind the effects: `perform` runs one `Io` (on the
//! runner's I/O worker, or directly in tests) and answers with the `Action`
//! that carries its result; the editor round trips (run by the event loop,
//! which owns the terminal) save through the library's write path and read
//! the document back as `Action::Saved`.

use super::action::{Action, Io, Saved, Write};
use super::data;
use crate::change::{EditSession, Edited};
use crate::config::Config;
use crate::doc::{Doc, Kind};
use std::path::Path;

thread_local! {
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic on this thread will be caught by `guarded` (the panic
/// hook then leaves the terminal to the UI, which goes on).
pub fn panic_is_caught() -> bool {
    GUARDED.with(|g| g.get())
}

/// Runs `f`, turning a panic (a bug in lore) into an error the status bar
/// shows: the I/O worker lives on, so later saves are not silently lost.
/// Every write is atomic, so a panic leaves the file as it was or as saved.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    GUARDED.with(|g| g.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    r.unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "lore hit a bug ({why}); the file is as it was or as saved — please report it"
        ))
    })
}

/// Runs one library call and returns its result as an action.
pub fn perform(root: &Path, cfg: &Config, io: Io) -> Action {
    match io {
        Io::Read { rel, kind, item } => Action::Read {
            result: guarded(|| {
                data::read_doc(root, cfg, &rel, kind)
                    .map(Box::new)
                    .map_err(|e| format!("{e:#}"))
            }),
            rel,
            item,
        },
        Io::Write {
            rel,
            kind,
            change,
            reveal,
        } => Action::Wrote {
            result: guarded(|| write(root, cfg, &rel, kind, change)),
            rel,
            reveal,
        },
        Io::Reread { rel, kind } => Action::Reread {
            result: guarded(|| match crate::store::confine::inside(root, &rel) {
                Ok(abs) if !abs.exists() => Ok(None),
                _ => data::read_doc(root, cfg, &rel, kind)
                    .map(|d| Some(Box::new(d)))
                    .map_err(|e| format!("{e:#}")),
            }),
            rel,
        },
        Io::Create(new) => Action::Created(guarded(|| {
            crate::draft::create(root, cfg, &new)
                .map(|rel| (rel, new.kind))
                .map_err(|e| e.to_string())
        })),
        Io::History { rel, title } => Action::HistoryLoaded {
            result: guarded(|| data::history(root, &rel).map_err(|e| format!("{e:#}"))),
            rel,
            title,
        },
        Io::Diff { rel, commit } => Action::DiffLoaded {
            result: guarded(|| data::diff(root, &rel, &commit).map_err(|e| format!("{e:#}"))),
            commit,
        },
    }
}

/// One change through the library call the CLI makes for it, then the
/// document read back.
fn write(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    kind: Kind,
    change: Write,
) -> Result<(String, Box<Doc>), String> {
    use crate::lifecycle as life;
    let changed = match change {
        Write::Timeline { text, now } => life::add_timeline(root, cfg, rel, &text, now),
        Write::ActionItem { text } => crate::change::add_action(root, cfg, rel, kind, &text),
        Write::Stamp { which, at } => life::stamp(root, cfg, rel, which, at),
        Write::SetAction { item, done } => life::set_action(root, cfg, rel, &item, done),
        Write::Status { kb, to } => life::set_status(root, &kb, rel, to, false),
    }
    .map_err(|e| e.to_string())?;
    let note = changed.note();
    let doc = data::read_doc(root, cfg, rel, kind)
        .map_err(|e| format!("{note}; cannot read it back: {e:#}"))?;
    Ok((note, Box::new(doc)))
}

/// After the editor closed on a new document: commit it and read it back.
pub fn new_document(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    kind: Kind,
    editor: Result<(), String>,
) -> Saved {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let note = data::record_change(root, rel, &format!("{}: add {stem}", kind.as_str()));
    let note = match editor {
        Ok(()) => note,
        Err(e) => format!("editor: {e}; the file is kept as it is · {note}"),
    };
    read_back(root, cfg, rel, kind, note)
}

/// Runs `edit` on a copy of an existing document and applies what it saved
/// to the file as it is then (`EditSession`).
pub fn existing_document(
    root: &Path,
    cfg: &Config,
    rel: &Path,
    kind: Kind,
    message: &str,
    edit: impl FnOnce(&Path) -> Result<(), String>,
) -> Saved {
    let session = match EditSession::start(root, rel) {
        Ok(s) => s,
        Err(e) => return failed(format!("error: {e}")),
    };
    let editor = edit(session.path());
    let note = match session.finish(message) {
        Err(e) => return failed(format!("error: {e}")),
        Ok(Edited::Unchanged) => format!("no changes to {}", rel.display()),
        Ok(Edited::Saved { changed, merged }) if merged => {
            format!("{} (merged with a change saved meanwhile)", changed.note())
        }
        Ok(Edited::Saved { changed, .. }) => changed.note(),
        Ok(Edited::Conflict { kept }) => {
            return failed(format!(
                "error: {} changed while you edited it, on the same lines; it is unchanged and your version is kept at {}",
                rel.display(),
                kept.display()
            ));
        }
    };
    let note = match editor {
        Ok(()) => note,
        Err(e) => format!("error: editor: {e}; {note}"),
    };
    read_back(root, cfg, rel, kind, note)
}

fn failed(note: String) -> Saved {
    Saved { doc: None, note }
}

fn read_back(root: &Path, cfg: &Config, rel: &Path, kind: Kind, note: String) -> Saved {
    match data::read_doc(root, cfg, rel, kind) {
        Ok(doc) => Saved {
            doc: Some(Box::new(doc)),
            note,
        },
        Err(e) => failed(format!("{note}; cannot read it back: {e:#}")),
    }
}

#[cfg(test)]
mod guard_tests {
    #[test]
    fn a_panic_in_a_library_call_comes_back_as_an_error() {
        let r: Result<(), String> = super::guarded(|| panic!("index out of range"));
        let e = r.unwrap_err();
        assert!(e.contains("lore hit a bug (index out of range)"), "{e}");
        assert_eq!(super::guarded(|| Ok::<_, String>(7)), Ok(7));
    }
}
