//! The browser search index, sized so a query loads less than Pagefind's
//! (`bench/search-bytes/`): a small manifest (`search/meta.js`: counts, shard
//! keys, filter names), the documents in chunks of ten (`search/d-N.js`: link,
//! title, metadata, summary; a page of results loads only its chunks), one
//! file per filter (`search/f-severity.js`…, loaded only when it is used), and
//! an inverted index of English stems in shards by the first two characters
//! of a term, or three where two would make a shard too large. Every file is
//! a script that hands its data to `LORE_SEARCH`, so the page works opened
//! from disk, where `fetch()` of local files is refused.

use super::Page;
use super::model::{Site, Taxonomy, doc_terms};
use super::views::clip;
use crate::doc::Kind;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use xxhash_rust::xxh3::Xxh3Builder;

/// A map by term: a million lookups per export, so a fast hash (no output
/// depends on its order).
type Fast<K, V> = HashMap<K, V, Xxh3Builder>;

/// Words too common to help; left out of the index and of queries alike.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have",
    "in", "into", "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "we", "were", "which", "while", "with", "would",
];

/// Body words kept per document, by tf-idf: enough to find a document by what
/// it is about without shipping its whole text.
pub(super) const BODY_TERMS: usize = 40;
/// Documents per chunk file: a page of 50 results loads at most 50 small
/// files, usually a few.
const DOC_CHUNK: usize = 10;
/// A two-character shard estimated larger than this is split by three.
const SHARD_BYTES: usize = 16 * 1024;

/// Weight classes of a posting, most important last.
pub(super) const BODY: u8 = 0;
pub(super) const SUMMARY: u8 = 1;
pub(super) const LABEL: u8 = 2;
pub(super) const TITLE: u8 = 3;

/// Filter values offered on `search.html`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Filters {
    pub factors: Vec<(String, String)>,
    pub services: Vec<String>,
    pub severities: Vec<String>,
}

/// Whether `w` is one of `STOP_WORDS` (every one is 1 to 5 bytes long; the
/// body pass asks this of every word).
fn is_stop_word(w: &str) -> bool {
    w.len() <= 5 && STOP_WORDS.contains(&w)
}

/// Lowercase words of letters and digits, two characters or more.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| !is_stop_word(w))
}

/// `tokens` without a string per word: each indexable body word (the rule
/// of `body_counts`) lowercased into one reused buffer.
fn each_body_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.len() < 2 || (w.is_ascii() && w.len() > 40) {
            continue;
        }
        buf.clear();
        if w.is_ascii() {
            buf.push_str(w);
            buf.make_ascii_lowercase();
        } else {
            if w.chars().count() < 2 {
                continue;
            }
            buf.extend(w.chars().flat_map(char::to_lowercase));
        }
        if buf.len() <= 40 && !buf.bytes().all(|b| b.is_ascii_digit()) && !is_stop_word(&buf) {
            f(&buf);
        }
    }
}

/// How often each indexable word occurs in a body.
pub(super) fn body_counts(body: &str) -> crate::words::WordCounts {
    let mut tf = crate::words::WordCounts::default();
    each_body_word(body, |t| tf.add(t));
    tf
}

/// The shard a term lives in: its first two characters, or three when the
/// two-character shard is split (`split`) and the term has three.
fn shard_key(term: &str, split: &std::collections::HashSet<String>) -> String {
    let two: String = term.chars().take(2).collect();
    if split.contains(&two) && term.chars().count() >= 3 {
        term.chars().take(3).collect()
    } else {
        two
    }
}

/// File-name-safe form of a shard key.
fn shard_file(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("search/t-{hex}.js")
}

