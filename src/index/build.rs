//! Building and updating the index: a full rebuild, and the incremental update
//! that re-reads only files whose size or mtime changed and whose content hash
//! differs, drops deleted files, and keeps the manifest in step.

use super::manifest::{self, Entry, Manifest};
use super::schema::{self, Fields};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{self, SourceFile};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use tantivy::directory::{DirectoryLock, Lock, MmapDirectory};
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

/// What an update did, and anything the user should be told about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateStats {
    /// Documents in the index afterwards.
    pub files: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// The whole index was built again.
    pub rebuilt: bool,
    /// Another lore process holds the lock: the index was used as it was.
    pub read_only: bool,
    /// One line for the user (why the index was rebuilt, or that it may be
    /// out of date), without the `lore:` prefix.
    pub notice: Option<String>,
    /// Files found that could not be read as documents.
    pub unreadable: usize,
}

impl UpdateStats {
    pub fn changed(&self) -> bool {
        self.rebuilt || self.added + self.updated + self.removed > 0
    }
}

/// An open index that is as fresh as this process could make it.
pub(crate) struct Opened {
    pub index: Index,
    pub fields: Fields,
    pub stats: UpdateStats,
}

/// Writer memory for a rebuild, split over its threads; keeps peak RSS well
/// under the 300 MB budget.
const REBUILD_BUDGET: usize = 120_000_000;
/// Writer memory for an incremental update (Tantivy's minimum is 15 MB).
const UPDATE_BUDGET: usize = 20_000_000;

pub fn index_dir(root: &Path) -> PathBuf {
    root.join(".lore").join("index")
}

fn index_err(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}

/// Takes the lock that serializes index writers (in `.lore/`, so it survives
/// the index folder being replaced). `None` when another process holds it.
fn lock(root: &Path, blocking: bool) -> Result<Option<DirectoryLock>> {
    let dir = store::cache_dir(root)?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mmap = MmapDirectory::open(&dir).map_err(index_err)?;
    let lock = Lock {
        filepath: PathBuf::from("index.lock"),
        is_blocking: blocking,
    };
    match tantivy::directory::Directory::acquire_lock(&mmap, &lock) {
        Ok(l) => Ok(Some(l)),
        Err(tantivy::directory::error::LockError::LockBusy) => Ok(None),
        Err(e) => Err(index_err(e)),
    }
}

fn read_manifest(root: &Path, files: bool) -> Option<Manifest> {
    let text = std::fs::read_to_string(index_dir(root).join(manifest::FILE)).ok()?;
    Manifest::parse_with(&text, files)
}

fn write_manifest(root: &Path, m: &Manifest) -> Result<()> {
    store::write_atomic(
        &index_dir(root).join(manifest::FILE),
        m.to_text().as_bytes(),
    )
}

/// Opens the index and its manifest, or says why it must be rebuilt.
/// With `files: false` the manifest's file list is left unread.
fn open_existing(
    root: &Path,
    cfg: &Config,
    files: bool,
) -> std::result::Result<(Index, Fields, Manifest), String> {
    if let Err(e) = store::cache_dir(root) {
        return Err(e.to_string());
    }
    let dir = index_dir(root);
    if !dir.join("meta.json").is_file() {
        return Err("building the search index (none yet in .lore/index)".into());
    }
    let Some(m) = read_manifest(root, files) else {
        return Err(
            "the search index is from another version of lore or damaged; rebuilding it".into(),
        );
    };
    if m.config != manifest::config_fingerprint(cfg) {
        return Err(
            "document folders or timezone in lore.toml changed; rebuilding the search index".into(),
        );
    }
    let opened = if super::readonly::is_read_only(&dir) {
        super::readonly::ReadOnly::open(&dir).and_then(Index::open)
    } else {
        Index::open_in_dir(&dir)
    };
    let index = opened.map_err(|e| format!("the search index is damaged ({e}); rebuilding it"))?;
    if index.schema() != schema::schema() {
        return Err("the search index is from another version of lore; rebuilding it".into());
    }
    schema::register(&index);
    let fields = Fields::of(&index.schema()).ok_or_else(|| {
        "the search index is from another version of lore; rebuilding it".to_string()
    })?;
    Ok((index, fields, m))
}

