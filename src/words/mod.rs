//! How often each word occurs in a text, counted by the word's hash with the
//! words kept one after another in one string: the similar-incidents pass and
//! the site's search index read every word of every document, and a string
//! per distinct word cost them more than the counting. Document frequencies
//! are counted by the same hash (`hash`).
//!
//! A `Table` holds the counts of many documents with each word numbered once,
//! and `table` keeps them in a cache file of the KB (`.lore/words-*.bin`), so
//! an export counts again only the documents whose text changed.

use std::collections::HashMap;
use xxhash_rust::xxh3::Xxh3Builder;

mod table;
pub use table::{Table, table};

/// Strings numbered once each, in order of first use, and looked up by
/// their `hash`: the words of a `Table`, the terms of the site's search
/// index.
#[derive(Default)]
pub struct Strings {
    list: Vec<Box<str>>,
    ids: HashMap<u64, u32, Xxh3Builder>,
}

impl Strings {
    /// The number of `s`, given it now if it had none.
    pub fn number(&mut self, s: &str) -> u32 {
        self.number_hashed(hash(s), s)
    }

    /// `number` of `s` whose `hash` is `h`.
    pub fn number_hashed(&mut self, h: u64, s: &str) -> u32 {
        let next = self.list.len() as u32;
        let id = *self.ids.entry(h).or_insert(next);
        if id == next {
            self.list.push(s.into());
        }
        id
    }

    pub fn get(&self, id: u32) -> &str {
        &self.list[id as usize]
    }

    /// The number of the string with this `hash`, when it has one.
    pub fn id_of(&self, h: u64) -> Option<u32> {
        self.ids.get(&h).copied()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every string, by number.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        self.list.iter().map(|s| &**s)
    }
}

/// The hash words are counted and looked up by.
pub fn hash(w: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(w.as_bytes())
}

#[derive(Default)]
pub struct WordCounts {
    /// Word hash → (count, where the word starts in `text`).
    counts: HashMap<u64, (u32, u32), Xxh3Builder>,
    text: String,
}

impl WordCounts {
    /// Counts one more `w` (words hold no space).
    pub fn add(&mut self, w: &str) {
        let text = &mut self.text;
        self.counts
            .entry(hash(w))
            .and_modify(|(c, _)| *c += 1)
            .or_insert_with(|| {
                let at = text.len() as u32;
                text.push_str(w);
                text.push(' ');
                (1, at)
            });
    }

    /// Every distinct word: its hash, count and text.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32, &str)> {
        self.counts.iter().map(|(&h, &(c, at))| {
            let rest = &self.text[at as usize..];
            (h, c, rest.split(' ').next().unwrap_or(""))
        })
    }
}

/// Leaves the `k` first of `v` by `cmp`, in that order, without sorting the
/// rest (the best words of a document out of hundreds, the best candidates
/// out of thousands).
pub fn keep_best<T>(v: &mut Vec<T>, k: usize, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if k < v.len() {
        v.select_nth_unstable_by(k, &cmp);
        v.truncate(k);
    }
    v.sort_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_word_once_with_its_text() {
        let mut c = WordCounts::default();
        for w in ["failover", "dns", "failover", "ünïcode"] {
            c.add(w);
        }
        let mut all: Vec<(u32, &str)> = c.iter().map(|(_, n, w)| (n, w)).collect();
        all.sort();
        assert_eq!(all, [(1, "dns"), (1, "ünïcode"), (2, "failover")]);
        assert!(c.iter().all(|(h, _, w)| h == hash(w)));
    }

    #[test]
    fn keeps_the_best_in_order() {
        let mut v = vec![5, 1, 9, 3, 7, 9];
        keep_best(&mut v, 3, |a, b| b.cmp(a));
        assert_eq!(v, [9, 9, 7]);
        let mut short = vec![2, 1];
        keep_best(&mut short, 5, |a, b| a.cmp(b));
        assert_eq!(short, [1, 2]);
    }
}
