//! Similar incidents: for a document (or a draft), the other postmortems that
//! share its contributing factors, services, tags and distinctive words, with
//! the reasons. Computed in one pass over the KB (no search per document), so the
//! export can afford it for every page. Pure: reads only the loaded `Kb`.

use crate::doc::{Doc, Kind};
use crate::kb::Kb;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use xxhash_rust::xxh3::Xxh3Builder;

mod memo;

/// One similar postmortem and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub score: f32,
    /// E.g. `factors: config-change, dns`, `services: checkout`,
    /// `tags: database`, `words: failover, replica`.
    pub reasons: Vec<String>,
}

/// Distinctive words kept per document.
const WORDS_PER_DOC: usize = 20;
const FACTOR_WEIGHT: f32 = 3.0;
const SERVICE_WEIGHT: f32 = 2.0;
const TAG_WEIGHT: f32 = 1.5;
const WORD_WEIGHT: f32 = 1.0;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "that", "this", "with", "was", "were", "are", "but", "not", "from",
    "have", "has", "had", "been", "which", "when", "then", "than", "they", "them", "their",
    "there", "what", "who", "will", "would", "could", "should", "into", "onto", "our", "out",
    "all", "any", "can", "did", "does", "its", "also", "after", "before", "about", "over", "under",
    "while", "each", "some", "more", "most", "other", "only", "just", "very", "one", "two", "new",
    "via", "per", "due", "how", "why", "where", "because", "since", "until", "these", "those",
    "here", "such", "both", "once", "again", "off", "you", "your", "his", "her", "she", "him",
    "yes", "nor", "too", "own", "same", "being", "during", "through",
];

/// Lowercase words of `text` worth comparing: letters only, 3–24 long, not
/// stop words, plurals folded (`failovers` → `failover`).
fn words(text: &str, mut f: impl FnMut(&str)) {
    let stop = stopwords();
    let mut buf = String::new();
    // Split at ASCII punctuation and spaces (always char boundaries); letters
    // outside ASCII stay inside words.
    for raw in text
        .as_bytes()
        .split(|b| b.is_ascii() && !b.is_ascii_alphanumeric())
    {
        if !(3..=96).contains(&raw.len()) || raw.iter().any(u8::is_ascii_digit) {
            continue;
        }
        let Ok(raw) = std::str::from_utf8(raw) else {
            continue;
        };
        buf.clear();
        if raw.is_ascii() {
            if raw.len() > 24 {
                continue;
            }
            buf.push_str(raw);
            buf.make_ascii_lowercase();
        } else {
            if raw.chars().any(char::is_numeric) || raw.chars().count() > 24 {
                continue;
            }
            buf.extend(raw.chars().flat_map(char::to_lowercase));
        }
        if buf.len() > 4
            && buf.ends_with('s')
            && !buf.ends_with("ss")
            && !buf.ends_with("us")
            && !buf.ends_with("is")
        {
            buf.pop();
        }
        if stop.contains(buf.as_str()) {
            continue;
        }
        f(&buf);
    }
}

type WordSet = std::collections::HashSet<&'static str, Xxh3Builder>;

fn stopwords() -> &'static WordSet {
    static SET: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
}

/// How often each word occurs in a document.
fn term_counts(d: &Doc) -> crate::words::WordCounts {
    let mut tc = crate::words::WordCounts::default();
    for t in doc_text(d) {
        words(t, |w| tc.add(w));
    }
    tc
}

fn doc_text(d: &Doc) -> impl Iterator<Item = &str> {
    [d.title.as_str(), d.title.as_str(), d.body.as_str()].into_iter()
}

