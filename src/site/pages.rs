//! Renders every page of the site into memory: documents (in parallel),
//! taxonomy terms, lists, actions, trends, search and the feed (the overview
//! is in `overview`).

use super::chart::{self, Figure};
use super::made::Made;
use super::markdown::{RenderContext, render_doc, render_inline, resolve_link};
use super::model::{Site, Taxonomy};
use super::output::SiteWriter;
use super::templates::{Context, Templates};
use super::views::{self, Card, Edit, Link, SimilarView};
use super::{ExportOptions, Page, Progress};
use crate::doc::Kind;
use crate::error::Result;
use crate::stats::{self, Stats};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What every page knows about the site.
#[derive(Serialize)]
struct SiteView<'a> {
    name: &'a str,
    today: String,
    postmortems: usize,
    runbooks: usize,
    drafts: bool,
}

/// Inputs shared by all pages.
pub struct Shared<'a> {
    pub site: &'a Site<'a>,
    pub opts: &'a ExportOptions,
    pub stats: &'a Stats,
    pub slo: &'a crate::slo::Report,
    pub tpl: &'a Templates,
    pub similar: &'a crate::similar::Similarity<'a>,
    pub edits: &'a HashMap<std::path::PathBuf, (Option<Edit>, Option<Edit>)>,
    /// Exported postmortems (the rest are runbooks).
    pub postmortems: usize,
}

impl Shared<'_> {
    /// A context with the site, the path back to the root and the active tab.
    pub(super) fn context(&self, depth: usize, nav: &str, title: &str) -> Context {
        let mut c = Context::new();
        c.insert(
            "site",
            &SiteView {
                name: &self.site.kb.config.name,
                today: self.opts.today.to_string(),
                postmortems: self.postmortems,
                runbooks: self.site.docs.len() - self.postmortems,
                drafts: self.opts.drafts,
            },
        );
        c.insert("root", &"../".repeat(depth));
        c.insert("nav", nav);
        c.insert("title", title);
        c
    }
}

/// One page per exported document, rendered in parallel and written as soon
/// as it is ready (10,000 pages never sit in memory together).
pub fn documents(sh: &Shared, w: &SiteWriter, progress: &dyn Progress) -> Result<()> {
    let site = sh.site;
    (0..site.docs.len())
        .into_par_iter()
        .try_for_each_init(Vec::new, |scratch, i| {
            let d = site.docs[i];
            let link_for = |target: &Path| {
                let resolved = resolve_link(&d.path, target);
                site.by_path(&resolved)
                    .map(|j| format!("../{}", site.urls[j]))
            };
            let similar: Vec<SimilarView> = sh
                .similar
                .similar_shown(d, (8, 5), scratch, &|o| site.by_id(&o.id).is_some())
                .into_iter()
                .filter_map(|s| {
                    site.by_id(&s.id).map(|j| SimilarView {
                        url: site.urls[j].clone(),
                        title: s.title,
                        date: s.date.map(|x| x.to_string()),
                        reasons: s.reasons,
                    })
                })
                .take(5)
                .collect();
            let edits = sh.edits.get(&d.path).cloned().unwrap_or((None, None));
            let view = views::doc_view(site, i, sh.opts.today, similar, edits);
            let mut c = sh.context(1, d.kind.as_str(), &d.title);
            // Noted now, handed to the template only when the page is made.
            let budget = super::slos::budget_lines(sh, d);
            c.note("doc", &view);
            c.note("budget", &budget);
            // The body and its contents are made from the document alone, and
            // from the pages of the documents it links to: noted here, so a page
            // whose document and links are unchanged is kept without rendering.
            super::made::note_source(&mut c, site.kb, d);
            let url = &site.urls[i];
            let base = sh.tpl.fingerprint("document.html", &c);
            let with_links = |links: &[String]| {
                let answers: Vec<Option<String>> =
                    links.iter().map(|l| link_for(Path::new(l))).collect();
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.update(&base.to_le_bytes());
                super::templates::hash_value(&mut h, &(links, answers));
                h.digest()
            };
            if let Some(old) = w.old_links(url)
                && w.keep(url, with_links(old))?
            {
                progress.inc();
                return Ok(());
            }
            // In the order first asked, each once (a set beside the list keeps
            // a document of 100,000 links linear).
            let looked_up = std::cell::RefCell::new((
                Vec::<String>::new(),
                std::collections::HashSet::<String>::new(),
            ));
            let recording = |target: &Path| {
                let t = target.to_string_lossy().into_owned();
                let mut guard = looked_up.borrow_mut();
                let (order, seen) = &mut *guard;
                if seen.insert(t.clone()) {
                    order.push(t);
                }
                link_for(target)
            };
            let body = render_doc(
                d,
                &RenderContext {
                    link_for: &recording,
                    today: sh.opts.today,
                },
            );
            let links = looked_up.into_inner().0;
            let noted = c.fingerprint();
            c.insert_derived("doc", &view);
            c.insert_derived("budget", &budget);
            c.insert_derived("body", &body.html);
            c.insert_derived("toc", &body.toc);
            debug_assert_eq!(
                c.fingerprint(),
                noted,
                "{url}: a value was hashed after the fingerprint"
            );
            let page = Page {
                path: url.clone(),
                bytes: sh.tpl.render("document.html", &c)?.into_bytes(),
            };
            w.write_made(&page, Some(with_links(&links)), links)?;
            progress.inc();
            Ok(())
        })
}

