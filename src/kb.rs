//! The loaded knowledge base: every document in memory, looked up by id, with
//! backlinks. Built from `store`; everything above reads from here.

use crate::config::{Config, did_you_mean};
use crate::doc::{Doc, Kind};
use crate::error::{Error, Result};
use crate::store::{self, FileError};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Kb {
    pub root: PathBuf,
    pub config: Config,
    /// Every readable document: postmortems newest first, then runbooks.
    pub docs: Vec<Doc>,
    /// Files that could not be read as documents at all.
    pub file_errors: Vec<FileError>,
    by_id: HashMap<String, usize>,
    /// The settled stamp each document was read at and the kind its folder
    /// gave it, for `reload`.
    read_at: HashMap<PathBuf, (store::FileStamp, Kind)>,
    /// The kind its folder gave each document and the hash of the bytes it
    /// was parsed from (`source_key`).
    sources: HashMap<PathBuf, (Kind, u64)>,
    /// Files read and parsed by the load that made this KB (the others were
    /// kept from the one before).
    pub files_read: usize,
}

/// Short: a KB is too large to print whole.
impl std::fmt::Debug for Kb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kb")
            .field("root", &self.root)
            .field("docs", &self.docs.len())
            .finish_non_exhaustive()
    }
}

impl Kb {
    /// Loads the KB at `root`: reads `lore.toml` and parses every document in
    /// parallel. Only a broken `lore.toml` is an error; bad documents are kept
    /// with their problems, unreadable files and links out of the KB (also
    /// those in `templates/` and `site/`) land in `file_errors`.
    pub fn load(root: &Path) -> Result<Kb> {
        Kb::load_at(root, Before::Nothing, false, std::time::SystemTime::now())
    }

    /// `load` for a process that follows the KB: each document's stamp is
    /// kept for `reload`.
    pub fn load_to_follow(root: &Path) -> Result<Kb> {
        Kb::load_at(root, Before::Nothing, true, std::time::SystemTime::now())
    }

    /// `load_to_follow` through the parse cache (`store::parsed`): only the
    /// files written since the cache was saved are parsed, and the cache is
    /// saved again when any was. For `lore export` and `lore serve`, which
    /// read every document of a large KB.
    pub fn load_cached(root: &Path) -> Result<Kb> {
        Kb::load_at(root, Before::Cache, true, std::time::SystemTime::now())
    }

    /// Loads the KB again, keeping the documents whose files have the same
    /// settled stamp as when they were read (and the same kind and time
    /// zone): only what changed is read and parsed. For a process that
    /// follows a KB (`lore serve`).
    pub fn reload(self) -> Result<Kb> {
        let root = self.root.clone();
        Kb::load_at(
            &root,
            Before::Kb(Box::new(self)),
            true,
            std::time::SystemTime::now(),
        )
    }

