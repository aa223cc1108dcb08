//! Each document's terms for the browser search index, and the cache that
//! keeps them from one export to the next (`.lore/search-terms.bin`).
//!
//! A document's terms are the English stems of its title, id, labels and
//! summary with their weight class, and of its best body words by tf-idf,
//! plus the words that stem to something else. They are made from the
//! texts the document gives and the body words chosen, so that is the key
//! they are kept by: a document is tokenised and stemmed again only when
//! one of those changed (the choice of body words is made each time, as it
//! depends on every other document). Every string is numbered once, so the
//! postings are gathered by number rather than by string.

use super::model::{Site, Taxonomy, doc_terms};
use super::search_index::{BODY, BODY_TERMS, LABEL, SUMMARY, TITLE, tokens};
use crate::store::cache_file::{Dir, Reader, put_field, put_strings, put_u32};
use crate::words::{Strings, Table};
use rayon::prelude::*;
use std::collections::HashMap;
use xxhash_rust::xxh3::{Xxh3, Xxh3Builder};

const FILE: &str = "search-terms.bin";

/// Every term with its postings (ascending document numbers with the
/// class of the term in each), and every word that stems differently with
/// its stem; neither in any order.
pub(super) struct Terms {
    pub postings: Vec<(String, Vec<(usize, u8)>)>,
    pub forms: Vec<(String, String)>,
    /// Documents whose terms were made now (the others were kept).
    #[cfg_attr(not(test), allow(dead_code))]
    pub made: usize,
}

/// A document's stems with their class, and its words that stem
/// differently with their stems, as strings.
type Made = (Vec<(String, u8)>, Vec<(String, String)>);

/// `Made` by string number.
type Numbered = (Vec<(u32, u8)>, Vec<(u32, u32)>);

/// A document's terms as made now, or as numbers of the cache's strings.
enum Got {
    Made(Made),
    Kept(Numbered),
}

/// The strings and entries of the cache as read.
struct Old<'a> {
    strings: Vec<&'a str>,
    entries: HashMap<u64, &'a [u8], Xxh3Builder>,
}

/// The terms of every document of `site`, whose body words are counted in
/// `vocab` (`counts` by document, `df` by word); kept in the KB's cache
/// when `cached`.
pub(super) fn terms(
    site: &Site,
    cached: bool,
    vocab: &Table,
    counts: &[Vec<(u32, u32)>],
    df: &[u32],
) -> Terms {
    let kb = site.kb;
    let n = site.docs.len();
    let dir = cached.then(|| Dir::open(&kb.root)).flatten();
    let body = dir.as_ref().and_then(|d| d.read(FILE, b""));
    let old = body
        .as_ref()
        .and_then(|b| read(b.get()))
        .unwrap_or_else(|| Old {
            strings: Vec::new(),
            entries: HashMap::default(),
        });
    let mut table = Strings::default();
    // By the cache's string number: its number now.
    let mut renumber = vec![u32::MAX; old.strings.len()];
    let mut postings: Vec<Vec<(usize, u8)>> = Vec::new();
    let mut stem_of: Vec<u32> = Vec::new();
    // The next cache's entries, each key once, encoded as they come.
    let (mut entries, mut keys) = (Vec::new(), std::collections::HashSet::new());
    let (mut made, mut kept) = (0usize, 0usize);
    // A few hundred documents at a time: the terms of the whole KB as
    // strings would add their size to the peak memory.
    let docs: Vec<usize> = (0..n).collect();
    for chunk in docs.chunks(512) {
        let got: Vec<(u64, Got)> = chunk
            .par_iter()
            .map(|&i| {
                let d = site.docs[i];
                let pieces = pieces(site, d, &site.summaries[i]);
                let words = body_words(vocab, &counts[i], df, n);
                let key = key(&pieces, &words);
                let got = old
                    .entries
                    .get(&key)
                    .and_then(|e| decode(e, old.strings.len()))
                    .unwrap_or_else(|| Got::Made(make(&pieces, &words)));
                (key, got)
            })
            .collect();
        for (&i, (key, got)) in chunk.iter().zip(got) {
            let (terms, forms): Numbered = match got {
                Got::Made((t, f)) => {
                    made += 1;
                    (
                        t.iter().map(|(s, c)| (table.number(s), *c)).collect(),
                        f.iter()
                            .map(|(w, s)| (table.number(w), table.number(s)))
                            .collect(),
                    )
                }
                Got::Kept((t, f)) => {
                    kept += 1;
                    let mut again = |id: u32| {
                        let slot = &mut renumber[id as usize];
                        if *slot == u32::MAX {
                            *slot = table.number(old.strings[id as usize]);
                        }
                        *slot
                    };
                    (
                        t.into_iter().map(|(s, c)| (again(s), c)).collect(),
                        f.into_iter().map(|(w, s)| (again(w), again(s))).collect(),
                    )
                }
            };
            postings.resize(table.len(), Vec::new());
            stem_of.resize(table.len(), u32::MAX);
            for &(t, c) in &terms {
                postings[t as usize].push((i, c));
            }
            for &(w, s) in &forms {
                stem_of[w as usize] = s;
            }
            if keys.insert(key) {
                entries.extend_from_slice(&key.to_le_bytes());
                encode(&mut entries, &terms, &forms);
            }
        }
    }
    let unused = old.entries.len() > kept;
    drop(old);
    drop(body);
    if let Some(dir) = dir
        && (made > 0 || unused)
    {
        let mut body = Vec::with_capacity(entries.len() + 16 * table.len());
        put_strings(&mut body, table.iter());
        put_u32(&mut body, keys.len());
        body.extend_from_slice(&entries);
        dir.save(FILE, b"", &body);
    }
    drop((entries, keys));
    if std::env::var_os("LORE_PHASES").is_some() {
        eprintln!("search: terms of {made} of {n} documents made again");
    }
    let mut out = Terms {
        postings: Vec::new(),
        forms: Vec::new(),
        made,
    };
    for (id, (p, s)) in (0..).zip(postings.into_iter().zip(stem_of)) {
        if s != u32::MAX {
            out.forms
                .push((table.get(id).to_string(), table.get(s).to_string()));
        }
        if !p.is_empty() {
            out.postings.push((table.get(id).to_string(), p));
        }
    }
    out
}

