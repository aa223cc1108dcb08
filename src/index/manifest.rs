//! The index's manifest: for every source file its size, modification time and
//! content hash, plus the folders holding them, so `lore search` can tell in a
//! few milliseconds whether anything changed since the last update.

use super::schema::SCHEMA_VERSION;
use crate::config::Config;
use crate::store::{self, RACY_NS};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const FILE: &str = "lore-manifest.txt";

/// A file's size and mtime (ns) as last seen.
pub type Stamp = (u64, i128);

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub stamp: Stamp,
    pub hash: u64,
    /// Whether the file is in the index (unreadable files are remembered but not).
    pub indexed: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Manifest {
    /// Settings that change how files are found and parsed.
    pub config: u64,
    /// When this manifest was written (ns); files with whole-second mtimes this
    /// close to it are re-hashed next time, since a coarse mtime may hide a
    /// second edit.
    pub written: i128,
    /// When every file was last compared (ns); see `SWEEP_NS`.
    pub checked: i128,
    /// Documents indexed and files that could not be read, so a quick check
    /// need not parse the file list.
    pub counts: (usize, usize),
    /// Every folder documents are found in, with its mtime (`None`: missing).
    pub dirs: Vec<(PathBuf, Option<i128>)>,
    /// Empty when parsed with `files: false`.
    pub files: HashMap<PathBuf, Entry>,
}

/// How long a quick check (folder mtimes only) is trusted before every file
/// is compared again: an edit written in place, which leaves its folder's
/// mtime alone, is seen by a search within this time (and by `lore index` at
/// once).
pub const SWEEP_NS: i128 = 300 * 1_000_000_000;

/// What a staleness check found.
#[derive(Debug, Default)]
pub struct Changes {
    /// A folder changed: files may have been added or removed.
    pub rescan: bool,
    /// Known files whose size or mtime changed (or that are gone).
    pub touched: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.rescan && self.touched.is_empty()
    }
}

/// The settings a manifest depends on: where documents live and the zone of
/// bare timeline times.
pub fn config_fingerprint(cfg: &Config) -> u64 {
    let s = format!(
        "{SCHEMA_VERSION}\n{}\n{}\n{}",
        cfg.paths.postmortems, cfg.paths.runbooks, cfg.timezone
    );
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

fn escape(p: &Path) -> String {
    p.to_string_lossy()
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
}

fn unescape(s: &str) -> PathBuf {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    PathBuf::from(out)
}

impl Manifest {
    /// Serializes as lines: a compact text format that parses in about a
    /// millisecond for 10,000 files.
    pub fn to_text(&self) -> String {
        let unreadable = self.files.values().filter(|e| !e.indexed).count();
        let mut s = format!(
            "lore-index {SCHEMA_VERSION}\nconfig {:016x}\nwritten {}\nchecked {}\ncount {} {}\n",
            self.config,
            self.written,
            self.checked,
            self.files.len() - unreadable,
            unreadable
        );
        for (d, m) in &self.dirs {
            let m = m.map_or_else(|| "-".to_string(), |m| m.to_string());
            s.push_str(&format!("d {m} {}\n", escape(d)));
        }
        let mut files: Vec<_> = self.files.iter().collect();
        files.sort_by(|a, b| a.0.cmp(b.0));
        for (p, e) in files {
            s.push_str(&format!(
                "f {} {} {:016x} {} {}\n",
                e.stamp.0,
                e.stamp.1,
                e.hash,
                u8::from(e.indexed),
                escape(p)
            ));
        }
        s
    }

    /// Parses `to_text` output; `None` for anything else (another schema
    /// version included), which makes the caller rebuild.
    #[cfg(test)]
    pub fn parse(text: &str) -> Option<Manifest> {
        Manifest::parse_with(text, true)
    }

    /// As `parse`; without `files` it stops at the file list, which is all a
    /// quick check needs.
    pub fn parse_with(text: &str, files: bool) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != format!("lore-index {SCHEMA_VERSION}") {
            return None;
        }
        let config = u64::from_str_radix(lines.next()?.strip_prefix("config ")?, 16).ok()?;
        let written = lines.next()?.strip_prefix("written ")?.parse().ok()?;
        let checked = lines.next()?.strip_prefix("checked ")?.parse().ok()?;
        let (n, u) = lines.next()?.strip_prefix("count ")?.split_once(' ')?;
        let mut m = Manifest {
            config,
            written,
            checked,
            counts: (n.parse().ok()?, u.parse().ok()?),
            ..Manifest::default()
        };
        for line in lines {
            if let Some(rest) = line.strip_prefix("d ") {
                let (mtime, path) = rest.split_once(' ')?;
                let mtime = if mtime == "-" {
                    None
                } else {
                    Some(mtime.parse().ok()?)
                };
                m.dirs.push((unescape(path), mtime));
            } else if !files && line.starts_with("f ") {
                break;
            } else if let Some(rest) = line.strip_prefix("f ") {
                let mut it = rest.splitn(5, ' ');
                let size = it.next()?.parse().ok()?;
                let mtime = it.next()?.parse().ok()?;
                let hash = u64::from_str_radix(it.next()?, 16).ok()?;
                let indexed = it.next()? == "1";
                let path = unescape(it.next()?);
                m.files.insert(
                    path,
                    Entry {
                        stamp: (size, mtime),
                        hash,
                        indexed,
                    },
                );
            } else {
                return None;
            }
        }
        Some(m)
    }

    /// Compares the manifest with the file system: lists every known folder
    /// (in parallel), stamping its documents relative to the open folder.
    /// Never reads a file. A new or vanished file or folder asks for a rescan.
    pub fn changes(&self, root: &Path) -> Changes {
        let listings: Vec<(&PathBuf, bool, Option<store::DirListing>)> = self
            .dirs
            .par_iter()
            .map(|(d, m)| (d, m.is_some(), store::list_dir(root, d)))
            .collect();
        let known: std::collections::HashSet<&Path> =
            self.dirs.iter().map(|(d, _)| d.as_path()).collect();
        let racy = self.written - RACY_NS;
        let mut rescan = false;
        let mut seen = 0;
        let mut touched = Vec::new();
        for (dir, existed, listing) in listings {
            let Some(listing) = listing else {
                rescan |= existed;
                continue;
            };
            rescan |= !existed;
            rescan |= listing
                .dirs
                .iter()
                .any(|sub| !known.contains(dir.join(sub).as_path()));
            for (name, stamp) in listing.files {
                let rel = dir.join(&name);
                let Some(e) = self.files.get(&rel) else {
                    rescan = true;
                    continue;
                };
                seen += 1;
                // Whole-second mtimes come from a coarse file system, where a
                // second edit in the same second keeps size and mtime.
                let coarse = e.stamp.1 % 1_000_000_000 == 0;
                if stamp != e.stamp || (coarse && e.stamp.1 >= racy) {
                    touched.push(rel);
                }
            }
        }
        // Each known file is listed by exactly one folder: fewer means some
        // were deleted.
        rescan |= seen != self.files.len();
        Changes { rescan, touched }
    }

    /// Files that were found but could not be read as documents.
    pub fn unreadable(&self) -> usize {
        self.counts.1
    }

    /// Documents in the index.
    pub fn documents(&self) -> usize {
        self.counts.0
    }

    /// Recomputes `counts` from the file list.
    pub fn recount(&mut self) {
        let unreadable = self.files.values().filter(|e| !e.indexed).count();
        self.counts = (self.files.len() - unreadable, unreadable);
    }

    /// Takes the current mtime of every known folder.
    pub fn restamp_dirs(&mut self, root: &Path) {
        for (d, m) in &mut self.dirs {
            *m = store::stamp(root, d).map(|s| s.1);
        }
    }

    /// Whether a folder's mtime changed: a file was added, removed or saved
    /// by rename (as lore, git and most editors do). One `stat` per folder.
    pub fn folders_changed(&self, root: &Path) -> bool {
        let racy = self.written - RACY_NS;
        self.dirs.iter().any(|(d, m)| {
            let now = store::stamp(root, d).map(|s| s.1);
            now != *m || m.is_some_and(|m| m % 1_000_000_000 == 0 && m >= racy)
        })
    }
}

