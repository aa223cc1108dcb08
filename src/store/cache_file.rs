//! lore's binary cache files in `.lore/` (the parse cache, word counts,
//! similar-incident rankings): one home for reading and writing them safely.
//!
//! - `.lore/` is opened once without following a link, and every file in it
//!   is opened and renamed relative to that handle, so a `.lore/` swapped
//!   for a link during an export is never written through, and a cache file
//!   that is a link, a FIFO or a device is never read.
//! - Every file starts with a header naming the cache, the lore build and
//!   this KB's *seed*, and ends with a checksum. The seed is made from a
//!   random file `.lore/seed` together with its inode and birth time, which
//!   no commit can reproduce: a cache file planted by a commit (a `.lore/`
//!   force-added to the repository) never matches, and is ignored like any
//!   other unreadable cache.
//!
//! Caches only save time: anything wrong with them means "not cached".

use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::Path;

const MAGIC: &[u8] = b"lore cache 1\n";
/// Larger than any cache lore writes for a KB that fits in memory.
const MAX_BYTES: u64 = 4 << 30;

/// `.lore/` of one KB, open.
pub struct Dir {
    fd: std::fs::File,
    seed: u64,
}

/// Appends a little-endian `u32` (lengths and counts), as `Reader::u32`
/// reads it.
pub fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// Appends a field as its length and bytes, as `Reader::field` reads it.
pub fn put_field(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// Appends a list of strings as a count and fields, as `Reader::strings`
/// reads it.
pub fn put_strings<'s>(out: &mut Vec<u8>, strings: impl ExactSizeIterator<Item = &'s str>) {
    put_u32(out, strings.len());
    for s in strings {
        put_field(out, s.as_bytes());
    }
}

/// A random number for a temporary file's name and a new seed.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

