//! Who created and who last changed every file of the KB, and which commits
//! touched it (following renames), from ONE walk over the history. The result
//! is cached in `.lore/` by HEAD commit, so `list` over 10,000 documents reads
//! one small file, and `history` of any document reads commits it already
//! knows. When HEAD has only moved forward, only the new commits are read.
//!
//! Commits are compared with their first parent in parallel (rayon, one gix
//! handle per thread); the changes are then replayed oldest first.

use super::{KbRepo, git_err, kb_relative, to_chrono};
use crate::error::Result;
use gix::bstr::ByteSlice;
use gix::object::tree::diff::ChangeDetached as Change;
use rayon::prelude::*;
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

/// One commit that touched a file; `path` is set when the file had another
/// path (relative to the KB root) in that commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Touch {
    pub commit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}

const ACTIVITY_FILE: &str = "git-activity.json";
const TOUCHES_FILE: &str = "git-touches.json";
/// Bumped whenever the cached format or its meaning changes.
const CACHE_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct ActivityCache {
    version: u32,
    head: String,
    prefix: String,
    files: HashMap<PathBuf, Activity>,
}

/// Per file, the commits that touched it, oldest first; commits by index into
/// `commits` to keep the file small.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Touches {
    version: u32,
    head: String,
    prefix: String,
    pub commits: Vec<String>,
    pub files: HashMap<PathBuf, Vec<Touch>>,
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
    let head_hex = head.to_string();
    if let Some(c) = read_cache::<ActivityCache>(root, ACTIVITY_FILE)
        && c.version == CACHE_VERSION
        && c.prefix == kb.prefix
        && c.head == head_hex
    {
        return Ok(c.files);
    }
    Ok(update(root, kb, head)?.0)
}

/// The commits that touched each file, for `history`; `None` when the KB is
/// not in git or has no commits.
pub(crate) fn touches(root: &Path) -> Result<Option<Touches>> {
    let Some(kb) = KbRepo::open(root)? else {
        return Ok(None);
    };
    let Some(head) = kb.head_commit_id()? else {
        return Ok(None);
    };
    if let Some(t) = fresh_touches(root, &kb, head) {
        return Ok(Some(t));
    }
    Ok(Some(update(root, kb, head)?.1))
}

fn fresh_touches(root: &Path, kb: &KbRepo, head: gix::ObjectId) -> Option<Touches> {
    let head_hex = head.to_string();
    read_cache::<Touches>(root, TOUCHES_FILE)
        .filter(|t| t.version == CACHE_VERSION && t.prefix == kb.prefix && t.head == head_hex)
}

/// A cache of this KB (`store::cache_file`: never through a link, from a
/// FIFO or a device, nor one a commit planted or a torn write left).
fn read_cache<T: serde::de::DeserializeOwned>(root: &Path, file: &str) -> Option<T> {
    let dir = crate::store::cache_file::Dir::open(root)?;
    let body = dir.read(file, b"")?;
    serde_json::from_slice(body.get()).ok()
}