/// The folders to watch: the configured top folders (even when missing, so
/// creating one is noticed) and every folder below them.
pub fn watched_dirs(root: &Path, cfg: &Config) -> Vec<(PathBuf, Option<i128>)> {
    let mut dirs: Vec<PathBuf> = vec![
        PathBuf::from(&cfg.paths.postmortems),
        PathBuf::from(&cfg.paths.runbooks),
    ];
    for d in store::scan_dirs(root, cfg) {
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    dirs.dedup();
    dirs.into_iter()
        .map(|d| {
            let m = store::stamp(root, &d).map(|s| s.1);
            (d, m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_through_text_including_odd_paths() {
        let mut m = Manifest {
            config: 0xabc,
            written: 1_700_000_000_000_000_000,
            checked: 1_600_000_000_000_000_000,
            counts: (0, 0),
            dirs: vec![
                (PathBuf::from("postmortems"), Some(12)),
                (PathBuf::from("runbooks"), None),
            ],
            files: HashMap::new(),
        };
        m.files.insert(
            PathBuf::from("postmortems/a b\\c\nd.md"),
            Entry {
                stamp: (5120, 1_699_999_999_123_456_789),
                hash: u64::MAX,
                indexed: true,
            },
        );
        m.files.insert(
            PathBuf::from("postmortems/bin.md"),
            Entry {
                stamp: (3, -5),
                hash: 0,
                indexed: false,
            },
        );
        m.recount();
        let back = Manifest::parse(&m.to_text()).unwrap();
        assert_eq!(back, m);
        assert_eq!((back.documents(), back.unreadable()), (1, 1));
        let head = Manifest::parse_with(&m.to_text(), false).unwrap();
        assert!(head.files.is_empty());
        assert_eq!((head.counts, head.dirs), (m.counts, m.dirs));
    }

    #[test]
    fn another_version_or_garbage_is_not_a_manifest() {
        assert_eq!(Manifest::parse("lore-index 1\nconfig 0\nwritten 0\n"), None);
        assert_eq!(Manifest::parse("\u{0}\u{1}garbage"), None);
        assert_eq!(Manifest::parse(""), None);
    }
}
