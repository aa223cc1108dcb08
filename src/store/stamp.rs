//! What a file's metadata says about whether it was written since it was
//! last read, and the one window within which a write may hide under an
//! unchanged time (a file system with coarse times): the search index's
//! manifest and `Kb::reload` both go by it.

use super::SourceFile;
use std::path::Path;

/// Within this many nanoseconds of a file's last write, a second write may
/// leave its size and times as they were: git's "racy" rule.
pub const RACY_NS: i128 = 2_000_000_000;

/// A file as the file system last saw it written: size, modification and
/// change times (ns) and inode. Only a write, a rename or a metadata change
/// gives another one, so a document read at one stamp need not be read again
/// at the same stamp, once that stamp is settled (see `settled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    size: u64,
    mtime: i128,
    ctime: i128,
    ino: u64,
    /// The file system's device: two mounts may reuse an inode number.
    dev: u64,
}

impl FileStamp {
    /// Bytes of `to_bytes`.
    pub const BYTES: usize = 56;

    /// The stamp as bytes, for a cache file (`parsed`).
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut b = [0; Self::BYTES];
        b[..8].copy_from_slice(&self.size.to_le_bytes());
        b[8..24].copy_from_slice(&self.mtime.to_le_bytes());
        b[24..40].copy_from_slice(&self.ctime.to_le_bytes());
        b[40..48].copy_from_slice(&self.ino.to_le_bytes());
        b[48..].copy_from_slice(&self.dev.to_le_bytes());
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<FileStamp> {
        Some(FileStamp {
            size: u64::from_le_bytes(b.get(..8)?.try_into().ok()?),
            mtime: i128::from_le_bytes(b.get(8..24)?.try_into().ok()?),
            ctime: i128::from_le_bytes(b.get(24..40)?.try_into().ok()?),
            ino: u64::from_le_bytes(b.get(40..48)?.try_into().ok()?),
            dev: u64::from_le_bytes(b.get(48..56)?.try_into().ok()?),
        })
    }

    /// Whether the file was last written long enough before `now` that a
    /// file system with coarse times could not have hidden a second write
    /// under the same stamp (git's "racy" rule).
    pub fn settled(&self, now: std::time::SystemTime) -> bool {
        let now = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        self.mtime.max(self.ctime) < now - RACY_NS
    }
}

/// The stamp of a document file: of the file itself when it is a regular
/// file, else of what its link reaches, through the same confinement as
/// reading it. (A stamp is only compared with the one a document was read
/// at: whatever a folder swapped for a link since the scan reaches has
/// another inode, so it is read again, through `read_source`'s checks.)
pub fn file_stamp(root: &Path, file: &SourceFile) -> Option<FileStamp> {
    let below = super::confine::stays_below(&file.rel);
    let meta = match std::fs::symlink_metadata(root.join(&file.rel)) {
        Ok(m) if below && m.is_file() => m,
        _ => {
            let abs = super::confine::inside(root, &file.rel).ok()?;
            std::fs::metadata(abs).ok()?
        }
    };
    Some(of(&meta))
}

/// The stamp of a file with this metadata.
pub fn of(meta: &std::fs::Metadata) -> FileStamp {
    #[cfg(unix)]
    let (ctime, ino, dev) = {
        use std::os::unix::fs::MetadataExt;
        (
            i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            meta.ino(),
            meta.dev(),
        )
    };
    #[cfg(not(unix))]
    let (ctime, ino, dev) = (i128::MAX, 0, 0);
    FileStamp {
        size: meta.len(),
        mtime: super::mtime_ns(meta),
        ctime,
        ino,
        dev,
    }
}
