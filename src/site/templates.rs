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
}

/// Values for one page.
pub struct Context(tera::Context);

impl Context {
    pub fn new() -> Context {
        Context(tera::Context::new())
    }
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.0.insert(key, value);
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
        Ok(Templates { tera })
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(name, &ctx.0)
            .map_err(|e| template_error(name, &e))
    }
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