#[derive(Serialize)]
struct TermView {
    taxonomy: &'static str,
    kind: &'static str,
    name: String,
    key: String,
    group: String,
    description: String,
    postmortems: usize,
    runbooks: usize,
    near_misses: usize,
    first: Option<String>,
    last: Option<String>,
    together: Vec<(Link, usize)>,
    severities: Vec<(String, String, usize)>,
}

/// One page per factor, service, tag and severity, written as rendered.
pub fn terms(sh: &Shared, w: &SiteWriter) -> Result<()> {
    let site = sh.site;
    let jobs: Vec<(Taxonomy, usize)> = Taxonomy::ALL
        .iter()
        .flat_map(|&t| (0..site.terms_of(t).len()).map(move |i| (t, i)))
        .collect();
    // The severity term of each document, to count severities per term.
    let mut sev_of: Vec<Option<usize>> = vec![None; site.docs.len()];
    for (k, s) in site.terms_of(Taxonomy::Severity).iter().enumerate() {
        for &i in &s.docs {
            if let Some(x) = sev_of.get_mut(i) {
                *x = Some(k);
            }
        }
    }
    jobs.par_iter().try_for_each(|&(tax, n)| {
        let t = &site.terms_of(tax)[n];
        let cards: Vec<&Card> = t.docs.iter().map(|&i| &site.cards[i]).collect();
        let pms: Vec<&Card> = cards
            .iter()
            .copied()
            .filter(|c| c.kind == "postmortem")
            .collect();
        let factor = (tax == Taxonomy::Factor)
            .then(|| site.kb.config.factor(&t.key))
            .flatten();
        let dates: Vec<chrono::NaiveDate> = t
            .docs
            .iter()
            .filter(|&&i| site.docs[i].kind == Kind::Postmortem)
            .filter_map(|&i| site.docs[i].meta.date)
            .collect();
        let together = if tax == Taxonomy::Factor {
            sh.stats
                .co_occurrence
                .iter()
                .filter_map(|p| {
                    let other = if p.a == t.key {
                        &p.b
                    } else if p.b == t.key {
                        &p.a
                    } else {
                        return None;
                    };
                    let o = site.term(Taxonomy::Factor, other)?;
                    Some((
                        Link {
                            label: o.name.clone(),
                            url: o.url.clone(),
                        },
                        p.count,
                    ))
                })
                .take(6)
                .collect()
        } else {
            Vec::new()
        };
        let severities = if tax == Taxonomy::Severity {
            Vec::new()
        } else {
            let sev_terms = site.terms_of(Taxonomy::Severity);
            let mut counts = vec![0usize; sev_terms.len()];
            for &i in &t.docs {
                if let Some(k) = sev_of.get(i).copied().flatten()
                    && let Some(c) = counts.get_mut(k)
                {
                    *c += 1;
                }
            }
            sev_terms
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (s.key.clone(), views::sev_class(site, Some(&s.key)), n))
                .collect()
        };
        let view = TermView {
            taxonomy: tax.dir(),
            kind: tax.singular(),
            name: t.name.clone(),
            key: t.key.clone(),
            group: factor.map(|f| f.group.clone()).unwrap_or_default(),
            description: factor.map(|f| f.description.clone()).unwrap_or_default(),
            postmortems: pms.len(),
            runbooks: cards.len() - pms.len(),
            near_misses: pms.iter().filter(|c| c.near_miss).count(),
            first: dates.iter().min().map(|d| d.to_string()),
            last: dates.iter().max().map(|d| d.to_string()),
            together,
            severities,
        };
        let spark = chart::term_quarters(&dates, sh.stats);
        let mut c = sh.context(1, "browse", &t.name);
        c.insert("term", &view);
        if tax == Taxonomy::Service {
            c.insert("slos", &super::slos::for_service(sh, &t.key));
        }
        c.insert("spark", &spark);
        // The lists below are made from these cards.
        let hashes: Vec<u64> = t.docs.iter().map(|&i| site.card_hashes[i]).collect();
        c.note("cards", &hashes);
        sh.emit_filled(w, t.url.clone(), "term.html", c, |c| {
            c.insert_derived("docs", &cards);
            // Runbooks first: on a service's page during an incident, what
            // to do comes before what happened before.
            let runbooks: Vec<&Card> = cards
                .iter()
                .copied()
                .filter(|c| c.kind != "postmortem")
                .collect();
            c.insert_derived("runbooks", &runbooks);
            c.insert_derived("postmortems", &pms);
        })
    })
}

