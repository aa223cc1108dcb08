//! All-or-nothing changes to several KB files with one commit (a factor
//! renamed across the KB). The new contents are first written beside their
//! targets as temporary files; then a journal naming every pair is written
//! atomically to `.lore/journal.json`; then each temporary file is renamed
//! over its target and the lot is committed; then the journal goes. A lore
//! killed at any point leaves either no journal (nothing changed; the
//! temporary files are swept later) or a journal that the next lore command
//! finishes: it renames what is left and commits, so the KB never stays half
//! renamed and no change stays uncommitted.

use super::git::{CommitOutcome, commit_paths};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Journal {
    message: String,
    /// (target, temporary file), both relative to the KB root.
    files: Vec<(PathBuf, PathBuf)>,
}

fn journal_path(root: &Path) -> PathBuf {
    root.join(".lore").join("journal.json")
}

/// Writes every `(path, text)` and commits them in one commit with `message`,
/// all or nothing across crashes. The caller holds the locks of the files.
pub fn write_all_and_commit(
    root: &Path,
    writes: &[(PathBuf, String)],
    message: &str,
) -> Result<CommitOutcome> {
    let mut files = Vec::with_capacity(writes.len());
    let mut staged = Vec::with_capacity(writes.len());
    for (rel, text) in writes {
        let abs = super::writable(root, rel)?;
        let dir = abs.parent().unwrap_or(root);
        let mut tmp = super::new_temp(dir)?;
        tmp.write_all(text.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| Error::io(&abs, e))?;
        if let Ok(meta) = std::fs::metadata(&abs) {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        let tmp_rel = tmp
            .path()
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .map_err(|_| Error::Invalid(format!("{}: outside the KB", tmp.path().display())))?;
        files.push((rel.clone(), tmp_rel));
        staged.push(tmp);
    }
    super::cache_dir(root)?;
    let journal = Journal {
        message: message.to_string(),
        files,
    };
    let json = serde_json::to_vec(&journal).map_err(|e| Error::Invalid(e.to_string()))?;
    super::write_atomic(&journal_path(root), &json)?;
    // The temporary files stay locked until they are renamed, and are never
    // deleted from here on: the journal owns them, even when a step fails.
    let result = finish(root, &journal);
    for t in staged {
        let _ = t.into_temp_path().keep();
    }
    result
}

/// Renames what the journal still holds and commits; removes the journal once
/// the commit is made (or git is absent).
fn finish(root: &Path, j: &Journal) -> Result<CommitOutcome> {
    for (rel, tmp) in &j.files {
        let from = root.join(tmp);
        if from.exists() {
            std::fs::rename(&from, root.join(rel)).map_err(|e| Error::io(&from, e))?;
        }
    }
    let paths: Vec<PathBuf> = j.files.iter().map(|(r, _)| r.clone()).collect();
    let outcome = commit_paths(root, &paths, &j.message)?;
    let jp = journal_path(root);
    std::fs::remove_file(&jp).map_err(|e| Error::io(&jp, e))?;
    Ok(outcome)
}

/// Finishes a change a killed lore left half done. Returns what was done, for
/// a note, or `None` when there was nothing to finish.
pub fn recover(root: &Path) -> Result<Option<String>> {
    let jp = journal_path(root);
    if super::cache_dir(root).is_err() || !jp.exists() {
        return Ok(None);
    }
    let _lock = super::lock::config(root)?;
    // Read under the lock: another lore may have finished it meanwhile.
    let Ok(bytes) = std::fs::read(&jp) else {
        return Ok(None);
    };
    let j: Journal = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Invalid(format!(
            "{}: unreadable journal of an interrupted change ({e}); remove it after checking `git status`",
            jp.display()
        ))
    })?;
    let outside = j.files.iter().any(|(r, t)| {
        super::confine::inside(root, r).is_err() || super::confine::inside(root, t).is_err()
    });
    if outside {
        return Err(Error::Invalid(format!(
            "{}: names files outside the knowledge base; not applied",
            jp.display()
        )));
    }
    finish(root, &j)?;
    Ok(Some(format!(
        "finished an interrupted change: {} ({} files)",
        j.message,
        j.files.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_left_by_a_kill_is_finished_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("pm")).unwrap();
        std::fs::write(root.join("pm/a.md"), "old a").unwrap();
        std::fs::write(root.join("pm/b.md"), "old b").unwrap();
        // The state after a kill between the journal and the renames: one
        // file already renamed, one still waiting.
        std::fs::write(root.join("pm/a.md"), "new a").unwrap();
        std::fs::write(root.join("pm/.lore-tmp-b"), "new b").unwrap();
        let j = Journal {
            message: "factors: rename x to y".into(),
            files: vec![
                ("pm/a.md".into(), "pm/.lore-tmp-a".into()),
                ("pm/b.md".into(), "pm/.lore-tmp-b".into()),
            ],
        };
        super::super::write_atomic(&journal_path(root), &serde_json::to_vec(&j).unwrap()).unwrap();
        let note = recover(root).unwrap().unwrap();
        assert!(note.contains("2 files"), "{note}");
        assert_eq!(
            std::fs::read_to_string(root.join("pm/b.md")).unwrap(),
            "new b"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("pm/a.md")).unwrap(),
            "new a"
        );
        assert!(!journal_path(root).exists());
        assert_eq!(recover(root).unwrap(), None);
    }
}
