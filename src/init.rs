//! `lore init`: the skeleton of a new knowledge base (SPEC section 2).

use crate::config::{CONFIG_FILE, DEFAULT_CONFIG};
use crate::error::{Error, Result};
use crate::store;
use std::fmt::Write as _;
use std::path::Path;

// `.lore` without a slash: it also matches a symbolic link of that name, so
// nobody commits one by accident (lore refuses a linked cache anyway).
const GITIGNORE_ENTRIES: [&str; 3] = [".lore", "public/", ".lore-tmp-*"];

/// Creates `lore.toml` (with the default taxonomy), `postmortems/`,
/// `runbooks/`, a `.gitignore` holding `.lore`, `public/` and temporary files, and a git
/// repository when `dir` is not inside one. Returns a report for the user.
/// Refuses to touch a folder that already holds a `lore.toml`.
pub fn init(dir: &Path) -> Result<String> {
    let mut report = String::new();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let cfg_path = dir.join(CONFIG_FILE);
    if cfg_path.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists: this folder is a knowledge base",
            cfg_path.display()
        )));
    }
    store::create_new(&cfg_path, DEFAULT_CONFIG.as_bytes())?;
    let _ = writeln!(report, "created {CONFIG_FILE}");
    let mut created = vec![std::path::PathBuf::from(CONFIG_FILE)];
    for sub in ["postmortems", "runbooks"] {
        let p = dir.join(sub);
        if !p.is_dir() {
            std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            store::create_new(&p.join(".gitkeep"), b"")?;
            created.push(Path::new(sub).join(".gitkeep"));
            let _ = writeln!(report, "created {sub}/");
        }
    }
    let gi = dir.join(".gitignore");
    let existing = store::read_optional(&gi)?.unwrap_or_default();
    let missing: Vec<&str> = GITIGNORE_ENTRIES
        .iter()
        .copied()
        .filter(|e| !existing.lines().any(|l| l.trim() == *e))
        .collect();
    if !missing.is_empty() {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# lore: local search index and exported site\n");
        for e in &missing {
            text.push_str(e);
            text.push('\n');
        }
        store::write_atomic(&gi, text.as_bytes())?;
        created.push(".gitignore".into());
        let _ = writeln!(
            report,
            "{} .gitignore",
            if existing.is_empty() {
                "created"
            } else {
                "updated"
            }
        );
    }
    if store::git::ensure_repo(dir)? {
        let _ = writeln!(report, "initialised a git repository");
    }
    // The skeleton is lore's change like any other: one commit of exactly
    // these files. Without an identity the files stay, uncommitted.
    match store::git::commit_paths(dir, &created, "lore: initialise knowledge base") {
        Ok(store::git::CommitOutcome::Committed { .. }) => {
            let _ = writeln!(report, "committed the skeleton");
        }
        Ok(_) => {}
        Err(e) => {
            let _ = writeln!(report, "not committed: {e}");
        }
    }
    let _ = writeln!(
        report,
        "\nNext: lore new postmortem --title \"…\"   (edit the taxonomy in lore.toml first if you like)"
    );
    Ok(report)
}
