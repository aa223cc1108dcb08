//! The only code that reads or writes the files of a knowledge base: finding
//! documents, reading them defensively, and atomic writes.

pub mod cache_file;
pub mod confine;
pub mod git;
pub mod journal;
pub mod lock;
mod overrides;
pub mod parsed;
mod stamp;

pub use confine::Bounds;
use confine::Entry;

pub use overrides::{folder_files, outside_links, static_files, template_overrides};
pub use stamp::{FileStamp, RACY_NS, file_stamp};

use crate::config::Config;
use crate::doc::{Doc, Kind, ParseContext};
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files larger than this are reported and not read: no real postmortem is this
/// big, and reading one would cost the memory budget.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A Markdown file found in the KB and the kind its folder implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the KB root, `/`-separated.
    pub rel: PathBuf,
    pub kind: Kind,
}

/// A file or folder that could not be read as a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

/// Lists the documents of the KB: `*.md` under the postmortems and runbooks
/// folders (a runbooks folder inside the postmortems folder is read once, as
/// runbooks). Hidden entries are skipped. Links inside the KB are followed
/// once (a loop or a second link to a folder already walked is skipped);
/// links that leave the KB are never followed and each is reported as
/// `symlink-outside`.
pub fn scan(root: &Path, cfg: &Config) -> (Vec<SourceFile>, Vec<FileError>) {
    let bounds = Bounds::new(root);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut seen_files = std::collections::HashSet::new();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut top_canon: Vec<PathBuf> = top_folders(cfg)
        .iter()
        .filter_map(|(d, _)| bounds.resolve(&root.join(d)).ok().flatten())
        .collect();
    top_canon.push(bounds.root().to_path_buf());
    // The inner folder is walked first and the outer one skips it, so no file
    // is read twice; a folder named for both holds postmortems.
    for (dir, kind) in top_folders(cfg) {
        let abs = root.join(&dir);
        let canon = match bounds.resolve(&abs) {
            Ok(Some(c)) if c.is_dir() => c,
            Ok(_) => continue,
            Err(o) => {
                errors.push(outside_error(dir.clone(), &o));
                continue;
            }
        };
        let mut todo = vec![(canon, dir)];
        while let Some((canon, rel_dir)) = todo.pop() {
            if !seen_dirs.insert(canon.clone()) {
                continue;
            }
            let rd = match std::fs::read_dir(&canon) {
                Ok(rd) => rd,
                Err(e) => {
                    errors.push(FileError {
                        path: rel_dir,
                        line: None,
                        code: "unreadable",
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            };
            let mut entries: Vec<std::fs::DirEntry> = rd.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            let mut subdirs = Vec::new();
            for e in entries {
                let name = e.file_name();
                if name.to_string_lossy().starts_with('.') {
                    continue;
                }
                let rel = rel_dir.join(&name);
                match confine::classify(&bounds, &e) {
                    // A link back to the root, a top folder or one above it
                    // would walk the KB a second time.
                    Entry::Dir(c)
                        if e.file_type().is_ok_and(|t| t.is_symlink())
                            && top_canon.iter().any(|t| t.starts_with(&c)) =>
                    {
                        errors.push(FileError {
                            path: rel,
                            line: None,
                            code: "unreadable",
                            message:
                                "symbolic link loop (back to a folder lore already reads); skipped"
                                    .into(),
                        });
                    }
                    Entry::Dir(c) => subdirs.push((c, rel)),
                    Entry::File(c, _) => {
                        if is_markdown(&rel) && seen_files.insert(c) {
                            files.push(SourceFile { rel, kind });
                        }
                    }
                    Entry::Outside(o) => errors.push(outside_error(rel, &o)),
                    Entry::Other => {}
                }
            }
            // Sorted by name, walked in that order.
            todo.extend(subdirs.into_iter().rev());
        }
    }
    (files, errors)
}

/// The configured top folders in walk order with the kind each implies: a
/// folder nested in the other is walked first, so its files get its kind.
fn top_folders(cfg: &Config) -> Vec<(PathBuf, Kind)> {
    let pm = PathBuf::from(&cfg.paths.postmortems);
    let rb = PathBuf::from(&cfg.paths.runbooks);
    if rb == pm {
        vec![(pm, Kind::Postmortem)]
    } else if rb.starts_with(&pm) {
        vec![(rb, Kind::Runbook), (pm, Kind::Postmortem)]
    } else {
        vec![(pm, Kind::Postmortem), (rb, Kind::Runbook)]
    }
}

fn is_markdown(rel: &Path) -> bool {
    rel.extension().is_some_and(|x| x == "md")
}

fn outside_error(path: PathBuf, o: &confine::Outside) -> FileError {
    FileError {
        path,
        line: None,
        code: "symlink-outside",
        message: o.message(),
    }
}

/// Reads and parses one document. Binary and oversized files are refused with a
/// `FileError`; anything else yields a `Doc` (problems recorded inside it).
pub fn read_doc(root: &Path, file: &SourceFile, cfg: &Config) -> Result<Doc, FileError> {
    let bytes = read_source(root, file)?;
    Ok(parse_source(&bytes, file, cfg))
}

/// Reads a document's raw bytes with the checks of `read_doc` (size, binary),
/// for callers that also hash the content (the search index's manifest).
pub fn read_source(root: &Path, file: &SourceFile) -> Result<Vec<u8>, FileError> {
    read_stamped(root, file).map(|(bytes, _)| bytes)
}

/// `read_source` with the stamp of the file the bytes were read from (taken
/// from the same descriptor).
pub fn read_stamped(root: &Path, file: &SourceFile) -> Result<(Vec<u8>, FileStamp), FileError> {
    let err = |code: &'static str, message: String| FileError {
        path: file.rel.clone(),
        line: None,
        code,
        message,
    };
    let (f, meta) = confine::open_inside(root, &file.rel).map_err(|(c, m)| err(c, m))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            "too-large",
            format!(
                "file is {} MB, over the {} MB limit for a document; skipped",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(&f, MAX_FILE_BYTES), &mut bytes)
        .map_err(|e| err("unreadable", format!("cannot read: {e}")))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(err(
            "binary",
            "binary file (contains NUL bytes), not a Markdown document; skipped".into(),
        ));
    }
    Ok((bytes, stamp::of(&meta)))
}

/// Parses bytes read by `read_source` as the document `file`.
pub fn parse_source(bytes: &[u8], file: &SourceFile, cfg: &Config) -> Doc {
    let ctx = ParseContext {
        timezone: cfg.tz,
        default_kind: file.kind,
    };
    Doc::from_bytes(bytes, &file.rel, &ctx)
}

/// Size and modification time (nanoseconds since the epoch) of a KB path, the
/// cheap fingerprint the search index compares before re-reading a file.
pub fn stamp(root: &Path, rel: &Path) -> Option<(u64, i128)> {
    let meta = std::fs::metadata(root.join(rel)).ok()?;
    Some((meta.len(), mtime_ns(&meta)))
}

/// What one folder holds, as `scan` would see it: its `*.md` files with
/// their size and mtime (ns), and its subfolders. Hidden entries are skipped.
#[derive(Debug, Default)]
pub struct DirListing {
    pub files: Vec<(String, (u64, i128))>,
    pub dirs: Vec<String>,
}

pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Lists one KB folder with a stamp per document, by the rules of `scan`
/// (links out of the KB are left out). `None` when the folder cannot be read.
pub fn list_dir(root: &Path, rel: &Path) -> Option<DirListing> {
    let bounds = Bounds::new(root);
    // A folder that became a link out of the KB (a pull replaced it) is
    // unreadable here, so the caller rescans and `scan` reports it.
    if bounds.resolve(&root.join(rel)).is_err() {
        return None;
    }
    let mut out = DirListing::default();
    for entry in std::fs::read_dir(root.join(rel)).ok()? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Plain files are stamped from the directory entry, without the
        // link checks (the common case, kept cheap).
        match entry.file_type() {
            Ok(t) if t.is_file() => {
                if name.ends_with(".md")
                    && let Ok(meta) = entry.metadata()
                {
                    out.files.push((name, (meta.len(), mtime_ns(&meta))));
                }
                continue;
            }
            Ok(t) if t.is_dir() => {
                out.dirs.push(name);
                continue;
            }
            _ => {}
        }
        match confine::classify(&bounds, &entry) {
            Entry::Dir(_) => out.dirs.push(name),
            Entry::File(_, meta) if name.ends_with(".md") => {
                out.files.push((name, (meta.len(), mtime_ns(&meta))));
            }
            _ => {}
        }
    }
    Some(out)
}

