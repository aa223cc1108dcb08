//! The rule that keeps lore inside its knowledge base: a path is used only
//! when it resolves (symbolic links followed) to a place under the KB root.
//! A link that points outside is never followed; `scan` reports it once
//! (`symlink-outside`). Every read and write of a KB path goes through here.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The KB root, resolved, to check other paths against.
#[derive(Debug, Clone)]
pub struct Bounds {
    canon: PathBuf,
}

/// Where a path leads when it leaves the KB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// The resolved target (or what the link says, when it does not resolve).
    pub target: PathBuf,
}

impl Outside {
    /// The `lint`-style message for a link that leaves the KB.
    pub fn message(&self) -> String {
        format!(
            "symbolic link to {}, outside the knowledge base; not followed",
            self.target.display()
        )
    }
}

impl Bounds {
    /// The root resolved once per thread and root: every document read
    /// checks against it, so it must not cost a `realpath` each time.
    pub fn new(root: &Path) -> Bounds {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(PathBuf, PathBuf)>> =
                const { std::cell::RefCell::new(None) };
        }
        let canon = LAST.with(|last| {
            let mut last = last.borrow_mut();
            match last.as_ref() {
                Some((r, c)) if r == root => c.clone(),
                _ => {
                    let c = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
                    *last = Some((root.to_path_buf(), c.clone()));
                    c
                }
            }
        });
        Bounds { canon }
    }

    /// The resolved root.
    pub fn root(&self) -> &Path {
        &self.canon
    }

    /// Resolves `abs` through any links; `Ok(None)` when it does not exist,
    /// `Err` when it exists (or dangles) somewhere outside the root.
    pub fn resolve(&self, abs: &Path) -> std::result::Result<Option<PathBuf>, Outside> {
        match std::fs::canonicalize(abs) {
            Ok(c) if c.starts_with(&self.canon) => Ok(Some(c)),
            Ok(c) => Err(Outside { target: c }),
            Err(_) => match std::fs::read_link(abs) {
                // A dangling link: judged by where it says it goes.
                Ok(t) => {
                    let t = abs.parent().map_or(t.clone(), |p| p.join(&t));
                    if lexically_inside(&t, &self.canon) {
                        Ok(None)
                    } else {
                        Err(Outside { target: t })
                    }
                }
                Err(_) => Ok(None),
            },
        }
    }

    /// Checks that writing `abs` (which may not exist yet) stays inside the
    /// root: its nearest existing ancestor resolves inside, and the file
    /// itself, when it exists, is not a link.
    pub fn check_write(&self, abs: &Path) -> Result<()> {
        let refuse = |why: String| Error::Invalid(format!("{}: {why}", abs.display()));
        if let Ok(meta) = std::fs::symlink_metadata(abs)
            && meta.file_type().is_symlink()
        {
            return Err(refuse(
                "is a symbolic link; lore writes only plain files inside the knowledge base".into(),
            ));
        }
        let mut dir = abs.parent();
        while let Some(d) = dir {
            match std::fs::canonicalize(d) {
                Ok(c) if c.starts_with(&self.canon) => return Ok(()),
                Ok(c) => {
                    return Err(refuse(format!(
                        "resolves to {}, outside the knowledge base; refusing to write",
                        c.display()
                    )));
                }
                Err(_) => dir = d.parent(),
            }
        }
        Err(refuse("is not inside the knowledge base".into()))
    }
}

/// Whether `p` stays under `root` by its components alone (`..` applied).
fn lexically_inside(p: &Path, root: &Path) -> bool {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out.starts_with(root)
}

/// One folder entry as the KB walk sees it.
pub enum Entry {
    /// A folder (or a link to one inside the KB), by its resolved path.
    Dir(PathBuf),
    /// A file (or a link to one inside the KB), resolved, with its metadata.
    File(PathBuf, std::fs::Metadata),
    /// A link out of the KB.
    Outside(Outside),
    /// Anything else (sockets, dangling links, unreadable entries).
    Other,
}

/// Classifies a directory entry without ever following a link outside.
pub fn classify(bounds: &Bounds, entry: &std::fs::DirEntry) -> Entry {
    let Ok(ty) = entry.file_type() else {
        return Entry::Other;
    };
    let path = entry.path();
    if ty.is_symlink() {
        return match bounds.resolve(&path) {
            Err(o) => Entry::Outside(o),
            Ok(None) => Entry::Other,
            Ok(Some(canon)) => match std::fs::metadata(&canon) {
                Ok(m) if m.is_dir() => Entry::Dir(canon),
                Ok(m) if m.is_file() => Entry::File(canon, m),
                _ => Entry::Other,
            },
        };
    }
    if ty.is_dir() {
        // Not a link, so it lies inside its parent: no canonicalize needed
        // beyond joining (the parent was resolved).
        return Entry::Dir(path);
    }
    if ty.is_file() {
        return match entry.metadata() {
            Ok(m) => Entry::File(path, m),
            Err(_) => Entry::Other,
        };
    }
    Entry::Other
}

