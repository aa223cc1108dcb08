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
    let mut buf = String::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        let n = raw.chars().count();
        if !(3..=24).contains(&n) || raw.chars().any(|c| c.is_numeric()) {
            continue;
        }
        buf.clear();
        buf.extend(raw.chars().flat_map(char::to_lowercase));
        if buf.len() > 4
            && buf.ends_with('s')
            && !buf.ends_with("ss")
            && !buf.ends_with("us")
            && !buf.ends_with("is")
        {
            buf.pop();
        }
        if STOPWORDS.contains(&buf.as_str()) {
            continue;
        }
        f(&buf);
    }
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
    df: HashMap<String, u32>,
    /// Feature key (`f:`, `s:`, `t:`, `w:` + value) → candidates holding it.
    postings: HashMap<String, Vec<u32>>,
    n_docs: f32,
}

impl<'a> Similarity<'a> {
    pub fn new(kb: &'a Kb) -> Similarity<'a> {
        let cands: Vec<usize> = (0..kb.docs.len())
            .filter(|&i| kb.docs[i].kind == Kind::Postmortem)
            .collect();
        let df = cands
            .par_iter()
            .fold(HashMap::<String, u32>::new, |mut acc, &i| {
                let mut seen: Vec<String> = Vec::new();
                for t in doc_text(&kb.docs[i]) {
                    words(t, |w| seen.push(w.to_string()));
                }
                seen.sort_unstable();
                seen.dedup();
                for w in seen {
                    *acc.entry(w).or_default() += 1;
                }
                acc
            })
            .reduce(HashMap::new, |mut a, b| {
                for (k, v) in b {
                    *a.entry(k).or_default() += v;
                }
                a
            });
        let mut s = Similarity {
            kb,
            cands,
            feats: Vec::new(),
            df,
            postings: HashMap::new(),
            n_docs: 0.0,
        };
        s.n_docs = s.cands.len().max(1) as f32;
        s.feats = s
            .cands
            .par_iter()
            .map(|&i| s.features(&s.kb.docs[i]))
            .collect();
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (ci, f) in s.feats.iter().enumerate() {
            for k in keys(f) {
                postings.entry(k).or_default().push(ci as u32);
            }
        }
        s.postings = postings;
        s
    }

    fn idf(&self, df: usize) -> f32 {
        (1.0 + self.n_docs / df.max(1) as f32).ln()
    }

    fn features(&self, d: &Doc) -> Features {
        let mut tf: HashMap<String, u32> = HashMap::new();
        for t in doc_text(d) {
            words(t, |w| {
                if let Some(c) = tf.get_mut(w) {
                    *c += 1;
                } else {
                    tf.insert(w.to_string(), 1);
                }
            });
        }
        let mut scored: Vec<(String, f32)> = tf
            .into_iter()
            .filter_map(|(w, c)| {
                let df = *self.df.get(&w).unwrap_or(&0) as usize;
                // A word in more than half of the postmortems says little.
                if df as f32 > self.n_docs * 0.5 && self.n_docs >= 10.0 {
                    return None;
                }
                let weight = (1.0 + c as f32).ln() * self.idf(df + 1);
                Some((w, weight))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(WORDS_PER_DOC);
        Features {
            factors: lower(&d.meta.factors),
            services: lower(&d.meta.services),
            tags: lower(&d.meta.tags),
            words: scored,
        }
    }

    fn weight(&self, key: &str) -> f32 {
        let df = self.postings.get(key).map_or(1, Vec::len);
        let kind = match key.as_bytes().first() {
            Some(b'f') => FACTOR_WEIGHT,
            Some(b's') => SERVICE_WEIGHT,
            Some(b't') => TAG_WEIGHT,
            _ => WORD_WEIGHT,
        };
        kind * self.idf(df)
    }

    /// Scores every candidate sharing a feature with `f` into `acc`.
    fn rank(&self, d: &Doc, f: &Features, n: usize, acc: &mut Vec<f32>) -> Vec<Similar> {
        acc.clear();
        acc.resize(self.cands.len(), 0.0);
        let mut touched: Vec<u32> = Vec::new();
        for k in keys(f) {
            let Some(list) = self.postings.get(&k) else {
                continue;
            };
            let w = self.weight(&k);
            for &c in list {
                if acc[c as usize] == 0.0 {
                    touched.push(c);
                }
                acc[c as usize] += w;
            }
        }
        let mut top: Vec<(f32, usize)> = touched
            .into_iter()
            .map(|c| (acc[c as usize], c as usize))
            .filter(|&(_, c)| {
                let o = &self.kb.docs[self.cands[c]];
                o.id != d.id && o.path.as_os_str() != d.path.as_os_str()
            })
            .collect();
        let cmp = |a: &(f32, usize), b: &(f32, usize)| {
            b.0.total_cmp(&a.0).then_with(|| {
                let (da, db) = (
                    &self.kb.docs[self.cands[a.1]],
                    &self.kb.docs[self.cands[b.1]],
                );
                db.sort_date()
                    .cmp(&da.sort_date())
                    .then_with(|| da.id.cmp(&db.id))
            })
        };
        // Only the best `n` are needed: select them, then sort those.
        if n > 0 && top.len() > n {
            top.select_nth_unstable_by(n - 1, cmp);
            top.truncate(n);
        }
        top.sort_by(cmp);
        top.truncate(n);
        top.into_iter()
            .map(|(score, c)| {
                let o = &self.kb.docs[self.cands[c]];
                Similar {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    date: o.sort_date(),
                    score,
                    reasons: reasons(f, &self.feats[c], o),
                }
            })
            .collect()
    }

    /// The `n` postmortems most similar to `doc` (which may be a draft that is
    /// not in the KB), best first.
    pub fn similar_to(&self, doc: &Doc, n: usize) -> Vec<Similar> {
        let f = self.features(doc);
        self.rank(doc, &f, n, &mut Vec::new())
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
                let owned;
                let f = match pos.get(&i) {
                    Some(&ci) => &self.feats[ci],
                    None => {
                        owned = self.features(d);
                        &owned
                    }
                };
                (d.id.clone(), self.rank(d, f, n, acc))
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
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::doc::ParseContext;
    use std::path::{Path, PathBuf};

    fn doc(id: &str, date: &str, factors: &str, services: &str, body: &str) -> Doc {
        let text = format!(
            "---\ntitle: {id}\ndate: {date}\nfactors: [{factors}]\nservices: [{services}]\n---\n{body}\n"
        );
        Doc::parse(
            &text,
            Path::new(&format!("postmortems/{id}.md")),
            &ParseContext::default(),
        )
    }

    fn kb() -> Kb {
        let docs = vec![
            doc(
                "a",
                "2024-01-01",
                "dns, config-change",
                "checkout",
                "Replica failover stalled the primary database.",
            ),
            doc(
                "b",
                "2024-02-01",
                "dns",
                "checkout",
                "Certificates expired on the edge.",
            ),
            doc(
                "c",
                "2024-03-01",
                "capacity",
                "search",
                "Replica failovers stalled during the database migration.",
            ),
            doc(
                "d",
                "2024-04-01",
                "capacity",
                "billing",
                "Nothing in common at all here.",
            ),
        ];
        Kb::from_docs(PathBuf::from("/kb"), Config::default(), docs, Vec::new())
    }

    #[test]
    fn shared_factors_services_and_words_rank_with_reasons() {
        let kb = kb();
        let a = kb.get("a").unwrap();
        let got = similar_to(&kb, a, 5);
        let ids: Vec<&str> = got.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "c"]);
        assert_eq!(got[0].reasons, vec!["factors: dns", "services: checkout"]);
        assert_eq!(
            got[1].reasons,
            vec!["words: database, failover, replica, stalled"]
        );
    }

    #[test]
    fn all_matches_one_by_one_and_never_lists_itself() {
        let kb = kb();
        let all = similar_all(&kb, 3);
        assert_eq!(all.len(), 4);
        for d in &kb.docs {
            assert_eq!(all[&d.id], similar_to(&kb, d, 3), "{}", d.id);
            assert!(all[&d.id].iter().all(|s| s.id != d.id));
        }
        assert!(
            all["d"]
                .iter()
                .any(|s| s.id == "c" && s.reasons == vec!["factors: capacity"])
        );
    }

    #[test]
    fn a_draft_outside_the_kb_finds_its_neighbours() {
        let kb = kb();
        let draft = doc(
            "draft",
            "2024-05-01",
            "",
            "",
            "The edge certificates expired again.",
        );
        let got = similar_to(&kb, &draft, 5);
        assert_eq!(got.first().map(|s| s.id.as_str()), Some("b"));
    }
}
