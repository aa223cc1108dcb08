//! Git through gix: the repository around a KB. The only module that names gix.

use crate::error::{Error, Result};
use std::path::Path;

/// Creates a git repository at `dir` unless `dir` is already inside one.
/// Returns whether one was created.
pub fn ensure_repo(dir: &Path) -> Result<bool> {
    if gix::discover(dir).is_ok() {
        return Ok(false);
    }
    gix::init(dir).map_err(|e| {
        Error::Git(format!(
            "cannot create a repository in {}: {e}",
            dir.display()
        ))
    })?;
    Ok(true)
}

/// `user.name` from the git configuration of the repository around `dir`
/// (repository, then global), for the `authors` of a new document.
pub fn user_name(dir: &Path) -> Option<String> {
    let repo = gix::discover(dir).ok()?;
    let cfg = repo.config_snapshot();
    cfg.string("user.name")
        .map(|s| s.to_string())
        .filter(|s| !s.trim().is_empty())
}

/// The text of the document `id` (a KB-relative path or id resolved by the
/// caller) at revision `rev`.
pub fn show_at(root: &Path, id: &str, rev: &str) -> Result<String> {
    let _ = (root, id, rev);
    Err(Error::Git("`show --rev` is not available yet".into()))
}