/// The folders `scan` walks (relative to the root, the top ones included), so
/// a cache can notice files added or removed by their folders' mtimes.
pub fn scan_dirs(root: &Path, cfg: &Config) -> Vec<PathBuf> {
    let bounds = Bounds::new(root);
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<(PathBuf, PathBuf)> = top_folders(cfg)
        .into_iter()
        .filter_map(|(d, _)| match bounds.resolve(&root.join(&d)) {
            Ok(Some(c)) if c.is_dir() => Some((c, d)),
            _ => None,
        })
        .collect();
    // Only folders are looked at (by their directory entry type), so this
    // stays cheap next to a stat of every document.
    while let Some((canon, dir)) = todo.pop() {
        // A symlink loop comes back to a folder already seen.
        if !seen.insert(canon.clone()) {
            continue;
        }
        if let Ok(rd) = std::fs::read_dir(&canon) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                if let Entry::Dir(c) = confine::classify(&bounds, &e) {
                    todo.push((c, dir.join(e.file_name())));
                }
            }
        }
        out.push(dir);
    }
    out.sort();
    out
}

/// `.lore/`, lore's local cache, as a real folder of the KB. A `.lore` or
/// `.lore/index` that is a symbolic link (one committed by someone else's
/// push: `.lore/` in `.gitignore` does not match a link) is refused, so the
/// cache never reads, writes or deletes anything outside the KB.
pub fn cache_dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".lore");
    for p in [
        dir.clone(),
        dir.join("index"),
        dir.join("locks"),
        dir.join("edit"),
    ] {
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Invalid(format!(
                "{}: lore's cache must be a real folder, not a symbolic link; it was left alone (remove it and lore makes a new one)",
                p.display()
            )));
        }
    }
    Ok(dir)
}

