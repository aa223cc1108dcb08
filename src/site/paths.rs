//! File names in the exported site. Every id, tag, service or factor becomes a
//! slug of `[a-z0-9-]` that cannot climb out of the output folder, is never a
//! reserved device name, and is unique within its folder.

use std::collections::HashMap;

/// Names Windows refuses as files, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "index",
];

/// Longest slug before a hash suffix takes over.
const MAX_LEN: usize = 80;

/// A file-name-safe slug: lowercase ASCII letters and digits, single hyphens
/// between them; other letters are transliterated to a short hash so distinct
/// non-ASCII names stay distinct. Never empty, never `.`/`..`, never reserved.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut lossy = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            if !c.is_ascii() {
                lossy = true;
            }
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > MAX_LEN {
        out.truncate(MAX_LEN);
        out = out.trim_end_matches('-').to_string();
        lossy = true;
    }
    if out.is_empty() || lossy {
        let h = xxhash_rust::xxh3::xxh3_64(s.as_bytes());
        let tag = format!("{:08x}", h as u32);
        out = if out.is_empty() {
            format!("x-{tag}")
        } else {
            format!("{out}-{tag}")
        };
    }
    if RESERVED.contains(&out.as_str()) {
        out.push_str("-1");
    }
    out
}

/// Assigns unique slugs within one folder: the same name always gets the same
/// slug; two names that slug alike get `-2`, `-3`… in the order first seen.
#[derive(Debug, Default)]
pub struct Slugs {
    by_name: HashMap<String, String>,
    taken: HashMap<String, usize>,
}

impl Slugs {
    pub fn get_or_assign(&mut self, name: &str) -> String {
        if let Some(s) = self.by_name.get(name) {
            return s.clone();
        }
        let base = slug(name);
        let n = {
            let n = self.taken.entry(base.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let s = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        // A `-2` suffix could collide with a real name slugged to `x-2`.
        let s = if n > 1 && self.taken.contains_key(&s) {
            format!(
                "{base}-{n}-{:x}",
                xxhash_rust::xxh3::xxh3_64(name.as_bytes()) as u16
            )
        } else {
            s
        };
        self.taken.entry(s.clone()).or_insert(1);
        self.by_name.insert(name.to_string(), s.clone());
        s
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(String::as_str)
    }
}

/// Checks that a site-relative path is a plain relative path of normal
/// components, so joining it to the output folder stays inside it.
pub fn is_contained(rel: &str) -> bool {
    let p = std::path::Path::new(rel);
    !rel.is_empty()
        && !rel.contains('\\')
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_plain_slugs() {
        assert_eq!(slug("../../x"), "x");
        assert_eq!(slug("/etc/passwd"), "etc-passwd");
        assert_eq!(slug("..\\..\\win"), "win");
        assert_eq!(
            slug("2024-03-12 Checkout Failover!"),
            "2024-03-12-checkout-failover"
        );
        assert_eq!(slug("CON"), "con-1");
        assert_eq!(slug("nul"), "nul-1");
        assert!(slug("..").starts_with("x-"));
        assert!(slug("").starts_with("x-"));
        assert!(slug("数据库").starts_with("x-"));
        assert_ne!(slug("数据库"), slug("缓存"));
        assert_eq!(slug(&"a".repeat(300)).len(), MAX_LEN + 9);
        for s in ["../../x", "..", "/", "a/../../b", "CON", "\u{0}", "é"] {
            assert!(is_contained(&format!("tags/{}.html", slug(s))), "{s}");
        }
    }

    #[test]
    fn colliding_names_get_distinct_stable_slugs() {
        let mut s = Slugs::default();
        assert_eq!(s.get_or_assign("Database"), "database");
        assert_eq!(s.get_or_assign("database"), "database-2");
        assert_eq!(s.get_or_assign("Database"), "database");
        assert_eq!(s.get_or_assign("database-2"), "database-2-2");
        assert_eq!(s.get("database"), Some("database-2"));
    }

    #[test]
    fn containment() {
        assert!(is_contained("postmortems/a.html"));
        assert!(!is_contained("../a.html"));
        assert!(!is_contained("/a.html"));
        assert!(!is_contained("a/../../b"));
        assert!(!is_contained(""));
    }
}
