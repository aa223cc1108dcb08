//! `lore.toml`: KB settings and the contributing-factor taxonomy, with defaults,
//! and discovery of the KB root (`--kb`, `LORE_KB`, then walking up).

use crate::error::{Error, Result};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file that marks a knowledge base.
pub const CONFIG_FILE: &str = "lore.toml";

/// The built-in `lore.toml` that `lore init` writes, with the default taxonomy.
pub const DEFAULT_CONFIG: &str = include_str!("../templates/lore.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub name: String,
    pub timezone: String,
    pub base_url: String,
    pub paths: Paths,
    pub severities: Severities,
    pub runbooks: RunbookSettings,
    pub actions: ActionSettings,
    pub factors: Vec<Factor>,
    /// `[[slos]]`: service level objectives incidents burn budget of.
    pub slos: Vec<Slo>,
    /// `[import]`: foreign front-matter names and the lore fields they mean
    /// (`company = "services"`), on top of the built-in table.
    pub import: std::collections::BTreeMap<String, String>,
    #[serde(skip)]
    pub tz: Tz,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Paths {
    pub postmortems: String,
    pub runbooks: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Severities {
    /// Most severe first.
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunbookSettings {
    pub review_every_days: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionSettings {
    pub follow_up_days: u32,
}

/// One contributing factor of the taxonomy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub description: String,
}

/// One service level objective: `objective` percent of the service's
/// requests (or minutes) good over a rolling window of `window_days`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    pub id: String,
    pub service: String,
    /// Percent, e.g. `99.9`.
    pub objective: f64,
    pub window_days: u32,
    #[serde(default)]
    pub description: String,
}

impl Slo {
    /// The error budget of one window in minutes: a 99.9 % objective over 30
    /// days allows 43.2 minutes of full outage.
    pub fn budget_minutes(&self) -> f64 {
        f64::from(self.window_days) * 1440.0 * (100.0 - self.objective) / 100.0
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "Reliability knowledge".into(),
            timezone: "UTC".into(),
            base_url: String::new(),
            paths: Paths::default(),
            severities: Severities::default(),
            runbooks: RunbookSettings::default(),
            actions: ActionSettings::default(),
            factors: Vec::new(),
            slos: Vec::new(),
            import: Default::default(),
            tz: Tz::UTC,
        }
    }
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            postmortems: "postmortems".into(),
            runbooks: "runbooks".into(),
        }
    }
}

impl Default for Severities {
    fn default() -> Self {
        Severities {
            levels: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
        }
    }
}

impl Default for RunbookSettings {
    fn default() -> Self {
        RunbookSettings {
            review_every_days: 180,
        }
    }
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings { follow_up_days: 30 }
    }
}

impl Config {
    /// The folder-implied kind of a KB-relative path, as `store::scan`
    /// decides it.
    pub fn kind_of(&self, rel: &std::path::Path) -> crate::doc::Kind {
        use crate::doc::Kind;
        use std::path::Path;
        let pm = Path::new(&self.paths.postmortems);
        let rb = Path::new(&self.paths.runbooks);
        match (rel.starts_with(pm), rel.starts_with(rb)) {
            (true, true) if rb != pm && rb.starts_with(pm) => Kind::Runbook,
            (false, true) => Kind::Runbook,
            _ => Kind::Postmortem,
        }
    }

