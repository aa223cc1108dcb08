//! The rankings of similar incidents kept from one export to the next
//! (`.lore/similar.bin`). A document's ranking is made again only when
//! something it is made from changed: its own features, and for each of its
//! keys the key's weight and every candidate holding it (the candidate's
//! place in the KB, id, file, title, date and factors as written, which is
//! all a result and its reasons show of it).

use super::{Features, Similarity, keys};
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

fn put_all<'a>(h: &mut Xxh3, items: impl ExactSizeIterator<Item = &'a String>) {
    h.update(&(items.len() as u64).to_le_bytes());
    for s in items {
        put(h, s.as_bytes());
    }
}

impl Memo {
    pub(super) fn open(root: &Path, s: &Similarity) -> Option<Memo> {
        let dir = crate::store::cache_file::Dir::open(root)?;
        let cands: Vec<u64> = s
            .cands
            .iter()
            .enumerate()
            .map(|(c, &i)| {
                let o = &s.kb.docs[i];
                let mut h = Xxh3::new();
                h.update(&(c as u64).to_le_bytes());
                put(&mut h, o.id.as_bytes());
                put(&mut h, o.path.as_os_str().as_encoded_bytes());
                put(&mut h, o.title.as_bytes());
                put(
                    &mut h,
                    o.sort_date()
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                        .as_bytes(),
                );
                put_all(&mut h, o.meta.factors.iter());
                h.digest()
            })
            .collect();
        let mut names = vec![""; s.postings.len()];
        for (k, &id) in &s.key_ids {
            names[id as usize] = k;
        }
        let keys = names
            .iter()
            .zip(&s.postings)
            .zip(&s.weights)
            .map(|((name, list), w)| {
                let mut h = Xxh3::new();
                put(&mut h, name.as_bytes());
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

    /// What the ranking of `d` with features `f` and key numbers `ids` is
    /// made from, as one hash.
    pub(super) fn key(&self, d: &Doc, f: &Features, ids: &[u32], n: usize) -> u64 {
        let mut h = Xxh3::new();
        h.update(&(n as u64).to_le_bytes());
        put(&mut h, d.id.as_bytes());
        put(&mut h, d.path.as_os_str().as_encoded_bytes());
        for k in keys(f) {
            put(&mut h, k.as_bytes());
        }
        for (_, w) in &f.words {
            h.update(&w.to_bits().to_le_bytes());
        }
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
        let mut body = Vec::new();
        body.extend_from_slice(&(now.len() as u32).to_le_bytes());
        for (key, top) in now.iter() {
            body.extend_from_slice(&key.to_le_bytes());
            body.extend_from_slice(&(top.len() as u32).to_le_bytes());
            for (score, c) in top {
                body.extend_from_slice(&score.to_bits().to_le_bytes());
                body.extend_from_slice(&c.to_le_bytes());
            }
        }
        if let Some(mut w) = self.dir.writer(FILE, b"")
            && w.write(&body).is_ok()
        {
            let _ = w.finish();
        }
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