/// Reads the little-endian numbers and length-prefixed fields of a cache
/// file's body off its front; `None` past the end.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A field written as its length (`u32`) and bytes.
    pub fn field(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// A list written by `put_strings`, borrowed from the body; `None`
    /// when one is not UTF-8.
    pub fn strings(&mut self) -> Option<Vec<&'a str>> {
        let n = self.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(self.0.len() / 4));
        for _ in 0..n {
            out.push(std::str::from_utf8(self.field()?).ok()?);
        }
        Some(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A cache file's body as read: the file's bytes and where the body lies.
pub struct Body {
    pub bytes: Vec<u8>,
    pub range: std::ops::Range<usize>,
}

impl Body {
    pub fn get(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }
}

impl Dir {
    /// `.lore/` of the KB at `root`, made when missing; `None` when it is a
    /// link or cannot be used.
    pub fn open(root: &Path) -> Option<Dir> {
        let path = super::cache_dir(root).ok()?;
        if !path.exists() {
            std::fs::create_dir_all(&path).ok()?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        let fd = opts.open(&path).ok()?;
        let mut dir = Dir { fd, seed: 0 };
        dir.seed = dir.make_seed()?;
        Some(dir)
    }

    fn open_at(&self, name: &str, flags: libc::c_int, mode: libc::mode_t) -> Option<std::fs::File> {
        let c = CString::new(name).ok()?;
        // SAFETY: a valid directory descriptor and NUL-terminated name; the
        // descriptor returned is owned by the `File`.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                libc::c_uint::from(mode),
            )
        };
        // SAFETY: `fd` was just opened and is owned by nobody else.
        (fd >= 0).then(|| unsafe { std::fs::File::from_raw_fd(fd) })
    }

    /// A regular file of `.lore/` opened for reading, with its metadata.
    fn open_regular(&self, name: &str) -> Option<(std::fs::File, std::fs::Metadata)> {
        let f = self.open_at(name, libc::O_RDONLY | libc::O_NONBLOCK, 0)?;
        let meta = f.metadata().ok()?;
        (meta.is_file() && meta.len() <= MAX_BYTES).then_some((f, meta))
    }

    fn make_seed(&self) -> Option<u64> {
        use std::os::unix::fs::MetadataExt;
        if self.open_regular("seed").is_none() {
            let bytes: Vec<u8> = [random(), random()]
                .iter()
                .flat_map(|r| r.to_le_bytes())
                .collect();
            // Written whole and on disk under another name, then linked
            // into place (never replacing one): no reader sees it half made.
            // Readable as the KB's files are: another user of a shared
            // checkout may use the caches; whoever may write `.lore/` could
            // replace the seed anyway.
            let tmp = format!(".lore-tmp-seed-{:016x}", random());
            if let Some(mut f) =
                self.open_at(&tmp, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL, 0o644)
            {
                let written = f.write_all(&bytes).and_then(|_| f.sync_all()).is_ok();
                let (from, to) = (CString::new(tmp.as_str()).ok()?, CString::new("seed").ok()?);
                let fd = self.fd.as_raw_fd();
                // SAFETY: a valid directory descriptor and NUL-terminated names.
                unsafe {
                    if written {
                        libc::linkat(fd, from.as_ptr(), fd, to.as_ptr(), 0);
                    }
                    libc::unlinkat(fd, from.as_ptr(), 0);
                }
                let _ = self.fd.sync_all();
            }
        }
        let (f, meta) = self.open_regular("seed")?;
        let mut content = Vec::new();
        f.take(64).read_to_end(&mut content).ok()?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&content);
        // What the file system gave this very file: its device, inode and
        // (where kept) birth time. None changes when the KB is chmod-ed or
        // touched, so a journal of an interrupted change stays readable.
        for v in [meta.dev(), meta.ino()] {
            h.update(&v.to_le_bytes());
        }
        if let Ok(born) = meta.created()
            && let Ok(d) = born.duration_since(std::time::UNIX_EPOCH)
        {
            h.update(&d.as_nanos().to_le_bytes());
        }
        Some(h.digest())
    }

    fn header(&self, name: &str, head: &[u8], build: bool) -> Vec<u8> {
        let mut h = MAGIC.to_vec();
        put_field(&mut h, name.as_bytes());
        put_field(
            &mut h,
            if build {
                env!("LORE_BUILD_ID").as_bytes()
            } else {
                b""
            },
        );
        h.extend_from_slice(&self.seed.to_le_bytes());
        put_field(&mut h, head);
        h
    }

    /// The body of the cache file `name` when this build wrote it for this
    /// KB with the same `head` (what else it depends on) and it is whole.
    pub fn read(&self, name: &str, head: &[u8]) -> Option<Body> {
        self.read_sealed(name, head, true)
    }

    /// `read` of a file written by any lore build for this KB (the journal
    /// of an interrupted change, which another build must still finish).
    pub fn read_any_build(&self, name: &str, head: &[u8]) -> Option<Body> {
        self.read_sealed(name, head, false)
    }

    fn read_sealed(&self, name: &str, head: &[u8], build: bool) -> Option<Body> {
        let (mut f, meta) = self.open_regular(name)?;
        // The header first: a large file of someone else's is not read.
        let header = self.header(name, head, build);
        let start = header.len();
        let mut bytes = vec![0; start];
        f.read_exact(&mut bytes).ok()?;
        if bytes != header {
            return None;
        }
        bytes.reserve((meta.len() as usize).saturating_sub(start));
        f.take(MAX_BYTES).read_to_end(&mut bytes).ok()?;
        let end = bytes.len().checked_sub(8)?;
        let body = bytes.get(start..end)?;
        if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != bytes[end..] {
            return None;
        }
        Some(Body {
            bytes,
            range: start..end,
        })
    }

    /// Removes `name` from `.lore/`.
    pub fn remove(&self, name: &str) -> std::io::Result<()> {
        let c = CString::new(name).map_err(std::io::Error::other)?;
        // SAFETY: a valid directory descriptor and NUL-terminated name.
        match unsafe { libc::unlinkat(self.fd.as_raw_fd(), c.as_ptr(), 0) } {
            0 => Ok(()),
            _ => Err(std::io::Error::last_os_error()),
        }
    }

    /// A new version of the cache file `name`, in place once `finish`ed.
    pub fn writer(&self, name: &str, head: &[u8]) -> Option<Writer<'_>> {
        self.writer_sealed(name, head, true)
    }

    /// Writes the cache file `name` whole (only saves time, so failing is
    /// silent).
    pub fn save(&self, name: &str, head: &[u8], body: &[u8]) {
        if let Some(mut w) = self.writer(name, head)
            && w.write(body).is_ok()
        {
            let _ = w.finish();
        }
    }

    /// A writer for `read_any_build`.
    pub fn writer_any_build(&self, name: &str, head: &[u8]) -> Option<Writer<'_>> {
        self.writer_sealed(name, head, false)
    }

    fn writer_sealed(&self, name: &str, head: &[u8], build: bool) -> Option<Writer<'_>> {
        let tmp = format!(".lore-tmp-{name}-{:016x}", random());
        let f = self.open_at(&tmp, libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL, 0o644)?;
        let mut w = Writer {
            dir: self,
            name: name.to_string(),
            tmp,
            out: None,
            sum: xxhash_rust::xxh3::Xxh3::new(),
        };
        // Locked while written: the sweep of leftovers leaves it alone (and
        // a `Writer` dropped unfinished removes it).
        f.lock().ok()?;
        w.out = Some(std::io::BufWriter::new(f));
        let header = self.header(name, head, build);
        w.out.as_mut()?.write_all(&header).ok()?;
        Some(w)
    }
}

