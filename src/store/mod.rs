//! The only code that reads or writes the files of a knowledge base: finding
//! documents, reading them defensively, and atomic writes.

pub mod git;
mod overrides;

pub use overrides::{static_files, template_overrides};

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
/// runbooks). Hidden entries are skipped; symlinks are followed, loops reported.
pub fn scan(root: &Path, cfg: &Config) -> (Vec<SourceFile>, Vec<FileError>) {
    let pm_dir = PathBuf::from(&cfg.paths.postmortems);
    let rb_dir = PathBuf::from(&cfg.paths.runbooks);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // Each folder skips the other when the other lies inside it, so no file is
    // read twice; the inner folder is walked first. A folder named for both
    // holds postmortems. Files reached twice through symlinks count once.
    let inside = |a: &Path, b: &Path| a != b && a.starts_with(b);
    let mut roots = vec![(
        pm_dir.clone(),
        Kind::Postmortem,
        inside(&rb_dir, &pm_dir).then(|| rb_dir.clone()),
    )];
    if rb_dir != pm_dir {
        let rb = (
            rb_dir.clone(),
            Kind::Runbook,
            inside(&pm_dir, &rb_dir).then(|| pm_dir.clone()),
        );
        if inside(&rb_dir, &pm_dir) {
            roots.insert(0, rb);
        } else {
            roots.push(rb);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (dir, kind, skip) in roots {
        let abs = root.join(&dir);
        if !abs.is_dir() {
            continue;
        }
        let skip_abs = skip.and_then(|s| std::fs::canonicalize(root.join(s)).ok());
        let walker = walkdir::WalkDir::new(&abs)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                let skipped = e.file_type().is_dir()
                    && skip_abs.is_some()
                    && std::fs::canonicalize(e.path()).ok() == skip_abs;
                !hidden && !skipped
            });
        for entry in walker {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    if e.file_type().is_file() && p.extension().is_some_and(|x| x == "md") {
                        let canon = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
                        if !seen.insert(canon) {
                            continue;
                        }
                        let rel = p.strip_prefix(root).unwrap_or(p).to_path_buf();
                        files.push(SourceFile { rel, kind });
                    }
                }
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                        .unwrap_or_else(|| dir.clone());
                    let message = if e.loop_ancestor().is_some() {
                        "symbolic link loop; skipped".to_string()
                    } else {
                        e.io_error()
                            .map_or_else(|| e.to_string(), |io| format!("cannot read: {io}"))
                    };
                    errors.push(FileError {
                        path,
                        line: None,
                        code: "unreadable",
                        message,
                    });
                }
            }
        }
    }
    (files, errors)
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
    let abs = root.join(&file.rel);
    let err = |code: &'static str, message: String| FileError {
        path: file.rel.clone(),
        line: None,
        code,
        message,
    };
    let meta =
        std::fs::metadata(&abs).map_err(|e| err("unreadable", format!("cannot read: {e}")))?;
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
    let bytes = std::fs::read(&abs).map_err(|e| err("unreadable", format!("cannot read: {e}")))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(err(
            "binary",
            "binary file (contains NUL bytes), not a Markdown document; skipped".into(),
        ));
    }
    Ok(bytes)
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

fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Lists one KB folder with a stamp per document. Cheaper than a `stamp` per
/// file: entries are looked up relative to the open folder. `None` when the
/// folder cannot be read.
pub fn list_dir(root: &Path, rel: &Path) -> Option<DirListing> {
    let mut out = DirListing::default();
    for entry in std::fs::read_dir(root.join(rel)).ok()? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ty) = entry.file_type() else { continue };
        let meta = if ty.is_symlink() {
            std::fs::metadata(entry.path()).ok()
        } else if ty.is_file() && name.ends_with(".md") {
            entry.metadata().ok()
        } else if ty.is_dir() {
            out.dirs.push(name);
            continue;
        } else {
            continue;
        };
        let Some(meta) = meta else { continue };
        if meta.is_dir() {
            out.dirs.push(name);
        } else if meta.is_file() && name.ends_with(".md") {
            out.files.push((name, (meta.len(), mtime_ns(&meta))));
        }
    }
    Some(out)
}

/// The folders `scan` walks (relative to the root, the top ones included), so
/// a cache can notice files added or removed by their folders' mtimes.
pub fn scan_dirs(root: &Path, cfg: &Config) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut todo: Vec<PathBuf> = [&cfg.paths.postmortems, &cfg.paths.runbooks]
        .iter()
        .map(PathBuf::from)
        .filter(|d| root.join(d).is_dir())
        .collect();
    // Only folders are looked at (by their directory entry type), so this
    // stays cheap next to a stat of every document.
    while let Some(dir) = todo.pop() {
        let abs = root.join(&dir);
        // A symlink loop comes back to a folder already seen.
        let key = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
        if !seen.insert(key) {
            continue;
        }
        if let Ok(rd) = std::fs::read_dir(&abs) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let is_dir = match e.file_type() {
                    Ok(t) if t.is_symlink() => e.path().is_dir(),
                    Ok(t) => t.is_dir(),
                    Err(_) => false,
                };
                if is_dir {
                    todo.push(dir.join(e.file_name()));
                }
            }
        }
        out.push(dir);
    }
    out.sort();
    out
}

/// Temporary files for atomic writes. They become KB files, so they get the
/// mode a new file normally gets (`0o666` less the umask, as git checks files
/// out), not a temporary file's private `0o600`.
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(".lore-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

/// Writes a file atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target. Readers see the old or the new content.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = temp_builder()
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(path, e))?;
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
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = temp_builder()
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Exists(path.to_path_buf())
        } else {
            Error::io(path, e.error)
        }
    })?;
    Ok(())
}

/// Reads a KB text file (template override, config) if it exists.
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// A KB file's bytes, unchanged.
pub fn read_bytes(root: &Path, rel: &Path) -> Result<Vec<u8>> {
    let abs = root.join(rel);
    std::fs::read(&abs).map_err(|e| Error::io(&abs, e))
}

/// A document's text as stored (lossily decoded if not UTF-8).
pub fn read_text(root: &Path, rel: &Path) -> Result<String> {
    let abs = root.join(rel);
    let bytes = std::fs::read(&abs).map_err(|e| Error::io(&abs, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Saves a document's new text atomically. `rel` is relative to the KB root
/// and must stay inside it.
pub fn save_doc(root: &Path, rel: &Path, text: &str) -> Result<()> {
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
    write_atomic(&root.join(rel), text.as_bytes())
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
