//! One commit for one change lore made: only the files lore touched go into it,
//! the user's other staged and unstaged work stays exactly as it was, and the
//! index entries of the committed files match the new commit afterwards.
//!
//! Order matters: take lore's commit lock (a `flock`, so one lore commits at a
//! time and a killed one never blocks the next), recover git locks a killed
//! lore left behind, take git's index lock, check HEAD and the identity, build
//! the tree from HEAD plus lore's files, write the index through the lock, and
//! only then move the branch (compare-and-swap on its old value). A kill at
//! any point leaves either no change in git or the new file staged: `git
//! status` tells the truth and `git commit -a` can never drop the document.
//!
//! Files are stored as the bytes on disk: lore runs no clean/smudge filter
//! drivers (an LFS-style filter in `.gitattributes` is not applied to lore's
//! commits), no end-of-line conversion and no hooks.

use super::{KbRepo, bpath, chain, git_err};
use crate::error::{Error, Result};
use gix::bstr::ByteSlice;
use gix::index::entry::{Flags, Mode, Stat};
use gix::objs::tree::EntryKind;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What `commit_paths` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitOutcome {
    /// A commit was made; `id` is its full hex id.
    Committed { id: String },
    /// The files already match HEAD: nothing to commit.
    Unchanged,
    /// The KB is not inside a git repository.
    NotVersioned,
}

/// One path lore changed, as it now is in the working tree.
struct Touched {
    path: String,
    /// `None` when the file no longer exists (deleted or renamed away).
    now: Option<(gix::ObjectId, EntryKind, Stat)>,
}

/// Commits the files at `paths` (relative to the KB root) as they are in the
/// working tree: existing files are added or updated, missing ones removed
/// from the tree. A rename is the old path plus the new path.
pub fn commit_paths(root: &Path, paths: &[PathBuf], message: &str) -> Result<CommitOutcome> {
    let shown = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let run = || -> Result<CommitOutcome> {
        let Some(kb) = KbRepo::open(root)? else {
            return Ok(CommitOutcome::NotVersioned);
        };
        let mut repo_paths = paths
            .iter()
            .map(|p| kb.repo_path(p))
            .collect::<Result<Vec<_>>>()?;
        repo_paths.sort();
        repo_paths.dedup();
        commit_in(&kb, &repo_paths, message)
    };
    // Every failure here comes after the files were written.
    run().map_err(|e| match e {
        Error::Git(why) if why.ends_with(NOT_COMMITTED_END) => Error::Git(why),
        Error::Git(why) => not_committed(&shown, why),
        other => not_committed(&shown, other.to_string()),
    })
}

/// How every "saved but not committed" message ends, so it is added once.
const NOT_COMMITTED_END: &str = "saved but not committed";

/// The one message for a change that is on disk but not in a commit: what
/// failed, what to do when the disk is full or read-only, and that the file
/// itself is safe. The next lore change to it commits it too.
fn not_committed(shown: &str, why: String) -> Error {
    let hint = if why.contains("os error 28") {
        "; the disk is full: free space, then the next lore change (or `git add` and `git commit`) commits it"
    } else if why.contains("os error 30") {
        "; the file system is read-only"
    } else {
        ""
    };
    Error::Git(format!("{why}{hint}; {shown} {NOT_COMMITTED_END}"))
}

fn commit_in(kb: &KbRepo, repo_paths: &[String], message: &str) -> Result<CommitOutcome> {
    let repo = &kb.repo;

    if let Some(state) = repo.state() {
        return Err(Error::Git(format!(
            "git is in the middle of a {state:?} operation; finish or abort it first (see `git status`)"
        )));
    }
    check_identity(repo).map_err(Error::Git)?;

    let _serial = super::recover::CommitGuard::take(repo.git_dir())?;
    let index_path = repo.index_path();
    let mut lock = super::lock_index(&index_path).map_err(Error::Git)?;
    // HEAD is read under the index lock, so a second lore committing at the
    // same time builds on the first one's commit instead of racing it.
    let head = repo.head().map_err(|e| git_err("cannot read HEAD", &e))?;
    let parent = match &head.kind {
        gix::head::Kind::Detached { target, .. } => {
            return Err(Error::Git(format!(
                "HEAD is detached at {}; lore commits only on a branch: run `git switch BRANCH`, then commit with `git commit`",
                super::short_hex(target)
            )));
        }
        gix::head::Kind::Unborn(_) => None,
        gix::head::Kind::Symbolic(r) => {
            Some(r.target.try_id().map(|id| id.to_owned()).ok_or_else(|| {
                Error::Git("HEAD points at a symbolic reference chain lore cannot follow".into())
            })?)
        }
    };
    let mut index = super::read_index(repo, &index_path)?;
    for p in repo_paths {
        let conflicted = index
            .entry_range(p.as_bytes().as_bstr())
            .is_some_and(|r| index.entries()[r].iter().any(|e| e.stage_raw() != 0));
        if conflicted {
            return Err(Error::Git(format!("`{p}` has unresolved merge conflicts")));
        }
    }

    let base_tree = match parent {
        Some(id) => repo
            .find_commit(id)
            .and_then(|c| c.tree_id())
            .map_err(|e| git_err("cannot read the HEAD commit", &e))?
            .detach(),
        None => gix::ObjectId::empty_tree(repo.object_hash()),
    };
    let touched = read_worktree(kb, repo_paths)?;
    let mut editor = repo
        .edit_tree(base_tree)
        .map_err(|e| git_err("cannot read the HEAD tree", &e))?;
    for t in &touched {
        let p = bpath(&t.path);
        match &t.now {
            Some((id, kind, _)) => editor.upsert(&p, *kind, *id).map(|_| ()),
            None => editor.remove_leaf(&p).map(|_| ()),
        }
        .map_err(|e| git_err(&format!("cannot put `{}` into the tree", t.path), &e))?;
    }
    let tree = editor
        .write()
        .map_err(|e| git_err("cannot write the tree", &e))?
        .detach();
    if tree == base_tree {
        return Ok(CommitOutcome::Unchanged);
    }
    let mut msg = message.trim_end().to_string();
    msg.push('\n');
    // The index first: a kill after this leaves the file staged, which `git
    // status` shows and `git commit` completes.
    update_index(&mut index, &touched);
    index
        .write_to(&mut lock, gix::index::write::Options::default())
        .map_err(|e| chain(&e))
        .and_then(|_| lock.flush().map_err(|e| e.to_string()))
        .and_then(|_| lock.commit().map(|_| ()).map_err(|e| e.to_string()))
        .map_err(|why| Error::Git(format!("cannot update the git index ({why})")))?;
    let id = repo
        .commit("HEAD", &msg, tree, parent)
        .map_err(|e| {
            Error::Git(format!(
                "cannot make the commit: {}; the file is staged (`git status` shows it)",
                chain(&e)
            ))
        })?
        .detach();
    Ok(CommitOutcome::Committed { id: id.to_string() })
}