/// A cache file being written (removed unless `finish`ed).
pub struct Writer<'a> {
    dir: &'a Dir,
    name: String,
    tmp: String,
    out: Option<std::io::BufWriter<std::fs::File>>,
    sum: xxhash_rust::xxh3::Xxh3,
}

impl Writer<'_> {
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.sum.update(bytes);
        match self.out.as_mut() {
            Some(o) => o.write_all(bytes),
            None => Err(std::io::Error::other("finished")),
        }
    }

    /// Adds the checksum and renames the file into place in the same
    /// `.lore/`. Not flushed to disk: a torn file fails its checksum.
    pub fn finish(self) -> std::io::Result<()> {
        self.finish_with(false)
    }

    /// `finish`, with the file on disk before it is renamed and the rename
    /// on disk before this returns (the journal of a change).
    pub fn finish_durable(self) -> std::io::Result<()> {
        self.finish_with(true)
    }

    fn finish_with(mut self, durable: bool) -> std::io::Result<()> {
        let mut out = self
            .out
            .take()
            .ok_or_else(|| std::io::Error::other("finished"))?;
        out.write_all(&self.sum.digest().to_le_bytes())?;
        out.flush()?;
        if durable {
            out.get_ref().sync_all()?;
        }
        drop(out);
        let (from, to) = (
            CString::new(self.tmp.as_str()).map_err(std::io::Error::other)?,
            CString::new(self.name.as_str()).map_err(std::io::Error::other)?,
        );
        let fd = self.dir.fd.as_raw_fd();
        // SAFETY: a valid directory descriptor and NUL-terminated names.
        let r = unsafe { libc::renameat(fd, from.as_ptr(), fd, to.as_ptr()) };
        if r != 0 {
            return Err(std::io::Error::last_os_error());
        }
        self.tmp.clear();
        if durable {
            self.dir.fd.sync_all()?;
        }
        Ok(())
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if !self.tmp.is_empty()
            && let Ok(c) = CString::new(self.tmp.as_str())
        {
            // SAFETY: as in `finish`.
            unsafe { libc::unlinkat(self.dir.fd.as_raw_fd(), c.as_ptr(), 0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_reads_back_only_whole_from_this_kb_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = Dir::open(dir.path()).unwrap();
        let mut w = d.writer("t.bin", b"utc").unwrap();
        w.write(b"hello ").unwrap();
        w.write(b"world").unwrap();
        w.finish().unwrap();
        let lore = dir.path().join(".lore");
        assert_eq!(d.read("t.bin", b"utc").unwrap().get(), b"hello world");
        assert!(d.read("t.bin", b"tokyo").is_none(), "another head");
        // Another process of the same KB reads it; nothing is left behind.
        assert_eq!(
            Dir::open(dir.path())
                .unwrap()
                .read("t.bin", b"utc")
                .unwrap()
                .get(),
            b"hello world"
        );
        let names: Vec<String> = std::fs::read_dir(&lore)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".lore-tmp-")),
            "{names:?}"
        );
        // A chmod of the KB (a new change time) keeps the seed.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(lore.join("seed"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
        assert!(
            Dir::open(dir.path())
                .unwrap()
                .read("t.bin", b"utc")
                .is_some()
        );
        // A flipped byte, a link, a FIFO: not read.
        let file = lore.join("t.bin");
        let mut bytes = std::fs::read(&file).unwrap();
        let n = bytes.len();
        bytes[n - 10] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(d.read("t.bin", b"utc").is_none());
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
        assert!(d.read("t.bin", b"utc").is_none());
        std::fs::remove_file(&file).unwrap();
        let c = CString::new(file.to_str().unwrap()).unwrap();
        // SAFETY: a valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(d.read("t.bin", b"utc").is_none());
        // The same files copied to another KB (as a commit would bring
        // them): another seed, so not read.
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir(other.path().join(".lore")).unwrap();
        std::fs::copy(lore.join("seed"), other.path().join(".lore/seed")).unwrap();
        let mut w = d.writer("u.bin", b"").unwrap();
        w.write(b"x").unwrap();
        w.finish().unwrap();
        std::fs::copy(lore.join("u.bin"), other.path().join(".lore/u.bin")).unwrap();
        assert!(
            Dir::open(other.path())
                .unwrap()
                .read("u.bin", b"")
                .is_none()
        );
    }

    #[test]
    fn a_lore_folder_swapped_for_a_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let d = Dir::open(dir.path()).unwrap();
        let lore = dir.path().join(".lore");
        std::fs::rename(&lore, dir.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(outside.path(), &lore).unwrap();
        let mut w = d.writer("t.bin", b"").unwrap();
        w.write(b"x").unwrap();
        w.finish().unwrap();
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(dir.path().join("moved/t.bin").exists());
        assert!(Dir::open(dir.path()).is_none(), "a linked .lore is refused");
    }
}
