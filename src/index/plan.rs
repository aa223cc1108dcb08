//! Turns a parsed query into Tantivy queries: free words over title (boosted),
//! keywords and body with English stemming plus exact ids, tags, services and
//! factors; filters as exact terms and ranges that do not change the ranking;
//! and the typo-tolerant variant used when nothing matches exactly.

use super::query::{Atom, DurationField, FilterField, Parsed, filter_value};
use super::schema::{self, EXACT_BOOST, Fields, KEYWORDS_BOOST, TITLE_BOOST};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

/// A query ready to run, and what the snippet should mark.
pub struct Plan {
    pub query: Box<dyn Query>,
    /// Free words or phrases take part: rank by relevance, else newest first.
    pub has_text: bool,
    /// Analyzed (stemmed) tokens of the positive words and phrases, each with
    /// the edits a match may be away (0 unless typo-tolerant).
    pub terms: Vec<(String, u8)>,
}

/// How far a word may be from an indexed one in the typo-tolerant search.
pub fn fuzzy_distance(token: &str) -> u8 {
    match token.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

pub struct Planner {
    pub fields: Fields,
    pub text: TextAnalyzer,
    pub name: TextAnalyzer,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// A filter matches or not; it never changes the ranking.
fn unscored(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn union(qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match qs.len() {
        0 => Box::new(EmptyQuery),
        1 => qs
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::union(qs)),
    }
}

fn i64_range(field: Field, low: Bound<i64>, high: Bound<i64>) -> Box<dyn Query> {
    let t = |v: i64| Term::from_field_i64(field, v);
    let map = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(t(v)),
        Bound::Excluded(v) => Bound::Excluded(t(v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    if matches!((low, high), (Bound::Unbounded, Bound::Unbounded)) {
        return Box::new(AllQuery);
    }
    Box::new(RangeQuery::new(map(low), map(high)))
}

impl Planner {
    /// The query of one text atom, or `None` when it holds no searchable word.
    fn text(
        &mut self,
        text: &str,
        phrase: bool,
        fuzzy: bool,
        terms: &mut Vec<(String, u8)>,
    ) -> Option<Box<dyn Query>> {
        let tokens = schema::tokens(&mut self.text, text);
        if tokens.is_empty() {
            return None;
        }
        // A typo's distance follows the word as typed, not its stem
        // (`certficate` → `certfic` is two edits from `certif`).
        let typed = schema::tokens(&mut self.name, text);
        let distance = match (fuzzy, tokens.len(), typed.first()) {
            (true, 1, Some(w)) if typed.len() == 1 => fuzzy_distance(w),
            _ => 0,
        };
        terms.extend(tokens.iter().map(|t| (t.clone(), distance)));
        let f = self.fields;
        let mut alts: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in [
            (f.title, TITLE_BOOST),
            (f.keywords, KEYWORDS_BOOST),
            (f.body, 1.0),
        ] {
            let q: Box<dyn Query> = if tokens.len() >= 2 {
                let ts = tokens
                    .iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect();
                Box::new(PhraseQuery::new(ts))
            } else {
                let tok = &tokens[0];
                if distance > 0 {
                    Box::new(FuzzyTermQuery::new(
                        Term::from_field_text(field, tok),
                        distance,
                        true,
                    ))
                } else {
                    term_query(field, tok)
                }
            };
            alts.push(boosted(q, boost));
        }
        if !phrase {
            let exact = text.trim().to_lowercase();
            for field in [f.id, f.services, f.factors, f.tags] {
                alts.push(boosted(term_query(field, &exact), EXACT_BOOST));
            }
        }
        Some(union(alts))
    }

    fn field(&mut self, field: FilterField, value: &str) -> Box<dyn Query> {
        let f = self.fields;
        let v = filter_value(field, value);
        let target = match field {
            FilterField::Id => f.id,
            FilterField::Kind => f.kind,
            FilterField::Status => f.status,
            FilterField::Severity => f.severity,
            FilterField::Service => f.services,
            FilterField::Factor => f.factors,
            FilterField::Tag => f.tags,
            FilterField::Owner => f.owners,
            FilterField::Author => {
                let tokens = schema::tokens(&mut self.name, value);
                return match tokens.len() {
                    0 => Box::new(EmptyQuery),
                    1 => term_query(f.authors, &tokens[0]),
                    _ => Box::new(PhraseQuery::new(
                        tokens
                            .iter()
                            .map(|t| Term::from_field_text(f.authors, t))
                            .collect(),
                    )),
                };
            }
        };
        term_query(target, &v)
    }

    fn atom(
        &mut self,
        a: &Atom,
        fuzzy: bool,
        terms: &mut Vec<(String, u8)>,
    ) -> Option<Box<dyn Query>> {
        let f = self.fields;
        match a {
            Atom::Text { text, phrase } => self.text(text, *phrase, fuzzy, terms),
            Atom::Field { field, value } => Some(unscored(self.field(*field, value))),
            Atom::Date { from, to } => {
                let low = from.map_or(Bound::Unbounded, |d| Bound::Included(schema::day_number(d)));
                let high = to.map_or(Bound::Unbounded, |d| Bound::Included(schema::day_number(d)));
                Some(unscored(i64_range(f.date, low, high)))
            }
            Atom::Duration { field, low, high } => {
                let target = match field {
                    DurationField::Detect => f.ttd,
                    DurationField::Mitigate => f.ttm,
                    DurationField::Resolve => f.ttr,
                };
                Some(unscored(i64_range(target, *low, *high)))
            }
        }
    }

    /// Builds the Tantivy query; `fuzzy` makes single words typo-tolerant.
    pub fn plan(&mut self, p: &Parsed, fuzzy: bool) -> Plan {
        let mut terms = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut has_text = false;
        for group in &p.groups {
            let mut alts = Vec::new();
            for a in group {
                if let Some(q) = self.atom(a, fuzzy, &mut terms) {
                    has_text |= matches!(a, Atom::Text { .. });
                    alts.push(q);
                }
            }
            if !alts.is_empty() {
                clauses.push((Occur::Must, union(alts)));
            }
        }
        for a in &p.excluded {
            let mut ignored = Vec::new();
            if let Some(q) = self.atom(a, false, &mut ignored) {
                clauses.push((Occur::MustNot, q));
            }
        }
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, unscored(Box::new(AllQuery))));
        }
        terms.sort();
        terms.dedup();
        Plan {
            query: Box::new(BooleanQuery::new(clauses)),
            has_text,
            terms,
        }
    }

    /// Whether a typo-tolerant search could find more than the exact one did.
    pub fn has_fuzzy_words(p: &Parsed) -> bool {
        p.groups
            .iter()
            .flatten()
            .any(|a| matches!(a, Atom::Text { phrase: false, .. }))
    }
}
