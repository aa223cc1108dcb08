//! `drills.html`: drill coverage by service and factor over the last year,
//! and a facilitator's sheet (steps behind `<details>`) for each of the
//! postmortems least drilled — the plan `lore drill --plan` prints.

use super::made::Made;
use super::pages::Shared;
use crate::drill::{self, PlanOptions};
use crate::error::Result;
use serde::Serialize;

/// Sheets on the page at most (a 10,000-postmortem KB must not make one
/// page of 10,000 sheets; `lore drill ID --format markdown` prints any).
const SHEETS: usize = 40;

#[derive(Serialize)]
struct Coverage {
    name: String,
    url: String,
    postmortems: usize,
    drills: usize,
}

#[derive(Serialize)]
struct Sheet {
    drill: drill::Drill,
    url: String,
    drilled: usize,
    last: Option<String>,
}

pub fn page(sh: &Shared) -> Result<Made> {
    let site = sh.site;
    let kb = site.kb;
    let today = sh.opts.today;
    let records = drill::records(&kb.root);
    let year_ago = today - chrono::Duration::days(365);
    let recent: Vec<&drill::Record> = records.iter().filter(|r| r.date > year_ago).collect();
    let opts = PlanOptions::default();
    let drillable: std::collections::HashSet<&str> =
        drill::drillable(kb, &opts).map(|d| d.id.as_str()).collect();
    // Per term, from the site's own term index (the documents of each page).
    let coverage = |tax: super::model::Taxonomy| -> Vec<Coverage> {
        let mut rows: Vec<Coverage> = site
            .terms_of(tax)
            .iter()
            .map(|t| {
                let docs: std::collections::HashSet<usize> = t.docs.iter().copied().collect();
                Coverage {
                    name: t.name.clone(),
                    url: t.url.clone(),
                    postmortems: t
                        .docs
                        .iter()
                        .filter(|&&i| drillable.contains(site.docs[i].id.as_str()))
                        .count(),
                    drills: recent
                        .iter()
                        .filter(|r| site.by_id(&r.postmortem).is_some_and(|i| docs.contains(&i)))
                        .count(),
                }
            })
            .filter(|c| c.postmortems > 0)
            .collect();
        rows.sort_by(|a, b| {
            a.drills
                .cmp(&b.drills)
                .then(b.postmortems.cmp(&a.postmortems))
        });
        rows
    };
    let services = coverage(super::model::Taxonomy::Service);
    let factors = coverage(super::model::Taxonomy::Factor);
    let sheets: Vec<Sheet> = drill::plan(kb, &records, &opts, today)
        .into_iter()
        .filter_map(|c| {
            let d = kb.get(&c.id)?;
            let url = site.by_id(&c.id).map(|i| site.urls[i].clone())?;
            Some(Sheet {
                drill: drill::from_doc(&kb.config, d),
                url,
                drilled: c.drilled,
                last: c.last_drilled.map(|x| x.to_string()),
            })
        })
        .take(SHEETS)
        .collect();
    let mut c = sh.context(0, "drills", "Drills");
    c.insert("services", &services);
    c.insert("factors", &factors);
    c.insert("sheets", &sheets);
    c.insert("drills_this_year", &recent.len());
    c.insert("drillable", &drillable.len());
    c.insert("shown", &sheets.len());
    sh.page("drills.html".into(), "drills.html", c)
}
