//! The loaded knowledge base: every document in memory, looked up by id, with
//! backlinks. Built from `store`; everything above reads from here.

use crate::config::{Config, did_you_mean};
use crate::doc::{Doc, Kind};
use crate::error::{Error, Result};
use crate::store::{self, FileError};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Kb {
    pub root: PathBuf,
    pub config: Config,
    /// Every readable document: postmortems newest first, then runbooks.
    pub docs: Vec<Doc>,
    /// Files that could not be read as documents at all.
    pub file_errors: Vec<FileError>,
    by_id: HashMap<String, usize>,
}

/// Short: a KB is too large to print whole.
impl std::fmt::Debug for Kb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kb")
            .field("root", &self.root)
            .field("docs", &self.docs.len())
            .finish_non_exhaustive()
    }
}

impl Kb {
    /// Loads the KB at `root`: reads `lore.toml` and parses every document in
    /// parallel. Only a broken `lore.toml` is an error; bad documents are kept
    /// with their problems, unreadable files and links out of the KB (also
    /// those in `templates/` and `site/`) land in `file_errors`.
    pub fn load(root: &Path) -> Result<Kb> {
        let mut config = Config::load(root)?;
        let (files, mut file_errors) = store::scan(root, &config);
        // SLOs may also live in OpenSLO files; lore.toml wins on an id.
        let (openslo, slo_errors) = crate::slo::openslo(root);
        file_errors.extend(slo_errors);
        for (slo, path) in openslo {
            if config.slo(&slo.id).is_some() {
                file_errors.push(store::FileError {
                    path,
                    line: None,
                    code: "bad-openslo",
                    message: format!("SLO `{}` is also in lore.toml, which wins", slo.id),
                });
            } else {
                config.slos.push(slo);
            }
        }
        file_errors.extend(store::outside_links(root));
        let results: Vec<_> = files
            .par_iter()
            .map(|f| store::read_doc(root, f, &config))
            .collect();
        let mut docs = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(d) => docs.push(d),
                Err(e) => file_errors.push(e),
            }
        }
        Ok(Kb::from_docs(root.to_path_buf(), config, docs, file_errors))
    }

    /// Builds a KB from documents already parsed (tests, the index, imports).
    pub fn from_docs(
        root: PathBuf,
        config: Config,
        mut docs: Vec<Doc>,
        file_errors: Vec<FileError>,
    ) -> Kb {
        sort_newest_first(&mut docs);
        let mut by_id = HashMap::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            by_id.entry(d.id.clone()).or_insert(i);
        }
        // Aliases (the team's own ids) after every id, so an id always wins.
        for (i, d) in docs.iter().enumerate() {
            for a in &d.meta.aliases {
                by_id.entry(a.clone()).or_insert(i);
            }
        }
        Kb {
            root,
            config,
            docs,
            file_errors,
            by_id,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Doc> {
        self.by_id.get(id).map(|&i| &self.docs[i])
    }

    /// Looks a document up by id, or by its path relative to the KB root;
    /// an unknown id is an error with a did-you-mean.
    pub fn find(&self, id: &str) -> Result<&Doc> {
        if let Some(d) = self.get(id) {
            return Ok(d);
        }
        let as_path = Path::new(id);
        if let Some(d) = self.docs.iter().find(|d| d.path == as_path) {
            return Ok(d);
        }
        // The team's own ids, as written or in another case.
        if let Some(d) = self
            .docs
            .iter()
            .find(|d| d.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
        {
            return Ok(d);
        }
        Err(Error::UnknownId {
            id: id.to_string(),
            suggestion: did_you_mean(id, self.docs.iter().map(|d| d.id.as_str())),
        })
    }

    pub fn by_kind(&self, kind: Kind) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(move |d| d.kind == kind)
    }

    /// Documents that name `id` in `related`/`runbooks` or link to its file.
    pub fn backlinks(&self, id: &str) -> Vec<&Doc> {
        let Some(target) = self.get(id) else {
            return Vec::new();
        };
        self.docs
            .iter()
            .filter(|d| d.id != id)
            .filter(|d| {
                d.meta.related.iter().any(|r| r == id)
                    || d.meta.runbooks.iter().any(|r| r == id)
                    || d.links.iter().any(|l| l.resolved == target.path)
            })
            .collect()
    }

    /// The document a relative `.md` path points at, if any.
    pub fn by_path(&self, rel: &Path) -> Option<&Doc> {
        self.docs.iter().find(|d| d.path == rel)
    }
}

/// Postmortems before runbooks; newest first by incident date (runbooks by
/// review date), then by id.
pub fn sort_newest_first(docs: &mut [Doc]) {
    docs.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| b.sort_date().cmp(&a.sort_date()))
            .then_with(|| a.id.cmp(&b.id))
    });
}
