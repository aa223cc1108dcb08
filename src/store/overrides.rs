//! A KB's own folders beside the documents: `templates/` and `site/`, which
//! replace or extend the built-in templates and static assets of the
//! exported site, and the flat folders of other files lore reads (`slos/`,
//! `drills/`). None of them nor any file in them is read through a link that
//! leaves the KB.

use super::confine::{self, Bounds, Entry};
use crate::error::{Error, Result};
use std::path::Path;

/// The KB folder `name`, resolved, or `None` when it is missing or a link
/// out of the KB (which `outside_links` reports).
fn own_folder(bounds: &Bounds, root: &Path, name: &str) -> Result<Option<std::path::PathBuf>> {
    match bounds.resolve(&root.join(name)) {
        Ok(Some(c)) if c.is_dir() => Ok(Some(c)),
        _ => Ok(None),
    }
}

/// Links out of the KB in `templates/` and `site/` (the folders themselves or
/// anything in them), which the export skips: one finding each, for `lint`
/// and the export's warnings.
pub fn outside_links(root: &Path) -> Vec<super::FileError> {
    let bounds = Bounds::new(root);
    let mut out = Vec::new();
    let mut report = |path: std::path::PathBuf, o: confine::Outside| {
        out.push(super::FileError {
            path,
            line: None,
            code: "symlink-outside",
            message: o.message(),
        })
    };
    for name in ["templates", "site"] {
        let dir = match bounds.resolve(&root.join(name)) {
            Ok(Some(c)) if c.is_dir() => c,
            Ok(_) => continue,
            Err(o) => {
                report(name.into(), o);
                continue;
            }
        };
        let mut todo = vec![(dir, std::path::PathBuf::from(name))];
        while let Some((dir, rel)) = todo.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in rd.flatten() {
                let name = e.file_name();
                if name.to_string_lossy().starts_with('.') {
                    continue;
                }
                match confine::classify(&bounds, &e) {
                    Entry::Outside(o) => report(rel.join(&name), o),
                    // Only real folders: links inside are not walked by the
                    // export either.
                    Entry::Dir(d) if e.file_type().is_ok_and(|t| t.is_dir()) => {
                        todo.push((d, rel.join(&name)))
                    }
                    _ => {}
                }
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `templates/*.html` and `templates/*.xml` of the KB, by file name.
pub fn template_overrides(root: &Path) -> Result<Vec<(String, String)>> {
    let bounds = Bounds::new(root);
    let Some(dir) = own_folder(&bounds, root, "templates")? else {
        return Ok(Vec::new());
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let wanted = name.ends_with(".html") || name.ends_with(".xml");
        if !wanted || name.starts_with('.') {
            continue;
        }
        let path = match confine::classify(&bounds, &entry) {
            Entry::File(p, _) => p,
            _ => continue,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        out.push((name, text));
    }
    out.sort();
    Ok(out)
}

/// Every file under the KB's `site/` folder, as `/`-separated relative paths
/// with their bytes. Hidden entries are skipped and symlinks are not followed,
/// so nothing outside the folder is read; a `site/` that is itself a link out
/// of the KB is an error.
pub fn static_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let bounds = Bounds::new(root);
    let Some(dir) = own_folder(&bounds, root, "site")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // Hidden entries stay out, and so does a lore export written
            // into `site/` (it would be published inside itself, again and
            // again).
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.')
                    || e.file_type().is_dir() && e.path().join(crate::site::MARKER).exists())
        });
    for entry in walker {
        let entry = entry.map_err(|e| Error::Invalid(format!("{}: {e}", dir.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        out.push((rel.join("/"), bytes));
    }
    Ok(out)
}

/// The files directly in the KB folder `folder` whose extension is one of
/// `exts`, KB-relative and sorted; none when the folder is missing or a link
/// out of the KB. Read them with `read_text`, which refuses a file that is a
/// link out of the KB.
pub fn folder_files(root: &Path, folder: &str, exts: &[&str]) -> Vec<std::path::PathBuf> {
    let Ok(dir) = confine::inside(root, Path::new(folder)) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<std::path::PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .map(|e| Path::new(folder).join(e.file_name()))
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
        })
        .collect();
    out.sort();
    out
}
