//! Foreign front matter in lore's terms: a built-in table of the names other
//! tools and teams use (`start_time`, `company`, `keywords`, `url`…), the
//! KB's own `[import]` table on top, and `--map FROM=TO` on top of that.
//! Values are normalised here too: a severity word to the KB's levels, a tag
//! that names a taxonomy factor to that factor. Pure.

use crate::config::{Config, did_you_mean};
use std::collections::BTreeMap;

/// Fields lore knows, as targets of a mapping.
pub const TARGETS: &[&str] = &[
    "title",
    "date",
    "severity",
    "services",
    "factors",
    "tags",
    "authors",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "impact",
    "summary",
    "source",
    "aliases",
    "status",
];

/// The built-in alias table: a foreign name and the lore field it means.
const BUILT_IN: &[(&str, &str)] = &[
    ("name", "title"),
    ("headline", "title"),
    ("subject", "title"),
    ("start_time", "started"),
    ("starttime", "started"),
    ("start", "started"),
    ("started_at", "started"),
    ("start_date", "started"),
    ("incident_start", "started"),
    ("began", "started"),
    ("detected_at", "detected"),
    ("detectedat", "detected"),
    ("detection_time", "detected"),
    ("mitigated_at", "mitigated"),
    ("end_time", "resolved"),
    ("endtime", "resolved"),
    ("end", "resolved"),
    ("ended_at", "resolved"),
    ("resolved_at", "resolved"),
    ("end_date", "resolved"),
    ("company", "services"),
    ("product", "services"),
    ("products", "services"),
    ("team", "services"),
    ("service", "services"),
    ("system", "services"),
    ("systems", "services"),
    ("component", "services"),
    ("components", "services"),
    ("keywords", "tags"),
    ("categories", "tags"),
    ("category", "tags"),
    ("labels", "tags"),
    ("tag", "tags"),
    ("summary", "summary"),
    ("tldr", "summary"),
    ("description", "summary"),
    ("abstract", "summary"),
    ("url", "source"),
    ("link", "source"),
    ("source_url", "source"),
    ("permalink", "source"),
    ("source_published_at", "date"),
    ("published_at", "date"),
    ("date_published", "date"),
    ("incident_date", "date"),
    ("author", "authors"),
    ("owner", "authors"),
    ("sev", "severity"),
    ("priority", "severity"),
    ("impact_summary", "impact"),
    ("customer_impact", "impact"),
    ("ids", "aliases"),
];

/// The mapping for one import: built-ins, then `[import]`, then `--map`.
pub struct Mapping(BTreeMap<String, String>);

fn key(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('-', "_")
}

impl Mapping {
    pub fn new(cfg: &Config, extra: &[(String, String)]) -> Mapping {
        let mut m: BTreeMap<String, String> = BUILT_IN
            .iter()
            .map(|(a, b)| (key(a), b.to_string()))
            .collect();
        for (from, to) in cfg.import.iter().chain(extra.iter().map(|(a, b)| (a, b))) {
            m.insert(key(from), to.trim().to_string());
        }
        Mapping(m)
    }

    /// The lore field a foreign name means, if any (a lore name means itself).
    pub fn target(&self, name: &str) -> Option<&str> {
        let k = key(name);
        if let Some(t) = self.0.get(&k) {
            return Some(t.as_str());
        }
        TARGETS.iter().find(|t| **t == k).copied()
    }
}

/// A severity as the KB writes it: `Sev1`, `sev-1`, `SEV 1` → the level of
/// that number; `P0`/`P1` → the most severe, `P2` the next…; words
/// (`critical`, `high`, `medium`, `low`) by rank. `None` when nothing fits.
pub fn severity(cfg: &Config, raw: &str) -> Option<String> {
    let levels = &cfg.severities.levels;
    let r = raw.trim();
    if let Some(l) = levels.iter().find(|l| l.eq_ignore_ascii_case(r)) {
        return Some(l.clone());
    }
    let lower = r.to_ascii_lowercase();
    let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
    let letters: String = lower.chars().filter(char::is_ascii_alphabetic).collect();
    let rank = match (letters.as_str(), digits.parse::<usize>().ok()) {
        ("sev" | "severity" | "s", Some(n)) if n >= 1 => Some(n - 1),
        ("sev" | "severity", Some(0)) => Some(0),
        ("p", Some(n)) => Some(n.saturating_sub(1)),
        ("critical" | "blocker" | "major" | "emergency", None) => Some(0),
        ("high", None) => Some(1),
        ("medium" | "moderate" | "normal", None) => Some(2),
        ("low" | "minor", None) => Some(3),
        _ => None,
    }?;
    levels.get(rank).cloned()
}

/// The taxonomy factor a free word names: by id, by name, or by a close
/// spelling of either.
pub fn factor(cfg: &Config, word: &str) -> Option<String> {
    let w = word.trim().to_ascii_lowercase();
    let slug = crate::doc::slugify(&w);
    if let Some(f) = cfg
        .factors
        .iter()
        .find(|f| f.id == slug || f.name.eq_ignore_ascii_case(&w))
    {
        return Some(f.id.clone());
    }
    if slug.len() < 5 {
        return None;
    }
    did_you_mean(&slug, cfg.factors.iter().map(|f| f.id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::parse(
            crate::config::DEFAULT_CONFIG,
            std::path::Path::new("lore.toml"),
        )
        .unwrap()
    }

    #[test]
    fn names_map_through_built_ins_the_kb_and_the_command_line() {
        let mut c = cfg();
        c.import.insert("company".into(), "tags".into());
        let m = Mapping::new(&c, &[("startTime".into(), "detected".into())]);
        assert_eq!(m.target("start_time"), Some("started"));
        assert_eq!(m.target("company"), Some("tags"));
        assert_eq!(m.target("starttime"), Some("detected"));
        assert_eq!(m.target("services"), Some("services"));
        assert_eq!(m.target("uuid"), None);
    }

    #[test]
    fn severities_and_factors_in_the_kbs_terms() {
        let c = cfg();
        for (raw, want) in [
            ("Sev1", "SEV1"),
            ("sev-2", "SEV2"),
            ("P1", "SEV1"),
            ("P3", "SEV3"),
            ("High", "SEV2"),
            ("low", "SEV4"),
        ] {
            assert_eq!(severity(&c, raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(severity(&c, "purple"), None);
        assert_eq!(severity(&c, "SEV9"), None);
        assert_eq!(factor(&c, "DNS").as_deref(), Some("dns"));
        assert_eq!(
            factor(&c, "Configuration change").as_deref(),
            Some("config-change")
        );
        assert_eq!(
            factor(&c, "certificate expiry").as_deref(),
            Some("certificate-expiry")
        );
        assert_eq!(
            factor(&c, "certficate-expiry").as_deref(),
            Some("certificate-expiry")
        );
        assert_eq!(factor(&c, "kubernetes"), None);
    }
}