    /// Loads the KB reusing what `prev` read, keeping stamps when `follow`,
    /// as if it were `now` (tests: a file just written is not settled until
    /// two seconds later).
    fn load_at(root: &Path, prev: Before, follow: bool, now: std::time::SystemTime) -> Result<Kb> {
        let mut config = Config::load(root)?;
        let (files, mut file_errors) = store::scan(root, &config);
        // SLOs may also live in OpenSLO files; lore.toml wins on an id.
        let (openslo, slo_errors) = crate::slo::openslo(root);
        file_errors.extend(slo_errors);
        for (slo, path) in openslo {
            if config.slo(&slo.id).is_some() {
                file_errors.push(store::FileError {
                    path,
                    line: None,
                    code: "bad-openslo",
                    message: format!("SLO `{}` is also in lore.toml, which wins", slo.id),
                });
            } else {
                config.slos.push(slo);
            }
        }
        file_errors.extend(store::outside_links(root));
        // The documents read before, by path, while parsing is the same.
        let cached = matches!(prev, Before::Cache);
        let mut raw = store::parsed::Raw::default();
        let mut before: store::parsed::Cached = match prev {
            Before::Kb(p) if store::parsed::inputs(&p.config) == store::parsed::inputs(&config) => {
                let (mut stamps, sources) = (p.read_at, p.sources);
                p.docs
                    .into_iter()
                    .filter_map(|d| {
                        let &(_, source) = sources.get(&d.path)?;
                        Some((d.path.clone(), (stamps.remove(&d.path)?, d, source)))
                    })
                    .collect()
            }
            Before::Cache => {
                let (docs, r) = store::parsed::read(root, &config);
                raw = r;
                docs
            }
            _ => HashMap::new(),
        };
        let stamps: Vec<Option<store::FileStamp>> = match follow {
            true => files
                .par_iter()
                .map(|f| store::file_stamp(root, f))
                .collect(),
            false => vec![None; files.len()],
        };
        let mut docs = Vec::with_capacity(files.len());
        let mut read_at = HashMap::new();
        let mut sources = HashMap::with_capacity(files.len());
        let mut to_read = Vec::new();
        for (f, st) in files.iter().zip(stamps) {
            let kept = st.and_then(|st| {
                let (was, _, _) = before.get(&f.rel)?;
                (*was == (st, f.kind)).then(|| before.remove(&f.rel))?
            });
            match kept {
                Some((was, d, source)) => {
                    read_at.insert(f.rel.clone(), was);
                    sources.insert(f.rel.clone(), (f.kind, source));
                    docs.push(d);
                }
                None => to_read.push((f, st)),
            }
        }
        // Cached documents whose file was not read again: removed or moved.
        let reading: std::collections::HashSet<&Path> =
            to_read.iter().map(|(f, _)| f.rel.as_path()).collect();
        let gone = before
            .keys()
            .filter(|p| !reading.contains(p.as_path()))
            .count();
        drop(reading);
        drop(before);
        let results: Vec<_> = to_read
            .par_iter()
            .map(|(f, st)| {
                let read = store::read_stamped(root, f).map(|(bytes, at)| {
                    let source = xxhash_rust::xxh3::xxh3_64(&bytes);
                    (store::parse_source(&bytes, f, &config), source, at)
                });
                (read, *st, f.kind)
            })
            .collect();
        let mut settled = 0;
        for (r, st, kind) in results {
            match r {
                Ok((d, source, at)) => {
                    sources.insert(d.path.clone(), (kind, source));
                    // A stamp taken before reading and still settled: a
                    // write after it gives another stamp. It must be the
                    // stamp of the file the bytes came from: a folder
                    // swapped for a link between the two reached another.
                    if let Some(st) = st.filter(|s| s.settled(now) && *s == at) {
                        read_at.insert(d.path.clone(), (st, kind));
                        settled += 1;
                    }
                    docs.push(d);
                }
                Err(e) => file_errors.push(e),
            }
        }
        let mut kb = Kb::from_docs(root.to_path_buf(), config, docs, file_errors);
        // Written again when it gains a document or loses one whose file is
        // gone; a file written a moment ago cannot be cached yet (its old
        // entry stays, and no longer matches its stamp).
        if cached && (settled > 0 || gone > 0) {
            store::parsed::write(root, &kb.config, &kb.docs, &read_at, &sources, &raw);
        }
        kb.read_at = read_at;
        kb.sources = sources;
        kb.files_read = to_read.len();
        Ok(kb)
    }

