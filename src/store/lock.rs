//! Locks between lore processes: one per document (every read-modify-write of
//! a document holds it, so concurrent writers apply their changes one after
//! the other to what is there now) and one per repository around lore's
//! commits. They are `flock`s on files under `.lore/locks/` and in the git
//! folder: the kernel releases them when a process dies, so a killed lore
//! never leaves a lock that blocks the next one.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for another before giving up with a message: long
/// enough for a commit of a large KB, short enough to notice a hung process.
const WAIT: Duration = Duration::from_secs(60);

/// A lock held until dropped.
#[derive(Debug)]
pub struct Held {
    _file: File,
}

/// Takes an exclusive lock on `path` (created if missing), waiting up to
/// `WAIT` for the process holding it. `what` names the lock in the error.
pub fn exclusive(path: &Path, what: &str) -> Result<Held> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    wait_for(file, path, what)
}

fn wait_for(file: File, path: &Path, what: &str) -> Result<Held> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Held { _file: file }),
            Err(TryLockError::WouldBlock) if start.elapsed() < WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Invalid(format!(
                    "{what} is held by another lore process for over {}s ({}); try again when it has finished",
                    WAIT.as_secs(),
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
    }
}

/// Takes an exclusive lock on the folder `dir` itself (no lock file is left
/// in it), waiting like `exclusive`.
pub fn folder(dir: &Path, what: &str) -> Result<Held> {
    let file = File::open(dir).map_err(|e| Error::io(dir, e))?;
    wait_for(file, dir, what)
}

/// The lock file of one document, by a hash of its KB-relative path.
fn doc_lock_path(root: &Path, rel: &Path) -> Result<PathBuf> {
    let key = xxhash_rust::xxh3::xxh3_64(rel.to_string_lossy().as_bytes());
    Ok(super::cache_dir(root)?
        .join("locks")
        .join(format!("{key:016x}.lock")))
}

/// Makes sure `.lore/` keeps itself out of git (a `.gitignore` of `*` in
/// it), since the locks are created in KBs whose own `.gitignore` predates
/// lore or lacks the entry.
pub fn ignore_cache(root: &Path) {
    let Ok(dir) = super::cache_dir(root) else {
        return;
    };
    let gi = dir.join(".gitignore");
    if !gi.exists() && std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(&gi, "# lore's local cache: never committed\n*\n");
    }
}

/// Locks one document for a read-modify-write.
pub fn document(root: &Path, rel: &Path) -> Result<Held> {
    ignore_cache(root);
    exclusive(
        &doc_lock_path(root, rel)?,
        &format!("the document lock of {}", rel.display()),
    )
}

/// Locks several documents (a rename across the KB), in a fixed order so two
/// such writers never wait on each other in a circle.
pub fn documents(root: &Path, rels: &[PathBuf]) -> Result<Vec<Held>> {
    ignore_cache(root);
    let mut paths: Vec<(PathBuf, &PathBuf)> = rels
        .iter()
        .map(|r| doc_lock_path(root, r).map(|p| (p, r)))
        .collect::<Result<_>>()?;
    paths.sort();
    paths.dedup_by(|a, b| a.0 == b.0);
    paths
        .into_iter()
        .map(|(p, rel)| exclusive(&p, &format!("the document lock of {}", rel.display())))
        .collect()
}

/// Locks the KB's settings (`lore.toml`) and the taxonomy changes made from them.
pub fn config(root: &Path) -> Result<Held> {
    ignore_cache(root);
    exclusive(
        &super::cache_dir(root)?.join("locks").join("config.lock"),
        "the lore.toml lock",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("postmortems/a.md");
        let first = document(dir.path(), rel).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.path().to_path_buf();
        let t = std::thread::spawn(move || {
            let _second = document(&root, Path::new("postmortems/a.md")).unwrap();
            tx.send(Instant::now()).unwrap();
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(rx.try_recv().is_err(), "the second lock did not wait");
        let released = Instant::now();
        drop(first);
        let got = rx.recv().unwrap();
        assert!(got >= released);
        t.join().unwrap();
    }
}
