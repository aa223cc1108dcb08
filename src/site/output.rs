//! Writing the site: every page goes into a fresh folder next to the output,
//! which then trades places with the output in one atomic exchange (Linux
//! `renameat2(RENAME_EXCHANGE)`; two renames elsewhere), so a failed or killed
//! export leaves the previous site whole. One export at a time holds a lock on
//! the folder around the output, and removes the staging folders of killed ones. Pages whose bytes did not change since the last
//! export are hard-linked from it instead of rewritten (their modification
//! times stay, so a sync to a server only sends what changed).

mod reuse;

use super::Page;
use super::paths::is_contained;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The marker and manifest of a lore export: `path → [hash, size]`.
pub const MARKER: &str = ".lore-export";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    /// Of the unchanged pages, those kept without being rendered again: made
    /// from the same values with the same templates as last time.
    pub kept: usize,
    /// Pages rendered (the other files: search index, feed, assets).
    pub rendered: usize,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Manifest {
    version: u32,
    files: HashMap<String, (String, u64)>,
    /// The fingerprint of each page's values (`templates::Context`).
    #[serde(default)]
    inputs: HashMap<String, String>,
    /// The document links each page's body looked up, for the next export
    /// to check their pages are still the same.
    #[serde(default)]
    links: HashMap<String, Vec<String>>,
    /// Where each file was written and when (`reuse::Written`): a file still
    /// there, unwritten since, is kept without reading it again. Believed
    /// only from a marker this user wrote, not linked from elsewhere.
    #[serde(default)]
    written: HashMap<String, reuse::Written>,
}

/// One page's record in the manifest.
struct Entry {
    path: String,
    file: (String, u64),
    written: Option<reuse::Written>,
    inputs: Option<u64>,
    links: Vec<String>,
}

fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Refuses an output folder that holds something other than a lore export, so
/// `--out ~` or `--out .` can never replace a folder of other files.
fn check_out(out: &Path) -> Result<Option<(Manifest, std::fs::Metadata)>> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(out, e)),
    };
    if !meta.is_dir() {
        return Err(Error::Invalid(format!(
            "{}: the output must be a folder; it is a file or link",
            out.display()
        )));
    }
    match reuse::read_marker(out)? {
        Some((bytes, meta)) => Ok(Some((
            serde_json::from_slice(&bytes).unwrap_or_default(),
            meta,
        ))),
        None => {
            let empty = std::fs::read_dir(out)
                .map_err(|e| Error::io(out, e))?
                .next()
                .is_none();
            if empty {
                Ok(None)
            } else {
                Err(Error::Invalid(format!(
                    "{}: refusing to replace a folder that is not a lore export (no {MARKER} in it); empty it or choose another --out",
                    out.display()
                )))
            }
        }
    }
}

/// Writes `pages` as the new content of `out` (all checked before any write).
#[cfg(test)]
pub fn write_site(out: &Path, pages: &[Page]) -> Result<WriteReport> {
    if let Some(bad) = pages.iter().find(|p| !is_contained(&p.path)) {
        return Err(outside(&bad.path));
    }
    use rayon::prelude::*;
    let w = SiteWriter::create(out)?;
    pages.par_iter().try_for_each(|p| w.write(p))?;
    w.finish()
}

fn outside(path: &str) -> Error {
    Error::Invalid(format!(
        "refusing to write `{path}` outside the output folder"
    ))
}

/// A site being written: pages go into a staging folder as they are rendered
/// (from any thread), and `finish` puts the folder in place of the output.
/// Dropped without `finish`, it removes the staging folder and leaves the
/// output as it was.
pub struct SiteWriter {
    _lock: crate::store::lock::Held,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    staging: tempfile::TempDir,
    old: Option<Manifest>,
    entries: Mutex<Vec<Entry>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    kept: AtomicUsize,
    rendered: AtomicUsize,
    reuse: reuse::Reuse,
    /// Folders made in the staging folder so far (no one else can remove
    /// them), so each is made once rather than checked for every page.
    made_dirs: Mutex<std::collections::HashSet<PathBuf>>,
}