#[derive(Serialize)]
struct Group {
    label: String,
    items: Vec<(Link, usize, String)>,
}

/// `browse.html`: every factor (by group), service, severity and tag.
pub fn browse(sh: &Shared) -> Result<Made> {
    let site = sh.site;
    let link = |t: &super::model::Term| Link {
        label: t.name.clone(),
        url: t.url.clone(),
    };
    let mut factor_groups: Vec<Group> = Vec::new();
    for t in site.terms_of(Taxonomy::Factor) {
        let f = site.kb.config.factor(&t.key);
        let g = f
            .map(|f| f.group.clone())
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "Other".into());
        let desc = f.map(|f| f.description.clone()).unwrap_or_default();
        match factor_groups.iter_mut().find(|x| x.label == g) {
            Some(x) => x.items.push((link(t), t.docs.len(), desc)),
            None => factor_groups.push(Group {
                label: g,
                items: vec![(link(t), t.docs.len(), desc)],
            }),
        }
    }
    let order: Vec<String> = site
        .kb
        .config
        .factors
        .iter()
        .map(|f| f.group.clone())
        .collect();
    factor_groups.sort_by_key(|g| {
        order
            .iter()
            .position(|o| *o == g.label)
            .unwrap_or(usize::MAX)
    });
    let simple = |tax| -> Vec<(Link, usize, String)> {
        site.terms_of(tax)
            .iter()
            .map(|t| (link(t), t.docs.len(), views::sev_class(site, Some(&t.key))))
            .collect()
    };
    let mut c = sh.context(0, "browse", "Browse");
    c.insert("factor_groups", &factor_groups);
    c.insert("services", &simple(Taxonomy::Service));
    c.insert("tags", &simple(Taxonomy::Tag));
    c.insert("severities", &simple(Taxonomy::Severity));
    sh.page("browse.html".into(), "browse.html", c)
}

#[derive(Serialize)]
struct YearGroup<'a> {
    label: String,
    docs: Vec<&'a Card>,
}

/// `postmortems.html` (by year) and `runbooks.html`, written into `w`.
pub fn lists(sh: &Shared, w: &SiteWriter) -> Result<()> {
    let site = sh.site;
    let mut years: Vec<YearGroup> = Vec::new();
    let mut runbooks = Vec::new();
    for i in 0..site.docs.len() {
        let c = &site.cards[i];
        if site.docs[i].kind == Kind::Runbook {
            runbooks.push(c);
            continue;
        }
        let y = c
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .unwrap_or("Undated")
            .to_string();
        match years.last_mut() {
            Some(g) if g.label == y => g.docs.push(c),
            _ => years.push(YearGroup {
                label: y,
                docs: vec![c],
            }),
        }
    }
    let rb_group = vec![YearGroup {
        label: String::new(),
        docs: runbooks,
    }];
    let ages: HashMap<&str, &stats::RunbookAge> = sh
        .stats
        .runbooks
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let review: Vec<(String, Option<i64>, bool)> = site
        .docs
        .iter()
        .filter(|d| d.kind == Kind::Runbook)
        .map(|d| {
            let a = ages.get(d.id.as_str());
            (
                d.id.clone(),
                a.and_then(|a| a.age_days),
                a.is_some_and(|a| a.stale),
            )
        })
        .collect();
    // Each list is made from the cards of its documents: noted by their
    // hashes, put in only when the page is rendered.
    let hashes = |kind: Kind| -> Vec<u64> {
        (0..site.docs.len())
            .filter(|&i| site.docs[i].kind == kind)
            .map(|i| site.card_hashes[i])
            .collect()
    };
    let mut pm = sh.context(0, "postmortem", "Postmortems");
    pm.insert("kind", "postmortem");
    pm.insert("review", &Vec::<(String, Option<i64>, bool)>::new());
    pm.note("cards", &hashes(Kind::Postmortem));
    sh.emit_filled(w, "postmortems.html".into(), "list.html", pm, |c| {
        c.insert_derived("groups", &years)
    })?;
    let mut rb = sh.context(0, "runbook", "Runbooks");
    rb.insert("kind", "runbook");
    rb.insert("review", &review);
    rb.note("cards", &hashes(Kind::Runbook));
    sh.emit_filled(w, "runbooks.html".into(), "list.html", rb, |c| {
        c.insert_derived("groups", &rb_group)
    })
}

