//! Small serialisable views the templates read: cards of documents, links,
//! the full view of one document page. Built from the model, never the reverse.

use super::model::{Site, Taxonomy, doc_terms};
use crate::doc::{Doc, Kind};
use crate::stats::human_duration;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// A document in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub url: String,
    pub title: String,
    pub date: Option<String>,
    pub kind: &'static str,
    pub status: &'static str,
    pub severity: Option<String>,
    /// CSS class of the severity: `s1`…`s4`, `sx` for unknown or none.
    pub sev: String,
    pub near_miss: bool,
    /// The first `CARD_SERVICES` services; `more_services` counts the rest,
    /// so a list page never grows with one document's number of services.
    pub services: Vec<String>,
    pub more_services: usize,
    pub summary: String,
    pub ttr: Option<String>,
}

/// How many services a card names before "+N more".
const CARD_SERVICES: usize = 6;

/// The CSS class of a severity by its rank in `lore.toml`.
pub fn sev_class(site: &Site, severity: Option<&str>) -> String {
    match severity.and_then(|s| site.kb.config.severity_rank(s)) {
        Some(r) => format!("s{}", (r + 1).min(4)),
        None => "sx".into(),
    }
}

/// Cuts a summary to about `max` characters at a word boundary.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// The card of document `i`, as made once by `Site::new`.
pub fn card(site: &Site, i: usize) -> Card {
    site.cards[i].clone()
}

pub fn make_card(site: &Site, i: usize) -> Card {
    let d = site.docs[i];
    let severity = (d.kind == Kind::Postmortem)
        .then(|| d.meta.severity.clone())
        .flatten();
    Card {
        url: site.urls[i].clone(),
        title: d.title.clone(),
        date: d.sort_date().map(|x| x.to_string()),
        kind: d.kind.as_str(),
        status: d.status().as_str(),
        sev: sev_class(site, severity.as_deref()),
        severity,
        near_miss: d.meta.near_miss,
        services: d
            .meta
            .services
            .iter()
            .take(CARD_SERVICES)
            .cloned()
            .collect(),
        more_services: d.meta.services.len().saturating_sub(CARD_SERVICES),
        summary: clip(&site.summaries[i], 220),
        ttr: d.ttr().filter(|&s| s >= 0).map(human_duration),
    }
}

/// Links to the term pages a document names in one taxonomy.
pub fn term_links(site: &Site, d: &Doc, tax: Taxonomy) -> Vec<Link> {
    doc_terms(site.kb, d, tax)
        .into_iter()
        .filter_map(|k| {
            site.term(tax, &k).map(|t| Link {
                label: if tax == Taxonomy::Factor {
                    t.name.clone()
                } else {
                    k.clone()
                },
                url: t.url.clone(),
            })
        })
        .collect()
}

