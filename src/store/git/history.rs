//! The history of one document: the commits that touched its path (following
//! renames back in time), the unified diff of any of them, and its text at any
//! revision.

use super::{KbRepo, chain, git_err, short_hex, to_chrono};
use crate::error::{Error, Result};
use gix::bstr::ByteSlice;
use std::path::{Path, PathBuf};

/// One commit that touched a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    pub id: String,
    pub short: String,
    pub time: chrono::DateTime<chrono::FixedOffset>,
    pub author: String,
    pub email: String,
    pub subject: String,
    /// The document's path (relative to the KB root) in that commit.
    pub path: PathBuf,
}

/// Blob id and mode of `path` in `tree`, if it is there.
fn entry_at(
    tree: &gix::Tree<'_>,
    path: &str,
) -> Result<Option<(gix::ObjectId, gix::objs::tree::EntryMode)>> {
    let entry = tree
        .lookup_entry(path.split('/'))
        .map_err(|e| git_err(&format!("cannot look up `{path}`"), &e))?;
    Ok(entry.map(|e| (e.object_id(), e.mode())))
}

fn tree_of(repo: &gix::Repository, commit: gix::ObjectId) -> Result<gix::Tree<'_>> {
    repo.find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| git_err("cannot read a commit's tree", &e))
}

/// Where `path` in `new` came from in `old` when it is not in `old` itself:
/// the source of a rename git's rename detection (exact, then 50% similar)
/// finds between the two trees.
fn renamed_from(
    repo: &gix::Repository,
    old: &gix::Tree<'_>,
    new: &gix::Tree<'_>,
    path: &str,
) -> Result<Option<String>> {
    let opts = gix::diff::Options::default().with_rewrites(Some(gix::diff::Rewrites::default()));
    let changes = repo
        .diff_tree_to_tree(old, new, opts)
        .map_err(|e| git_err("cannot compare trees", &e))?;
    Ok(changes.into_iter().find_map(|c| match c {
        gix::object::tree::diff::ChangeDetached::Rewrite {
            source_location,
            location,
            copy: false,
            ..
        } if location == path.as_bytes() => source_location.to_str().ok().map(str::to_string),
        _ => None,
    }))
}

/// The commits that touched the document at `rel_path` (relative to the KB
/// root), newest first, following renames like `git log --follow`. Empty when
/// the KB is not in git or the branch has no commits yet. Read from the
/// history cache (see `activity`), so it costs one walk per HEAD move.
pub fn history(root: &Path, rel_path: &Path) -> Result<Vec<CommitInfo>> {
    let Some(touches) = super::activity::touches(root)? else {
        return Ok(Vec::new());
    };
    let Some(kb) = KbRepo::open(root)? else {
        return Ok(Vec::new());
    };
    let Some(list) = touches.files.get(rel_path) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(list.len());
    for t in list.iter().rev() {
        let Some(hex) = touches.commits.get(t.commit as usize) else {
            continue;
        };
        let id = gix::ObjectId::from_hex(hex.as_bytes()).map_err(|e| {
            Error::Git(format!(
                "the history cache is damaged ({e}); delete .lore/git-touches.json"
            ))
        })?;
        let path = t.path.as_deref().unwrap_or(rel_path);
        out.push(commit_info(&kb, id, path)?);
    }
    Ok(out)
}

fn commit_info(kb: &KbRepo, id: gix::ObjectId, path: &Path) -> Result<CommitInfo> {
    let commit = kb
        .repo
        .find_commit(id)
        .map_err(|e| git_err("cannot read a commit", &e))?;
    let author = commit
        .author()
        .map_err(|e| git_err("cannot read a commit's author", &e))?;
    let time = author.time().map(to_chrono).unwrap_or_default();
    let subject = commit
        .message()
        .map(|m| m.summary().to_string())
        .unwrap_or_default();
    Ok(CommitInfo {
        id: id.to_string(),
        short: short_hex(&id),
        time,
        author: author.name.trim().to_str_lossy().into_owned(),
        email: author.email.trim().to_str_lossy().into_owned(),
        subject,
        path: path.to_path_buf(),
    })
}

