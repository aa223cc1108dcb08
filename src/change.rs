//! The one library path for a change to an existing document, shared by the
//! CLI and the TUI: take the document's lock, re-read the file as it is now,
//! apply the change to that text, write it atomically, commit that one file
//! and update its search-index entry. Concurrent writers (two responders
//! stamping one incident) queue on the lock, and each applies its change to
//! what the other wrote, so no change is lost.

use crate::error::Result;
use crate::store::{self, git::CommitOutcome};
use std::path::{Path, PathBuf};

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub rel: PathBuf,
    /// The commit message, as the change described itself.
    pub message: String,
    /// `None` when the change left the text as it was (nothing written).
    pub commit: Option<CommitOutcome>,
    /// The text now on disk.
    pub text: String,
}

impl Changed {
    /// A one-line account for a status bar or the CLI: what was committed.
    pub fn note(&self) -> String {
        match &self.commit {
            None => format!("no change · {}", self.message),
            Some(c) => note(c, &self.message),
        }
    }
}

/// What a commit of a saved file came to, in one line.
pub fn note(commit: &CommitOutcome, message: &str) -> String {
    match commit {
        CommitOutcome::Committed { id } => {
            format!(
                "saved and committed {} · {message}",
                id.get(..7).unwrap_or(id)
            )
        }
        CommitOutcome::Unchanged => format!("saved, nothing new to commit · {message}"),
        CommitOutcome::NotVersioned => format!("saved (not in a git repository) · {message}"),
    }
}

/// Applies `edit` to the current text of `rel` under its lock, then saves,
/// commits and re-indexes it. `edit` returns the new text and the commit
/// message (which may depend on what it found, such as the time stamp it
/// chose); the same text means no change. The file is saved even when git
/// refuses the commit (the error says so), so no words are lost.
pub fn change_doc(
    root: &Path,
    rel: &Path,
    edit: impl FnOnce(&str) -> Result<(String, String)>,
) -> Result<Changed> {
    let _lock = store::lock::document(root, rel)?;
    let before = store::read_text(root, rel)?;
    let (after, message) = edit(&before)?;
    if after == before {
        return Ok(Changed {
            rel: rel.to_path_buf(),
            message,
            commit: None,
            text: before,
        });
    }
    store::save_doc(root, rel, &after)?;
    let commit = store::git::commit_paths(root, &[rel.to_path_buf()], &message)?;
    reindex(root, rel);
    Ok(Changed {
        rel: rel.to_path_buf(),
        message,
        commit: Some(commit),
        text: after,
    })
}

/// Lore edits no document whose front matter is opened but never closed: a
/// line it appended would land inside the YAML. One rule for every edit of
/// the lifecycle; the editor round trip (`e`) is how the user fixes it.
pub fn front_matter_closed(rel: &Path, text: &str) -> Result<()> {
    if crate::doc::edit_fields::front_matter_open(text) {
        return Err(crate::error::Error::Invalid(format!(
            "{}: its front matter is opened on line 1 but never closed by a `---` line; fix it first (in your editor, or `e` in the TUI)",
            rel.display()
        )));
    }
    Ok(())
}

/// Commits a file that was just written by someone else's hand (the editor
/// round trip, a new draft) and re-indexes it, under the document's lock so
/// it is not interleaved with a `change_doc` of the same file.
pub fn commit_doc(root: &Path, rel: &Path, message: &str) -> Result<CommitOutcome> {
    let _lock = store::lock::document(root, rel)?;
    let outcome = store::git::commit_paths(root, &[rel.to_path_buf()], message)?;
    reindex(root, rel);
    Ok(outcome)
}

/// Updates the search-index entry of `rel`. The index is a cache that heals
/// itself on the next search, so a failure here is not the change's failure.
fn reindex(root: &Path, rel: &Path) {
    if crate::index::index_dir(root).is_dir() {
        let _ = crate::index::update_paths(root, &[rel.to_path_buf()]);
    }
}

/// Why a new action item's `due:` is refused, by the parser's own rule (not
/// found by lint later); `None` when it has none or a date. Pure, so the TUI
/// checks it at the prompt.
pub fn due_problem(item: &str) -> Option<String> {
    let ctx = crate::doc::ParseContext {
        timezone: chrono_tz::UTC,
        default_kind: crate::doc::Kind::Postmortem,
    };
    let text = format!(
        "# Check\n\n## Action items\n\n- [ ] {}\n",
        item.replace('\n', " ")
    );
    let doc = crate::doc::Doc::parse(&text, Path::new("check.md"), &ctx);
    doc.problems
        .iter()
        .any(|p| p.code == "bad-due-date")
        .then(|| format!("`{item}`: its due: is not a date; write due:YYYY-MM-DD"))
}

/// Appends an open action item (`@owner`, `due:`, `#type` tokens kept).
pub fn add_action(
    root: &Path,
    cfg: &crate::config::Config,
    rel: &Path,
    kind: crate::doc::Kind,
    item: &str,
) -> Result<Changed> {
    change_doc(root, rel, |before| {
        front_matter_closed(rel, before)?;
        let ctx = crate::doc::ParseContext {
            timezone: cfg.tz,
            default_kind: kind,
        };
        let id = crate::doc::Doc::parse(before, rel, &ctx).id;
        let after = crate::doc::edit::append_action(before, item);
        if let Some(e) = due_problem(item) {
            return Err(crate::error::Error::Invalid(e));
        }
        Ok((after, format!("{}: action item in {id}", kind.as_str())))
    })
}