impl SiteWriter {
    /// Checks the output folder and creates the staging folder beside it.
    pub fn create(out: &Path) -> Result<SiteWriter> {
        // Refused before anything else: a folder of other files.
        check_out(out)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::Invalid(format!("{}: not a usable output folder", out.display()))
            })?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let lock =
            crate::store::lock::folder(&parent, &format!("the export lock of {}", out.display()))?;
        clean_leftovers(out, &parent, &name);
        let old = check_out(out)?;
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.lore-new-"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        let reuse = reuse::Reuse::new(out, staging.path());
        // Where the files were written is believed only from a marker of
        // this user's, and only for files written before the marker's own
        // time: one written in the same tick of a coarse clock could have
        // been written again since without its time changing (git's rule
        // for its index).
        let old = old.map(|(mut m, marker)| {
            match reuse::written(&marker).filter(|_| reuse.trusts_marker(&marker)) {
                Some((_, _, s, ns)) => m.written.retain(|_, w| (w.2, w.3) < (s, ns)),
                None => m.written.clear(),
            }
            m
        });
        Ok(SiteWriter {
            reuse,
            made_dirs: Mutex::new(std::collections::HashSet::new()),
            _lock: lock,
            out: out.to_path_buf(),
            parent,
            name,
            staging,
            old,
            entries: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            rendered: AtomicUsize::new(0),
        })
    }

    /// The document links the previous export's `path` looked up, when it
    /// recorded them.
    pub fn old_links(&self, path: &str) -> Option<&[String]> {
        let m = self.old.as_ref()?;
        m.inputs.get(path)?;
        Some(m.links.get(path).map_or(&[][..], Vec::as_slice))
    }

    /// Keeps the previous export's `path` when it was made from values with
    /// the same fingerprint (and is still the file that export wrote, by
    /// size); false when the page must be rendered.
    pub fn keep(&self, path: &str, inputs: u64) -> Result<bool> {
        let Some(m) = self.old.as_ref() else {
            return Ok(false);
        };
        let (Some(was), Some(file)) = (m.inputs.get(path), m.files.get(path)) else {
            return Ok(false);
        };
        if *was != format!("{inputs:016x}") || !is_contained(path) {
            return Ok(false);
        }
        let target = self.staging.path().join(path);
        self.folder_of(&target)?;
        let known = m.written.get(path).copied();
        let Some(written) = self.reuse.link(path, &target, &file.0, file.1, known) else {
            return Ok(false);
        };
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        self.kept.fetch_add(1, Ordering::Relaxed);
        self.record(Entry {
            path: path.to_string(),
            file: file.clone(),
            written: Some(written),
            inputs: Some(inputs),
            links: m.links.get(path).cloned().unwrap_or_default(),
        });
        Ok(true)
    }

    /// Makes the folder `target` goes in, unless it was made already.
    fn folder_of(&self, target: &Path) -> Result<()> {
        let Some(dir) = target.parent() else {
            return Ok(());
        };
        if self.made_dirs.lock().is_ok_and(|m| m.contains(dir)) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if let Ok(mut m) = self.made_dirs.lock() {
            m.insert(dir.to_path_buf());
        }
        Ok(())
    }

    fn record(&self, e: Entry) {
        if let Ok(mut all) = self.entries.lock() {
            all.push(e);
        }
    }

    /// Writes one page, or links it from the previous export when its bytes
    /// are the same.
    pub fn write(&self, p: &Page) -> Result<()> {
        self.write_made(p, None, Vec::new())
    }

    /// `write` for a page rendered from values with the fingerprint
    /// `inputs`, whose body looked up the document `links`.
    pub fn write_made(&self, p: &Page, inputs: Option<u64>, links: Vec<String>) -> Result<()> {
        if !is_contained(&p.path) {
            return Err(outside(&p.path));
        }
        if inputs.is_some() {
            self.rendered.fetch_add(1, Ordering::Relaxed);
        }
        let target = self.staging.path().join(&p.path);
        self.folder_of(&target)?;
        let h = hash(&p.bytes);
        let size = p.bytes.len() as u64;
        let linked = self.old.as_ref().and_then(|m| {
            let (oh, os) = m.files.get(&p.path)?;
            (*oh == h && *os == size).then_some(())?;
            let known = m.written.get(&p.path).copied();
            self.reuse.link(&p.path, &target, &h, size, known)
        });
        let written = match linked {
            Some(w) => {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                Some(w)
            }
            None => {
                // Where and when it was written, from the file just written.
                let wrote = std::fs::File::create(&target).and_then(|mut f| {
                    std::io::Write::write_all(&mut f, &p.bytes)?;
                    f.metadata()
                });
                let meta = wrote.map_err(|e| Error::io(&target, e))?;
                self.written.fetch_add(1, Ordering::Relaxed);
                reuse::written(&meta)
            }
        };
        self.record(Entry {
            path: p.path.clone(),
            file: (h, size),
            written,
            inputs,
            links,
        });
        Ok(())
    }

    /// Writes the manifest and puts the new folder in place.
    pub fn finish(self) -> Result<WriteReport> {
        let mut manifest = Manifest {
            version: 1,
            ..Manifest::default()
        };
        for e in self.entries.into_inner().unwrap_or_default() {
            if let Some(i) = e.inputs {
                manifest.inputs.insert(e.path.clone(), format!("{i:016x}"));
            }
            if !e.links.is_empty() {
                manifest.links.insert(e.path.clone(), e.links);
            }
            if let Some(w) = e.written {
                manifest.written.insert(e.path.clone(), w);
            }
            manifest.files.insert(e.path, e.file);
        }
        let json = serde_json::to_vec(&manifest).map_err(|e| Error::Invalid(e.to_string()))?;
        let marker = self.staging.path().join(MARKER);
        std::fs::write(&marker, json).map_err(|e| Error::io(&marker, e))?;
        swap(self.staging, &self.out, &self.parent, &self.name)?;
        Ok(WriteReport {
            written: self.written.into_inner(),
            unchanged: self.unchanged.into_inner(),
            kept: self.kept.into_inner(),
            rendered: self.rendered.into_inner(),
        })
    }
}

