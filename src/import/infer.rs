//! What an import infers from one foreign document, each value with where it
//! came from: the foreign fields in lore's terms, the title, the date, the
//! severity, services, factors and tags, the team's own ids, and the stamps
//! and durations the document model read. Pure.

use super::map::{self, Mapping};
use super::plan::{From, Inferred};
use super::source::{first_date, is_uuid, own_id, push_unique, strings};
use crate::config::Config;
use crate::doc::{Doc, slugify};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Foreign values by the lore field they map to.
pub(super) type Fields = BTreeMap<&'static str, Vec<String>>;

/// The first value of a field.
pub(super) fn first(fields: &Fields, f: &str) -> Option<String> {
    fields.get(f).and_then(|v| v.first()).cloned()
}

/// The front matter's fields in lore's terms, and those kept as written.
pub(super) fn map_fields(
    mapping: &Mapping,
    fm: &Map<String, Value>,
) -> (Fields, Map<String, Value>) {
    let mut kept = Map::new();
    let mut fields = Fields::new();
    for (k, v) in fm {
        match mapping.target(k) {
            Some(t) => {
                let target: &'static str = map::TARGETS
                    .iter()
                    .find(|x| **x == t)
                    .copied()
                    .unwrap_or("tags");
                fields.entry(target).or_default().extend(strings(v));
                // A renamed field is kept too, under its own name, unless it
                // is lore's already.
                if !map::TARGETS.contains(&k.as_str()) {
                    kept.insert(k.clone(), v.clone());
                }
            }
            None => {
                kept.insert(k.clone(), v.clone());
            }
        }
    }
    (fields, kept)
}

/// The title: front matter, first heading, the summary's first sentence,
/// the services, or the file name (each but the first with a warning).
pub(super) fn title(
    fields: &Fields,
    doc: &Doc,
    stem: &str,
    warnings: &mut Vec<String>,
) -> From<String> {
    let first = |f: &str| first(fields, f);
    let title = if let Some(t) = first("title").filter(|t| !t.trim().is_empty()) {
        From {
            value: t,
            from: "front matter".into(),
        }
    } else if let Some(h) = doc.sections.iter().find(|s| s.level == 1) {
        From {
            value: h.title.clone(),
            from: "first heading".into(),
        }
    } else if let Some(s) =
        first("summary").or_else(|| Some(doc.summary()).filter(|s| !s.is_empty()))
    {
        let sentence = s
            .split_inclusive(['.', '!', '?'])
            .next()
            .unwrap_or(&s)
            .trim()
            .trim_end_matches('.')
            .to_string();
        warnings.push("no title anywhere: took the first sentence of the summary".into());
        From {
            value: crate::width::truncate(&sentence, 100),
            from: "summary".into(),
        }
    } else if let Some(svc) = fields.get("services").filter(|v| !v.is_empty()) {
        warnings.push("no title anywhere: made one from the services".into());
        From {
            value: format!("{} incident", svc.join(" ")),
            from: "services".into(),
        }
    } else {
        warnings.push("title taken from the file name".into());
        From {
            value: stem.to_string(),
            from: "file name".into(),
        }
    };
    if is_uuid(stem) && title.from == "file name" {
        warnings.push("the file name is a UUID; give the document a title".into());
    }
    title
}