/// One action item as the actions page and the overview show it.
#[derive(Serialize)]
pub struct ActionView {
    /// The item's Markdown rendered safely, links relative to the site root.
    html: String,
    pub(super) done: bool,
    overdue: bool,
    owner: Option<String>,
    due: Option<String>,
    kind: Option<&'static str>,
    doc: Link,
    doc_date: Option<String>,
    age_days: Option<i64>,
}

/// Every action item's view, rendered once for both `actions.html` and the
/// overview: open first, overdue first, then by due date.
pub fn action_views(sh: &Shared) -> Vec<ActionView> {
    let site = sh.site;
    // In parallel, in the order of the documents.
    let mut out: Vec<ActionView> = (0..site.docs.len())
        .into_par_iter()
        .filter(|&i| site.docs[i].kind == Kind::Postmortem)
        .flat_map_iter(|i| {
            let d = site.docs[i];
            let link_for = |target: &Path| {
                let resolved = resolve_link(&d.path, target);
                site.by_path(&resolved).map(|j| site.urls[j].clone())
            };
            let ctx = RenderContext {
                link_for: &link_for,
                today: sh.opts.today,
            };
            let items: Vec<ActionView> = d
                .action_items
                .iter()
                .map(|a| ActionView {
                    html: render_inline(&a.text, &ctx),
                    done: a.done,
                    overdue: crate::actions::is_overdue(a, sh.opts.today),
                    owner: a.owner.clone(),
                    due: a.due.map(|x| x.to_string()),
                    kind: a.kind.map(|k| k.as_str()),
                    doc: Link {
                        label: d.title.clone(),
                        url: site.urls[i].clone(),
                    },
                    doc_date: d.meta.date.map(|x| x.to_string()),
                    age_days: d.meta.date.map(|x| (sh.opts.today - x).num_days()),
                })
                .collect();
            items
        })
        .collect();
    out.sort_by(|a, b| {
        a.done
            .cmp(&b.done)
            .then_with(|| b.overdue.cmp(&a.overdue))
            .then_with(|| a.due.is_none().cmp(&b.due.is_none()))
            .then_with(|| a.due.cmp(&b.due))
            .then_with(|| b.doc_date.cmp(&a.doc_date))
    });
    out
}

/// `actions.html`: every action item, filterable by owner and status. The
/// items (tens of thousands in a large KB) are handed to the template only
/// when the page is made.
pub fn actions(sh: &Shared, w: &SiteWriter, items: &[ActionView]) -> Result<()> {
    let mut owners: Vec<String> = items.iter().filter_map(|a| a.owner.clone()).collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup();
    let mut c = sh.context(0, "actions", "Action items");
    c.note("items", &items);
    c.insert("owners", &owners);
    c.insert("figures", &sh.stats.actions);
    sh.emit_filled(w, "actions.html".into(), "actions.html", c, |c| {
        c.insert_derived("items", &items);
    })
}

/// `trends.html`: every chart, each with its table.
pub fn trends(sh: &Shared) -> Result<Made> {
    let figures: Vec<Figure> = chart::trends(sh.stats, sh.site);
    let jump: Vec<(String, &str)> = figures
        .iter()
        .map(|f| {
            let label = match f.id.as_str() {
                "incidents-per-month" => "Incidents",
                "factors-by-quarter" => "Factors",
                "factors-together" => "Factors together",
                "ttd" => "Time to detect",
                "ttr" => "Time to resolve",
                "durations-over-time" => "Over time",
                "ttr-by-severity" => "By severity",
                "action-follow-through" => "Follow-through",
                "open-items-by-age" => "Open items",
                "services" => "Services",
                "runbook-review" => "Runbook reviews",
                _ => "Chart",
            };
            (f.id.clone(), label)
        })
        .collect();
    let mut c = sh.context(0, "trends", "Trends");
    c.insert("jump", &jump);
    c.insert("figures", &figures);
    c.insert("postmortems", &sh.stats.summary.postmortems);
    sh.page("trends.html".into(), "trends.html", c)
}

/// `search.html`, with the filter values the index knows.
pub fn search(sh: &Shared, filters: &super::search_index::Filters) -> Result<Made> {
    let mut c = sh.context(0, "search", "Search");
    c.insert("filters", filters);
    sh.page("search.html".into(), "search.html", c)
}