fn lower(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = v
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A document's features: shared factors, services and distinctive words.
#[derive(Debug, Clone, Default)]
struct Features {
    factors: Vec<String>,
    services: Vec<String>,
    tags: Vec<String>,
    /// (word, tf-idf weight), best first.
    words: Vec<(String, f32)>,
}

/// The KB prepared for similarity: document frequencies and every
/// postmortem's features with an inverted list per feature. Build it once and
/// ask it for many documents (the TUI's side panel, the export).
pub struct Similarity<'a> {
    kb: &'a Kb,
    /// Indices into `kb.docs` of the postmortems that can be suggested.
    cands: Vec<usize>,
    feats: Vec<Features>,
    /// Every candidate's words, numbered (their counts are dropped once the
    /// features are made), and how many candidates hold each.
    vocab: crate::words::Table,
    df: Vec<u32>,
    /// Candidate position of each postmortem, by path.
    by_path: HashMap<&'a std::path::Path, usize>,
    /// Feature key (`f:`, `s:`, `t:`, `w:` + value) → its number.
    key_ids: HashMap<String, u32, Xxh3Builder>,
    /// By key number: the candidates holding it, and its weight.
    postings: Vec<Vec<u32>>,
    weights: Vec<f32>,
    /// By candidate: the numbers of its keys.
    cand_keys: Vec<Vec<u32>>,
    n_docs: f32,
    /// The rankings of the last export, by everything they were made from.
    memo: Option<memo::Memo>,
}