/// How thoroughly `ensure` looks for changed files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Folder mtimes only (a stat per folder), unless the last comparison of
    /// every file is older than `SWEEP_NS`: what every search does.
    Quick,
    /// A stat of every file: `lore index` and the TUI after an edit.
    Full,
}

fn fresh(index: Index, fields: Fields, m: &Manifest, notice: Option<String>) -> Opened {
    Opened {
        index,
        fields,
        stats: UpdateStats {
            files: m.documents(),
            unreadable: m.unreadable(),
            read_only: notice.is_some(),
            notice,
            ..UpdateStats::default()
        },
    }
}

/// Brings the index up to date: nothing to do when nothing changed; an
/// incremental update when files changed; a rebuild (with a notice) when the
/// index is missing, damaged or from another schema.
pub(crate) fn ensure(
    root: &Path,
    cfg: &Config,
    progress: bool,
    blocking: bool,
    check: Check,
) -> Result<Opened> {
    let (index, fields, m) = match open_existing(root, cfg, false) {
        Ok(x) => x,
        Err(reason) => return rebuild_because(root, cfg, progress, Some(reason)),
    };
    let swept_lately = now_ns() - m.checked < manifest::SWEEP_NS;
    if check == Check::Quick && swept_lately && !m.folders_changed(root) {
        return Ok(fresh(index, fields, &m, None));
    }
    // Compare every file, under the lock so one process writes at a time. A
    // lock that cannot even be created (read-only KB) is like a busy one:
    // search what is there.
    let held = match lock(root, blocking) {
        Ok(Some(l)) => Ok(l),
        Ok(None) => Err("another lore process is updating the search index".to_string()),
        Err(e) => Err(format!("cannot update the search index ({e})")),
    };
    let _lock = match held {
        Ok(l) => l,
        Err(why) => {
            let notice = format!("{why}; results may be slightly out of date");
            return Ok(fresh(index, fields, &m, Some(notice)));
        }
    };
    // Read after taking the lock: another process may have just updated.
    let Some(m) = read_manifest(root, true) else {
        let reason = "the search index manifest is damaged; rebuilding it".to_string();
        return rebuild_because(root, cfg, progress, Some(reason));
    };
    let mut m = m;
    let changes = m.changes(root);
    if changes.is_empty() {
        // Nothing to index. Remember the folders' new mtimes (an editor's
        // swap file came and went) and when this check ran, so searches go
        // back to the quick check.
        let dirs_before = m.dirs.clone();
        m.restamp_dirs(root);
        if m.dirs != dirs_before || now_ns() - m.checked > manifest::SWEEP_NS / 2 {
            m.checked = now_ns();
            m.written = now_ns();
            write_manifest(root, &m)?;
        }
        return Ok(fresh(index, fields, &m, None));
    }
    let candidates: Vec<SourceFile> = if changes.rescan {
        store::scan(root, cfg).0
    } else {
        changes
            .touched
            .iter()
            .map(|p| SourceFile {
                rel: p.clone(),
                kind: cfg.kind_of(p),
            })
            .collect()
    };
    let stats = apply(
        root,
        cfg,
        &index,
        fields,
        m,
        candidates,
        changes.rescan,
        true,
    )?;
    Ok(Opened {
        index,
        fields,
        stats,
    })
}

/// Re-indexes `paths` (absolute or relative to the root) right away, e.g.
/// after the TUI saved one; deleted paths are dropped from the index.
pub fn update_paths(root: &Path, paths: &[PathBuf]) -> Result<UpdateStats> {
    let cfg = Config::load(root)?;
    let (index, fields, m) = match open_existing(root, &cfg, true) {
        Ok(x) => x,
        Err(reason) => return Ok(rebuild_because(root, &cfg, false, Some(reason))?.stats),
    };
    let Some(_lock) = lock(root, true)? else {
        return Err(Error::Index(
            "another lore process holds the index lock".into(),
        ));
    };
    let m = read_manifest(root, true).unwrap_or(m);
    let candidates = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p).to_path_buf();
            SourceFile {
                kind: cfg.kind_of(&rel),
                rel,
            }
        })
        .collect();
    apply(root, &cfg, &index, fields, m, candidates, false, false)
}

/// Result of looking at one candidate file.
enum Seen {
    Unchanged(PathBuf, Entry),
    Changed(PathBuf, Entry, Option<Box<TantivyDocument>>),
    Gone(PathBuf),
}