    /// Parses `lore.toml` text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            message: e.message().trim().to_string(),
        })?;
        cfg.tz = cfg.timezone.parse().map_err(|_| Error::Config {
            path: path.to_path_buf(),
            line: text
                .lines()
                .position(|l| l.trim_start().starts_with("timezone"))
                .map(|i| i + 1),
            message: format!(
                "unknown timezone `{}`; use an IANA name like `UTC` or `Europe/Berlin`",
                cfg.timezone
            ),
        })?;
        if let Err(why) = check_base_url(&cfg.base_url) {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: text
                    .lines()
                    .position(|l| l.trim_start().starts_with("base_url"))
                    .map(|i| i + 1),
                message: why,
            });
        }
        for (key, value) in [
            ("paths.postmortems", &cfg.paths.postmortems),
            ("paths.runbooks", &cfg.paths.runbooks),
        ] {
            let p = Path::new(value);
            if p.is_absolute()
                || p.components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    line: None,
                    message: format!(
                        "`{key} = \"{value}\"` must be a folder inside the knowledge base"
                    ),
                });
            }
        }
        check_slos(&cfg.slos, text, path)?;
        Ok(cfg)
    }

    /// The SLO with this id.
    pub fn slo(&self, id: &str) -> Option<&Slo> {
        self.slos.iter().find(|s| s.id == id)
    }

    /// Reads `lore.toml` from a KB root.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Config::parse(&text, &path)
    }

    pub fn factor(&self, id: &str) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }

    /// A severity as `lore.toml` spells it (`sev2` → `SEV2`), or an error
    /// naming the levels with a did-you-mean. The one rule for every flag and
    /// form that takes a severity.
    pub fn check_severity(&self, sev: &str) -> std::result::Result<String, String> {
        if let Some(l) = self
            .severities
            .levels
            .iter()
            .find(|l| l.eq_ignore_ascii_case(sev.trim()))
        {
            return Ok(l.clone());
        }
        let hint = did_you_mean(sev, self.severities.levels.iter().map(String::as_str))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Err(format!(
            "unknown severity `{sev}`{hint}; lore.toml allows {}",
            self.severities.levels.join(", ")
        ))
    }

    /// A factor id of the taxonomy, or an error with a did-you-mean.
    pub fn check_factor(&self, id: &str) -> std::result::Result<(), String> {
        if self.factor(id).is_some() {
            return Ok(());
        }
        let hint = did_you_mean(id, self.factors.iter().map(|f| f.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Err(format!(
            "unknown contributing factor `{id}`{hint}; `lore factors` lists them"
        ))
    }

    /// Position of a severity in `levels` (0 = most severe).
    pub fn severity_rank(&self, sev: &str) -> Option<usize> {
        self.severities
            .levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(sev))
    }
}

/// Each `[[slos]]` entry has an id of its own, an objective strictly between
/// 0 and 100 percent and a window of 1 to 366 days; a mistake names the line
/// of the entry's `id`.
fn check_slos(slos: &[Slo], text: &str, path: &Path) -> Result<()> {
    let line_of = |id: &str| {
        text.lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with("id") && l.contains(&format!("\"{id}\""))
            })
            .map(|i| i + 1)
    };
    for (i, s) in slos.iter().enumerate() {
        let why = if s.id.trim().is_empty() || s.id.contains(char::is_whitespace) {
            Some(format!(
                "SLO id `{}` must be one word like `checkout-availability`",
                s.id
            ))
        } else if slos[..i].iter().any(|o| o.id == s.id) {
            Some(format!("SLO id `{}` is used twice", s.id))
        } else if !(s.objective > 0.0 && s.objective < 100.0) {
            Some(format!(
                "SLO `{}`: objective {} must be a percent between 0 and 100, like 99.9",
                s.id, s.objective
            ))
        } else if !(1..=366).contains(&s.window_days) {
            Some(format!(
                "SLO `{}`: window_days {} must be 1 to 366",
                s.id, s.window_days
            ))
        } else if s.service.trim().is_empty() {
            Some(format!("SLO `{}` names no service", s.id))
        } else {
            None
        };
        if let Some(message) = why {
            return Err(Error::Config {
                path: path.to_path_buf(),
                line: line_of(&s.id),
                message,
            });
        }
    }
    Ok(())
}

/// A site's `base_url` is empty, an `http(s)://` address or a relative path;
/// anything else (`javascript:`, `data:`, a control character) would end up
/// in every link of the feed.
pub fn check_base_url(url: &str) -> std::result::Result<(), String> {
    let bad = |why: &str| Err(format!("base_url `{}` {why}", url.escape_debug()));
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return bad("holds spaces, quotes or control characters");
    }
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return if url.len() > "https://".len() {
            Ok(())
        } else {
            bad("has no host")
        };
    }
    // A scheme is letters before a colon that comes before any slash.
    let before_slash = url.split('/').next().unwrap_or("");
    if before_slash.contains(':') || url.starts_with("//") {
        return bad("must start with http:// or https://, or be a relative path");
    }
    Ok(())
}

/// Finds the KB root: `explicit` (from `--kb` or `LORE_KB`), else the nearest
/// folder holding `lore.toml` from `start` upwards.
pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if dir.join(CONFIG_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
        return Err(Error::NoKb {
            start: dir.to_path_buf(),
        });
    }
    let mut cur = Some(start);
    while let Some(dir) = cur {
        if dir.join(CONFIG_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
        cur = dir.parent();
    }
    Err(Error::NoKb {
        start: start.to_path_buf(),
    })
}

/// The closest of `candidates` to `word`, when close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let c_low = c.to_ascii_lowercase();
            // Short words: one swap or one wrong letter (`dsn` → `dns`).
            let close = w.len() <= 4 && strsim::osa_distance(&w, &c_low) == 1;
            let score = strsim::jaro_winkler(&w, &c_low);
            (if close { score.max(0.81) } else { score }, c)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}