/// How old a `.lore-tmp-*` file must be before the sweep looks at it: the
/// writer locks its temporary file right after creating it.
const TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(2);

/// Removes the temporary files of atomic writes that a killed lore left in
/// the KB's folders (they would show in `git status`): a writer holds a
/// `flock` on its temporary file until it is renamed into place, so one that
/// can be locked belongs to a dead process. Skipped while a journal of an
/// unfinished change still needs its files. Returns how many were removed.
pub fn sweep_temp_files(root: &Path, cfg: &Config) -> usize {
    if journal::pending(root) {
        return 0;
    }
    let mut dirs = scan_dirs(root, cfg);
    dirs.push(PathBuf::new());
    if cache_dir(root).is_ok() {
        dirs.push(PathBuf::from(".lore"));
    }
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        for e in rd.flatten() {
            if !e.file_name().to_string_lossy().starts_with(".lore-tmp-") {
                continue;
            }
            let old = e
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .and_then(|m| m.modified().ok())
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > TEMP_AGE);
            let orphan = old && std::fs::File::open(e.path()).is_ok_and(|f| f.try_lock().is_ok());
            if orphan && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// A temporary file for an atomic write in `dir`, locked (see
/// `sweep_temp_files`). It becomes a KB file, so it gets the mode a new file
/// normally gets (`0o666` less the umask, as git checks files out), not a
/// temporary file's private `0o600`.
fn new_temp(dir: &Path) -> Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(".lore-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = b.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.as_file().lock().map_err(|e| Error::io(tmp.path(), e))?;
    Ok(tmp)
}

/// Writes a file atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target. Readers see the old or the new content.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = new_temp(dir)?;
    tmp.as_file_mut()
        .write_all(contents)
        .map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Creates a new file atomically, failing with `Error::Exists` if it already
/// exists (another process may have taken the name a moment earlier).
pub fn create_new(path: &Path, contents: &[u8]) -> Result<()> {
    create_new_with(path, contents, true)
}

/// `create_new` with or without its own `fsync`: a bulk writer (an import
/// of a thousand files) skips them and calls `sync_all_files` once before
/// it commits.
fn create_new_with(path: &Path, contents: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = new_temp(dir)?;
    tmp.as_file_mut()
        .write_all(contents)
        .map_err(|e| Error::io(path, e))?;
    if sync {
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    }
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Exists(path.to_path_buf())
        } else {
            Error::io(path, e.error)
        }
    })?;
    Ok(())
}

/// Reads a KB file (a template override, `lore.toml`) if it exists; a file
/// that is a link out of the KB is refused, never read.
pub fn read_kb_optional(root: &Path, rel: &Path) -> Result<Option<String>> {
    let abs = confine::inside(root, rel)
        .map_err(|m| Error::Invalid(format!("{}: {m}", rel.display())))?;
    read_optional(&abs)
}

