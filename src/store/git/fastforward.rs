//! The fast-forward half of `lore sync`: move the branch to the fetched
//! commit and bring the working tree and index along, refusing before any
//! change when that would overwrite a file the user changed and did not commit.

use super::{KbRepo, bpath, git_err};
use crate::error::{Error, Result};
use gix::bstr::ByteSlice;
use gix::index::entry::{Flags, Mode, Stat};
use gix::object::tree::diff::ChangeDetached as Change;
use std::io::{Read as _, Write as _};
use std::path::Path;

/// A blob id and its mode in a tree.
type TreeEntry = (gix::ObjectId, gix::objs::tree::EntryMode);
/// What the index gets for a path: blob, mode, stat of the written file.
type IndexEntry = (gix::ObjectId, Mode, Stat);

/// Moves the branch from `from` to `to` and updates the working tree and the
/// index to match, refusing (before changing anything) if that would overwrite
/// a file the user changed and did not commit.
pub(super) fn fast_forward(
    kb: &KbRepo,
    branch_ref: &str,
    from: Option<gix::ObjectId>,
    to: gix::ObjectId,
) -> Result<()> {
    let repo = &kb.repo;
    let tree_of = |id: gix::ObjectId| {
        repo.find_commit(id)
            .and_then(|c| c.tree())
            .map_err(|e| git_err("cannot read a commit's tree", &e))
    };
    let old_tree = match from {
        Some(f) => tree_of(f)?,
        None => repo.empty_tree(),
    };
    let new_tree = tree_of(to)?;
    let changes = repo
        .diff_tree_to_tree(&old_tree, &new_tree, gix::diff::Options::default())
        .map_err(|e| git_err("cannot compare trees", &e))?;

    let _serial = super::recover::CommitGuard::take(repo.git_dir())?;
    let index_path = repo.index_path();
    let mut lock = super::lock_index(&index_path).map_err(Error::Git)?;
    let mut index = super::read_index(repo, &index_path)?;
    let (mut pipeline, _) = repo
        .filter_pipeline(None)
        .map_err(|e| git_err("cannot set up git's file filters", &e))?;

    // (path, old id, new blob and mode)
    let mut edits: Vec<(String, Option<gix::ObjectId>, Option<TreeEntry>)> = Vec::new();
    for ch in changes {
        let (loc, old, new) = match ch {
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } => (location, None, Some((id, entry_mode))),
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } => (location, Some((id, entry_mode)), None),
            Change::Modification {
                location,
                previous_entry_mode,
                previous_id,
                entry_mode,
                id,
            } => (
                location,
                Some((previous_id, previous_entry_mode)),
                Some((id, entry_mode)),
            ),
            Change::Rewrite { .. } => continue,
        };
        if old.is_some_and(|o| o.1.is_tree()) || new.is_some_and(|n| n.1.is_tree()) {
            continue;
        }
        if [old, new].iter().flatten().any(|e| !e.1.is_blob()) {
            return Err(Error::Git(format!(
                "the remote changes `{loc}`, a symlink or submodule; update with `git merge --ff-only` instead"
            )));
        }
        let path = loc
            .to_str()
            .map_err(|_| Error::Git(format!("`{loc}` is not a UTF-8 path")))?
            .to_string();
        edits.push((path, old.map(|o| o.0), new));
    }

    let mut blocked = Vec::new();
    for (path, old, new) in &edits {
        let staged = index.entry_by_path(bpath(path).as_bstr()).map(|e| e.id);
        let on_disk = worktree_id(kb, &mut pipeline, &index, path)?;
        let expected = *old;
        let clean = (staged == expected && on_disk == expected)
            || (new.map(|n| n.0) == on_disk && (staged == on_disk || staged.is_none()));
        if !clean {
            blocked.push(path.clone());
        }
    }
    if !blocked.is_empty() {
        return Err(Error::Git(format!(
            "the remote has new commits, but fast-forwarding would overwrite your uncommitted changes in: {}; \
             commit them (or `git stash`), then run `lore sync` again. Nothing was changed",
            blocked.join(", ")
        )));
    }

    let mut touched: Vec<(String, Option<IndexEntry>)> = Vec::new();
    for (path, _, new) in &edits {
        let abs = kb.workdir.join(path);
        match new {
            Some((id, mode)) => {
                let data = repo
                    .find_blob(*id)
                    .map_err(|e| git_err("cannot read a fetched file", &e))?
                    .take_data();
                let converted = pipeline
                    .convert_to_worktree(&data, bpath(path).as_bstr(), Default::default())
                    .map_err(|e| {
                        git_err(&format!("cannot convert `{path}` for the working tree"), &e)
                    })?;
                let mut bytes = Vec::new();
                match converted {
                    gix::filter::plumbing::pipeline::convert::ToWorktreeOutcome::Unchanged(b) => {
                        bytes.extend_from_slice(b)
                    }
                    gix::filter::plumbing::pipeline::convert::ToWorktreeOutcome::Buffer(b) => {
                        bytes.extend_from_slice(b)
                    }
                    gix::filter::plumbing::pipeline::convert::ToWorktreeOutcome::Process(
                        gix::filter::plumbing::driver::apply::MaybeDelayed::Immediate(mut r),
                    ) => {
                        r.read_to_end(&mut bytes).map_err(|e| Error::io(&abs, e))?;
                    }
                    gix::filter::plumbing::pipeline::convert::ToWorktreeOutcome::Process(_) => {
                        return Err(Error::Git(format!(
                            "a delayed git filter applies to `{path}`; update with `git merge --ff-only` instead"
                        )));
                    }
                }
                crate::store::write_atomic(&abs, &bytes)?;
                let executable = matches!(mode.kind(), gix::objs::tree::EntryKind::BlobExecutable);
                set_executable(&abs, executable)?;
                let md = gix::index::fs::Metadata::from_path_no_follow(&abs)
                    .map_err(|e| Error::io(&abs, e))?;
                let m = if executable {
                    Mode::FILE_EXECUTABLE
                } else {
                    Mode::FILE
                };
                touched.push((
                    path.clone(),
                    Some((*id, m, Stat::from_fs(&md).unwrap_or_default())),
                ));
            }
            None => {
                match std::fs::remove_file(&abs) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(&abs, e)),
                }
                let mut dir = abs.parent();
                while let Some(d) = dir {
                    if d == kb.workdir || std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
                touched.push((path.clone(), None));
            }
        }
    }

    use gix::refs::transaction::{Change as RefChange, LogChange, PreviousValue, RefEdit, RefLog};
    let expected = match from {
        Some(f) => PreviousValue::MustExistAndMatch(gix::refs::Target::Object(f)),
        None => PreviousValue::MustNotExist,
    };
    let name: gix::refs::FullName = branch_ref
        .try_into()
        .map_err(|_| Error::Git(format!("`{branch_ref}` is not a valid branch name")))?;
    repo.edit_reference(RefEdit {
        change: RefChange::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: "lore sync: fast-forward".into(),
            },
            expected,
            new: gix::refs::Target::Object(to),
        },
        name,
        deref: false,
    })
    .map_err(|e| git_err("the working tree was updated but the branch could not be moved; run `git merge --ff-only` to finish", &e))?;

    let old_stamp = index.timestamp().unix_seconds();
    let paths: std::collections::HashSet<&[u8]> = touched.iter().map(|t| t.0.as_bytes()).collect();
    index.remove_entries(|_, p, _| paths.contains(&p.as_bytes()));
    super::commit::smudge_racy(&mut index, old_stamp);
    for (path, now) in &touched {
        if let Some((id, mode, stat)) = now {
            index.dangerously_push_entry(*stat, *id, Flags::empty(), *mode, bpath(path).as_bstr());
        }
    }
    index.sort_entries();
    index.remove_tree();
    index
        .write_to(&mut lock, gix::index::write::Options::default())
        .map_err(|e| git_err("cannot write the git index", &e))?;
    lock.flush().map_err(|e| Error::io(&index_path, e))?;
    lock.commit().map_err(|e| {
        Error::Git(format!(
            "cannot write the git index: {e}; run `git reset -q` to refresh it"
        ))
    })?;
    Ok(())
}