/// A JSON value as a JavaScript literal that is safe inside a `<script>` file
/// (no `</script>`, no line separators that older engines reject).
fn js(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// One shard file: the postings of its stems and the words that stem
/// differently.
#[derive(Default)]
struct Shard {
    terms: BTreeMap<String, Vec<(usize, u8)>>,
    forms: BTreeMap<String, String>,
}

/// Builds every index file, with the body word counts of the KB's cache
/// (`words::table`).
pub fn build(site: &Site) -> (Vec<Page>, Filters) {
    let kb = site.kb;
    let n = site.docs.len();
    let mut tph = super::Phases::new();
    let mut vocab = crate::words::table(Some(kb.root.as_path()), "search", &site.docs, |d| {
        body_counts(&d.body)
    });
    tph.done("  words table");
    let df = vocab.df();
    let counts = std::mem::take(&mut vocab.docs);
    let found = super::search_terms::terms(site, true, &vocab, &counts, &df);
    drop((vocab, counts, df));
    tph.done("  terms of docs");
    let mut all = Shard::default();
    for (t, mut p) in found.postings {
        p.sort_unstable();
        all.terms.insert(t, p);
    }
    all.forms.extend(found.forms);
    // Two-character shards too large to load for one word are split by three.
    let mut size: Fast<String, usize> = Fast::default();
    for (t, p) in &all.terms {
        *size.entry(t.chars().take(2).collect()).or_default() += t.len() + 4 + 3 * p.len();
    }
    for (w, stem) in &all.forms {
        *size.entry(w.chars().take(2).collect()).or_default() += w.len() + stem.len() + 6;
    }
    let split: std::collections::HashSet<String> = size
        .into_iter()
        .filter(|(_, n)| *n > SHARD_BYTES)
        .map(|(k, _)| k)
        .collect();
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for (t, p) in all.terms {
        shards
            .entry(shard_key(&t, &split))
            .or_default()
            .terms
            .insert(t, p);
    }
    for (w, stem) in all.forms {
        shards
            .entry(shard_key(&w, &split))
            .or_default()
            .forms
            .insert(w, stem);
    }
    tph.done("  shards");
    let mut pages: Vec<Page> = shards
        .par_iter()
        .map(|(key, Shard { terms, forms })| {
            let encoded: BTreeMap<&str, Vec<usize>> = terms
                .iter()
                .map(|(t, postings)| {
                    let mut prev = 0;
                    let list = postings
                        .iter()
                        .map(|&(doc, class)| {
                            let delta = doc - prev;
                            prev = doc;
                            delta * 4 + usize::from(class)
                        })
                        .collect();
                    (t.as_str(), list)
                })
                .collect();
            Page {
                path: shard_file(key),
                bytes: format!(
                    "LORE_SEARCH.terms({},{},{});\n",
                    js(key),
                    js(&encoded),
                    js(forms)
                )
                .into_bytes(),
            }
        })
        .collect();

    tph.done("  shard pages");
    let filters = Filters {
        factors: site
            .terms_of(Taxonomy::Factor)
            .iter()
            .map(|t| (t.key.clone(), t.name.clone()))
            .collect(),
        services: site
            .terms_of(Taxonomy::Service)
            .iter()
            .map(|t| t.key.clone())
            .collect(),
        severities: site
            .terms_of(Taxonomy::Severity)
            .iter()
            .map(|t| t.key.clone())
            .collect(),
    };
    let fac_ix: HashMap<String, usize> = filters
        .factors
        .iter()
        .enumerate()
        .map(|(i, f)| (f.0.clone(), i))
        .collect();
    let svc_ix: HashMap<String, usize> = filters
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.to_lowercase(), i))
        .collect();
    let sev_ix: HashMap<&str, usize> = filters
        .severities
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    // Per document: what filters test, one file per filter so a query
    // loads only the fields it filters on; and what a result shows.
    let mut kinds = String::with_capacity(n);
    let mut statuses = String::with_capacity(n);
    let mut sevs = String::with_capacity(n);
    let mut days: Vec<i64> = Vec::with_capacity(n);
    let mut by_factor: Vec<Vec<usize>> = vec![Vec::new(); filters.factors.len()];
    let mut by_service: Vec<Vec<usize>> = vec![Vec::new(); filters.services.len()];
    let fields: Vec<serde_json::Value> = site
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let sev = doc_terms(kb, d, Taxonomy::Severity)
                .first()
                .and_then(|s| sev_ix.get(s.as_str()).copied());
            let facs: Vec<usize> = doc_terms(kb, d, Taxonomy::Factor)
                .iter()
                .filter_map(|f| fac_ix.get(f).copied())
                .collect();
            let svcs: Vec<usize> = doc_terms(kb, d, Taxonomy::Service)
                .iter()
                .filter_map(|s| svc_ix.get(&s.to_lowercase()).copied())
                .collect();
            let kind = match d.kind {
                Kind::Postmortem => "p",
                Kind::Runbook => "r",
            };
            let status = &d.status().as_str()[..1];
            kinds.push_str(kind);
            statuses.push_str(status);
            // Severity as one character: its index (base 36), `-` for none.
            sevs.push(
                sev.and_then(|x| char::from_digit(x as u32, 36))
                    .unwrap_or('-'),
            );
            let date = d.sort_date();
            days.push(date.map_or(-1, |x| (x - chrono::NaiveDate::default()).num_days()));
            for &f in &facs {
                by_factor[f].push(i);
            }
            for &s in &svcs {
                by_service[s].push(i);
            }
            serde_json::json!([
                date.map(|x| x.to_string()).unwrap_or_default(),
                format!("{kind}{status}"),
                sev.map_or(-1, |x| x as i64),
                // Factors are filtered through `f-factor.js` and never shown
                // in a result: 0 keeps the row's layout without their bytes.
                0,
                svcs,
                u8::from(d.meta.near_miss),
            ])
        })
        .collect();
    let deltas = |lists: Vec<Vec<usize>>| -> Vec<Vec<usize>> {
        lists
            .into_iter()
            .map(|l| {
                let mut prev = 0;
                l.into_iter()
                    .map(|x| {
                        let d = x - prev;
                        prev = x;
                        d
                    })
                    .collect()
            })
            .collect()
    };
    for (name, data) in [
        ("kind", serde_json::json!([kinds, statuses])),
        ("severity", serde_json::json!(sevs)),
        ("date", serde_json::json!(days)),
        ("factor", serde_json::json!(deltas(by_factor))),
        ("service", serde_json::json!(deltas(by_service))),
    ] {
        pages.push(Page {
            path: format!("search/f-{name}.js"),
            bytes: format!("LORE_SEARCH.field({},{});\n", js(&name), js(&data)).into_bytes(),
        });
    }
    let shard_keys: Vec<&String> = shards.keys().collect();
    let meta = serde_json::json!({
        "version": 3,
        "count": n,
        "stop": STOP_WORDS,
        "severities": filters.severities,
        "factors": filters.factors,
        "services": filters.services,
        "shards": shard_keys,
        "chunk": DOC_CHUNK,
    });
    pages.push(Page {
        path: "search/meta.js".into(),
        bytes: format!("LORE_SEARCH.meta({});\n", js(&meta)).into_bytes(),
    });
    tph.done("  fields");
    let chunks: Vec<Page> = (0..n.div_ceil(DOC_CHUNK))
        .into_par_iter()
        .map(|c| {
            let rows: Vec<serde_json::Value> = (c * DOC_CHUNK..n.min((c + 1) * DOC_CHUNK))
                .map(|i| {
                    serde_json::json!([
                        site.urls[i],
                        site.docs[i].title,
                        clip(&site.summaries[i], 240),
                        fields[i],
                    ])
                })
                .collect();
            Page {
                path: format!("search/d-{c}.js"),
                bytes: format!("LORE_SEARCH.docs({c},{});\n", js(&rows)).into_bytes(),
            }
        })
        .collect();
    pages.extend(chunks);
    tph.done("  chunks");
    (pages, filters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_word_check_knows_every_stop_word() {
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("failover") && !is_stop_word("thereafter"));
    }

    #[test]
    fn tokens_are_lowercase_words_without_stop_words() {
        let t: Vec<String> = tokens("The Replica-lag of pg-main-2 was 610 MB; x Über").collect();
        assert_eq!(t, ["replica", "lag", "pg", "main", "610", "mb", "über"]);
    }

    #[test]
    fn script_literals_cannot_close_the_script() {
        assert_eq!(js(&"</script><b>"), "\"\\u003c/script>\\u003cb>\"");
    }

    #[test]
    fn shard_files_are_plain_names() {
        assert_eq!(shard_file("re"), "search/t-7265.js");
        assert_eq!(shard_file("ü1"), "search/t-c3bc31.js");
    }
}
