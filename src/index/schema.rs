//! The Tantivy schema of the search index, its analyzers (English stemming for
//! prose, exact lowercase terms for ids, tags, services and factors) and the
//! conversion of a parsed `Doc` into an index document.

use super::stem::CachedStemmer;
use crate::doc::Doc;
use crate::record::Record;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

/// Bumped whenever the schema, the analyzers or what parsing reads from a
/// document change (3: timeline tables, stated durations); an index written
/// by another version is rebuilt by itself.
pub const SCHEMA_VERSION: u32 = 3;

/// Analyzer for prose: words split on non-alphanumerics, lowercased, accents
/// folded, English-stemmed (`failovers` → `failov`).
pub const TEXT: &str = "lore_text";
/// Analyzer for names (authors): words, lowercased, not stemmed.
pub const NAME: &str = "lore_name";
/// Analyzer for exact values (ids, tags, services, factors): one lowercase term.
pub const RAW: &str = "lore_raw";

/// Title matches weigh this much more than body matches.
pub const TITLE_BOOST: f32 = 3.0;
/// Services, factors, tags, impact and trigger as prose.
pub const KEYWORDS_BOOST: f32 = 1.5;
/// An exact hit on an id, tag, service or factor.
pub const EXACT_BOOST: f32 = 2.0;

/// The fields of the schema, looked up once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub path: Field,
    pub id: Field,
    pub kind: Field,
    pub status: Field,
    pub severity: Field,
    pub services: Field,
    pub factors: Field,
    pub tags: Field,
    pub authors: Field,
    pub owners: Field,
    pub title: Field,
    pub keywords: Field,
    pub body: Field,
    pub date: Field,
    pub ttd: Field,
    pub ttm: Field,
    pub ttr: Field,
    /// The document's `Record` as JSON: list views start from this alone.
    pub record: Field,
}

fn text(analyzer: &str, positions: bool) -> TextOptions {
    let opt = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::Basic
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(opt),
    )
}

pub fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("path", STRING);
    b.add_text_field("id", text(RAW, false));
    b.add_text_field("kind", text(RAW, false));
    b.add_text_field("status", text(RAW, false));
    b.add_text_field("severity", text(RAW, false));
    b.add_text_field("services", text(RAW, false));
    b.add_text_field("factors", text(RAW, false));
    b.add_text_field("tags", text(RAW, false));
    b.add_text_field("authors", text(NAME, true));
    b.add_text_field("owners", text(RAW, false));
    b.add_text_field("title", text(TEXT, true));
    b.add_text_field("keywords", text(TEXT, true));
    b.add_text_field("body", text(TEXT, true));
    b.add_i64_field("date", INDEXED | FAST);
    b.add_i64_field("ttd", INDEXED | FAST);
    b.add_i64_field("ttm", INDEXED | FAST);
    b.add_i64_field("ttr", INDEXED | FAST);
    b.add_text_field("record", STORED);
    b.build()
}

impl Fields {
    /// Looks the fields up in an index's schema; `None` when it is not ours.
    pub fn of(schema: &Schema) -> Option<Fields> {
        let f = |name: &str| schema.get_field(name).ok();
        Some(Fields {
            path: f("path")?,
            id: f("id")?,
            kind: f("kind")?,
            status: f("status")?,
            severity: f("severity")?,
            services: f("services")?,
            factors: f("factors")?,
            tags: f("tags")?,
            authors: f("authors")?,
            owners: f("owners")?,
            title: f("title")?,
            keywords: f("keywords")?,
            body: f("body")?,
            date: f("date")?,
            ttd: f("ttd")?,
            ttm: f("ttm")?,
            ttr: f("ttr")?,
            record: f("record")?,
        })
    }
}

pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn raw_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers lore's analyzers on an index; needed after every open.
pub fn register(index: &Index) {
    let t = index.tokenizers();
    t.register(TEXT, text_analyzer());
    t.register(NAME, name_analyzer());
    t.register(RAW, raw_analyzer());
}

/// The analyzed tokens of `s` (for queries and snippets, same as indexing).
pub fn tokens(analyzer: &mut TextAnalyzer, s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut ts = analyzer.token_stream(s);
    while ts.advance() {
        out.push(ts.token().text.clone());
    }
    out
}

/// Days since 0001-01-01, the integer form of dates in the index.
pub fn day_number(d: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.num_days_from_ce())
}

/// The index document of one parsed `Doc`.
pub fn to_document(f: &Fields, doc: &Doc) -> TantivyDocument {
    let rec = Record::from_doc(doc);
    let mut d = TantivyDocument::default();
    d.add_text(f.path, &rec.path);
    d.add_text(f.id, &rec.id);
    d.add_text(f.kind, rec.kind.as_str());
    d.add_text(f.status, rec.status.as_str());
    if let Some(s) = &rec.severity {
        d.add_text(f.severity, s);
    }
    for s in &rec.services {
        d.add_text(f.services, s);
    }
    for s in &rec.factors {
        d.add_text(f.factors, s);
    }
    for s in &rec.tags {
        d.add_text(f.tags, s);
    }
    for s in &rec.authors {
        d.add_text(f.authors, s);
    }
    for s in &rec.owners {
        d.add_text(f.owners, s.trim_start_matches('@'));
    }
    d.add_text(f.title, &rec.title);
    let mut kw: Vec<&str> = vec![rec.id.as_str()];
    kw.extend(rec.services.iter().map(String::as_str));
    kw.extend(rec.factors.iter().map(String::as_str));
    kw.extend(rec.tags.iter().map(String::as_str));
    kw.extend(doc.meta.impact.as_deref());
    kw.extend(doc.meta.trigger.as_deref());
    kw.extend(doc.meta.aliases.iter().map(String::as_str));
    kw.extend(doc.meta.source.as_deref());
    // What imported documents carry in fields of their own: a summary, the
    // company and product, keywords.
    for key in [
        "summary",
        "tldr",
        "description",
        "company",
        "product",
        "team",
        "keywords",
    ] {
        match doc.meta.extra.get(key) {
            Some(serde_json::Value::String(s)) => kw.push(s),
            Some(serde_json::Value::Array(items)) => {
                kw.extend(items.iter().filter_map(|v| v.as_str()));
            }
            _ => {}
        }
    }
    for v in kw {
        d.add_text(f.keywords, v);
    }
    d.add_text(f.body, &doc.body);
    if let Some(date) = rec.date {
        d.add_i64(f.date, day_number(date));
    }
    for (field, v) in [
        (f.ttd, rec.ttd_seconds),
        (f.ttm, rec.ttm_seconds),
        (f.ttr, rec.ttr_seconds),
    ] {
        if let Some(v) = v {
            d.add_i64(field, v);
        }
    }
    if let Ok(json) = serde_json::to_string(&rec) {
        d.add_text(f.record, json);
    }
    d
}