/// The texts a document's terms are made from besides its body words, in
/// order, with their class.
fn pieces<'a>(site: &Site, d: &'a crate::doc::Doc, summary: &'a str) -> Vec<(Text<'a>, u8)> {
    let kb = site.kb;
    let mut out: Vec<(Text<'a>, u8)> = vec![
        (Text::Borrowed(&d.title), TITLE),
        (Text::Borrowed(&d.id), TITLE),
    ];
    for tax in Taxonomy::ALL {
        for k in doc_terms(kb, d, tax) {
            let factor = (tax == Taxonomy::Factor)
                .then(|| kb.config.factor(&k))
                .flatten()
                .map(|f| f.name.clone());
            out.push((Text::Owned(k), LABEL));
            if let Some(name) = factor {
                out.push((Text::Owned(name), LABEL));
            }
        }
    }
    out.push((Text::Borrowed(summary), SUMMARY));
    if let Some(i) = &d.meta.impact {
        out.push((Text::Borrowed(i), SUMMARY));
    }
    for a in &d.meta.authors {
        out.push((Text::Borrowed(a), SUMMARY));
    }
    out
}

type Text<'a> = std::borrow::Cow<'a, str>;

/// The body words a document is indexed by: its `BODY_TERMS` best by
/// tf-idf among the `n` documents.
fn body_words<'v>(vocab: &'v Table, tf: &[(u32, u32)], df: &[u32], n: usize) -> Vec<&'v str> {
    let nf = n as f64;
    let mut ranked: Vec<(&str, f64)> = tf
        .iter()
        .map(|&(id, c)| {
            let idf = (nf / f64::from(df[id as usize].max(1))).ln() + 1.0;
            (vocab.word(id), (1.0 + f64::from(c).ln()) * idf)
        })
        .collect();
    crate::words::keep_best(&mut ranked, BODY_TERMS, |a, b| {
        b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0))
    });
    let mut words: Vec<&str> = ranked.into_iter().map(|(w, _)| w).collect();
    // The terms are a set: the order the words were ranked in is not part
    // of what they are made from.
    words.sort_unstable();
    words
}

/// What a document's terms are made from, as one hash.
fn key(pieces: &[(Text, u8)], words: &[&str]) -> u64 {
    let mut buf = Vec::with_capacity(1024);
    for (t, class) in pieces {
        buf.push(*class);
        put_field(&mut buf, t.as_bytes());
    }
    buf.push(u8::MAX);
    for w in words {
        put_field(&mut buf, w.as_bytes());
    }
    let mut h = Xxh3::new();
    h.update(&buf);
    h.digest()
}

/// A document's terms made from its texts and body words: each stem with
/// the highest class it has, and the words that stem differently.
fn make(pieces: &[(Text, u8)], words: &[&str]) -> Made {
    let mut terms: HashMap<String, u8, Xxh3Builder> = HashMap::default();
    let mut forms: HashMap<String, String, Xxh3Builder> = HashMap::default();
    let mut put = |t: String, class: u8, terms: &mut HashMap<String, u8, Xxh3Builder>| {
        let stem = crate::index::stem::stem_word(&t);
        let e = terms.entry(stem.clone()).or_insert(class);
        *e = (*e).max(class);
        if stem != t {
            forms.insert(t, stem);
        }
    };
    for (text, class) in pieces {
        for t in tokens(text) {
            put(t, *class, &mut terms);
        }
    }
    let mut body = HashMap::default();
    for w in words {
        put(w.to_string(), BODY, &mut body);
    }
    for (t, class) in body {
        terms.entry(t).or_insert(class);
    }
    (terms.into_iter().collect(), forms.into_iter().collect())
}