/// An edit of an existing document in `$EDITOR`: the editor works on a
/// private copy (in `.lore/edit/`), so entries other responders add to the
/// document meanwhile are not overwritten when the editor saves. `finish`
/// applies the edit to the file as it is then, under its lock: unchanged
/// meanwhile, the edit is saved as it is; changed, the two are merged line
/// by line; when they touch the same lines, the document is left alone and
/// the edited copy is kept for the user.
pub struct EditSession {
    root: PathBuf,
    rel: PathBuf,
    base: String,
    copy: PathBuf,
}

/// What came of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// The editor saved nothing new.
    Unchanged,
    /// Saved and committed; `merged` when others changed the file meanwhile.
    Saved { changed: Changed, merged: bool },
    /// The edit and a change made meanwhile touch the same lines: nothing was
    /// written; the edited text is kept at `kept`.
    Conflict { kept: PathBuf },
}

impl EditSession {
    pub fn start(root: &Path, rel: &Path) -> Result<EditSession> {
        let base = store::read_text(root, rel)?;
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "document.md".into());
        let copy = store::cache_dir(root)?
            .join("edit")
            .join(format!("{}-{name}", std::process::id()));
        store::lock::ignore_cache(root);
        store::write_atomic(&copy, base.as_bytes())?;
        Ok(EditSession {
            root: root.to_path_buf(),
            rel: rel.to_path_buf(),
            base,
            copy,
        })
    }

    /// The file the editor should open.
    pub fn path(&self) -> &Path {
        &self.copy
    }

    /// Applies what the editor saved (see the type's description).
    pub fn finish(self, message: &str) -> Result<Edited> {
        let ours = std::fs::read(&self.copy)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| crate::error::Error::io(&self.copy, e))?;
        if ours == self.base {
            let _ = std::fs::remove_file(&self.copy);
            return Ok(Edited::Unchanged);
        }
        let mut merged = false;
        let mut conflict = false;
        let changed = change_doc(&self.root, &self.rel, |current| {
            let text = if current == self.base {
                ours.clone()
            } else {
                merged = true;
                match diffy::merge(&self.base, &ours, current) {
                    Ok(m) => m,
                    Err(_) => {
                        conflict = true;
                        current.to_string()
                    }
                }
            };
            Ok((text, message.to_string()))
        })?;
        if conflict {
            return Ok(Edited::Conflict { kept: self.copy });
        }
        let _ = std::fs::remove_file(&self.copy);
        Ok(Edited::Saved { changed, merged })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\ntitle: DNS\n---\n# DNS\n\n## Summary\n\nOld summary.\n\n## Timeline\n\n- 10:00 Alert\n";

    fn kb() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("postmortems")).unwrap();
        std::fs::write(dir.path().join("postmortems/a.md"), DOC).unwrap();
        dir
    }

    #[test]
    fn an_edit_keeps_an_entry_another_responder_added_meanwhile() {
        let dir = kb();
        let rel = Path::new("postmortems/a.md");
        let s = EditSession::start(dir.path(), rel).unwrap();
        std::fs::write(s.path(), DOC.replace("Old summary.", "New summary.")).unwrap();
        // Meanwhile, through the shared path:
        change_doc(dir.path(), rel, |t| {
            Ok((
                t.replace("- 10:00 Alert\n", "- 10:00 Alert\n- 10:05 Paged\n"),
                "t".into(),
            ))
        })
        .unwrap();
        let done = s.finish("edit").unwrap();
        assert!(
            matches!(done, Edited::Saved { merged: true, .. }),
            "{done:?}"
        );
        let now = std::fs::read_to_string(dir.path().join(rel)).unwrap();
        assert!(
            now.contains("New summary.") && now.contains("- 10:05 Paged"),
            "{now}"
        );
        assert!(
            !dir.path()
                .join(".lore/edit")
                .read_dir()
                .unwrap()
                .any(|_| true)
        );
    }

    #[test]
    fn an_edit_of_the_same_lines_changes_nothing_and_keeps_the_copy() {
        let dir = kb();
        let rel = Path::new("postmortems/a.md");
        let s = EditSession::start(dir.path(), rel).unwrap();
        std::fs::write(s.path(), DOC.replace("Old summary.", "Mine.")).unwrap();
        change_doc(dir.path(), rel, |t| {
            Ok((t.replace("Old summary.", "Theirs."), "t".into()))
        })
        .unwrap();
        let Edited::Conflict { kept } = s.finish("edit").unwrap() else {
            panic!("no conflict")
        };
        assert!(std::fs::read_to_string(&kept).unwrap().contains("Mine."));
        let now = std::fs::read_to_string(dir.path().join(rel)).unwrap();
        assert!(now.contains("Theirs.") && !now.contains("Mine."), "{now}");
    }
}
