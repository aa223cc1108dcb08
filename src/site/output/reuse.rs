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

    /// Hard-links the previous export's `path` to `target` when the result
    /// is what that export wrote: a regular file of `size` bytes and `hash`
    /// (`output::hash`), with a new file's mode and owner. False, with
    /// nothing left at `target`, otherwise.
    pub(super) fn link(&self, path: &str, target: &Path, hash: &str, size: u64) -> bool {
        let Some(fresh) = self.fresh else {
            return false;
        };
        // Whatever the path reaches now (through a folder swapped for a
        // link, a file linked in from elsewhere) is what gets linked, and
        // then checked below.
        if std::fs::hard_link(self.out.join(path), target).is_err() {
            return false;
        }
        // The check that counts: on the link itself, inside the staging
        // folder, through one descriptor (no link followed).
        let ok = check(target, size, fresh, hash).is_some();
        if !ok {
            let _ = std::fs::remove_file(target);
        }
        ok
    }
}

/// Whether `target` is a regular file of `size` bytes hashing to `hash`,
/// with a new file's owner and mode.
fn check(target: &Path, size: u64, fresh: (u32, u32), hash: &str) -> Option<()> {
    // Not even opened unless a regular file (a device node may act on open).
    if !std::fs::symlink_metadata(target).ok()?.is_file() {
        return None;
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
    if !(m.is_file() && m.len() == size && owner_and_mode(&m) == Some(fresh)) {
        return None;
    }
    // One buffer per thread: ten thousand kept pages are read here.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        (&mut f).take(size + 1).read_to_end(buf).ok()?;
        (buf.len() as u64 == size && super::hash(buf) == hash).then_some(())
    })
}

#[cfg(unix)]
fn owner_and_mode(m: &std::fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.uid(), m.mode() & 0o7777))
}

#[cfg(not(unix))]
fn owner_and_mode(_: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

/// The previous export's manifest, `None` when there is none. A marker that
/// is a link, a special file or too large is refused: it is not one lore
/// wrote, and following it could read another file or never end.
pub(super) fn read_marker(out: &Path) -> Result<Option<Vec<u8>>> {
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
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(refuse("a link or a special file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_MARKER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&marker, e))?;
    if bytes.len() as u64 > MAX_MARKER_BYTES {
        return Err(refuse("too large"));
    }
    Ok(Some(bytes))
}
