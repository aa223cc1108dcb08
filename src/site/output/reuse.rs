//! Taking a file of the previous export into the new one without trusting
//! the folder it sits in: anyone who can write the output folder could have
//! swapped a folder for a link, hard-linked a file from elsewhere into it,
//! edited a page in place or changed its mode. A file is reused only as a
//! hard link made into the staging folder and then checked there — a
//! regular file of the recorded size and hash, with the mode and owner a new
//! file gets — so whatever the link reached is what was checked. Anything
//! else is written afresh.

use super::MARKER;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A manifest larger than this is not a lore export's (10,000 documents
/// give about 2 MB).
const MAX_MARKER_BYTES: u64 = 64 * 1024 * 1024;

pub(super) struct Reuse {
    out: PathBuf,
    /// The mode and owner of a file this process creates, when known.
    fresh: Option<(u32, u32)>,
}

impl Reuse {
    /// Learns what a new file looks like from a probe in `staging`.
    pub(super) fn new(out: &Path, staging: &Path) -> Reuse {
        let probe = staging.join(".lore-probe");
        let fresh = std::fs::write(&probe, b"")
            .ok()
            .and_then(|_| std::fs::symlink_metadata(&probe).ok())
            .and_then(|m| owner_and_mode(&m));
        let _ = std::fs::remove_file(&probe);
        Reuse {
            out: out.to_path_buf(),
            fresh,
        }
    }

    /// Whether what a marker says of where its files were written can be
    /// believed: it has the owner and mode of a file this process creates,
    /// and is not also linked from somewhere else. (Anyone else who can write
    /// the output folder could have planted one naming a file of this user's
    /// they can see but not read.)
    pub(super) fn trusts_marker(&self, m: &std::fs::Metadata) -> bool {
        // Not writable by the group or others either: with a umask of 002
        // a group member could rewrite it in place.
        self.fresh.is_some_and(|(_, mode)| mode & 0o022 == 0)
            && owner_and_mode(m) == self.fresh
            && links(m) == 1
    }

    /// Hard-links the previous export's `path` to `target` when the result
    /// is what that export wrote: a regular file of `size` bytes and `hash`
    /// (`output::hash`), with a new file's mode and owner. Its bytes are
    /// read and hashed unless it is still the very file that export wrote,
    /// not written since (`known`, from a marker this user wrote). Returns
    /// where the file is and when it was written; `None`, with nothing left
    /// at `target`, when it is not what was written.
    pub(super) fn link(
        &self,
        path: &str,
        target: &Path,
        hash: &str,
        size: u64,
        known: Option<Written>,
    ) -> Option<Written> {
        let fresh = self.fresh?;
        // Whatever the path reaches now (through a folder swapped for a
        // link, a file linked in from elsewhere) is what gets linked, and
        // then checked below.
        std::fs::hard_link(self.out.join(path), target).ok()?;
        // The check that counts: on the link itself, inside the staging
        // folder, through one descriptor (no link followed).
        let ok = check(target, size, fresh, hash, known);
        if ok.is_none() {
            let _ = std::fs::remove_file(target);
        }
        ok
    }
}

/// Where a file is and when it was last written: device, inode and
/// modification time (s, ns). A file lore wrote keeps all four until it is
/// written again or replaced.
pub(super) type Written = (u64, u64, i64, i64);

#[cfg(unix)]
pub(super) fn written(m: &std::fs::Metadata) -> Option<Written> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino(), m.mtime(), m.mtime_nsec()))
}

#[cfg(not(unix))]
pub(super) fn written(_: &std::fs::Metadata) -> Option<Written> {
    None
}

/// Whether `target` is a regular file of `size` bytes hashing to `hash`,
/// with a new file's owner and mode: read and hashed, unless it is the file
/// `known` names, unwritten since.
fn check(
    target: &Path,
    size: u64,
    fresh: (u32, u32),
    hash: &str,
    known: Option<Written>,
) -> Option<Written> {
    let fits =
        |m: &std::fs::Metadata| m.is_file() && m.len() == size && owner_and_mode(m) == Some(fresh);
    // Not even opened unless a regular file (a device node may act on open).
    let m = std::fs::symlink_metadata(target).ok()?;
    if !fits(&m) {
        return None;
    }
    // The very file the last export wrote, unwritten since, and linked from
    // nowhere but there and here (a file of this user's linked in from
    // elsewhere has a third link): its bytes are those it was written with.
    let now = written(&m);
    if known.is_some() && now == known && links(&m) == 2 {
        return now;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut f = opts.open(target).ok()?;
    let m = f.metadata().ok()?;
    if !fits(&m) {
        return None;
    }
    let now = written(&m);
    // One buffer per thread: ten thousand kept pages are read here.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        (&mut f).take(size + 1).read_to_end(buf).ok()?;
        if buf.len() as u64 == size && super::hash(buf) == hash {
            now
        } else {
            None
        }
    })
}

