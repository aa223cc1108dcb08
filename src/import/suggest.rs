//! Contributing factors suggested from a document's prose, with the words
//! that matched: each taxonomy factor is scored by the words of its id, name
//! and description that the contributing-factors section (or, without one,
//! the whole body) uses, a word counting more the fewer factors share it.
//! Explainable on purpose: a reviewer sees why. Pure.

use crate::config::Config;
use crate::doc::Doc;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One suggested factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub factor: String,
    pub score: f32,
    /// The words of the prose that matched the factor.
    pub words: Vec<String>,
}

/// Sections that say why an incident happened.
fn is_cause(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    [
        "contributing factor",
        "root cause",
        "cause",
        "why it happened",
        "what went wrong",
        "analysis",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

const STOP: &[&str] = &[
    "the",
    "and",
    "for",
    "was",
    "were",
    "with",
    "that",
    "this",
    "from",
    "into",
    "not",
    "are",
    "but",
    "has",
    "had",
    "have",
    "its",
    "our",
    "their",
    "when",
    "which",
    "than",
    "then",
    "all",
    "any",
    "failure",
    "issue",
    "problem",
    "contributed",
    "one",
    "once",
    "because",
    "see",
    "back",
    "part",
    "also",
    "after",
    "before",
    "during",
    "more",
    "less",
    "some",
    "other",
    "could",
    "would",
    "should",
    "about",
    "over",
    "under",
    "out",
    "off",
    "only",
    "very",
    "did",
    "does",
    "been",
    "being",
    "they",
    "them",
    "what",
    "who",
    "how",
    "why",
    "where",
    "while",
    "way",
    "like",
    "such",
    "same",
    "each",
    "every",
    "many",
    "much",
    "most",
    "too",
    "can",
    "will",
    "time",
    "new",
    "used",
    "using",
    "use",
    "made",
    "make",
    "way",
    "not",
    "yet",
    "longer",
    "expected",
    "incident",
    "system",
    "service",
    "team",
    "people",
    "something",
];

/// Lowercased words of three letters or more, crudely stemmed (a trailing
/// `s`, `es`, `ed`, `ing` dropped) so "expired" meets "expiry".
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(|w| stem(&w.to_lowercase()))
        .filter(|w| w.len() >= 3 && !STOP.contains(&w.as_str()))
        .collect()
}

fn stem(w: &str) -> String {
    for suffix in ["ing", "ies", "ed", "es", "y", "s"] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 4
        {
            return s.to_string();
        }
    }
    w.to_string()
}

/// Up to three factors the document's prose points at, best first; factors
/// it already names are left out.
pub fn suggest(cfg: &Config, doc: &Doc) -> Vec<Suggestion> {
    let cause: String = doc
        .sections
        .iter()
        .filter(|s| s.level >= 2 && is_cause(&s.title))
        .map(|s| &doc.body[s.content.clone()])
        .collect::<Vec<_>>()
        .join("\n");
    let prose = if cause.trim().is_empty() {
        &doc.body
    } else {
        &cause
    };
    let have = words(prose);
    // A factor's id and name weigh twice its description.
    let names: Vec<HashSet<String>> = cfg
        .factors
        .iter()
        .map(|f| words(&format!("{} {}", f.id.replace('-', " "), f.name)))
        .collect();
    let per_factor: Vec<HashSet<String>> = cfg
        .factors
        .iter()
        .zip(&names)
        .map(|(f, n)| words(&f.description).union(n).cloned().collect())
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for ws in &per_factor {
        for w in ws {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<Suggestion> = cfg
        .factors
        .iter()
        .zip(per_factor.iter().zip(&names))
        .filter(|(f, _)| !doc.meta.factors.contains(&f.id))
        .filter_map(|(f, (ws, name))| {
            let mut hit: Vec<String> = ws.iter().filter(|w| have.contains(*w)).cloned().collect();
            hit.sort();
            let named = hit.iter().filter(|w| name.contains(*w)).count();
            let score: f32 = hit
                .iter()
                .map(|w| if name.contains(w) { 2.0 } else { 1.0 } / df[w.as_str()] as f32)
                .sum();
            // Evidence: a word of the factor's name, or several of its
            // description; one shared common word is none.
            (score >= 1.5 && (named > 0 || hit.len() >= 3)).then(|| Suggestion {
                factor: f.id.clone(),
                score: (score * 100.0).round() / 100.0,
                words: hit,
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.factor.cmp(&b.factor)));
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::ParseContext;

    #[test]
    fn causes_in_prose_suggest_factors_with_the_words_that_matched() {
        let cfg = Config::parse(
            crate::config::DEFAULT_CONFIG,
            std::path::Path::new("lore.toml"),
        )
        .unwrap();
        let doc = Doc::parse(
            "---\ntitle: X\ndate: 2024-01-01\n---\n## Root causes\n\n- The TLS certificate on the edge expired overnight.\n- DNS resolution inside the cluster failed.\n",
            std::path::Path::new("postmortems/x.md"),
            &ParseContext::default(),
        );
        let s = suggest(&cfg, &doc);
        let ids: Vec<&str> = s.iter().map(|s| s.factor.as_str()).collect();
        assert!(ids.contains(&"certificate-expiry"), "{s:?}");
        assert!(ids.contains(&"dns"), "{s:?}");
        let cert = s.iter().find(|s| s.factor == "certificate-expiry").unwrap();
        assert!(cert.words.contains(&"certificate".to_string()), "{cert:?}");
    }
}
