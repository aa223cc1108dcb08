//! The word counts of many documents, each word numbered once, and the
//! cache file that keeps them from one export to the next: a document is
//! counted again only when its title or body changed (or lore did).

use super::{Strings, WordCounts};
use crate::doc::Doc;
use crate::store::cache_file::{Reader, put_strings, put_u32};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Each document's distinct words as (number, count), sorted by number,
/// parallel to the documents the table was made for.
pub struct Table {
    words: Strings,
    pub docs: Vec<Vec<(u32, u32)>>,
}

impl Table {
    fn empty() -> Table {
        Table {
            words: Strings::default(),
            docs: Vec::new(),
        }
    }

    /// In how many documents each word is (by number).
    pub fn df(&self) -> Vec<u32> {
        let mut df = vec![0u32; self.words.len()];
        for pairs in &self.docs {
            for &(id, _) in pairs {
                df[id as usize] += 1;
            }
        }
        df
    }

    /// How many words are numbered.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn word(&self, id: u32) -> &str {
        self.words.get(id)
    }

    /// The number of the word with this `hash`, when any document has it.
    pub fn id_of(&self, h: u64) -> Option<u32> {
        self.words.id_of(h)
    }

    /// Numbers the words of `counts` (new ones after the others).
    fn number(&mut self, counts: &WordCounts) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = counts
            .iter()
            .map(|(h, c, w)| (self.words.number_hashed(h, w), c))
            .collect();
        out.sort_unstable();
        out
    }
}

/// What a document's counts are made from: its title and body.
fn text_key(d: &Doc) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&(d.title.len() as u64).to_le_bytes());
    h.update(d.title.as_bytes());
    h.update(d.body.as_bytes());
    h.digest()
}

/// The counts of `docs` by `count`, taken from the KB's cache file `name`
/// (under `root`'s `.lore/`) for each document whose title and body are
/// those it was counted from; the file is saved again when any document
/// was counted now. Without `root`, every document is counted.
pub fn table(
    root: Option<&Path>,
    name: &str,
    docs: &[&Doc],
    count: impl Fn(&Doc) -> WordCounts + Sync,
) -> Table {
    let dir = root.and_then(crate::store::cache_file::Dir::open);
    let file = format!("words-{name}.bin");
    let body = dir.as_ref().and_then(|d| d.read(&file, b""));
    let cached = body.as_ref().and_then(|b| read(b.get()));
    let (mut t, entries) = cached.unwrap_or_else(|| (Table::empty(), HashMap::new()));
    let keys: Vec<u64> = docs.par_iter().map(|d| text_key(d)).collect();
    let found: Vec<Option<Vec<(u32, u32)>>> = keys
        .par_iter()
        .map(|k| entries.get(k).map(|e| decode_pairs(e)))
        .collect();
    let hits: std::collections::HashSet<u64> = keys
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_some())
        .map(|(k, _)| *k)
        .collect();
    let unused = entries.len() > hits.len();
    // Counted a few hundred at a time: the counts of a whole KB at once, by
    // hash and with their texts, would be most of an export's memory.
    let mut fresh = 0;
    let mut found = found.into_iter();
    for chunk in docs.chunks(512) {
        let have: Vec<Option<Vec<(u32, u32)>>> = found.by_ref().take(chunk.len()).collect();
        let counted: Vec<Option<WordCounts>> = chunk
            .par_iter()
            .zip(&have)
            .map(|(d, f)| f.is_none().then(|| count(d)))
            .collect();
        for (f, c) in have.into_iter().zip(counted) {
            let pairs = match (f, c) {
                (Some(pairs), _) => pairs,
                (None, Some(c)) => {
                    fresh += 1;
                    t.number(&c)
                }
                (None, None) => Vec::new(),
            };
            t.docs.push(pairs);
        }
    }
    drop(entries);
    drop(body);
    if let Some(d) = dir
        && (fresh > 0 || unused)
    {
        write(&d, &file, &t, &keys);
    }
    t
}

/// The table's words and each cached document's pairs (still encoded), by
/// text key; `None` when the body is not a whole table.
fn read(body: &[u8]) -> Option<(Table, HashMap<u64, &[u8]>)> {
    let mut r = Reader(body);
    let mut t = Table::empty();
    let words = r.strings()?;
    let n = words.len();
    for w in words {
        t.words.number(w);
    }
    // Each word once.
    if t.words.len() != n {
        return None;
    }
    let docs = r.u32()? as usize;
    let mut entries = HashMap::with_capacity(docs.min(body.len() / 12));
    for _ in 0..docs {
        let key = r.u64()?;
        let pairs = r.u32()? as usize;
        let e = r.take(pairs.checked_mul(8)?)?;
        // Every number must name a word, in order.
        let mut last = None;
        for p in e.chunks_exact(8) {
            let id = u32::from_le_bytes(p[..4].try_into().ok()?);
            if id as usize >= n || last.is_some_and(|l| l >= id) {
                return None;
            }
            last = Some(id);
        }
        entries.insert(key, e);
    }
    r.is_empty().then_some((t, entries))
}

