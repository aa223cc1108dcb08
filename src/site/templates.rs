//! The Tera environment: built-in templates embedded in the binary, replaced
//! file by file by a KB's own `templates/`. The only module that names tera.

use crate::error::{Error, Result};
use serde::Serialize;
use std::path::Path;

/// The built-in page templates (the repository's `templates/` folder).
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    ("list.html", include_str!("../../templates/list.html")),
    ("term.html", include_str!("../../templates/term.html")),
    ("browse.html", include_str!("../../templates/browse.html")),
    ("actions.html", include_str!("../../templates/actions.html")),
    ("trends.html", include_str!("../../templates/trends.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("slos.html", include_str!("../../templates/slos.html")),
    ("drills.html", include_str!("../../templates/drills.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
];

pub struct Templates {
    tera: tera::Tera,
    /// What the pages are made with: every template's name and source and
    /// the lore binary itself, so a page made by other templates or another
    /// build of lore is never taken for an unchanged one.
    id: u64,
}

/// Values for one page, and a fingerprint of all of them: two pages with the
/// same fingerprint and template render to the same bytes, which lets an
/// export keep the previous one instead of rendering it again.
pub struct Context {
    values: tera::Context,
    hash: xxhash_rust::xxh3::Xxh3,
}

/// Feeds what serde writes into a hash.
struct HashWriter<'a>(&'a mut xxhash_rust::xxh3::Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds `value` (as its JSON) to `hash`, with a separator no JSON holds.
pub fn hash_value<T: Serialize + ?Sized>(hash: &mut xxhash_rust::xxh3::Xxh3, value: &T) {
    // A value that cannot be serialised cannot be rendered either; its error
    // text still goes into the hash, so it never matches a good one.
    if let Err(e) = serde_json::to_writer(HashWriter(hash), value) {
        hash.update(e.to_string().as_bytes());
    }
    hash.update(&[0xff]);
}

/// The hash of one value, as `Context::note` would add it.
pub fn hash_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    hash_value(&mut h, value);
    h.digest()
}

impl Context {
    pub fn new() -> Context {
        Context {
            values: tera::Context::new(),
            hash: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    /// A value the template reads; it is part of the fingerprint.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.note(key, value);
        self.values.insert(key, value);
    }

    /// Adds to the fingerprint what values inserted later with
    /// `insert_derived` are made from.
    pub fn note<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.hash.update(key.as_bytes());
        hash_value(&mut self.hash, value);
    }

    /// `note` for raw bytes (a document's text), hashed as they are.
    pub fn note_bytes(&mut self, key: &'static str, bytes: &[u8]) {
        self.hash.update(key.as_bytes());
        self.hash.update(&(bytes.len() as u64).to_le_bytes());
        self.hash.update(bytes);
    }

    /// A value the template reads that is wholly made from what was `note`d
    /// before (a document's rendered body: from the document and its links),
    /// so it need not be hashed again.
    pub fn insert_derived<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.values.insert(key, value);
    }

    /// The fingerprint of everything inserted and noted so far.
    pub fn fingerprint(&self) -> u64 {
        self.hash.digest()
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Templates {
    /// Loads the built-ins, then every `templates/*.html` or `*.xml` of the KB
    /// whose name matches one of them (or is new, for a KB's own pages).
    pub fn load(kb_root: &Path) -> Result<Templates> {
        let overrides = crate::store::template_overrides(kb_root)?;
        let mut all: Vec<(String, String)> = BUILTIN
            .iter()
            .filter(|(name, _)| !overrides.iter().any(|(n, _)| n == name))
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        all.extend(overrides);
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.add_raw_templates(all.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| template_error("templates", &e))?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        all.sort();
        hash_value(&mut h, &all);
        hash_value(&mut h, &(env!("CARGO_PKG_VERSION"), build_id()));
        Ok(Templates {
            tera,
            id: h.digest(),
        })
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(name, &ctx.values)
            .map_err(|e| template_error(name, &e))
    }

    /// The fingerprint of a page: its template, the templates and lore build
    /// it is made with, and its values.
    pub fn fingerprint(&self, name: &str, ctx: &Context) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&self.id.to_le_bytes());
        h.update(name.as_bytes());
        h.update(&ctx.fingerprint().to_le_bytes());
        h.digest()
    }
}

/// This build of lore: `build.rs` hashes the sources, built-in templates and
/// assets and the locked dependencies, so a page made by other code is never
/// kept, whatever its version says.
fn build_id() -> &'static str {
    env!("LORE_BUILD_ID")
}

fn template_error(name: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        name: name.to_string(),
        message,
    }
}