/// One entry, as a field: its terms (string number, class) and forms
/// (word, stem).
fn encode(out: &mut Vec<u8>, terms: &[(u32, u8)], forms: &[(u32, u32)]) {
    put_u32(out, 8 + terms.len() * 5 + forms.len() * 8);
    put_u32(out, terms.len());
    for &(t, c) in terms {
        out.extend_from_slice(&t.to_le_bytes());
        out.push(c);
    }
    put_u32(out, forms.len());
    for &(w, s) in forms {
        out.extend_from_slice(&w.to_le_bytes());
        out.extend_from_slice(&s.to_le_bytes());
    }
}

/// An entry read back, every number naming one of the `strings` and every
/// class one that exists; `None` otherwise.
fn decode(e: &[u8], strings: usize) -> Option<Got> {
    let mut r = Reader(e);
    let ok = |id: u32| ((id as usize) < strings).then_some(id);
    let nt = r.u32()? as usize;
    let mut terms = Vec::with_capacity(nt.min(e.len() / 5));
    for _ in 0..nt {
        let t = ok(r.u32()?)?;
        let c = r.take(1)?[0];
        if c > TITLE {
            return None;
        }
        terms.push((t, c));
    }
    let nf = r.u32()? as usize;
    let mut forms = Vec::with_capacity(nf.min(e.len() / 8));
    for _ in 0..nf {
        forms.push((ok(r.u32()?)?, ok(r.u32()?)?));
    }
    r.is_empty().then_some(Got::Kept((terms, forms)))
}

/// The cache's strings and entries by key; `None` when the body is not a
/// whole cache.
fn read(body: &[u8]) -> Option<Old<'_>> {
    let mut r = Reader(body);
    let strings = r.strings()?;
    let count = r.u32()? as usize;
    let mut entries =
        HashMap::with_capacity_and_hasher(count.min(body.len() / 16), Xxh3Builder::new());
    for _ in 0..count {
        let key = r.u64()?;
        entries.insert(key, r.field()?);
    }
    r.is_empty().then_some(Old { strings, entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::doc::{Doc, ParseContext};
    use crate::kb::Kb;
    use std::path::Path;

    fn kb(root: &Path, c_body: &str) -> Kb {
        let a = "Replicas failed over twice; failover lag grew.";
        let b = "The certificate renewal job stopped; certificates expired.";
        let docs = [
            ("a", "Replica failover stalled", "dns, storage", a),
            ("b", "Certificates expired", "tls", b),
            ("c", "Search nodes", "capacity", c_body),
        ]
        .iter()
        .map(|(id, title, factors, body)| {
            let text = format!(
                "---\nid: {id}\ntitle: {title}\ndate: 2024-01-01\nstatus: published\nfactors: [{factors}]\nauthors: [Ann Lee]\n---\n\n## Summary\n\n{body}\n"
            );
            Doc::parse(&text, Path::new(&format!("postmortems/{id}.md")), &ParseContext::default())
        })
        .collect();
        Kb::from_docs(root.to_path_buf(), Config::default(), docs, Vec::new())
    }

    type Sorted = (Vec<(String, Vec<(usize, u8)>)>, Vec<(String, String)>);

    fn run(kb: &Kb, cached: bool) -> (Sorted, usize) {
        let site = Site::new(kb, true);
        let mut vocab = crate::words::table(None, "t", &site.docs, |d| {
            super::super::search_index::body_counts(&d.body)
        });
        let df = vocab.df();
        let counts = std::mem::take(&mut vocab.docs);
        let mut t = terms(&site, cached, &vocab, &counts, &df);
        t.postings.sort();
        t.forms.sort();
        ((t.postings, t.forms), t.made)
    }

    #[test]
    fn kept_terms_are_the_terms_and_only_a_changed_document_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let one = kb(dir.path(), "Disk full on the search nodes.");
        let (fresh, made) = run(&one, false);
        assert_eq!(made, 3);
        assert!(fresh.0.iter().any(|(t, _)| t == "failov"), "{:?}", fresh.0);
        assert!(
            fresh
                .1
                .iter()
                .any(|(w, s)| w == "replicas" && s == "replica")
        );
        let (first, made) = run(&one, true);
        assert_eq!((&first, made), (&fresh, 3));
        let (again, made) = run(&one, true);
        assert_eq!((&again, made), (&fresh, 0), "every document kept");
        // One body changed: it is made again, and the terms are a fresh run's.
        let two = kb(
            dir.path(),
            "Disk full on the search nodes; failover of the index.",
        );
        let (changed, made) = run(&two, true);
        assert_eq!(changed, run(&two, false).0);
        assert_eq!(made, 1);
        assert!(changed.0.iter().any(|(t, p)| t == "failov" && p.len() == 2));
    }

    #[test]
    fn a_damaged_cache_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let one = kb(dir.path(), "Disk full.");
        let fresh = run(&one, false).0;
        run(&one, true);
        assert!(
            decode(&[1, 0, 0, 0, 9, 0, 0, 0, 0], 3).is_none(),
            "number past the strings"
        );
        assert!(
            decode(&[1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0], 3).is_none(),
            "no such class"
        );
        assert!(read(&[5, 0, 0, 0]).is_none(), "cut short");
        let (back, _) = run(&one, true);
        assert_eq!(back, fresh);
    }
}