/// A key moment of an incident with the time since it started.
#[derive(Debug, Clone, Serialize)]
pub struct Moment {
    pub label: &'static str,
    pub at: String,
    pub iso: String,
    pub since_start: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duration {
    pub label: &'static str,
    pub short: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FactorView {
    pub name: String,
    pub group: String,
    pub description: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SimilarView {
    pub url: String,
    pub title: String,
    pub date: Option<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Edit {
    pub by: String,
    pub on: String,
}

/// Everything a document page shows besides its body.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub card: Card,
    pub id: String,
    pub path: String,
    pub authors: Vec<String>,
    pub impact: Option<String>,
    /// Where an imported document came from: a link when it is an
    /// `http(s)` address, the text otherwise.
    pub origin: Option<Link>,
    pub trigger: Option<Link>,
    pub moments: Vec<Moment>,
    pub durations: Vec<Duration>,
    pub factors: Vec<FactorView>,
    pub services: Vec<Link>,
    pub tags: Vec<Link>,
    pub severity_url: Option<String>,
    pub runbooks: Vec<Link>,
    pub related: Vec<Link>,
    pub backlinks: Vec<Card>,
    pub similar: Vec<SimilarView>,
    pub actions_total: usize,
    pub actions_done: usize,
    pub actions_overdue: usize,
    pub owner: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_due: Option<String>,
    pub stale: bool,
    pub last_edit: Option<Edit>,
    pub created: Option<Edit>,
}

/// Links to documents named by id (`runbooks`, `related`); unknown or
/// unexported ids are shown as plain text with an empty url.
fn id_links(site: &Site, ids: &[String]) -> Vec<Link> {
    ids.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|id| match site.by_id(id.trim()) {
            Some(j) => Link {
                label: site.docs[j].title.clone(),
                url: site.urls[j].clone(),
            },
            None => Link {
                label: id.clone(),
                url: String::new(),
            },
        })
        .collect()
}

pub fn doc_view(
    site: &Site,
    i: usize,
    today: NaiveDate,
    similar: Vec<SimilarView>,
    edits: (Option<Edit>, Option<Edit>),
) -> DocView {
    let d = site.docs[i];
    let kb = site.kb;
    let m = &d.meta;
    let st = &d.stamps;
    let start = st.started;
    let moments = [
        ("Started", st.started),
        ("Detected", st.detected),
        ("Mitigated", st.mitigated),
        ("Resolved", st.resolved),
    ]
    .into_iter()
    .filter_map(|(label, t)| {
        t.map(|t| Moment {
            label,
            at: t
                .format("%Y-%m-%d %H:%M %:z")
                .to_string()
                .replace(" +00:00", " UTC"),
            iso: t.to_rfc3339(),
            since_start: start
                .filter(|_| label != "Started")
                .map(|s| (t - s).num_seconds())
                .map(|x| {
                    if x < 0 {
                        format!("−{}", human_duration(-x))
                    } else {
                        format!("+{}", human_duration(x))
                    }
                }),
        })
    })
    .collect();
    let durations = [
        ("Time to detect", "TTD", d.ttd()),
        ("Time to mitigate", "TTM", d.ttm()),
        ("Time to resolve", "TTR", d.ttr()),
    ]
    .into_iter()
    .filter_map(|(label, short, v)| {
        v.filter(|&x| x >= 0).map(|x| Duration {
            label,
            short,
            value: human_duration(x),
        })
    })
    .collect();
    let factors = doc_terms(kb, d, Taxonomy::Factor)
        .into_iter()
        .filter_map(|k| {
            let t = site.term(Taxonomy::Factor, &k)?;
            let tax = kb.config.factor(&k);
            Some(FactorView {
                name: t.name.clone(),
                group: tax.map(|f| f.group.clone()).unwrap_or_default(),
                description: tax.map(|f| f.description.clone()).unwrap_or_default(),
                url: t.url.clone(),
            })
        })
        .collect();
    let trigger = m
        .trigger
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            match site
                .term(Taxonomy::Factor, t)
                .filter(|_| kb.config.factor(t).is_some())
            {
                Some(term) => Link {
                    label: term.name.clone(),
                    url: term.url.clone(),
                },
                None => Link {
                    label: t.to_string(),
                    url: String::new(),
                },
            }
        });
    let backlinks: Vec<Card> = site.backlinks[i].iter().map(|&j| card(site, j)).collect();
    let default_every = kb.config.runbooks.review_every_days;
    let review_due = d.review_due(default_every);
    let severity_url = doc_terms(kb, d, Taxonomy::Severity)
        .first()
        .and_then(|s| site.term(Taxonomy::Severity, s))
        .map(|t| t.url.clone());
    DocView {
        card: card(site, i),
        id: d.id.clone(),
        path: d.path.to_string_lossy().replace('\\', "/"),
        authors: m.authors.clone(),
        impact: m.impact.clone().filter(|s| !s.trim().is_empty()),
        origin: m.source.as_ref().filter(|s| !s.trim().is_empty()).map(|s| {
            let lower = s.trim().to_ascii_lowercase();
            let web = (lower.starts_with("https://") || lower.starts_with("http://"))
                && !s.contains(['"', '<', '>', ' ']);
            Link {
                label: s.trim().to_string(),
                url: if web {
                    s.trim().to_string()
                } else {
                    String::new()
                },
            }
        }),
        trigger,
        moments,
        durations,
        factors,
        services: term_links(site, d, Taxonomy::Service),
        tags: term_links(site, d, Taxonomy::Tag),
        severity_url,
        runbooks: id_links(site, &m.runbooks),
        related: id_links(site, &m.related),
        backlinks,
        similar,
        actions_total: d.action_items.len(),
        actions_done: d.action_items.iter().filter(|a| a.done).count(),
        actions_overdue: d
            .action_items
            .iter()
            .filter(|a| crate::actions::is_overdue(a, today))
            .count(),
        owner: m.owner.clone().filter(|s| !s.trim().is_empty()),
        last_reviewed: m.last_reviewed.map(|x| x.to_string()),
        review_due: review_due
            .filter(|_| d.kind == Kind::Runbook)
            .map(|x| x.to_string()),
        stale: d.kind == Kind::Runbook && d.is_stale(default_every, today),
        last_edit: edits.1,
        created: edits.0,
    }
}
