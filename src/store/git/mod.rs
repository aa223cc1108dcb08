//! Git through gix: the repository around a KB. The only module that names gix;
//! callers get plain types (`CommitOutcome`, `CommitInfo`, `Activity`) and
//! `Error::Git` messages a user can act on.

mod activity;
mod commit;
mod fastforward;
mod history;
mod patch;
mod recover;
mod save;
mod sync;

pub use activity::{Activity, activity};
pub use commit::{CommitOutcome, commit_paths};
pub use history::{CommitInfo, diff, doc_at_rev, history, show_at};
pub use save::{delete_and_commit, rename_and_commit, save_and_commit, subject};
pub use sync::{SyncOutcome, sync};

use crate::error::{Error, Result};
use gix::bstr::{BStr, BString, ByteSlice};
use std::path::{Component, Path, PathBuf};

/// Creates a git repository at `dir` unless `dir` is already inside one.
/// Returns whether one was created.
pub fn ensure_repo(dir: &Path) -> Result<bool> {
    if is_versioned(dir) {
        return Ok(false);
    }
    gix::init(dir).map_err(|e| {
        Error::Git(format!(
            "cannot create a repository in {}: {}",
            dir.display(),
            chain(&e)
        ))
    })?;
    Ok(true)
}

/// Whether `dir` lies inside a git working tree (a `.git` folder or file in it
/// or any parent). Decided without gix so a broken repository is reported as
/// an error by the functions that open it, not mistaken for "no git".
pub fn is_versioned(dir: &Path) -> bool {
    let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    start.ancestors().any(|d| d.join(".git").exists())
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

/// An open repository and where the KB sits inside its working tree.
pub(crate) struct KbRepo {
    pub repo: gix::Repository,
    pub workdir: PathBuf,
    /// The KB root relative to the working tree, `/`-separated, empty when the
    /// KB is the repository root.
    pub prefix: String,
}

impl KbRepo {
    /// Opens the repository around `root`, or `None` when the KB is not in git.
    pub fn open(root: &Path) -> Result<Option<KbRepo>> {
        if !is_versioned(root) {
            return Ok(None);
        }
        let repo = gix::discover(root).map_err(|e| {
            Error::Git(format!(
                "cannot open the repository around {}: {}",
                root.display(),
                chain(&e)
            ))
        })?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| {
                Error::Git(format!(
                    "{} is inside a bare repository; lore needs a working tree",
                    root.display()
                ))
            })?
            .to_path_buf();
        if repo.git_dir_trust() != gix::sec::Trust::Full {
            return Err(Error::Git(format!(
                "{} is owned by another user; lore refuses it as git does (its configuration could run programs as you). If you trust it, run `git config --global --add safe.directory {}`",
                workdir.display(),
                workdir.display()
            )));
        }
        let canon = |p: &Path| std::fs::canonicalize(p).map_err(|e| Error::io(p, e));
        let (wd, kb) = (canon(&workdir)?, canon(root)?);
        let rel = kb.strip_prefix(&wd).map_err(|_| {
            Error::Git(format!(
                "{} is not inside the working tree {}",
                root.display(),
                wd.display()
            ))
        })?;
        let prefix = slash_path(rel)?;
        Ok(Some(KbRepo {
            repo,
            workdir: wd,
            prefix,
        }))
    }

    /// A KB-relative path as a repository path (`/`-separated, no `..`).
    pub fn repo_path(&self, rel: &Path) -> Result<String> {
        let p = slash_path(rel)?;
        if p.is_empty() {
            return Err(Error::Git(format!(
                "`{}` is not a file path",
                rel.display()
            )));
        }
        Ok(if self.prefix.is_empty() {
            p
        } else {
            format!("{}/{p}", self.prefix)
        })
    }

    /// A repository path as a KB-relative path, if it lies inside the KB.
    pub fn kb_path(&self, repo_path: &BStr) -> Option<PathBuf> {
        kb_relative(&self.prefix, repo_path)
    }

    /// The commit HEAD points at, or `None` on an unborn branch.
    pub fn head_commit_id(&self) -> Result<Option<gix::ObjectId>> {
        let head = self
            .repo
            .head()
            .map_err(|e| git_err("cannot read HEAD", &e))?;
        Ok(head.id().map(|id| id.detach()))
    }
}

/// A repository path relative to the KB at `prefix`, if it lies inside it.
pub(crate) fn kb_relative(prefix: &str, repo_path: &BStr) -> Option<PathBuf> {
    let s = repo_path.to_str().ok()?;
    if prefix.is_empty() {
        return Some(PathBuf::from(s));
    }
    s.strip_prefix(prefix)?.strip_prefix('/').map(PathBuf::from)
}

/// A relative path as `/`-separated text, refusing anything that could leave
/// the folder it is relative to.
fn slash_path(rel: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts
                .push(s.to_str().ok_or_else(|| {
                    Error::Git(format!("`{}` is not valid UTF-8", rel.display()))
                })?),
            Component::CurDir => {}
            _ => {
                return Err(Error::Git(format!(
                    "`{}` must be a path inside the knowledge base",
                    rel.display()
                )));
            }
        }
    }
    Ok(parts.join("/"))
}

/// Every message in an error's source chain, joined, without repeats.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !s.is_empty() && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// An `Error::Git` saying what lore was doing and what gix reported.
pub(crate) fn git_err(what: &str, e: &(dyn std::error::Error + 'static)) -> Error {
    Error::Git(format!("{what}: {}", chain(e)))
}

/// The repository's index, or an empty one when the repository has none yet
/// (a fresh `git init`). Read while holding the index lock.
pub(crate) fn read_index(repo: &gix::Repository, index_path: &Path) -> Result<gix::index::File> {
    if index_path.exists() {
        repo.open_index()
            .map_err(|e| git_err("cannot read the git index", &e))
    } else {
        Ok(gix::index::File::from_state(
            gix::index::State::new(repo.object_hash()),
            index_path.to_path_buf(),
        ))
    }
}

/// How long to wait for the git index lock held by another lore or git
/// process (two responders saving at once) before giving up with a message.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Takes the index lock, waiting up to `LOCK_WAIT` for another process; a lock
/// that stays is explained (a crashed git leaves `index.lock` behind).
pub(crate) fn lock_index(index_path: &Path) -> std::result::Result<gix::lock::File, String> {
    gix::lock::File::acquire_to_update_resource(
        index_path,
        gix::lock::acquire::Fail::AfterDurationWithBackoff(LOCK_WAIT),
        None,
        0,
    )
    .map_err(|e| {
        let lock_path = index_path.with_extension("lock");
        if lock_path.exists() {
            format!(
                "the git index is locked ({} exists) by a git command, not by lore: if no git command is running (check `ps`), a crashed git left it and deleting that file is safe; then retry",
                lock_path.display()
            )
        } else {
            format!("cannot lock the git index: {}", chain(&e))
        }
    })
}

/// Seven hex digits, as `git log --oneline` shows them.
pub(crate) fn short_hex(id: &gix::oid) -> String {
    let mut s = id.to_hex().to_string();
    s.truncate(7);
    s
}

/// Git's time stamp as a chrono time with its own offset.
pub(crate) fn to_chrono(t: gix::date::Time) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::Offset;
    let offset = chrono::FixedOffset::east_opt(t.offset).unwrap_or_else(|| chrono::Utc.fix());
    chrono::DateTime::from_timestamp(t.seconds, 0)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// Bytes as a `BString` path for gix.
pub(crate) fn bpath(s: &str) -> BString {
    BString::from(s)
}