fn look(root: &Path, cfg: &Config, f: &Fields, file: &SourceFile, old: Option<&Entry>) -> Seen {
    let Some(stamp) = store::stamp(root, &file.rel) else {
        return Seen::Gone(file.rel.clone());
    };
    if old.is_some_and(|e| e.stamp == stamp)
        && stamp.1 % 1_000_000_000 != 0
        && let Some(e) = old
    {
        return Seen::Unchanged(file.rel.clone(), e.clone());
    }
    match store::read_source(root, file) {
        Ok(bytes) => {
            let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
            let entry = Entry {
                stamp,
                hash,
                indexed: true,
            };
            if old.is_some_and(|e| e.hash == hash && e.indexed) {
                return Seen::Unchanged(file.rel.clone(), entry);
            }
            let doc = store::parse_source(&bytes, file, cfg);
            Seen::Changed(
                file.rel.clone(),
                entry,
                Some(Box::new(schema::to_document(f, &doc))),
            )
        }
        Err(_) => {
            let entry = Entry {
                stamp,
                hash: 0,
                indexed: false,
            };
            if old.is_some_and(|e| !e.indexed && e.stamp == stamp) {
                return Seen::Unchanged(file.rel.clone(), entry);
            }
            Seen::Changed(file.rel.clone(), entry, None)
        }
    }
}

fn path_term(f: &Fields, rel: &Path) -> Term {
    Term::from_field_text(f.path, &rel.to_string_lossy().replace('\\', "/"))
}

/// Looks at `candidates` (every file when `full_scan`, so that files missing
/// from it are dropped), writes what changed and the new manifest; `swept`
/// says every file was compared, so the folders' mtimes are taken anew.
#[allow(clippy::too_many_arguments)]
fn apply(
    root: &Path,
    cfg: &Config,
    index: &Index,
    f: Fields,
    mut m: Manifest,
    candidates: Vec<SourceFile>,
    full_scan: bool,
    swept: bool,
) -> Result<UpdateStats> {
    let seen: Vec<Seen> = candidates
        .par_iter()
        .map(|c| look(root, cfg, &f, c, m.files.get(&c.rel)))
        .collect();
    let mut gone: Vec<PathBuf> = Vec::new();
    if full_scan {
        let present: std::collections::HashSet<&Path> =
            candidates.iter().map(|c| c.rel.as_path()).collect();
        gone.extend(
            m.files
                .keys()
                .filter(|p| !present.contains(p.as_path()))
                .cloned(),
        );
    }
    let mut stats = UpdateStats::default();
    let mut writes: Vec<(PathBuf, Option<Box<TantivyDocument>>)> = Vec::new();
    for s in seen {
        match s {
            Seen::Unchanged(p, e) => {
                m.files.insert(p, e);
            }
            Seen::Changed(p, e, doc) => {
                let was = m.files.get(&p).is_some_and(|o| o.indexed);
                match (was, doc.is_some()) {
                    (true, true) => stats.updated += 1,
                    (false, true) => stats.added += 1,
                    (true, false) => stats.removed += 1,
                    (false, false) => {}
                }
                m.files.insert(p.clone(), e);
                writes.push((p, doc));
            }
            Seen::Gone(p) => gone.push(p),
        }
    }
    for p in &gone {
        if m.files.remove(p).is_some_and(|e| e.indexed) {
            stats.removed += 1;
        }
        writes.push((p.clone(), None));
    }
    if !writes.is_empty() {
        let mut w: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, UPDATE_BUDGET)
            .map_err(index_err)?;
        for (p, doc) in writes {
            w.delete_term(path_term(&f, &p));
            if let Some(doc) = doc {
                w.add_document(*doc).map_err(index_err)?;
            }
        }
        w.commit().map_err(index_err)?;
        w.wait_merging_threads().map_err(index_err)?;
    }
    if swept {
        // Before `written`, so a folder changed from here on is seen as such;
        // after a rescan new folders may have appeared.
        if full_scan {
            m.dirs = manifest::watched_dirs(root, cfg);
        } else {
            m.restamp_dirs(root);
        }
        m.checked = now_ns();
    }
    m.written = now_ns();
    m.recount();
    write_manifest(root, &m)?;
    stats.files = m.documents();
    stats.unreadable = m.unreadable();
    Ok(stats)
}

fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Reads, parses and adds every file to a new index; the manifest entries.
fn fill(
    root: &Path,
    cfg: &Config,
    index: &Index,
    f: &Fields,
    files: &[SourceFile],
    bar: &indicatif::ProgressBar,
    budget: usize,
) -> Result<Vec<(PathBuf, Entry)>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let mut w: IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(threads, budget)
        .map_err(index_err)?;
    w.set_merge_policy(Box::new(NoMergePolicy));
    let seen: Vec<(Option<(PathBuf, Entry)>, bool)> = files
        .par_iter()
        .map(|file| {
            let seen = look(root, cfg, f, file, None);
            bar.inc(1);
            match seen {
                Seen::Changed(p, e, Some(doc)) => {
                    let ok = w.add_document(*doc).is_ok();
                    (Some((p, e)), ok)
                }
                Seen::Changed(p, e, None) | Seen::Unchanged(p, e) => (Some((p, e)), true),
                // Deleted since the scan.
                Seen::Gone(_) => (None, true),
            }
        })
        .collect();
    if seen.iter().any(|(_, ok)| !ok) {
        return Err(index_err("the index writer stopped while adding documents"));
    }
    w.commit().map_err(index_err)?;
    w.wait_merging_threads().map_err(index_err)?;
    Ok(seen.into_iter().filter_map(|(e, _)| e).collect())
}

/// An index in memory, for a KB where `.lore/` cannot be written (read-only
/// or full disk): every search of this process reads the files once.
pub(crate) fn in_memory(root: &Path, cfg: &Config) -> Result<Opened> {
    let index = Index::create_in_ram(schema::schema());
    schema::register(&index);
    let f = Fields::of(&index.schema()).ok_or_else(|| index_err("schema without lore's fields"))?;
    let (files, _) = store::scan(root, cfg);
    let entries = fill(
        root,
        cfg,
        &index,
        &f,
        &files,
        &indicatif::ProgressBar::hidden(),
        60_000_000,
    )?;
    let unreadable = entries.iter().filter(|(_, e)| !e.indexed).count();
    Ok(Opened {
        index,
        fields: f,
        stats: UpdateStats {
            files: entries.len() - unreadable,
            unreadable,
            read_only: true,
            ..UpdateStats::default()
        },
    })
}

/// Throws the index away and indexes every document again.
pub(crate) fn rebuild_because(
    root: &Path,
    cfg: &Config,
    progress: bool,
    reason: Option<String>,
) -> Result<Opened> {
    let _lock = lock(root, true)?
        .ok_or_else(|| Error::Index("another lore process holds the index lock".into()))?;
    if reason.is_some() {
        // Another process may have rebuilt it while we waited for the lock.
        if let Ok((index, fields, m)) = open_existing(root, cfg, true)
            && m.changes(root).is_empty()
            && index.reader().is_ok()
        {
            return Ok(fresh(index, fields, &m, None));
        }
    }
    // Never through a link: a `.lore/index` someone made a link must not
    // make lore delete the folder it points at.
    store::cache_dir(root)?;
    let dir = index_dir(root);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let index = Index::create_in_dir(&dir, schema::schema()).map_err(index_err)?;
    schema::register(&index);
    let f = Fields::of(&index.schema()).ok_or_else(|| index_err("schema without lore's fields"))?;
    let dirs = manifest::watched_dirs(root, cfg);
    let (files, _) = store::scan(root, cfg);
    let bar = if progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "indexing {bar:40} {pos}/{len} documents {elapsed}",
        ) {
            b.set_style(style);
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let entries = fill(root, cfg, &index, &f, &files, &bar, REBUILD_BUDGET)?;
    bar.finish_and_clear();
    let mut m = Manifest {
        config: manifest::config_fingerprint(cfg),
        written: now_ns(),
        checked: now_ns(),
        counts: (0, 0),
        dirs,
        files: Default::default(),
    };
    m.files.extend(entries);
    m.recount();
    write_manifest(root, &m)?;
    let unreadable = m.unreadable();
    let stats = UpdateStats {
        files: m.documents(),
        added: m.documents(),
        rebuilt: true,
        notice: reason,
        unreadable,
        ..UpdateStats::default()
    };
    Ok(Opened {
        index,
        fields: f,
        stats,
    })
}