/// A missing author or committer is a clear instruction, never a half-made commit.
fn check_identity(repo: &gix::Repository) -> std::result::Result<(), String> {
    let hint = "git needs your name and email for commits: run `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`";
    for (who, sig) in [("author", repo.author()), ("committer", repo.committer())] {
        match sig {
            None => return Err(format!("no git identity configured ({who}); {hint}")),
            Some(Err(e)) => {
                return Err(format!("the git {who} identity is invalid: {}", chain(&e)));
            }
            Some(Ok(s)) if s.name.trim().is_empty() || s.email.trim().is_empty() => {
                return Err(format!("the git {who} identity is incomplete; {hint}"));
            }
            Some(Ok(_)) => {}
        }
    }
    Ok(())
}

/// Hashes each path's working-tree file into the object database as the
/// bytes on disk (no filter drivers, no eol conversion), taking its stat first
/// as git does so a change racing with the read shows up as modified later.
fn read_worktree(kb: &KbRepo, paths: &[String]) -> Result<Vec<Touched>> {
    let repo = &kb.repo;
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let abs = kb.workdir.join(p);
        let md = match std::fs::symlink_metadata(&abs) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(Touched {
                    path: p.clone(),
                    now: None,
                });
                continue;
            }
            Err(e) => return Err(Error::io(abs, e)),
        };
        let mut stat = gix::index::fs::Metadata::from_path_no_follow(&abs)
            .ok()
            .and_then(|m| Stat::from_fs(&m).ok())
            .unwrap_or_default();
        let (bytes, kind) = if md.file_type().is_symlink() {
            let target = std::fs::read_link(&abs).map_err(|e| Error::io(&abs, e))?;
            let t = target.to_str().ok_or_else(|| {
                Error::Git(format!("`{p}` is a link to a path that is not UTF-8"))
            })?;
            (t.as_bytes().to_vec(), EntryKind::Link)
        } else if md.is_file() {
            use std::os::unix::fs::PermissionsExt;
            let bytes = std::fs::read(&abs).map_err(|e| Error::io(&abs, e))?;
            let exec = md.permissions().mode() & 0o111 != 0;
            let kind = if exec {
                EntryKind::BlobExecutable
            } else {
                EntryKind::Blob
            };
            (bytes, kind)
        } else {
            return Err(Error::Git(format!(
                "`{p}` is a folder or submodule, not a document"
            )));
        };
        // The file changed between the stat and the read: make the index
        // entry look stale so git re-reads it.
        if u64::from(stat.size) != bytes.len() as u64 & 0xffff_ffff {
            stat.size = 0;
        }
        let id = repo
            .write_blob(&bytes)
            .map_err(|e| git_err(&format!("cannot add `{p}` to git"), &e))?
            .detach();
        out.push(Touched {
            path: p.clone(),
            now: Some((id, kind, stat)),
        });
    }
    Ok(out)
}

/// Entries whose file changed in the same second the old index was written
/// may look clean to git once the index has a newer time stamp; a zero size
/// makes git compare their contents (what git itself does, "smudging").
pub(super) fn smudge_racy(index: &mut gix::index::File, old_stamp: i64) {
    let empty_blob = gix::ObjectId::empty_blob(index.object_hash());
    for e in index.entries_mut() {
        if i64::from(e.stat.mtime.secs) >= old_stamp && e.id != empty_blob {
            e.stat.size = 0;
        }
    }
}

/// Points the index entries of the committed paths at the new blobs, leaves
/// every other entry as it was, and marks racily-clean entries for a re-check
/// (git's "smudging") since the index file gets a new time stamp.
fn update_index(index: &mut gix::index::File, touched: &[Touched]) {
    let old_stamp = index.timestamp().unix_seconds();
    let paths: std::collections::HashSet<&[u8]> =
        touched.iter().map(|t| t.path.as_bytes()).collect();
    index.remove_entries(|_, path, _| paths.contains(&path.as_bytes()));
    smudge_racy(index, old_stamp);
    for t in touched {
        if let Some((id, kind, stat)) = &t.now {
            let mode = match kind {
                EntryKind::BlobExecutable => Mode::FILE_EXECUTABLE,
                EntryKind::Link => Mode::SYMLINK,
                _ => Mode::FILE,
            };
            index.dangerously_push_entry(
                *stat,
                *id,
                Flags::empty(),
                mode,
                bpath(&t.path).as_bstr(),
            );
        }
    }
    index.sort_entries();
    // The cached tree would otherwise claim directories are unchanged.
    index.remove_tree();
}
