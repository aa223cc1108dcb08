//! The editor round trips the event loop runs for `update` (which does no
//! I/O for them): run the editor, save through the library's write path,
//! read the document back, and hand the result to `update` as
//! `Action::Saved`.

use super::app::Saved;
use super::data;
use crate::change::{EditSession, Edited};
use crate::config::Config;
use crate::doc::Kind;
use std::path::Path;

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