/// Whether a KB-relative path names something below the root by its
/// words alone: not absolute, no `..`.
pub fn stays_below(rel: &Path) -> bool {
    !rel.is_absolute()
        && !rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
}

/// A KB-relative path as an absolute one that stays inside the root, for
/// reading: `..` and absolute paths are refused, and so is any path that
/// resolves outside through a link.
pub fn inside(root: &Path, rel: &Path) -> std::result::Result<PathBuf, String> {
    if !stays_below(rel) {
        return Err("refusing a path outside the knowledge base".into());
    }
    let abs = root.join(rel);
    match Bounds::new(root).resolve(&abs) {
        Err(o) => Err(o.message()),
        Ok(_) => Ok(abs),
    }
}

/// Opens a KB file for reading, confined: `inside` first, then the file
/// actually opened is checked to lie inside the root (Linux: the path the
/// kernel gives for the open descriptor), so a folder swapped for a link
/// between the check and the open is caught. Opened without blocking (a
/// FIFO swapped in is not waited on); only a regular file is returned,
/// with its metadata from the same descriptor.
pub fn open_inside(
    root: &Path,
    rel: &Path,
) -> std::result::Result<(std::fs::File, std::fs::Metadata), (&'static str, String)> {
    let abs = inside(root, rel).map_err(|m| ("symlink-outside", m))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let unreadable = |e: std::io::Error| ("unreadable", format!("cannot read: {e}"));
    let f = opts.open(&abs).map_err(unreadable)?;
    let meta = f.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(("unreadable", "not a regular file".into()));
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // Without /proc (some sandboxes) the path check above stands alone.
        if let Ok(real) = std::fs::read_link(format!("/proc/self/fd/{}", f.as_raw_fd()))
            && !real.starts_with(Bounds::new(root).root())
        {
            return Err((
                "symlink-outside",
                format!(
                    "resolves to {}, outside the knowledge base; not read",
                    real.display()
                ),
            ));
        }
    }
    Ok((f, meta))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_out_of_the_root_are_outside_and_links_inside_are_resolved() {
        let out = tempfile::tempdir().unwrap();
        let kb = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("secret"), "x").unwrap();
        std::fs::create_dir(kb.path().join("pm")).unwrap();
        std::fs::write(kb.path().join("pm/a.md"), "a").unwrap();
        symlink(out.path().join("secret"), kb.path().join("pm/s.md")).unwrap();
        symlink(kb.path().join("pm/a.md"), kb.path().join("pm/b.md")).unwrap();
        symlink("../../nowhere", kb.path().join("pm/dangling.md")).unwrap();
        let b = Bounds::new(kb.path());
        assert!(b.resolve(&kb.path().join("pm/s.md")).is_err());
        assert!(b.resolve(&kb.path().join("pm/dangling.md")).is_err());
        let a = b.resolve(&kb.path().join("pm/b.md")).unwrap().unwrap();
        assert!(a.ends_with("pm/a.md"));
        assert!(inside(kb.path(), Path::new("pm/s.md")).is_err());
        assert!(inside(kb.path(), Path::new("../x")).is_err());
        assert!(inside(kb.path(), Path::new("pm/a.md")).is_ok());
    }

    #[test]
    fn writes_through_a_linked_folder_or_onto_a_link_are_refused() {
        let out = tempfile::tempdir().unwrap();
        let kb = tempfile::tempdir().unwrap();
        symlink(out.path(), kb.path().join("pm")).unwrap();
        std::fs::write(kb.path().join("f.md"), "").unwrap();
        symlink(kb.path().join("f.md"), kb.path().join("l.md")).unwrap();
        let b = Bounds::new(kb.path());
        assert!(b.check_write(&kb.path().join("pm/new.md")).is_err());
        assert!(b.check_write(&kb.path().join("pm/deep/new.md")).is_err());
        assert!(b.check_write(&kb.path().join("l.md")).is_err());
        assert!(b.check_write(&kb.path().join("new/x.md")).is_ok());
        assert!(b.check_write(&kb.path().join("f.md")).is_ok());
    }
}