    /// Builds a KB from documents already parsed (tests, the index, imports).
    pub fn from_docs(
        root: PathBuf,
        config: Config,
        mut docs: Vec<Doc>,
        file_errors: Vec<FileError>,
    ) -> Kb {
        sort_newest_first(&mut docs);
        let docs_len = docs.len();
        let mut by_id = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            by_id.entry(d.id.clone()).or_insert(i);
        }
        // Aliases (the team's own ids) after every id, so an id always wins.
        for (i, d) in docs.iter().enumerate() {
            for a in &d.meta.aliases {
                by_id.entry(a.clone()).or_insert(i);
            }
        }
        Kb {
            root,
            config,
            docs,
            file_errors,
            files_read: docs_len,
            by_id,
            read_at: HashMap::new(),
            sources: HashMap::new(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Doc> {
        self.by_id.get(id).map(|&i| &self.docs[i])
    }

    /// Looks a document up by id, or by its path relative to the KB root;
    /// an unknown id is an error with a did-you-mean.
    pub fn find(&self, id: &str) -> Result<&Doc> {
        if let Some(d) = self.get(id) {
            return Ok(d);
        }
        let as_path = Path::new(id);
        if let Some(d) = self.docs.iter().find(|d| d.path == as_path) {
            return Ok(d);
        }
        // The team's own ids, as written or in another case.
        if let Some(d) = self
            .docs
            .iter()
            .find(|d| d.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
        {
            return Ok(d);
        }
        Err(Error::UnknownId {
            id: id.to_string(),
            suggestion: did_you_mean(id, self.docs.iter().map(|d| d.id.as_str())),
        })
    }

    /// What one of this KB's documents was parsed from, as one hash: its
    /// path, the kind its folder gives, the hash of its file's bytes and
    /// the time zone it was read in (`store::parsed::inputs`), which is all
    /// parsing reads. Two documents with the same source are the same
    /// document, so a page made from one may be kept for the other. `None`
    /// for a document this KB did not read from its file.
    pub fn source_key(&self, d: &Doc) -> Option<u64> {
        if !self.docs.as_ptr_range().contains(&std::ptr::from_ref(d)) {
            return None;
        }
        let (kind, source) = self.sources.get(&d.path)?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let path = d.path.as_os_str().as_encoded_bytes();
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path);
        h.update(&[*kind as u8]);
        h.update(&source.to_le_bytes());
        h.update(store::parsed::inputs(&self.config).as_bytes());
        Some(h.digest())
    }

    pub fn by_kind(&self, kind: Kind) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(move |d| d.kind == kind)
    }

    /// Documents that name `id` in `related`/`runbooks` or link to its file.
    pub fn backlinks(&self, id: &str) -> Vec<&Doc> {
        let Some(target) = self.get(id) else {
            return Vec::new();
        };
        self.docs
            .iter()
            .filter(|d| d.id != id)
            .filter(|d| {
                d.meta.related.iter().any(|r| r == id)
                    || d.meta.runbooks.iter().any(|r| r == id)
                    || d.links.iter().any(|l| l.resolved == target.path)
            })
            .collect()
    }

    /// The document a relative `.md` path points at, if any.
    pub fn by_path(&self, rel: &Path) -> Option<&Doc> {
        self.docs.iter().find(|d| d.path == rel)
    }
}

/// What a load may take documents from instead of parsing their files.
enum Before {
    Nothing,
    /// The KB loaded before, by the same process.
    Kb(Box<Kb>),
    /// The parse cache.
    Cache,
}

/// Postmortems before runbooks; newest first by incident date (runbooks by
/// review date), then by id, then by file.
pub fn sort_newest_first(docs: &mut [Doc]) {
    docs.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.sort_date().cmp(&a.sort_date()))
            .then_with(|| a.id.cmp(&b.id))
            // Two documents may share an id: the file decides, so a reload
            // orders them as a fresh load does.
            .then_with(|| a.path.cmp(&b.path))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    /// A KB folder with a `lore.toml` and an empty `postmortems/`.
    fn new_kb() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("postmortems")).unwrap();
        std::fs::write(dir.path().join("lore.toml"), "name = \"t\"\n").unwrap();
        dir
    }

    fn write(dir: &Path, name: &str, title: &str) {
        std::fs::write(
            dir.join("postmortems").join(name),
            format!("---\ntitle: {title}\ndate: 2026-01-02\n---\n\n## Summary\n\nText.\n"),
        )
        .unwrap();
    }

    #[test]
    fn a_reload_reads_only_the_files_written_since() {
        let dir = new_kb();
        let root = dir.path();
        for (n, t) in [("a.md", "A"), ("b.md", "B"), ("c.md", "C")] {
            write(root, n, t);
        }
        let later = |s| SystemTime::now() + Duration::from_secs(s);
        let kb = Kb::load_at(root, Before::Nothing, true, later(10)).unwrap();
        assert_eq!((kb.docs.len(), kb.files_read), (3, 3));
        // Nothing written: nothing read.
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(20)).unwrap();
        assert_eq!((kb.docs.len(), kb.files_read), (3, 0));
        // One changed (same size), one added, one removed.
        write(root, "a.md", "Z");
        write(root, "d.md", "D");
        std::fs::remove_file(root.join("postmortems/c.md")).unwrap();
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(30)).unwrap();
        assert_eq!(kb.files_read, 2);
        let mut titles: Vec<&str> = kb.docs.iter().map(|d| d.title.as_str()).collect();
        titles.sort();
        assert_eq!(titles, ["B", "D", "Z"]);
        // A file written just now is read again next time: a coarse clock
        // could hide a second write under the same stamp.
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(40)).unwrap();
        assert_eq!(kb.files_read, 0);
        write(root, "b.md", "Y");
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, SystemTime::now()).unwrap();
        assert_eq!(kb.files_read, 1);
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(50)).unwrap();
        assert_eq!(kb.files_read, 1, "not settled when it was read");
        // A reload orders documents as a fresh load does, also two that
        // share an id and a date (the file decides).
        std::fs::write(
            root.join("postmortems/e.md"),
            "---\nid: same\ntitle: E\ndate: 2026-01-02\n---\n",
        )
        .unwrap();
        std::fs::write(
            root.join("postmortems/f.md"),
            "---\nid: same\ntitle: F\ndate: 2026-01-02\n---\n",
        )
        .unwrap();
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(52)).unwrap();
        // The first of the two is read again, the second kept.
        std::fs::write(
            root.join("postmortems/e.md"),
            "---\nid: same\ntitle: E2\ndate: 2026-01-02\n---\n",
        )
        .unwrap();
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(53)).unwrap();
        let order = |kb: &Kb| -> Vec<(PathBuf, String)> {
            kb.docs
                .iter()
                .map(|d| (d.path.clone(), d.title.clone()))
                .collect()
        };
        assert_eq!(order(&kb), order(&Kb::load(root).unwrap()));
        assert_eq!(kb.get("same").map(|d| d.title.as_str()), Some("E2"));
        for f in ["e.md", "f.md"] {
            std::fs::remove_file(root.join("postmortems").join(f)).unwrap();
        }
        // A KB loaded without following keeps no stamps.
        let kb = Kb::load(root).unwrap();
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(55)).unwrap();
        assert_eq!(kb.files_read, 3);
        // Another time zone parses every timeline again.
        std::fs::write(
            root.join("lore.toml"),
            "name = \"t\"\ntimezone = \"Europe/Paris\"\n",
        )
        .unwrap();
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(60)).unwrap();
        assert_eq!(kb.files_read, 3);
    }

    #[test]
    fn the_parse_cache_gives_what_parsing_gives_and_parses_only_what_changed() {
        let dir = new_kb();
        let root = dir.path();
        for (n, t) in [("a.md", "A"), ("b.md", "B")] {
            write(root, n, t);
        }
        let later = |s| SystemTime::now() + Duration::from_secs(s);
        let all = |kb: &Kb| format!("{:?}", kb.docs);
        let kb = Kb::load_at(root, Before::Cache, true, later(10)).unwrap();
        assert_eq!(kb.files_read, 2);
        // Another process: everything from the cache, as parsed.
        let kb = Kb::load_at(root, Before::Cache, true, later(20)).unwrap();
        assert_eq!(kb.files_read, 0);
        assert_eq!(all(&kb), all(&Kb::load(root).unwrap()));
        write(root, "b.md", "Changed");
        write(root, "c.md", "C");
        let kb = Kb::load_at(root, Before::Cache, true, later(30)).unwrap();
        assert_eq!(kb.files_read, 2);
        assert_eq!(all(&kb), all(&Kb::load(root).unwrap()));
        std::fs::remove_file(root.join("postmortems/a.md")).unwrap();
        let kb = Kb::load_at(root, Before::Cache, true, later(40)).unwrap();
        assert_eq!((kb.docs.len(), kb.files_read), (2, 0));
        assert_eq!(all(&kb), all(&Kb::load(root).unwrap()));
        // Another time zone: every file is parsed again.
        std::fs::write(
            root.join("lore.toml"),
            "name = \"t\"\ntimezone = \"Asia/Tokyo\"\n",
        )
        .unwrap();
        let kb = Kb::load_at(root, Before::Cache, true, later(50)).unwrap();
        assert_eq!(kb.files_read, 2);
        // A file written a moment ago is read but cannot be cached yet: the
        // cache is not written for it, and its old entry is not taken.
        let file = root.join(".lore/parsed.bin");
        let before = std::fs::read(&file).unwrap();
        write(root, "b.md", "Now");
        let kb = Kb::load_at(root, Before::Cache, true, SystemTime::now()).unwrap();
        assert_eq!(kb.files_read, 1);
        assert!(kb.docs.iter().any(|d| d.title == "Now"));
        assert_eq!(std::fs::read(&file).unwrap(), before, "not written");
        let kb = Kb::load_at(root, Before::Cache, true, later(60)).unwrap();
        assert_eq!(kb.files_read, 1);
        assert_eq!(all(&kb), all(&Kb::load(root).unwrap()));
        assert_ne!(
            std::fs::read(&file).unwrap(),
            before,
            "written once settled"
        );
    }

    #[test]
    fn a_documents_source_key_is_its_bytes_path_kind_and_zone() {
        let dir = new_kb();
        let root = dir.path();
        write(root, "a.md", "A");
        write(root, "b.md", "A");
        let later = |s| SystemTime::now() + Duration::from_secs(s);
        let key = |kb: &Kb, f: &str| {
            let d = kb.docs.iter().find(|d| d.path.ends_with(f)).unwrap();
            kb.source_key(d)
        };
        let kb = Kb::load_at(root, Before::Cache, true, later(10)).unwrap();
        let a = key(&kb, "a.md");
        assert!(
            a.is_some() && a != key(&kb, "b.md"),
            "the path is part of it"
        );
        // From the parse cache, from the KB before, and read afresh after a
        // touch (a new stamp, the same bytes): the same key.
        let kb = Kb::load_at(root, Before::Cache, true, later(20)).unwrap();
        assert_eq!((kb.files_read, key(&kb, "a.md")), (0, a));
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(30)).unwrap();
        assert_eq!((kb.files_read, key(&kb, "a.md")), (0, a));
        write(root, "a.md", "A");
        let kb = Kb::load_at(root, Before::Kb(Box::new(kb)), true, later(40)).unwrap();
        assert_eq!((kb.files_read, key(&kb, "a.md")), (1, a));
        write(root, "a.md", "Z");
        let kb = Kb::load_at(root, Before::Cache, true, later(50)).unwrap();
        assert_ne!(key(&kb, "a.md"), a);
        // A copy of a document, or a KB made of parsed documents: no key.
        let copy = kb.docs[0].clone();
        assert_eq!(kb.source_key(&copy), None);
        let made = Kb::from_docs(
            root.to_path_buf(),
            Config::default(),
            vec![copy],
            Vec::new(),
        );
        assert_eq!(made.source_key(&made.docs[0]), None);
        // Another time zone: another key.
        let z = key(&kb, "a.md");
        std::fs::write(
            root.join("lore.toml"),
            "name = \"t\"\ntimezone = \"Asia/Tokyo\"\n",
        )
        .unwrap();
        let kb = Kb::load_at(root, Before::Cache, true, later(60)).unwrap();
        assert!(key(&kb, "a.md").is_some() && key(&kb, "a.md") != z);
    }
}