/// The unified diff of `commit_id` for the document that was at `rel_path`
/// (relative to the KB root) in that commit, against the commit's first
/// parent, with a rename shown as one. Paths are relative to the repository.
pub fn diff(root: &Path, rel_path: &Path, commit_id: &str) -> Result<String> {
    let kb = KbRepo::open(root)?
        .ok_or_else(|| Error::Git("the knowledge base is not in a git repository".into()))?;
    let repo = &kb.repo;
    let path = kb.repo_path(rel_path)?;
    let id = resolve(repo, commit_id)?;
    let commit = repo
        .find_commit(id)
        .map_err(|e| git_err("cannot read a commit", &e))?;
    let tree = commit
        .tree()
        .map_err(|e| git_err("cannot read a commit's tree", &e))?;
    let parent = commit.parent_ids().next().map(|p| p.detach());
    let new = entry_at(&tree, &path)?;
    let (old_path, old) = match parent {
        None => (path.clone(), None),
        Some(p) => {
            let ptree = tree_of(repo, p)?;
            match entry_at(&ptree, &path)? {
                Some(e) => (path.clone(), Some(e)),
                None if new.is_some() => match renamed_from(repo, &ptree, &tree, &path)? {
                    Some(src) => {
                        let e = entry_at(&ptree, &src)?;
                        (src, e)
                    }
                    None => (path.clone(), None),
                },
                None => (path.clone(), None),
            }
        }
    };
    let blob = |e: Option<(gix::ObjectId, gix::objs::tree::EntryMode)>| -> Result<Vec<u8>> {
        match e {
            Some((id, _)) => Ok(repo
                .find_blob(id)
                .map_err(|e| git_err("cannot read a file's contents", &e))?
                .take_data()),
            None => Ok(Vec::new()),
        }
    };
    let (before, after) = (blob(old)?, blob(new)?);
    let mut out = format!("diff --git a/{old_path} b/{path}\n");
    let mode = |e: &(gix::ObjectId, gix::objs::tree::EntryMode)| format!("{:o}", e.1.value());
    match (&old, &new) {
        (None, Some(n)) => out.push_str(&format!("new file mode {}\n", mode(n))),
        (Some(o), None) => out.push_str(&format!("deleted file mode {}\n", mode(o))),
        (Some(o), Some(n)) if old_path != path => {
            if o.0 == n.0 {
                out.push_str("similarity index 100%\n");
            }
            out.push_str(&format!("rename from {old_path}\nrename to {path}\n"));
        }
        _ => {}
    }
    if old.map(|e| e.0) == new.map(|e| e.0) {
        return Ok(out);
    }
    let zero = "0000000".to_string();
    let short = |e: &Option<(gix::ObjectId, gix::objs::tree::EntryMode)>| {
        e.map_or_else(|| zero.clone(), |e| short_hex(&e.0))
    };
    match (&old, &new) {
        (Some(o), Some(n)) if o.1 == n.1 => {
            out.push_str(&format!(
                "index {}..{} {}\n",
                short(&old),
                short(&new),
                mode(n)
            ));
        }
        _ => out.push_str(&format!("index {}..{}\n", short(&old), short(&new))),
    }
    let a = if old.is_some() {
        format!("a/{old_path}")
    } else {
        "/dev/null".into()
    };
    let b = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".into()
    };
    if before.contains(&0) || after.contains(&0) {
        out.push_str(&format!("Binary files {a} and {b} differ\n"));
        return Ok(out);
    }
    out.push_str(&format!("--- {a}\n+++ {b}\n"));
    out.push_str(&super::patch::unified(&before, &after));
    Ok(out)
}

fn resolve(repo: &gix::Repository, rev: &str) -> Result<gix::ObjectId> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| Error::Git(format!("unknown revision `{rev}`: {}", chain(&e))))?;
    let commit = id
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| Error::Git(format!("`{rev}` is not a commit: {}", chain(&e))))?;
    Ok(commit.id)
}

/// The text of the file at `rel_path` (relative to the KB root) as it was at
/// revision `rev` (anything `git rev-parse` takes: a hash, `HEAD~2`, a tag…).
pub fn show_at(root: &Path, rel_path: &Path, rev: &str) -> Result<String> {
    let kb = KbRepo::open(root)?.ok_or_else(|| {
        Error::Git("the knowledge base is not in a git repository, so it has no revisions".into())
    })?;
    let id = resolve(&kb.repo, rev)?;
    let tree = tree_of(&kb.repo, id)?;
    let path = kb.repo_path(rel_path)?;
    match entry_at(&tree, &path)? {
        Some((id, mode)) if mode.is_blob() => {
            let data = kb
                .repo
                .find_blob(id)
                .map_err(|e| git_err("cannot read a file's contents", &e))?
                .take_data();
            Ok(String::from_utf8_lossy(&data).into_owned())
        }
        _ => Err(Error::Git(format!(
            "{} did not exist at {rev}",
            rel_path.display()
        ))),
    }
}

/// The document `id` as it was at `rev`: at `current` (its path now, if the
/// KB still has it) or any earlier path from its history, else any `ID.md`
/// under the KB in that revision's tree. Returns the path used and the text.
pub fn doc_at_rev(
    root: &Path,
    id: &str,
    current: Option<&Path>,
    rev: &str,
) -> Result<(PathBuf, String)> {
    if let Some(cur) = current {
        match show_at(root, cur, rev) {
            Ok(text) => return Ok((cur.to_path_buf(), text)),
            Err(Error::Git(_)) => {}
            Err(e) => return Err(e),
        }
        let mut tried = vec![cur.to_path_buf()];
        for c in history(root, cur)? {
            if !tried.contains(&c.path) {
                if let Ok(text) = show_at(root, &c.path, rev) {
                    return Ok((c.path, text));
                }
                tried.push(c.path);
            }
        }
    }
    let kb = KbRepo::open(root)?.ok_or_else(|| {
        Error::Git("the knowledge base is not in a git repository, so it has no revisions".into())
    })?;
    // An id given as a path (`postmortems/x.md`) that no longer exists.
    if current.is_none() && id.ends_with(".md") {
        let p = Path::new(id);
        if let Ok(text) = show_at(root, p, rev) {
            return Ok((p.to_path_buf(), text));
        }
    }
    let commit = resolve(&kb.repo, rev)?;
    let tree = tree_of(&kb.repo, commit)?;
    let mut rec = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut rec)
        .map_err(|e| git_err("cannot list a revision's files", &e))?;
    let name = format!("{id}.md");
    let found = rec.records.iter().find_map(|r| {
        let p = r.filepath.to_str().ok()?;
        let file = p.rsplit('/').next()?;
        (r.mode.is_blob() && file == name)
            .then(|| kb.kb_path(r.filepath.as_bstr()))
            .flatten()
    });
    match found {
        Some(p) => {
            let text = show_at(root, &p, rev)?;
            Ok((p, text))
        }
        None => Err(Error::Git(format!("no document `{id}` at {rev}"))),
    }
}
