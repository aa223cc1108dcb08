//! Recovering from a lore that was killed while committing. git's own locks
//! (`index.lock`, `HEAD.lock`, a branch's `.lock`) are plain files that a
//! killed process leaves behind, and every git command then refuses to run.
//! lore serialises its commits with a `flock` (released by the kernel when the
//! process dies) and writes a marker beside it for the length of the commit:
//! a marker found while holding the flock means the last lore died mid-commit,
//! and the git locks it made (no older than the marker, no later than a commit
//! takes) are removed before the next commit. A lock lore did not leave is
//! never touched; `lock_index` says which file it is and when removing it is safe.

use crate::error::{Error, Result};
use crate::store::lock::{self, Held};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The longest a commit of lore's takes; a lock younger than the marker plus
/// this was made by the commit that left the marker.
const COMMIT_SPAN: Duration = Duration::from_secs(120);

/// lore's commit lock and marker, held for one commit.
pub(crate) struct CommitGuard {
    _held: Held,
    marker: PathBuf,
}

impl CommitGuard {
    /// Waits for any other lore commit, clears what a killed one left and
    /// marks this commit as running.
    pub fn take(git_dir: &Path) -> Result<CommitGuard> {
        let held = lock::exclusive(&git_dir.join("lore-commit.lock"), "lore's commit lock")?;
        let marker = git_dir.join("lore-commit.pid");
        if let Ok(meta) = std::fs::metadata(&marker) {
            let since = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            remove_stale_locks(git_dir, since)?;
        }
        std::fs::write(&marker, format!("{}\n", std::process::id()))
            .map_err(|e| Error::io(&marker, e))?;
        Ok(CommitGuard {
            _held: held,
            marker,
        })
    }
}

impl Drop for CommitGuard {
    fn drop(&mut self) {
        // Left behind, the marker only makes the next commit look for locks
        // of this one, which are gone.
        let _ = std::fs::remove_file(&self.marker);
    }
}

/// git's lock files under `git_dir` that a commit of lore's takes.
fn lock_files(git_dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![
        git_dir.join("index.lock"),
        git_dir.join("HEAD.lock"),
        git_dir.join("packed-refs.lock"),
    ];
    let mut todo = vec![git_dir.join("refs").join("heads")];
    while let Some(dir) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push(p),
                Ok(t) if t.is_file() && p.extension().is_some_and(|x| x == "lock") => out.push(p),
                _ => {}
            }
        }
    }
    out
}

/// Removes the locks a commit that started at `since` left; a lock that
/// cannot be removed is an error naming it (never ignored).
fn remove_stale_locks(git_dir: &Path, since: SystemTime) -> Result<()> {
    let from = since.checked_sub(Duration::from_secs(2)).unwrap_or(since);
    let until = since + COMMIT_SPAN;
    for p in lock_files(git_dir) {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let made = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if made < from || made > until {
            continue;
        }
        std::fs::remove_file(&p).map_err(|e| {
            Error::Git(format!(
                "a killed lore left {} behind and it cannot be removed ({e}); remove it by hand (no lore is committing now, so it is safe)",
                p.display()
            ))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_of_a_killed_commit_are_removed_and_older_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path();
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        let old = git.join("refs/heads/old.lock");
        std::fs::write(&old, "").unwrap();
        let past = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(past)
            .unwrap();
        // A killed lore: marker, then index and branch locks.
        std::fs::write(git.join("lore-commit.pid"), "1\n").unwrap();
        std::fs::write(git.join("index.lock"), "").unwrap();
        std::fs::write(git.join("refs/heads/main.lock"), "").unwrap();
        let guard = CommitGuard::take(git).unwrap();
        assert!(!git.join("index.lock").exists());
        assert!(!git.join("refs/heads/main.lock").exists());
        assert!(old.exists(), "a lock from long before was removed");
        assert!(git.join("lore-commit.pid").exists());
        drop(guard);
        assert!(!git.join("lore-commit.pid").exists());
        // No marker: a lock is someone else's and stays.
        std::fs::write(git.join("index.lock"), "").unwrap();
        drop(CommitGuard::take(git).unwrap());
        assert!(git.join("index.lock").exists());
    }
}