/// What killed exports left beside `out`: staging folders (removed), and the
/// old site parked by an export killed between two renames on a system
/// without an atomic exchange (put back when `out` is missing). Called under
/// the export lock, so no running export's folder is touched.
fn clean_leftovers(out: &Path, parent: &Path, name: &str) {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    let (new_prefix, old_prefix) = (format!(".{name}.lore-new-"), format!(".{name}.lore-old-"));
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if !(n.starts_with(&new_prefix) || n.starts_with(&old_prefix)) {
            continue;
        }
        let parked = e.path().join(name);
        if n.starts_with(&old_prefix) && !out.exists() && parked.join(MARKER).exists() {
            let _ = std::fs::rename(&parked, out);
        }
        let _ = std::fs::remove_dir_all(e.path());
    }
}

/// Swaps two paths atomically where the system can (Linux).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them
    // relative to the working directory, as `std::fs::rename` does.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Puts the staged folder in place of `out`: one atomic exchange where the
/// system has it, else two renames that put the old one back on failure.
fn swap(staging: tempfile::TempDir, out: &Path, parent: &Path, name: &str) -> Result<()> {
    let staged = staging.keep();
    if !out.exists() {
        return std::fs::rename(&staged, out).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            Error::io(out, e)
        });
    }
    // One step: `out` is the old site or the new one at every instant.
    if exchange(&staged, out).is_ok() {
        let _ = std::fs::remove_dir_all(&staged);
        return Ok(());
    }
    let graveyard = tempfile::Builder::new()
        .prefix(&format!(".{name}.lore-old-"))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let old_place = graveyard.path().join(name);
    if let Err(e) = std::fs::rename(out, &old_place) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::io(out, e));
    }
    if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::rename(&old_place, out);
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::io(out, e));
    }
    drop(graveyard);
    Ok(())
}

#[cfg(test)]
mod tests;