#[cfg(unix)]
fn owner_and_mode(m: &std::fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.uid(), m.mode() & 0o7777))
}

#[cfg(unix)]
fn links(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.nlink()
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    0
}

#[cfg(not(unix))]
fn owner_and_mode(_: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

/// The previous export's manifest, `None` when there is none. A marker that
/// is a link, a special file or too large is refused: it is not one lore
/// wrote, and following it could read another file or never end.
pub(super) fn read_marker(out: &Path) -> Result<Option<(Vec<u8>, std::fs::Metadata)>> {
    let marker = out.join(MARKER);
    let meta = match std::fs::symlink_metadata(&marker) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&marker, e)),
    };
    let refuse = |why: &str| {
        Error::Invalid(format!(
            "{}: {why}; not a lore export's marker, so {} is not replaced (remove the marker or choose another --out)",
            marker.display(),
            out.display()
        ))
    };
    if !meta.is_file() {
        return Err(refuse("a link or a special file"));
    }
    if meta.len() > MAX_MARKER_BYTES {
        return Err(refuse("too large"));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = opts.open(&marker).map_err(|e| Error::io(&marker, e))?;
    let meta = match file.metadata() {
        Ok(m) if m.is_file() => m,
        _ => return Err(refuse("a link or a special file")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_MARKER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&marker, e))?;
    if bytes.len() as u64 > MAX_MARKER_BYTES {
        return Err(refuse("too large"));
    }
    Ok(Some((bytes, meta)))
}

#[cfg(test)]
mod tests {
    use super::super::{MARKER, SiteWriter, WriteReport};
    use crate::site::Page;
    use std::path::Path;
    use std::time::{Duration, SystemTime};

    fn page() -> Page {
        Page {
            path: "x/a.html".into(),
            bytes: b"AAAA".to_vec(),
        }
    }

    fn set_mtime(path: &Path, t: SystemTime) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(t).unwrap();
    }

    /// Exports `x/a.html`, edits it in place to other bytes of the same size
    /// and puts its time back, lets `marker` change the marker, exports the
    /// same page again: what the new site holds and whether it was kept.
    fn edited_with_its_time_put_back(
        marker: impl FnOnce(&Path, SystemTime),
    ) -> (String, WriteReport) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let w = SiteWriter::create(&out).unwrap();
        w.write_made(&page(), Some(7), vec![]).unwrap();
        w.finish().unwrap();
        let file = out.join("x/a.html");
        let was = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "PWND").unwrap();
        set_mtime(&file, was);
        marker(&out.join(MARKER), was);
        let w = SiteWriter::create(&out).unwrap();
        if !w.keep("x/a.html", 7).unwrap() {
            w.write_made(&page(), Some(7), vec![]).unwrap();
        }
        let r = w.finish().unwrap();
        (std::fs::read_to_string(&file).unwrap(), r)
    }

    #[test]
    fn a_file_unwritten_since_is_kept_without_reading_it() {
        // The marker is newer than the page: its record of where and when
        // the page was written is believed, and the page is not read (which
        // is what makes keeping 10,000 pages cheap; the owner who edits a
        // page and puts its time back has chosen to keep the edit).
        let (text, r) = edited_with_its_time_put_back(|m, was| {
            set_mtime(m, was + Duration::from_secs(5));
        });
        assert_eq!((text.as_str(), r.kept), ("PWND", 1));
    }

    #[test]
    fn a_file_of_the_markers_tick_or_under_a_marker_linked_elsewhere_is_read() {
        // Written in the same tick as the marker: it could have been written
        // again since without its time changing, so it is read and hashed.
        let (text, r) = edited_with_its_time_put_back(set_mtime);
        assert_eq!((text.as_str(), r.kept, r.written), ("AAAA", 0, 1));
        // A marker also linked from elsewhere is not trusted for it.
        let (text, r) = edited_with_its_time_put_back(|m, was| {
            set_mtime(m, was + Duration::from_secs(5));
            std::fs::hard_link(m, m.with_extension("copy")).unwrap();
        });
        assert_eq!((text.as_str(), r.kept, r.written), ("AAAA", 0, 1));
    }
}
