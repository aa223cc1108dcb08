//! Making a page or keeping the previous export's: the fingerprint of a
//! page's values decides (`templates::Context`), `SiteWriter::keep` takes
//! the old file when it matches.

use super::Page;
use super::output::SiteWriter;
use super::pages::Shared;
use super::templates::Context;
use crate::error::Result;

impl Shared<'_> {
    pub(super) fn page(&self, path: String, template: &'static str, ctx: Context) -> Result<Made> {
        Ok(Made {
            path,
            template,
            ctx,
        })
    }

    /// `emit` for a page whose fingerprint stands for values `fill` adds
    /// only when the page must be rendered (they are made from what was
    /// noted).
    pub(super) fn emit_filled(
        &self,
        w: &SiteWriter,
        path: String,
        template: &'static str,
        mut ctx: Context,
        fill: impl FnOnce(&mut Context),
    ) -> Result<()> {
        let inputs = self.tpl.fingerprint(template, &ctx);
        if w.keep(&path, inputs)? {
            return Ok(());
        }
        let noted = ctx.fingerprint();
        fill(&mut ctx);
        // `fill` may only add what the fingerprint already stands for.
        debug_assert_eq!(
            ctx.fingerprint(),
            noted,
            "{path}: a value was hashed after the fingerprint"
        );
        let page = Page {
            bytes: self.tpl.render(template, &ctx)?.into_bytes(),
            path,
        };
        w.write_made(&page, Some(inputs), Vec::new())
    }

    /// Renders a page into `w`, or keeps the previous export's when it was
    /// made from the same values with the same templates.
    pub(super) fn emit(&self, w: &SiteWriter, m: Made) -> Result<()> {
        self.emit_filled(w, m.path, m.template, m.ctx, |_| {})
    }
}

/// A page to make: where, with which template and values.
pub struct Made {
    pub path: String,
    template: &'static str,
    ctx: Context,
}

/// Notes all of a document in a page's fingerprint: what it was parsed from
/// when the KB knows (`Kb::source_key`), else what it serialises, and the
/// body and the parts of it serialising leaves out.
pub(super) fn note_source(c: &mut Context, kb: &crate::kb::Kb, d: &crate::doc::Doc) {
    if let Some(key) = kb.source_key(d) {
        c.note("source_key", &key);
        return;
    }
    c.note("source", d);
    c.note_bytes("source_body", d.body.as_bytes());
    let ranges: Vec<(usize, usize)> = d
        .sections
        .iter()
        .map(|s| (s.content.start, s.content.end))
        .collect();
    c.note("source_ranges", &ranges);
    c.note("source_keys", &d.meta.key_lines);
}
