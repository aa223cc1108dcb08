//! A KB's own `templates/` and `site/` folders, which replace or extend the
//! built-in templates and static assets of the exported site.

use crate::error::{Error, Result};
use std::path::Path;

/// `templates/*.html` and `templates/*.xml` of the KB, by file name.
pub fn template_overrides(root: &Path) -> Result<Vec<(String, String)>> {
    let dir = root.join("templates");
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
        if !wanted || name.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        out.push((name, text));
    }
    out.sort();
    Ok(out)
}

/// Every file under the KB's `site/` folder, as `/`-separated relative paths
/// with their bytes. Hidden entries are skipped and symlinks are not followed,
/// so nothing outside the folder is read.
pub fn static_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = root.join("site");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
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
