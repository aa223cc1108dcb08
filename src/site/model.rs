//! What the site shows, decided once before any page is rendered: which
//! documents are exported, the page of every document and taxonomy term, and
//! which documents each term gathers.

use super::paths::Slugs;
use crate::doc::{Doc, Kind, Status};
use crate::kb::Kb;
use crate::stats::severity_label;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One taxonomy: factors, services, tags or severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Taxonomy {
    Factor,
    Service,
    Tag,
    Severity,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 4] = [
        Taxonomy::Factor,
        Taxonomy::Service,
        Taxonomy::Tag,
        Taxonomy::Severity,
    ];

    /// The output folder of its pages.
    pub fn dir(self) -> &'static str {
        match self {
            Taxonomy::Factor => "factors",
            Taxonomy::Service => "services",
            Taxonomy::Tag => "tags",
            Taxonomy::Severity => "severities",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Taxonomy::Factor => "Contributing factor",
            Taxonomy::Service => "Service",
            Taxonomy::Tag => "Tag",
            Taxonomy::Severity => "Severity",
        }
    }
}

/// A term of a taxonomy with its page and documents (indexes into `Site::docs`).
#[derive(Debug, Clone)]
pub struct Term {
    pub taxonomy: Taxonomy,
    /// The key documents use: a factor id, a severity label, a service or tag
    /// as first written (services and tags group case-insensitively).
    pub key: String,
    pub name: String,
    pub url: String,
    pub docs: Vec<usize>,
}

/// The exported documents and every page address.
pub struct Site<'a> {
    pub kb: &'a Kb,
    /// Exported documents in KB order (postmortems newest first, then runbooks).
    pub docs: Vec<&'a Doc>,
    /// Site-relative page of each document, parallel to `docs`.
    pub urls: Vec<String>,
    by_id: HashMap<&'a str, usize>,
    by_path: HashMap<PathBuf, usize>,
    /// Summary of each document, parallel to `docs` (computed once).
    pub summaries: Vec<String>,
    /// Exported documents naming each one (related, runbooks, links).
    pub backlinks: Vec<Vec<usize>>,
    /// Each document as lists show it, parallel to `docs`, and the hash of
    /// each card (a list page's fingerprint notes its cards by these).
    pub cards: Vec<super::views::Card>,
    pub card_hashes: Vec<u64>,
    /// Terms of each taxonomy, in display order.
    pub terms: HashMap<Taxonomy, Vec<Term>>,
    term_index: HashMap<(Taxonomy, String), usize>,
}

impl<'a> Site<'a> {
    /// Chooses the documents (drafts only when asked) and gives every page a
    /// safe, unique file name.
    pub fn new(kb: &'a Kb, drafts: bool) -> Site<'a> {
        let docs: Vec<&Doc> = kb
            .docs
            .iter()
            .filter(|d| drafts || d.status() != Status::Draft)
            .collect();
        let mut pm = Slugs::default();
        let mut rb = Slugs::default();
        let mut urls = Vec::with_capacity(docs.len());
        let mut by_id = HashMap::with_capacity(docs.len());
        let mut by_path = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            // Two documents may share an id (lint reports it); each still
            // gets its own page, keyed by path.
            let key = if by_id.contains_key(d.id.as_str()) {
                d.path.to_string_lossy().into_owned()
            } else {
                d.id.clone()
            };
            let url = match d.kind {
                Kind::Postmortem => format!("postmortems/{}.html", pm.get_or_assign(&key)),
                Kind::Runbook => format!("runbooks/{}.html", rb.get_or_assign(&key)),
            };
            urls.push(url);
            by_id.entry(d.id.as_str()).or_insert(i);
            by_path.insert(d.path.clone(), i);
        }
        let summaries = docs.par_iter().map(|d| d.summary()).collect();
        let mut site = Site {
            kb,
            docs,
            urls,
            by_id,
            by_path,
            summaries,
            backlinks: Vec::new(),
            cards: Vec::new(),
            card_hashes: Vec::new(),
            terms: HashMap::new(),
            term_index: HashMap::new(),
        };
        site.collect_backlinks();
        site.collect_terms();
        site.cards = (0..site.docs.len())
            .into_par_iter()
            .map(|i| super::views::make_card(&site, i))
            .collect();
        site.card_hashes = site
            .cards
            .par_iter()
            .map(super::templates::hash_of)
            .collect();
        site
    }