fn decode_pairs(e: &[u8]) -> Vec<(u32, u32)> {
    e.chunks_exact(8)
        .map(|p| {
            (
                u32::from_le_bytes([p[0], p[1], p[2], p[3]]),
                u32::from_le_bytes([p[4], p[5], p[6], p[7]]),
            )
        })
        .collect()
}

/// Saves the words the documents use, numbered again in order of first
/// use, and each document's pairs by its text key (only saves time, so
/// failing is silent).
fn write(dir: &crate::store::cache_file::Dir, file: &str, t: &Table, keys: &[u64]) {
    let mut renumber = vec![u32::MAX; t.words.len()];
    let mut used: Vec<u32> = Vec::new();
    for pairs in &t.docs {
        for &(id, _) in pairs {
            if renumber[id as usize] == u32::MAX {
                renumber[id as usize] = used.len() as u32;
                used.push(id);
            }
        }
    }
    let mut body = Vec::new();
    put_strings(&mut body, used.iter().map(|&id| t.word(id)));
    let mut seen = std::collections::HashSet::new();
    let entries: Vec<(u64, &Vec<(u32, u32)>)> = keys
        .iter()
        .zip(&t.docs)
        .filter(|(k, _)| seen.insert(**k))
        .map(|(k, p)| (*k, p))
        .collect();
    put_u32(&mut body, entries.len());
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (key, p) in entries {
        pairs.clear();
        pairs.extend(p.iter().map(|&(id, c)| (renumber[id as usize], c)));
        pairs.sort_unstable();
        body.extend_from_slice(&key.to_le_bytes());
        put_u32(&mut body, pairs.len());
        for &(id, c) in &pairs {
            body.extend_from_slice(&id.to_le_bytes());
            body.extend_from_slice(&c.to_le_bytes());
        }
    }
    dir.save(file, b"", &body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::ParseContext;

    fn doc(title: &str, body: &str) -> Doc {
        Doc::parse(
            &format!("---\ntitle: {title}\n---\n{body}\n"),
            Path::new(&format!("postmortems/{title}.md")),
            &ParseContext::default(),
        )
    }

    fn count(d: &Doc) -> WordCounts {
        let mut c = WordCounts::default();
        for w in d.body.split_whitespace() {
            c.add(w);
        }
        c
    }

    /// The counts as words, to compare tables numbered differently.
    fn as_words(t: &Table) -> Vec<Vec<(String, u32)>> {
        t.docs
            .iter()
            .map(|p| {
                let mut v: Vec<(String, u32)> = p
                    .iter()
                    .map(|&(id, c)| (t.word(id).to_string(), c))
                    .collect();
                v.sort();
                v
            })
            .collect()
    }

    #[test]
    fn cached_counts_are_the_counts_and_only_changed_texts_are_counted_again() {
        let dir = tempfile::tempdir().unwrap();
        let a = doc("a", "dns dns failover");
        let b = doc("b", "replica lag dns");
        let fresh = table(None, "t", &[&a, &b], count);
        assert_eq!(
            as_words(&fresh),
            [
                vec![("dns".to_string(), 2), ("failover".into(), 1)],
                vec![("dns".into(), 1), ("lag".into(), 1), ("replica".into(), 1)]
            ]
        );
        let first = table(Some(dir.path()), "t", &[&a, &b], count);
        assert_eq!(as_words(&first), as_words(&fresh));
        // From the file: nothing is counted.
        let again = table(Some(dir.path()), "t", &[&a, &b], |_| panic!("counted"));
        assert_eq!(as_words(&again), as_words(&fresh));
        // One body changed: only it is counted.
        let b2 = doc("b", "replica lag lag");
        let counted = std::sync::atomic::AtomicUsize::new(0);
        let changed = table(Some(dir.path()), "t", &[&a, &b2], |d| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            count(d)
        });
        assert_eq!(counted.into_inner(), 1);
        assert_eq!(
            as_words(&changed),
            as_words(&table(None, "t", &[&a, &b2], count))
        );
        // A flipped byte: the file is not used.
        let file = dir.path().join(".lore/words-t.bin");
        let mut bytes = std::fs::read(&file).unwrap();
        let n = bytes.len();
        bytes[n - 12] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let counted = std::sync::atomic::AtomicUsize::new(0);
        table(Some(dir.path()), "t", &[&a, &b2], |d| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            count(d)
        });
        assert_eq!(counted.into_inner(), 2);
    }
}
