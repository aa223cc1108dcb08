//! Who created and who last changed every file of the KB, from git, in one
//! walk over the history, cached in `.lore/git-activity.json` by HEAD commit so
//! a list of 10,000 documents costs one file read. When HEAD has only moved
//! forward, only the new commits are read.

use super::{KbRepo, git_err, to_chrono};
use crate::error::Result;
use gix::bstr::ByteSlice;
use gix::object::tree::diff::ChangeDetached as Change;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// When a file was created and last changed, and by whom (git authors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub created: chrono::DateTime<chrono::FixedOffset>,
    pub created_by: String,
    pub changed: chrono::DateTime<chrono::FixedOffset>,
    pub changed_by: String,
}

const CACHE_FILE: &str = ".lore/git-activity.json";
/// Bumped whenever the cached format or its meaning changes.
const CACHE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Cache {
    version: u32,
    head: String,
    prefix: String,
    files: HashMap<PathBuf, Activity>,
}

/// Activity of every file under the KB (paths relative to the KB root).
/// Empty when the KB is not in git or has no commits.
pub fn activity(root: &Path) -> Result<HashMap<PathBuf, Activity>> {
    let Some(kb) = KbRepo::open(root)? else {
        return Ok(HashMap::new());
    };
    let Some(head) = kb.head_commit_id()? else {
        return Ok(HashMap::new());
    };
    let cache_path = root.join(CACHE_FILE);
    let cached: Option<Cache> = std::fs::read(&cache_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|c: &Cache| c.version == CACHE_VERSION && c.prefix == kb.prefix);
    let head_hex = head.to_string();
    if let Some(c) = &cached
        && c.head == head_hex
    {
        return Ok(c.files.clone());
    }
    let from = cached.and_then(|c| {
        let id = gix::ObjectId::from_hex(c.head.as_bytes()).ok()?;
        Some((id, c.files))
    });
    let files = compute(&kb, head, from)?;
    let cache = Cache {
        version: CACHE_VERSION,
        head: head_hex,
        prefix: kb.prefix.clone(),
        files,
    };
    // The cache only saves time: a read-only KB still gets its answer.
    if let Ok(json) = serde_json::to_vec(&cache) {
        let _ = crate::store::write_atomic(&cache_path, &json);
    }
    Ok(cache.files)
}

/// Replays the commits from `from` (an earlier result and its HEAD, when that
/// HEAD is an ancestor of `head`) or from the root, oldest first.
fn compute(
    kb: &KbRepo,
    head: gix::ObjectId,
    from: Option<(gix::ObjectId, HashMap<PathBuf, Activity>)>,
) -> Result<HashMap<PathBuf, Activity>> {
    if let Some((old, files)) = from {
        let commits = walk(kb, head, Some(old))?;
        let descends = commits.iter().any(|c| c.parents.contains(&old));
        if descends {
            return replay(kb, commits, files);
        }
    }
    let commits = walk(kb, head, None)?;
    replay(kb, commits, HashMap::new())
}

struct CommitMeta {
    id: gix::ObjectId,
    parents: Vec<gix::ObjectId>,
}

/// Commits reachable from `head` but not from `hidden`, oldest first.
fn walk(
    kb: &KbRepo,
    head: gix::ObjectId,
    hidden: Option<gix::ObjectId>,
) -> Result<Vec<CommitMeta>> {
    let walk = kb
        .repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            Default::default(),
        ))
        .with_hidden(hidden)
        .all()
        .map_err(|e| git_err("cannot walk the history", &e))?;
    let mut out = Vec::new();
    for info in walk {
        let info = info.map_err(|e| git_err("cannot walk the history", &e))?;
        out.push(CommitMeta {
            id: info.id,
            parents: info.parent_ids.iter().copied().collect(),
        });
    }
    out.reverse();
    Ok(out)
}

fn replay(
    kb: &KbRepo,
    commits: Vec<CommitMeta>,
    mut files: HashMap<PathBuf, Activity>,
) -> Result<HashMap<PathBuf, Activity>> {
    let repo = &kb.repo;
    let opts = gix::diff::Options::default().with_rewrites(Some(gix::diff::Rewrites::default()));
    let empty = repo.empty_tree();
    for c in commits {
        let commit = repo
            .find_commit(c.id)
            .map_err(|e| git_err("cannot read a commit", &e))?;
        let tree = commit
            .tree()
            .map_err(|e| git_err("cannot read a commit's tree", &e))?;
        let author = commit
            .author()
            .map_err(|e| git_err("cannot read a commit's author", &e))?;
        let when = author.time().map(to_chrono).unwrap_or_default();
        let who = author.name.trim().to_str_lossy().into_owned();
        let parent_trees = c
            .parents
            .iter()
            .map(|p| repo.find_commit(*p).and_then(|pc| pc.tree()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| git_err("cannot read a parent commit", &e))?;
        let first = parent_trees.first().unwrap_or(&empty);
        let changes = repo
            .diff_tree_to_tree(first, &tree, opts)
            .map_err(|e| git_err("cannot compare a commit with its parent", &e))?;
        // In a merge, a file that matches another parent came from that
        // side, whose own commits were already counted.
        let from_other_side = |location: &[u8], id: gix::ObjectId| -> bool {
            parent_trees.iter().skip(1).any(|t| {
                location
                    .to_str()
                    .ok()
                    .and_then(|p| t.lookup_entry(p.split('/')).ok().flatten())
                    .is_some_and(|e| e.object_id() == id)
            })
        };
        let stamp = |created: Option<&Activity>| Activity {
            created: created.map_or(when, |a| a.created),
            created_by: created.map_or_else(|| who.clone(), |a| a.created_by.clone()),
            changed: when,
            changed_by: who.clone(),
        };
        for ch in changes {
            match ch {
                Change::Addition {
                    location,
                    entry_mode,
                    id,
                    ..
                }
                | Change::Modification {
                    location,
                    entry_mode,
                    id,
                    ..
                } => {
                    if entry_mode.is_tree() || from_other_side(&location, id) {
                        continue;
                    }
                    if let Some(p) = kb.kb_path(location.as_bstr()) {
                        let a = stamp(files.get(&p));
                        files.insert(p, a);
                    }
                }
                Change::Deletion {
                    location,
                    entry_mode,
                    ..
                } => {
                    if entry_mode.is_tree() || c.parents.len() > 1 {
                        continue;
                    }
                    if let Some(p) = kb.kb_path(location.as_bstr()) {
                        files.remove(&p);
                    }
                }
                Change::Rewrite {
                    source_location,
                    location,
                    entry_mode,
                    id,
                    copy,
                    ..
                } => {
                    if entry_mode.is_tree() || from_other_side(&location, id) {
                        continue;
                    }
                    let old = match kb.kb_path(source_location.as_bstr()) {
                        Some(src) if !copy => files.remove(&src),
                        Some(src) => files.get(&src).cloned(),
                        None => None,
                    };
                    if let Some(p) = kb.kb_path(location.as_bstr()) {
                        let a = stamp(old.as_ref());
                        files.insert(p, a);
                    }
                }
            }
        }
    }
    Ok(files)
}
