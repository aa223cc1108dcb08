//! `feed.xml`: an Atom feed of published postmortems, newest first. Dates come
//! from the documents (never the clock), so an unchanged KB gives the same feed.

use super::model::{Site, Taxonomy};
use super::paths::slug;
use super::templates::{Context, Templates};
use super::views::{clip, term_links};
use crate::doc::{Kind, Status};
use crate::error::Result;
use serde::Serialize;

/// Entries in the feed.
const MAX_ENTRIES: usize = 50;

#[derive(Serialize)]
struct Entry {
    id: String,
    title: String,
    link: String,
    updated: String,
    summary: String,
    authors: Vec<String>,
    categories: Vec<String>,
}

#[derive(Serialize)]
struct Feed {
    id: String,
    title: String,
    link: String,
    self_link: String,
    updated: String,
    entries: Vec<Entry>,
}

/// Renders the feed; `base_url` (may be empty) makes links absolute.
pub fn render(site: &Site, tpl: &Templates, base_url: &str) -> Result<String> {
    let base = if base_url.is_empty() || base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    };
    let kb_slug = slug(&site.kb.config.name);
    let entries: Vec<Entry> = site
        .docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == Kind::Postmortem && d.status() == Status::Published)
        .take(MAX_ENTRIES)
        .map(|(i, d)| {
            let updated = d
                .meta
                .resolved
                .map(|t| t.to_rfc3339())
                .or_else(|| d.meta.date.map(|x| format!("{x}T00:00:00Z")))
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
            let summary = d
                .meta
                .impact
                .clone()
                .filter(|s| !s.trim().is_empty())
                .map_or_else(
                    || clip(&site.summaries[i], 400),
                    |impact| format!("{} — Impact: {impact}", clip(&site.summaries[i], 300)),
                );
            Entry {
                id: if base.is_empty() {
                    format!("urn:lore:{kb_slug}:{}", slug(&d.id))
                } else {
                    format!("{base}{}", site.urls[i])
                },
                title: d.title.clone(),
                link: format!("{base}{}", site.urls[i]),
                updated,
                summary,
                authors: d.meta.authors.clone(),
                categories: term_links(site, d, Taxonomy::Factor)
                    .into_iter()
                    .map(|l| l.label)
                    .collect(),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let feed = Feed {
        id: if base.is_empty() {
            format!("urn:lore:{kb_slug}")
        } else {
            base.clone()
        },
        title: site.kb.config.name.clone(),
        link: format!("{base}index.html"),
        self_link: format!("{base}feed.xml"),
        updated,
        entries,
    };
    let mut c = Context::new();
    c.insert("feed", &feed);
    tpl.render("feed.xml", &c)
}
