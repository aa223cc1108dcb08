//! The browser search index: a document table (`search/docs.js`), summaries in
//! chunks, and an inverted index split by the first two characters of each
//! term. Every file is a script that hands its data to `LORE_SEARCH`, so the
//! page works opened from disk, where `fetch()` of local files is refused; a
//! query loads only the shards of its words.

use super::Page;
use super::model::{Site, Taxonomy, doc_terms};
use super::views::clip;
use crate::doc::Kind;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Words too common to help; left out of the index and of queries alike.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have",
    "in", "into", "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "we", "were", "which", "while", "with", "would",
];

/// Body words kept per document, by tf-idf: enough to find a document by what
/// it is about without shipping its whole text.
const BODY_TERMS: usize = 40;
/// Summaries per chunk file.
const SUMMARY_CHUNK: usize = 500;

/// Weight classes of a posting, most important last.
const BODY: u8 = 0;
const SUMMARY: u8 = 1;
const LABEL: u8 = 2;
const TITLE: u8 = 3;

/// Filter values offered on `search.html`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Filters {
    pub factors: Vec<(String, String)>,
    pub services: Vec<String>,
    pub severities: Vec<String>,
}

/// Lowercase words of letters and digits, two characters or more.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
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
        if buf.len() <= 40
            && !buf.bytes().all(|b| b.is_ascii_digit())
            && !STOP_WORDS.contains(&buf.as_str())
        {
            f(&buf);
        }
    }
}

/// How often each indexable word occurs in a body.
fn body_counts(body: &str) -> HashMap<String, u32> {
    let mut tf: HashMap<String, u32> = HashMap::new();
    each_body_word(body, |t| match tf.get_mut(t) {
        Some(c) => *c += 1,
        None => {
            tf.insert(t.to_string(), 1);
        }
    });
    tf
}

/// The hash document frequencies are counted by (no string kept per word).
fn term_hash(t: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(t.as_bytes())
}

/// The shard a term lives in: its first two characters.
fn shard_key(term: &str) -> String {
    term.chars().take(2).collect()
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

/// A document's stems with their weight class, and its words that stem
/// differently, with their stems.
type DocTerms = (Vec<(String, u8)>, Vec<(String, String)>);

/// One shard file: the postings of its stems and the words that stem
/// differently.
#[derive(Default)]
struct Shard {
    terms: BTreeMap<String, Vec<(usize, u8)>>,
    forms: BTreeMap<String, String>,
}

/// Builds every index file.
pub fn build(site: &Site) -> (Vec<Page>, Filters) {
    let kb = site.kb;
    let n = site.docs.len();
    // Term counts of each body, in parallel; document frequency after.
    // Document frequency of body words in a first pass; the term counts of
    // each body are recounted in the second, so they never all sit in memory.
    let df: HashMap<u64, u32> = site
        .docs
        .par_iter()
        .fold(
            || (HashMap::new(), std::collections::HashSet::new()),
            |(mut acc, mut seen): (HashMap<u64, u32>, std::collections::HashSet<u64>), d| {
                seen.clear();
                each_body_word(&d.body, |t| {
                    seen.insert(term_hash(t));
                });
                for &h in &seen {
                    *acc.entry(h).or_default() += 1;
                }
                (acc, seen)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    // Each document's stems with their class, and the surface words that
    // stem differently (the browser looks a typed word up there).
    let per_doc: Vec<DocTerms> = site
        .docs
        .par_iter()
        .zip(site.summaries.par_iter())
        .map(|(d, summary)| {
            let tf = body_counts(&d.body);
            let mut terms: HashMap<String, u8> = HashMap::new();
            let mut forms: HashMap<String, String> = HashMap::new();
            let mut put = |t: String, class: u8, terms: &mut HashMap<String, u8>| {
                let stem = crate::index::stem::stem_word(&t);
                let e = terms.entry(stem.clone()).or_insert(class);
                *e = (*e).max(class);
                if stem != t {
                    forms.insert(t, stem);
                }
            };
            let mut add = |text: &str, class: u8| {
                for t in tokens(text) {
                    put(t, class, &mut terms);
                }
            };
            add(&d.title, TITLE);
            add(&d.id, TITLE);
            for tax in Taxonomy::ALL {
                for k in doc_terms(kb, d, tax) {
                    add(&k, LABEL);
                    if let Some(f) = (tax == Taxonomy::Factor)
                        .then(|| kb.config.factor(&k))
                        .flatten()
                    {
                        add(&f.name, LABEL);
                    }
                }
            }
            add(summary, SUMMARY);
            if let Some(i) = &d.meta.impact {
                add(i, SUMMARY);
            }
            for a in &d.meta.authors {
                add(a, SUMMARY);
            }
            let nf = n as f64;
            let mut ranked: Vec<(&String, f64)> = tf
                .iter()
                .map(|(t, &c)| {
                    let idf =
                        (nf / f64::from(df.get(&term_hash(t)).copied().unwrap_or(1))).ln() + 1.0;
                    (t, (1.0 + f64::from(c).ln()) * idf)
                })
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let mut body = HashMap::new();
            for (t, _) in ranked.into_iter().take(BODY_TERMS) {
                put(t.clone(), BODY, &mut body);
            }
            for (t, class) in body {
                terms.entry(t).or_insert(class);
            }
            let mut v: Vec<(String, u8)> = terms.into_iter().collect();
            v.sort();
            (v, forms.into_iter().collect())
        })
        .collect();
    // Postings per shard: stem → ascending doc numbers with their class;
    // beside them, the words of that shard that stem to something else.
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for (i, (terms, forms)) in per_doc.into_iter().enumerate() {
        for (t, class) in terms {
            shards
                .entry(shard_key(&t))
                .or_default()
                .terms
                .entry(t)
                .or_default()
                .push((i, class));
        }
        for (word, stem) in forms {
            shards
                .entry(shard_key(&word))
                .or_default()
                .forms
                .insert(word, stem);
        }
    }
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
    let rows: Vec<serde_json::Value> = site
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let sev = doc_terms(kb, d, Taxonomy::Severity)
                .first()
                .and_then(|s| sev_ix.get(s.as_str()).copied())
                .map_or(-1, |x| x as i64);
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
            serde_json::json!([
                site.urls[i],
                d.title,
                d.sort_date().map(|x| x.to_string()).unwrap_or_default(),
                format!("{kind}{}", &d.status().as_str()[..1]),
                sev,
                facs,
                svcs,
                u8::from(d.meta.near_miss),
            ])
        })
        .collect();
    let shard_keys: Vec<&String> = shards.keys().collect();
    let docs = serde_json::json!({
        "version": 2,
        "stop": STOP_WORDS,
        "severities": filters.severities,
        "factors": filters.factors,
        "services": filters.services,
        "shards": shard_keys,
        "chunk": SUMMARY_CHUNK,
        "docs": rows,
    });
    pages.push(Page {
        path: "search/docs.js".into(),
        bytes: format!("LORE_SEARCH.docs({});\n", js(&docs)).into_bytes(),
    });
    for (c, chunk) in site.summaries.chunks(SUMMARY_CHUNK).enumerate() {
        let sums: Vec<String> = chunk.iter().map(|s| clip(s, 240)).collect();
        pages.push(Page {
            path: format!("search/s-{c}.js"),
            bytes: format!("LORE_SEARCH.summaries({c},{});\n", js(&sums)).into_bytes(),
        });
    }
    (pages, filters)
}

#[cfg(test)]
mod tests {
    use super::*;

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