    /// Who names whom, in one pass: `related` and `runbooks` ids and links to
    /// document files.
    fn collect_backlinks(&mut self) {
        let mut back: Vec<Vec<usize>> = vec![Vec::new(); self.docs.len()];
        for (i, d) in self.docs.iter().enumerate() {
            let ids = d
                .meta
                .related
                .iter()
                .chain(&d.meta.runbooks)
                .filter_map(|id| self.by_id(id.trim()));
            let links = d.links.iter().filter_map(|l| self.by_path(&l.resolved));
            for j in ids.chain(links) {
                if let Some(list) = back.get_mut(j)
                    && j != i
                    && !list.contains(&i)
                {
                    list.push(i);
                }
            }
        }
        self.backlinks = back;
    }

    fn collect_terms(&mut self) {
        let kb = self.kb;
        for tax in Taxonomy::ALL {
            let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            for (i, d) in self.docs.iter().enumerate() {
                for key in doc_terms(kb, d, tax) {
                    let norm = match tax {
                        Taxonomy::Service | Taxonomy::Tag => key.to_lowercase(),
                        _ => key.clone(),
                    };
                    let e = groups
                        .entry(norm)
                        .or_insert_with(|| (key.clone(), Vec::new()));
                    if e.1.last() != Some(&i) {
                        e.1.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = groups
                .into_values()
                .map(|(key, docs)| Term {
                    taxonomy: tax,
                    name: match tax {
                        Taxonomy::Factor => kb
                            .config
                            .factor(&key)
                            .map_or_else(|| key.clone(), |f| f.name.clone()),
                        _ => key.clone(),
                    },
                    key,
                    url: String::new(),
                    docs,
                })
                .collect();
            match tax {
                Taxonomy::Severity => terms.sort_by_key(|t| {
                    (
                        kb.config.severity_rank(&t.key).unwrap_or(usize::MAX),
                        t.key == crate::stats::UNRATED,
                        t.key.clone(),
                    )
                }),
                Taxonomy::Factor => terms.sort_by_key(|t| t.name.to_lowercase()),
                _ => terms.sort_by_key(|t| t.key.to_lowercase()),
            }
            let mut slugs = Slugs::default();
            for (n, t) in terms.iter_mut().enumerate() {
                t.url = format!(
                    "{}/{}.html",
                    tax.dir(),
                    slugs.get_or_assign(&t.key.to_lowercase())
                );
                self.term_index.insert((tax, norm_key(tax, &t.key)), n);
            }
            self.terms.insert(tax, terms);
        }
    }

    /// The term of a taxonomy a document names, if it is exported.
    pub fn term(&self, tax: Taxonomy, key: &str) -> Option<&Term> {
        let i = self.term_index.get(&(tax, norm_key(tax, key)))?;
        self.terms.get(&tax)?.get(*i)
    }

    pub fn terms_of(&self, tax: Taxonomy) -> &[Term] {
        self.terms.get(&tax).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Index of the exported document with this id.
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Index of the exported document at this KB-relative path.
    pub fn by_path(&self, path: &Path) -> Option<usize> {
        self.by_path.get(path).copied()
    }
}

fn norm_key(tax: Taxonomy, key: &str) -> String {
    match tax {
        Taxonomy::Service | Taxonomy::Tag => key.trim().to_lowercase(),
        _ => key.trim().to_string(),
    }
}

/// The terms a document names in one taxonomy (runbooks have no severity or
/// factors), trimmed, without empties.
pub fn doc_terms(kb: &Kb, d: &Doc, tax: Taxonomy) -> Vec<String> {
    let list = match tax {
        Taxonomy::Factor => &d.meta.factors,
        Taxonomy::Service => &d.meta.services,
        Taxonomy::Tag => &d.meta.tags,
        Taxonomy::Severity => {
            return if d.kind == Kind::Postmortem {
                vec![severity_label(kb, d)]
            } else {
                Vec::new()
            };
        }
    };
    list.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
