//! The changes lore makes to one document, each as a file operation followed
//! by one commit: save (new text), rename, delete. The file operation always
//! happens first, so the user's words are on disk even when git refuses.

use super::{CommitOutcome, commit_paths};
use crate::error::{Error, Result};
use std::path::Path;

/// The commit subject lore uses for a change to a document, one style
/// everywhere: `postmortem: add ID`, `runbook: edit ID`, `postmortem: add
/// timeline entry to ID`.
pub fn subject(kind: crate::doc::Kind, action: &str, id: &str) -> String {
    format!("{}: {action} {id}", kind.as_str())
}

/// Writes `contents` to `rel` atomically, then commits that file.
pub fn save_and_commit(
    root: &Path,
    rel: &Path,
    contents: &[u8],
    message: &str,
) -> Result<CommitOutcome> {
    crate::store::save_bytes(root, rel, contents)?;
    commit_paths(root, &[rel.to_path_buf()], message)
}

/// Moves the document at `from` to `to` (both relative to the KB root, `to`
/// must not exist), then commits both paths in one commit: git sees a rename.
pub fn rename_and_commit(
    root: &Path,
    from: &Path,
    to: &Path,
    message: &str,
) -> Result<CommitOutcome> {
    let (src, dst) = (root.join(from), root.join(to));
    if dst.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists; pick another name",
            to.display()
        )));
    }
    if let Some(dir) = dst.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(&src, &dst).map_err(|e| Error::io(&src, e))?;
    commit_paths(root, &[from.to_path_buf(), to.to_path_buf()], message)
}

/// Deletes the document at `rel`, then commits its removal. Its text stays
/// in git's history (`lore show ID --rev REV`).
pub fn delete_and_commit(root: &Path, rel: &Path, message: &str) -> Result<CommitOutcome> {
    let abs = root.join(rel);
    std::fs::remove_file(&abs).map_err(|e| Error::io(&abs, e))?;
    commit_paths(root, &[rel.to_path_buf()], message)
}