impl<'a> Similarity<'a> {
    pub fn new(kb: &'a Kb) -> Similarity<'a> {
        Similarity::build(kb, None)
    }

    /// `new` with the word counts of the KB's cache (`words::table`): only
    /// the postmortems whose text changed are read word by word.
    pub fn cached(kb: &'a Kb) -> Similarity<'a> {
        Similarity::build(kb, Some(&kb.root))
    }

    fn build(kb: &'a Kb, cache: Option<&std::path::Path>) -> Similarity<'a> {
        let cands: Vec<usize> = (0..kb.docs.len())
            .filter(|&i| kb.docs[i].kind == Kind::Postmortem)
            .collect();
        let docs: Vec<&Doc> = cands.iter().map(|&i| &kb.docs[i]).collect();
        let mut vocab = crate::words::table(cache, "similar", &docs, term_counts);
        let df = vocab.df();
        let counts = std::mem::take(&mut vocab.docs);
        let by_path = cands
            .iter()
            .enumerate()
            .map(|(ci, &i)| (kb.docs[i].path.as_path(), ci))
            .collect();
        let mut s = Similarity {
            kb,
            cands,
            feats: Vec::new(),
            vocab,
            df,
            by_path,
            key_ids: HashMap::default(),
            postings: Vec::new(),
            weights: Vec::new(),
            cand_keys: Vec::new(),
            n_docs: 0.0,
            memo: None,
        };
        s.n_docs = s.cands.len().max(1) as f32;
        s.feats = s
            .cands
            .par_iter()
            .zip(&counts)
            .map(|(&i, pairs)| {
                let words = pairs
                    .iter()
                    .map(|&(id, c)| (s.vocab.word(id), c, s.df[id as usize] as usize));
                s.select(&s.kb.docs[i], words)
            })
            .collect();
        drop(counts);
        for (ci, f) in s.feats.iter().enumerate() {
            let mut ids = Vec::new();
            for k in keys(f) {
                let next = s.key_ids.len() as u32;
                let id = *s.key_ids.entry(k).or_insert(next);
                if id == next {
                    s.postings.push(Vec::new());
                }
                s.postings[id as usize].push(ci as u32);
                ids.push(id);
            }
            s.cand_keys.push(ids);
        }
        let mut weights = vec![0.0; s.postings.len()];
        for (k, &id) in &s.key_ids {
            weights[id as usize] = s.weight(k, s.postings[id as usize].len());
        }
        s.weights = weights;
        s.memo = cache.and_then(|root| memo::Memo::open(root, &s));
        s
    }

    fn max_df(&self) -> f32 {
        (self.n_docs * 0.1).max(25.0).min(self.n_docs * 0.5)
    }

    fn idf(&self, df: usize) -> f32 {
        (1.0 + self.n_docs / df.max(1) as f32).ln()
    }

    /// The features of a document outside the candidates (a runbook, a
    /// draft, an edited copy): its words counted now.
    fn features(&self, d: &Doc) -> Features {
        let tf = term_counts(d);
        let words = tf.iter().map(|(h, c, w)| {
            let df = self.vocab.id_of(h).map_or(0, |id| self.df[id as usize]);
            (w, c, df as usize)
        });
        self.select(d, words)
    }

    /// Features from a document's words with their counts and document
    /// frequencies.
    fn select<'w>(&self, d: &Doc, words: impl Iterator<Item = (&'w str, u32, usize)>) -> Features {
        let mut scored: Vec<(&str, f32)> = words
            .filter_map(|(w, c, df)| {
                // A word in many postmortems says little, and its long list
                // would cost `all` dearly: at most a tenth of a large KB
                // (a half of a small one).
                if df as f32 > self.max_df() && self.n_docs >= 10.0 {
                    return None;
                }
                let weight = (1.0 + c as f32).ln() * self.idf(df + 1);
                Some((w, weight))
            })
            .collect();
        crate::words::keep_best(&mut scored, WORDS_PER_DOC, |a, b| {
            b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0))
        });
        let scored: Vec<(String, f32)> = scored
            .into_iter()
            .map(|(w, x)| (w.to_string(), x))
            .collect();
        Features {
            factors: lower(&d.meta.factors),
            services: lower(&d.meta.services),
            tags: lower(&d.meta.tags),
            words: scored,
        }
    }

    /// The weight of a feature key held by `df` candidates.
    fn weight(&self, key: &str, df: usize) -> f32 {
        let kind = match key.as_bytes().first() {
            Some(b'f') => FACTOR_WEIGHT,
            Some(b's') => SERVICE_WEIGHT,
            Some(b't') => TAG_WEIGHT,
            _ => WORD_WEIGHT,
        };
        kind * self.idf(df)
    }

    /// Of the `n` candidates most like `d` (features `f`), the first `shown`
    /// that `show` takes, with the reasons; `ids` are the key numbers of
    /// `d`, when it is a candidate.
    fn rank(
        &self,
        d: &Doc,
        f: &Features,
        ids: Option<&[u32]>,
        (n, shown): (usize, usize),
        acc: &mut Vec<f32>,
        show: &dyn Fn(&Doc) -> bool,
    ) -> Vec<Similar> {
        let found: Vec<u32>;
        let ids = match ids {
            Some(ids) => ids,
            None => {
                found = keys(f)
                    .filter_map(|k| self.key_ids.get(&k).copied())
                    .collect();
                &found
            }
        };
        let top = match &self.memo {
            Some(m) => m.top(m.key(d, ids, n), || self.top(d, ids, n, acc)),
            None => self.top(d, ids, n, acc),
        };
        top.into_iter()
            .map(|(score, c)| (score, c, &self.kb.docs[self.cands[c as usize]]))
            .filter(|(_, _, o)| show(o))
            .take(shown)
            .map(|(score, c, o)| Similar {
                id: o.id.clone(),
                title: o.title.clone(),
                date: o.sort_date(),
                score,
                reasons: reasons(f, &self.feats[c as usize], o),
            })
            .collect()
    }

    /// Scores every candidate sharing one of the keys `ids` into `acc`: the
    /// `n` best other than `d`, with their scores.
    fn top(&self, d: &Doc, ids: &[u32], n: usize, acc: &mut Vec<f32>) -> Vec<(f32, u32)> {
        // `acc` is all zeros between calls: only touched entries are reset.
        acc.resize(self.cands.len(), 0.0);
        let mut touched: Vec<u32> = Vec::new();
        for &id in ids {
            let (list, w) = (&self.postings[id as usize], self.weights[id as usize]);
            for &c in list {
                if acc[c as usize] == 0.0 {
                    touched.push(c);
                }
                acc[c as usize] += w;
            }
        }
        let mut top: Vec<(f32, u32)> = touched.iter().map(|&c| (acc[c as usize], c)).collect();
        for &c in &touched {
            acc[c as usize] = 0.0;
        }
        // Best score first; candidates are in KB order (newest first, then
        // by id), which breaks ties. One more than asked for, in case the
        // document itself is among them.
        crate::words::keep_best(&mut top, n + 1, |a, b| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        });
        top.retain(|&(_, c)| {
            let o = &self.kb.docs[self.cands[c as usize]];
            o.id != d.id && o.path != d.path
        });
        top.truncate(n);
        top
    }

    /// Saves the rankings of this run for the next (`cached` only).
    pub fn save(&self) {
        if let Some(m) = &self.memo {
            m.save();
        }
    }

    /// The `n` postmortems most similar to `doc` (which may be a draft that is
    /// not in the KB), best first.
    pub fn similar_to(&self, doc: &Doc, n: usize) -> Vec<Similar> {
        self.similar_with(doc, n, &mut Vec::new())
    }

    /// `similar_to` with a scratch buffer kept between calls, and the
    /// features computed once for a postmortem of the KB (a draft or an
    /// edited copy gets its own).
    pub fn similar_with(&self, doc: &Doc, n: usize, acc: &mut Vec<f32>) -> Vec<Similar> {
        self.similar_shown(doc, (n, n), acc, &|_| true)
    }

    /// `similar_with` for a page that shows only some documents: of the `n`
    /// most similar, the first `shown` that `show` takes (the reasons are
    /// made for those alone).
    pub fn similar_shown(
        &self,
        doc: &Doc,
        (n, shown): (usize, usize),
        acc: &mut Vec<f32>,
        show: &dyn Fn(&Doc) -> bool,
    ) -> Vec<Similar> {
        let held = self.by_path.get(doc.path.as_path()).copied().filter(|&ci| {
            let d = &self.kb.docs[self.cands[ci]];
            std::ptr::eq(d, doc) || (d.id == doc.id && d.body == doc.body && d.meta == doc.meta)
        });
        match held {
            Some(ci) => {
                let ids = Some(&self.cand_keys[ci][..]);
                self.rank(doc, &self.feats[ci], ids, (n, shown), acc, show)
            }
            None => {
                let f = self.features(doc);
                self.rank(doc, &f, None, (n, shown), acc, show)
            }
        }
    }

    /// For every document of the KB (runbooks included), its `n` most similar
    /// postmortems; one pass, in parallel.
    pub fn all(&self, n: usize) -> HashMap<String, Vec<Similar>> {
        let pos: HashMap<usize, usize> = self
            .cands
            .iter()
            .enumerate()
            .map(|(ci, &i)| (i, ci))
            .collect();
        self.kb
            .docs
            .par_iter()
            .enumerate()
            .map_init(Vec::new, |acc, (i, d)| {
                let ranked = match pos.get(&i) {
                    Some(&ci) => {
                        let ids = Some(&self.cand_keys[ci][..]);
                        self.rank(d, &self.feats[ci], ids, (n, n), acc, &|_| true)
                    }
                    None => self.rank(d, &self.features(d), None, (n, n), acc, &|_| true),
                };
                (d.id.clone(), ranked)
            })
            .collect()
    }
}