/// The incident date: lore's own `date`, else the start, a foreign date,
/// the timeline, the file name, the text; with warnings for none, an invalid
/// one (kept as `source_date`) and one that disagrees with the file name.
pub(super) fn date(
    fm: &Map<String, Value>,
    fields: &Fields,
    doc: &Doc,
    body: &str,
    stem: &str,
    kept: &mut Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Option<From<chrono::NaiveDate>> {
    let first = |f: &str| first(fields, f);
    let name_date = first_date(stem);
    // lore's own `date`, else the start (a publication date comes later).
    let own_date = fm
        .get("date")
        .map(strings)
        .and_then(|v| v.first().and_then(|d| first_date(d)));
    let date = if let Some(d) = own_date {
        Some(From {
            value: d,
            from: "front matter".into(),
        })
    } else if let Some(d) = first("started").and_then(|d| first_date(&d)) {
        Some(From {
            value: d,
            from: "start time".into(),
        })
    } else if let Some(d) = first("date").and_then(|d| first_date(&d)) {
        Some(From {
            value: d,
            from: "front matter".into(),
        })
    } else if let Some(d) = doc
        .timeline
        .iter()
        .find_map(|e| e.at)
        .map(|t| t.date_naive())
    {
        Some(From {
            value: d,
            from: "timeline".into(),
        })
    } else if let Some(d) = name_date {
        Some(From {
            value: d,
            from: "file name".into(),
        })
    } else {
        first_date(body).map(|d| From {
            value: d,
            from: "text".into(),
        })
    };
    if let Some(bad) = fm
        .get("date")
        .map(strings)
        .and_then(|v| v.first().cloned())
        .filter(|d| first_date(d).is_none())
    {
        warnings.push(format!(
            "`date: {bad}` is not a date; kept as `source_date`"
        ));
        kept.insert("source_date".into(), Value::String(bad));
    }
    match &date {
        None => warnings.push("no date found; set `date:` by hand".into()),
        Some(d) if name_date.is_some_and(|n| n != d.value) => warnings.push(format!(
            "the date {} disagrees with the file name's {}",
            d.value,
            name_date.unwrap_or_default()
        )),
        _ => {}
    }
    date
}

/// Severity, services, factors, tags and aliases into `inf`, and the stamps
/// and durations the document model read. Returns the stamps the front
/// matter gave, as they go into the new front matter.
pub(super) fn facts(
    cfg: &Config,
    fields: &Fields,
    body: &str,
    doc: &Doc,
    stem: &str,
    inf: &mut Inferred,
    warnings: &mut Vec<String>,
) -> Vec<(&'static str, String)> {
    let first = |f: &str| first(fields, f);
    // Severity: front matter, else a `Severity:` line in the prose.
    let sev_raw = first("severity").map(|s| (s, "front matter")).or_else(|| {
        crate::doc::prose_lines(body)
            .into_iter()
            .find_map(|(_, l)| {
                let (label, value) = crate::doc::prose::label_value(l)?;
                matches!(
                    label.to_ascii_lowercase().as_str(),
                    "severity" | "sev" | "priority"
                )
                .then(|| (value.to_string(), "text"))
            })
    });
    if let Some((raw, from)) = sev_raw {
        match map::severity(cfg, &raw) {
            Some(s) => {
                inf.severity = Some(From {
                    value: s,
                    from: from.into(),
                })
            }
            None => warnings.push(format!(
                "severity `{raw}` matches no level in lore.toml; left out"
            )),
        }
    }

    // Services, tags, factors: values naming a taxonomy factor become factors.
    for s in fields.get("services").into_iter().flatten() {
        push_unique(&mut inf.services, s.clone());
    }
    for f in fields.get("factors").into_iter().flatten() {
        match map::factor(cfg, f) {
            Some(id) => push_unique(&mut inf.factors, id),
            None => push_unique(&mut inf.tags, slugify(f)),
        }
    }
    let mut tag_words: Vec<String> = fields.get("tags").cloned().unwrap_or_default();
    for (_, l) in crate::doc::prose_lines(body) {
        if let Some((label, value)) = crate::doc::prose::label_value(l)
            && matches!(
                label.to_ascii_lowercase().as_str(),
                "category" | "categories" | "tags" | "keywords"
            )
        {
            tag_words.extend(value.split(',').map(|s| s.trim().to_string()));
        }
    }
    for t in tag_words {
        match map::factor(cfg, &t) {
            Some(id) => push_unique(&mut inf.factors, id),
            None => push_unique(&mut inf.tags, slugify(&t)),
        }
    }

    // The team's own ids.
    for a in fields.get("aliases").into_iter().flatten() {
        push_unique(&mut inf.aliases, a.clone());
    }
    if let Some(id) = own_id(stem) {
        push_unique(&mut inf.aliases, id);
    }

    // Structure the document model found.
    let st = &doc.stamps;
    let mut stamp_fields: Vec<(&str, String)> = Vec::new();
    for name in ["started", "detected", "mitigated", "resolved"] {
        if let Some(v) = first(name) {
            match crate::doc::parse_timestamp_in(&v, cfg.tz) {
                Some(t) => {
                    stamp_fields.push((name, t.to_rfc3339()));
                    inf.stamps.push(From {
                        value: name.into(),
                        from: "front matter".into(),
                    });
                }
                None => warnings.push(format!("`{name}: {v}` is not a time stamp; left out")),
            }
        } else if let Some((_, line)) = st.inferred.iter().find(|(n, _)| *n == name) {
            inf.stamps.push(From {
                value: name.into(),
                from: format!("timeline line {line}"),
            });
        }
    }
    for (name, v) in [
        ("ttd", doc.stated.ttd),
        ("ttm", doc.stated.ttm),
        ("ttr", doc.stated.ttr),
    ] {
        if v.is_some() {
            inf.durations.push(name.into());
        }
    }
    inf.timeline_entries = doc.timeline.len();
    inf.action_items = doc.action_items.len();
    stamp_fields
}