/// Reads a text file if it exists.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A KB file's bytes, unchanged.
pub fn read_bytes(root: &Path, rel: &Path) -> Result<Vec<u8>> {
    let abs = confine::inside(root, rel)
        .map_err(|m| Error::Invalid(format!("{}: {m}", rel.display())))?;
    std::fs::read(&abs).map_err(|e| Error::io(&abs, e))
}

/// A document's text as stored (lossily decoded if not UTF-8).
pub fn read_text(root: &Path, rel: &Path) -> Result<String> {
    let bytes = read_bytes(root, rel)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A KB-relative path to write, refused when it would land outside the KB:
/// `..`, an absolute path, a folder that is a link out of the KB, or a file
/// that is itself a link.
fn writable(root: &Path, rel: &Path) -> Result<PathBuf> {
    let escapes = rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    if escapes {
        return Err(Error::Invalid(format!(
            "{}: refusing to write outside the knowledge base",
            rel.display()
        )));
    }
    let abs = root.join(rel);
    Bounds::new(root).check_write(&abs)?;
    Ok(abs)
}

/// Saves a document's new text atomically. `rel` is relative to the KB root
/// and must stay inside it.
pub fn save_doc(root: &Path, rel: &Path, text: &str) -> Result<()> {
    save_bytes(root, rel, text.as_bytes())
}

/// `save_doc` for bytes that need not be UTF-8.
pub fn save_bytes(root: &Path, rel: &Path, contents: &[u8]) -> Result<()> {
    write_atomic(&writable(root, rel)?, contents)
}

/// Creates a new document at `rel` (inside the KB, never through a link),
/// failing with `Error::Exists` when the name is taken.
pub fn create_doc(root: &Path, rel: &Path, contents: &[u8]) -> Result<()> {
    create_new(&writable(root, rel)?, contents)
}

/// `stem.md`, `stem-2.md`, `stem-3.md`… in `dir`: the names a new file may
/// take, first free first.
pub fn numbered(dir: &Path, stem: &str) -> impl Iterator<Item = PathBuf> {
    let (dir, stem) = (dir.to_path_buf(), stem.to_string());
    (1..1000).map(move |n| match n {
        1 => dir.join(format!("{stem}.md")),
        n => dir.join(format!("{stem}-{n}.md")),
    })
}

/// Creates a new KB file under the first free `numbered` name (another
/// process taking a name a moment earlier moves it to the next) and returns
/// its KB-relative path.
pub fn create_numbered(root: &Path, dir: &Path, stem: &str, contents: &[u8]) -> Result<PathBuf> {
    for rel in numbered(dir, stem) {
        if root.join(&rel).exists() {
            continue;
        }
        match create_doc(root, &rel, contents) {
            Ok(()) => return Ok(rel),
            Err(Error::Exists(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Err(Error::Invalid(format!(
        "{}: no free file name for `{stem}`",
        dir.display()
    )))
}

/// `create_doc` for one of many files written together; the caller makes
/// them durable with one `sync_all_files` before committing.
pub fn create_doc_batched(root: &Path, rel: &Path, contents: &[u8]) -> Result<()> {
    create_new_with(&writable(root, rel)?, contents, false)
}

/// Flushes every file written to the KB's file system to disk in one call
/// (`syncfs`), for bulk writes; a per-file `fsync` where that is missing.
pub fn sync_all_files(root: &Path, written: &[PathBuf]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        if let Ok(f) = std::fs::File::open(root) {
            use std::os::fd::AsRawFd;
            // SAFETY: a valid open descriptor for the call's duration.
            if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
                return Ok(());
            }
        }
    }
    for rel in written {
        let p = root.join(rel);
        std::fs::File::open(&p)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_doc_replaces_the_file_and_refuses_paths_outside_the_kb() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("postmortems/a.md");
        save_doc(dir.path(), rel, "one\n").unwrap();
        save_doc(dir.path(), rel, "two\n").unwrap();
        assert_eq!(read_text(dir.path(), rel).unwrap(), "two\n");
        let err = save_doc(dir.path(), Path::new("../x.md"), "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "../x.md: refusing to write outside the knowledge base"
        );
        assert!(!dir.path().join("../x.md").exists());
    }
}