/// The blob id the working-tree file at `path` would get, without writing it.
fn worktree_id(
    kb: &KbRepo,
    pipeline: &mut gix::filter::Pipeline<'_>,
    index: &gix::index::File,
    path: &str,
) -> Result<Option<gix::ObjectId>> {
    let abs = kb.workdir.join(path);
    let file = match std::fs::File::open(&abs) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&abs, e)),
    };
    let mut data = Vec::new();
    match pipeline
        .convert_to_git(file, Path::new(path), index)
        .map_err(|e| git_err(&format!("cannot read `{path}`"), &e))?
    {
        gix::filter::plumbing::pipeline::convert::ToGitOutcome::Unchanged(mut f) => {
            f.read_to_end(&mut data).map_err(|e| Error::io(&abs, e))?;
        }
        gix::filter::plumbing::pipeline::convert::ToGitOutcome::Buffer(b) => {
            data.extend_from_slice(b)
        }
        gix::filter::plumbing::pipeline::convert::ToGitOutcome::Process(mut r) => {
            r.read_to_end(&mut data).map_err(|e| Error::io(&abs, e))?;
        }
    }
    gix::objs::compute_hash(kb.repo.object_hash(), gix::objs::Kind::Blob, &data)
        .map(Some)
        .map_err(|e| git_err("cannot hash a file", &e))
}

#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mut perm = meta.permissions();
    let mode = perm.mode();
    let new = if executable {
        mode | ((mode & 0o444) >> 2)
    } else {
        mode & !0o111
    };
    if new != mode {
        perm.set_mode(new);
        std::fs::set_permissions(path, perm).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_executable(_path: &Path, _executable: bool) -> Result<()> {
    Ok(())
}