/// Brings both caches to `head`: replays only the new commits onto the cached
/// state when the cached HEAD is an ancestor, else the whole history.
fn update(
    root: &Path,
    mut kb: KbRepo,
    head: gix::ObjectId,
) -> Result<(HashMap<PathBuf, Activity>, Touches)> {
    kb.repo.object_cache_size_if_unset(64 * 1024 * 1024);
    let old_touches = read_cache::<Touches>(root, TOUCHES_FILE)
        .filter(|t| t.version == CACHE_VERSION && t.prefix == kb.prefix);
    let old_activity = read_cache::<ActivityCache>(root, ACTIVITY_FILE)
        .filter(|c| c.version == CACHE_VERSION && c.prefix == kb.prefix);
    let mut state = (HashMap::new(), Touches::default());
    let mut commits = None;
    if let (Some(t), Some(a)) = (old_touches, old_activity)
        && t.head == a.head
        && let Ok(old) = gix::ObjectId::from_hex(t.head.as_bytes())
    {
        let new = walk(&kb, head, Some(old))?;
        if new.iter().any(|c| c.parents.contains(&old)) {
            state = (a.files, t);
            commits = Some(new);
        }
    }
    let commits = match commits {
        Some(c) => c,
        None => walk(&kb, head, None)?,
    };
    let (mut files, mut touches) = state;
    replay(&kb, commits, &mut files, &mut touches)?;
    let head_hex = head.to_string();
    touches.version = CACHE_VERSION;
    touches.head = head_hex.clone();
    touches.prefix = kb.prefix.clone();
    let activity = ActivityCache {
        version: CACHE_VERSION,
        head: head_hex,
        prefix: kb.prefix.clone(),
        files,
    };
    // The caches only save time: a read-only KB still gets its answer.
    if let Some(dir) = crate::store::cache_file::Dir::open(root) {
        for (file, json) in [
            (TOUCHES_FILE, serde_json::to_vec(&touches)),
            (ACTIVITY_FILE, serde_json::to_vec(&activity)),
        ] {
            if let Ok(json) = json {
                dir.save(file, b"", &json);
            }
        }
    }
    Ok((activity.files, touches))
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

/// What one commit did to the files of the KB (KB-relative paths).
enum Event {
    Touched(PathBuf),
    Deleted(PathBuf),
    Renamed { from: Option<PathBuf>, to: PathBuf },
}

struct CommitEvents {
    author: String,
    when: chrono::DateTime<chrono::FixedOffset>,
    events: Vec<Event>,
}

/// The changes of one commit against its first parent. In a merge, a file
/// that matches another parent came from that side, whose own commits are
/// counted already; deletions in merges are left out for the same reason.
fn commit_events(
    prefix: &str,
    repo: &gix::Repository,
    cache: &mut gix::diff::blob::Platform,
    c: &CommitMeta,
) -> Result<CommitEvents> {
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
    let empty = repo.empty_tree();
    let first = parent_trees.first().unwrap_or(&empty);
    let mut changes = Vec::new();
    first
        .changes()
        .map_err(|e| git_err("cannot compare a commit with its parent", &e))?
        .options(|o| {
            o.track_path()
                .track_rewrites(Some(gix::diff::Rewrites::default()));
        })
        .for_each_to_obtain_tree_with_cache(&tree, cache, |ch| {
            changes.push(ch.detach());
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(|e| git_err("cannot compare a commit with its parent", &e))?;
    cache.clear_resource_cache();
    let from_other_side = |location: &[u8], id: gix::ObjectId| -> bool {
        parent_trees.iter().skip(1).any(|t| {
            location
                .to_str()
                .ok()
                .and_then(|p| t.lookup_entry(p.split('/')).ok().flatten())
                .is_some_and(|e| e.object_id() == id)
        })
    };
    let mut events = Vec::new();
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
                if !entry_mode.is_tree()
                    && !from_other_side(&location, id)
                    && let Some(p) = kb_relative(prefix, location.as_bstr())
                {
                    events.push(Event::Touched(p));
                }
            }
            Change::Deletion {
                location,
                entry_mode,
                ..
            } => {
                if !entry_mode.is_tree()
                    && c.parents.len() < 2
                    && let Some(p) = kb_relative(prefix, location.as_bstr())
                {
                    events.push(Event::Deleted(p));
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
                if let Some(to) = kb_relative(prefix, location.as_bstr()) {
                    let from = kb_relative(prefix, source_location.as_bstr());
                    if copy {
                        events.push(Event::Touched(to));
                    } else {
                        events.push(Event::Renamed { from, to });
                    }
                }
            }
        }
    }
    Ok(CommitEvents {
        author: who,
        when,
        events,
    })
}

fn replay(
    kb: &KbRepo,
    commits: Vec<CommitMeta>,
    files: &mut HashMap<PathBuf, Activity>,
    touches: &mut Touches,
) -> Result<()> {
    // gix handles are not shared across threads: each worker opens its own.
    let git_dir = kb.repo.git_dir().to_path_buf();
    let prefix = kb.prefix.as_str();
    let results: Vec<Result<CommitEvents>> = commits
        .par_iter()
        .map_init(
            || {
                let mut repo = gix::open(&git_dir)?;
                repo.object_cache_size_if_unset(32 * 1024 * 1024);
                // Trees are stored as delta chains (up to 50 deep): keep the
                // bases so each tree is one delta away, not fifty.
                repo.objects.set_pack_cache(|| {
                    Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                        64 * 1024 * 1024,
                    ))
                });
                // One blob-diff cache per worker: creating it reads attributes.
                let cache = repo.diff_resource_cache_for_tree_diff()?;
                Ok::<_, gix::Error>((repo, cache))
            },
            |state, c| match state {
                Ok((repo, cache)) => commit_events(prefix, repo, cache, c),
                Err(e) => Err(git_err("cannot open the repository", &*e)),
            },
        )
        .collect();
    for (c, r) in commits.iter().zip(results) {
        let ce = r?;
        let index = u32::try_from(touches.commits.len()).unwrap_or(u32::MAX);
        touches.commits.push(c.id.to_string());
        let stamp = |created: Option<&Activity>| Activity {
            created: created.map_or(ce.when, |a| a.created),
            created_by: created.map_or_else(|| ce.author.clone(), |a| a.created_by.clone()),
            changed: ce.when,
            changed_by: ce.author.clone(),
        };
        for ev in &ce.events {
            match ev {
                Event::Touched(p) => {
                    let a = stamp(files.get(p));
                    files.insert(p.clone(), a);
                    touches.files.entry(p.clone()).or_default().push(Touch {
                        commit: index,
                        path: None,
                    });
                }
                Event::Deleted(p) => {
                    files.remove(p);
                    touches.files.remove(p);
                }
                Event::Renamed { from, to } => {
                    let old = from.as_ref().and_then(|f| files.remove(f));
                    let a = stamp(old.as_ref());
                    files.insert(to.clone(), a);
                    let mut list = from
                        .as_ref()
                        .and_then(|f| touches.files.remove(f))
                        .unwrap_or_default();
                    if let Some(f) = from {
                        for t in &mut list {
                            t.path.get_or_insert_with(|| f.clone());
                        }
                    }
                    list.push(Touch {
                        commit: index,
                        path: None,
                    });
                    touches.files.insert(to.clone(), list);
                }
            }
        }
    }
    Ok(())
}