fn keys(f: &Features) -> impl Iterator<Item = String> + '_ {
    f.factors
        .iter()
        .map(|x| format!("f:{x}"))
        .chain(f.services.iter().map(|x| format!("s:{x}")))
        .chain(f.tags.iter().map(|x| format!("t:{x}")))
        .chain(f.words.iter().map(|(w, _)| format!("w:{w}")))
}

fn reasons(a: &Features, b: &Features, other: &Doc) -> Vec<String> {
    let shared = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter().filter(|v| y.contains(v)).cloned().collect()
    };
    let mut out = Vec::new();
    let factors = shared(&a.factors, &b.factors);
    if !factors.is_empty() {
        // Name them as the other document writes them.
        let named: Vec<String> = factors
            .iter()
            .map(|f| {
                other
                    .meta
                    .factors
                    .iter()
                    .find(|o| o.trim().eq_ignore_ascii_case(f))
                    .cloned()
                    .unwrap_or_else(|| f.clone())
            })
            .collect();
        out.push(format!("factors: {}", named.join(", ")));
    }
    let services = shared(&a.services, &b.services);
    if !services.is_empty() {
        out.push(format!("services: {}", services.join(", ")));
    }
    let tags = shared(&a.tags, &b.tags);
    if !tags.is_empty() {
        out.push(format!("tags: {}", tags.join(", ")));
    }
    let words: Vec<&str> = a
        .words
        .iter()
        .filter(|(w, _)| b.words.iter().any(|(o, _)| o == w))
        .map(|(w, _)| w.as_str())
        .take(4)
        .collect();
    if !words.is_empty() {
        out.push(format!("words: {}", words.join(", ")));
    }
    out
}

/// The `n` postmortems most similar to `doc`. Builds a `Similarity` over the
/// KB; keep one yourself when asking for many documents.
pub fn similar_to(kb: &Kb, doc: &Doc, n: usize) -> Vec<Similar> {
    Similarity::new(kb).similar_to(doc, n)
}

/// Every document's `n` most similar postmortems, by id, in one pass.
pub fn similar_all(kb: &Kb, n: usize) -> HashMap<String, Vec<Similar>> {
    Similarity::new(kb).all(n)
}

#[cfg(test)]
pub(super) mod tests;
