//! The rankings of similar incidents kept from one export to the next
//! (`.lore/similar.bin`). What is kept is what `Similarity::top` computes:
//! the best candidates by number, with their scores. It is made again only
//! when something it reads changed: the document's id and file, and for
//! each of its keys, in order, the key's weight and every candidate holding
//! it (the candidate's place in the KB, id and file). Titles, dates and
//! reasons are made from the candidates as they are now.

use super::Similarity;
use crate::doc::Doc;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use xxhash_rust::xxh3::Xxh3;

const FILE: &str = "similar.bin";

/// The best candidates of one document with their scores.
type Top = Vec<(f32, u32)>;

pub(super) struct Memo {
    dir: crate::store::cache_file::Dir,
    /// By key number: the hash of everything a ranking reads of the key.
    keys: Vec<u64>,
    old: HashMap<u64, Top>,
    /// How many candidates there are (a ranking read back names no other).
    cands: usize,
    /// The rankings asked for in this run, to save.
    now: Mutex<HashMap<u64, Top>>,
    made: AtomicUsize,
}

fn put(h: &mut Xxh3, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// A document as a ranking reads it: its id and file.
fn put_doc(h: &mut Xxh3, d: &Doc) {
    put(h, d.id.as_bytes());
    put(h, d.path.as_os_str().as_encoded_bytes());
}

impl Memo {
    pub(super) fn open(root: &Path, s: &Similarity) -> Option<Memo> {
        let dir = crate::store::cache_file::Dir::open(root)?;
        let cands: Vec<u64> = s
            .cands
            .iter()
            .enumerate()
            .map(|(c, &i)| {
                let mut h = Xxh3::new();
                h.update(&(c as u64).to_le_bytes());
                put_doc(&mut h, &s.kb.docs[i]);
                h.digest()
            })
            .collect();
        let keys = s
            .postings
            .iter()
            .zip(&s.weights)
            .map(|(list, w)| {
                let mut h = Xxh3::new();
                h.update(&w.to_bits().to_le_bytes());
                for &c in list {
                    h.update(&cands[c as usize].to_le_bytes());
                }
                h.digest()
            })
            .collect();
        let old = dir
            .read(FILE, b"")
            .and_then(|b| read(b.get()))
            .unwrap_or_default();
        Some(Memo {
            dir,
            keys,
            old,
            cands: cands.len(),
            now: Mutex::new(HashMap::new()),
            made: AtomicUsize::new(0),
        })
    }

    /// What the `n` best of `d` with key numbers `ids` are made from, as
    /// one hash.
    pub(super) fn key(&self, d: &Doc, ids: &[u32], n: usize) -> u64 {
        let mut h = Xxh3::new();
        h.update(&(n as u64).to_le_bytes());
        put_doc(&mut h, d);
        h.update(&(ids.len() as u64).to_le_bytes());
        for &id in ids {
            h.update(&self.keys[id as usize].to_le_bytes());
        }
        h.digest()
    }

    /// The ranking with this `key`: last run's, or `make`'s.
    pub(super) fn top(&self, key: u64, make: impl FnOnce() -> Top) -> Top {
        let top = match self.old.get(&key) {
            Some(t) if t.iter().all(|&(_, c)| (c as usize) < self.cands) => t.clone(),
            _ => {
                self.made.fetch_add(1, Ordering::Relaxed);
                make()
            }
        };
        if let Ok(mut now) = self.now.lock() {
            now.insert(key, top.clone());
        }
        top
    }

    /// Saves the rankings asked for in this run, when any was made now or
    /// one of the last run's was not asked for. Only saves time, so failing
    /// is silent; not flushed to disk, as a torn file fails its checksum.
    pub(super) fn save(&self) {
        let Ok(now) = self.now.lock() else {
            return;
        };
        if std::env::var_os("LORE_PHASES").is_some() {
            eprintln!(
                "similar: {} of {} rankings made again",
                self.made.load(Ordering::Relaxed),
                now.len()
            );
        }
        if self.made.load(Ordering::Relaxed) == 0 && now.len() == self.old.len() {
            return;
        }
        use crate::store::cache_file::put_u32;
        let mut body = Vec::new();
        put_u32(&mut body, now.len());
        for (key, top) in now.iter() {
            body.extend_from_slice(&key.to_le_bytes());
            put_u32(&mut body, top.len());
            for (score, c) in top {
                body.extend_from_slice(&score.to_bits().to_le_bytes());
                body.extend_from_slice(&c.to_le_bytes());
            }
        }
        self.dir.save(FILE, b"", &body);
    }
}

/// The rankings of a cache file's body.
fn read(body: &[u8]) -> Option<HashMap<u64, Top>> {
    let mut r = crate::store::cache_file::Reader(body);
    let n = r.u32()? as usize;
    let mut out = HashMap::with_capacity(n.min(body.len() / 12));
    for _ in 0..n {
        let key = r.u64()?;
        let len = r.u32()? as usize;
        let mut top = Vec::with_capacity(len.min(64));
        for _ in 0..len {
            let score = f32::from_bits(r.u32()?);
            top.push((score, r.u32()?));
        }
        out.insert(key, top);
    }
    r.is_empty().then_some(out)
}
#[cfg(test)]
mod tests {
    use super::super::{Similarity, tests::doc};
    use crate::config::Config;
    use crate::kb::Kb;
    use std::sync::atomic::Ordering;

    fn kb(root: &std::path::Path, c_body: &str) -> Kb {
        let docs = vec![
            doc(
                "a",
                "2024-01-01",
                "dns",
                "checkout",
                "Replica failover stalled.",
            ),
            doc(
                "b",
                "2024-02-01",
                "dns",
                "checkout",
                "Certificates expired.",
            ),
            doc("c", "2024-03-01", "capacity", "search", c_body),
            doc(
                "d",
                "2024-04-01",
                "capacity",
                "billing",
                "Nothing in common.",
            ),
        ];
        Kb::from_docs(root.to_path_buf(), Config::default(), docs, Vec::new())
    }

    fn all(s: &Similarity, kb: &Kb) -> Vec<Vec<super::super::Similar>> {
        kb.docs.iter().map(|d| s.similar_to(d, 3)).collect()
    }

    fn made(s: &Similarity) -> usize {
        s.memo.as_ref().unwrap().made.load(Ordering::Relaxed)
    }

    #[test]
    fn kept_rankings_are_the_rankings_and_a_change_ranks_again_what_it_touches() {
        let dir = tempfile::tempdir().unwrap();
        let one = kb(dir.path(), "Replica failovers stalled again.");
        let s = Similarity::cached(&one);
        assert_eq!(all(&s, &one), all(&Similarity::new(&one), &one));
        assert_eq!(made(&s), 4);
        s.save();
        let s = Similarity::cached(&one);
        assert_eq!(all(&s, &one), all(&Similarity::new(&one), &one));
        assert_eq!(made(&s), 0, "every ranking kept");
        // `c` no longer shares words with `a`: both rankings change.
        let two = kb(dir.path(), "Disk full on the search nodes.");
        let s = Similarity::cached(&two);
        assert_eq!(all(&s, &two), all(&Similarity::new(&two), &two));
        assert!((1..4).contains(&made(&s)), "{}", made(&s));
    }
}
