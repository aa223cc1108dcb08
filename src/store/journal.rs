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

/// In `.lore/`, through `cache_file`: written for this KB only, so a
/// journal committed into the repository (or copied from another clone) is
/// never replayed, and never read through a link or from a FIFO.
const FILE: &str = "journal.json";

fn journal_path(root: &Path) -> PathBuf {
    root.join(".lore").join(FILE)
}

fn cache(root: &Path) -> Result<super::cache_file::Dir> {
    super::cache_file::Dir::open(root).ok_or_else(|| {
        Error::Invalid(format!(
            "{}: lore's cache folder cannot be used, so a change of several files cannot be made all or nothing",
            root.join(".lore").display()
        ))
    })
}

/// Whether a journal is there at all, valid or not: the sweep of temporary
/// files leaves them alone meanwhile (a journal that cannot be read is
/// reported by `recover`, never taken for "no change pending").
pub fn pending(root: &Path) -> bool {
    std::fs::symlink_metadata(journal_path(root)).is_ok()
}

/// Whether `(target, temporary file)` is a pair lore writes: the temporary
/// file beside its target, named as `new_temp` names them, and the target a
/// KB path that may be written.
fn plausible(root: &Path, rel: &Path, tmp: &Path) -> bool {
    let name_ok = tmp
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".lore-tmp-"));
    // `./pm/a.md` (a `paths` entry of `.`) and `pm/.lore-tmp-x` share a folder.
    name_ok && folder(tmp) == folder(rel) && super::writable(root, rel).is_ok()
}

/// The folder of `p` without `.` components.
fn folder(p: &Path) -> Vec<std::path::Component<'_>> {
    p.parent()
        .into_iter()
        .flat_map(Path::components)
        .filter(|c| *c != std::path::Component::CurDir)
        .collect()
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
    let dir = cache(root)?;
    let journal = Journal {
        message: message.to_string(),
        files,
    };
    let json = serde_json::to_vec(&journal).map_err(|e| Error::Invalid(e.to_string()))?;
    let jp = journal_path(root);
    let mut w = dir
        .writer_any_build(FILE, b"")
        .ok_or_else(|| Error::Invalid(format!("{}: cannot be written", jp.display())))?;
    w.write(&json)
        .and_then(|_| w.finish_durable())
        .map_err(|e| Error::io(&jp, e))?;
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
    cache(root)?
        .remove(FILE)
        .map_err(|e| Error::io(journal_path(root), e))?;
    Ok(outcome)
}

/// Finishes a change a killed lore left half done. Returns what was done, for
/// a note, or `None` when there was nothing to finish.
pub fn recover(root: &Path) -> Result<Option<String>> {
    let jp = journal_path(root);
    if super::cache_dir(root).is_err() || std::fs::symlink_metadata(&jp).is_err() {
        return Ok(None);
    }
    let _lock = super::lock::config(root)?;
    // Read under the lock: another lore may have finished it meanwhile. One
    // this KB did not write (a commit's, another clone's) or a damaged one
    // is not applied, and its temporary files are kept.
    let Some(body) = super::cache_file::Dir::open(root).and_then(|d| d.read_any_build(FILE, b""))
    else {
        if std::fs::symlink_metadata(&jp).is_err() {
            return Ok(None);
        }
        return Err(Error::Invalid(format!(
            "{}: a journal of an interrupted change that this KB did not write, or a damaged one; nothing was applied and the temporary files are kept: check `git status`, then remove it",
            jp.display()
        )));
    };
    let j: Journal = serde_json::from_slice(body.get()).map_err(|e| {
        Error::Invalid(format!(
            "{}: unreadable journal of an interrupted change ({e}); remove it after checking `git status`",
            jp.display()
        ))
    })?;
    let outside = j
        .files
        .iter()
        .any(|(r, t)| !plausible(root, r, t) || super::confine::inside(root, t).is_err());
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
        let dir = cache(root).unwrap();
        let mut w = dir.writer_any_build(FILE, b"").unwrap();
        w.write(&serde_json::to_vec(&j).unwrap()).unwrap();
        w.finish_durable().unwrap();
        assert!(pending(root));
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

    #[test]
    fn a_journal_this_kb_did_not_write_is_never_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("pm")).unwrap();
        std::fs::create_dir_all(root.join(".lore")).unwrap();
        std::fs::write(root.join("pm/a.md"), "mine").unwrap();
        std::fs::write(root.join("pm/payload.md"), "theirs").unwrap();
        // As a commit would bring it: plain JSON naming any file.
        let j = Journal {
            message: "innocent".into(),
            files: vec![("pm/a.md".into(), "pm/payload.md".into())],
        };
        std::fs::write(journal_path(root), serde_json::to_vec(&j).unwrap()).unwrap();
        assert!(pending(root), "temporary files are kept");
        assert!(recover(root).is_err(), "and the user is told");
        assert_eq!(
            std::fs::read_to_string(root.join("pm/a.md")).unwrap(),
            "mine"
        );
        // Even one of this KB's naming a file that is not a temporary file
        // beside its target is refused.
        std::fs::remove_file(journal_path(root)).unwrap();
        let dir = cache(root).unwrap();
        let mut w = dir.writer_any_build(FILE, b"").unwrap();
        w.write(&serde_json::to_vec(&j).unwrap()).unwrap();
        w.finish().unwrap();
        assert!(recover(root).is_err());
        assert_eq!(
            std::fs::read_to_string(root.join("pm/a.md")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_target_named_from_a_dot_folder_shares_its_temporary_files_folder() {
        assert_eq!(
            folder(Path::new("./a.md")),
            folder(Path::new(".lore-tmp-x"))
        );
        assert_eq!(
            folder(Path::new("./pm/a.md")),
            folder(Path::new("pm/.lore-tmp-x"))
        );
        assert_ne!(
            folder(Path::new("pm/a.md")),
            folder(Path::new("rb/.lore-tmp-x"))
        );
    }
}
