//! The `&'static str` fields of a document read back from the parse cache
//! (`store::parsed`): a problem's code and the names of inferred stamps are
//! few and fixed in the code, so each distinct one is kept once for the
//! process.

use super::{Level, Problem, Stamps};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, de::Error as _};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// More distinct codes than lore has: the cache is not lore's.
const MAX_CODES: usize = 512;

fn code(s: String) -> Result<&'static str, String> {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .map_err(|_| "code table poisoned".to_string())?;
    if let Some(&c) = seen.get(s.as_str()) {
        return Ok(c);
    }
    if seen.len() >= MAX_CODES {
        return Err("too many problem codes".into());
    }
    let c: &'static str = Box::leak(s.into_boxed_str());
    seen.insert(c);
    Ok(c)
}

#[derive(Deserialize)]
struct ProblemRepr {
    code: String,
    level: Level,
    line: Option<usize>,
    message: String,
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Problem, D::Error> {
        let p = ProblemRepr::deserialize(d)?;
        Ok(Problem {
            code: code(p.code).map_err(D::Error::custom)?,
            level: p.level,
            line: p.line,
            message: p.message,
        })
    }
}

#[derive(Deserialize)]
struct StampsRepr {
    started: Option<DateTime<FixedOffset>>,
    detected: Option<DateTime<FixedOffset>>,
    mitigated: Option<DateTime<FixedOffset>>,
    resolved: Option<DateTime<FixedOffset>>,
    inferred: Vec<(String, usize)>,
}

impl<'de> Deserialize<'de> for Stamps {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Stamps, D::Error> {
        let s = StampsRepr::deserialize(d)?;
        let inferred = s
            .inferred
            .into_iter()
            .map(|(name, line)| {
                ["started", "detected", "mitigated", "resolved"]
                    .into_iter()
                    .find(|n| *n == name)
                    .map(|n| (n, line))
                    .ok_or_else(|| format!("unknown stamp `{name}`"))
            })
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom)?;
        Ok(Stamps {
            started: s.started,
            detected: s.detected,
            mitigated: s.mitigated,
            resolved: s.resolved,
            inferred,
        })
    }
}
