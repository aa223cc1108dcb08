//! Watching the KB's files (notify, debounced): a document or `lore.toml`
//! changed by another process — another responder, `git pull`, `lore sync`,
//! an editor — is reported with its KB-relative path, to the TUI (which
//! re-reads it) and to `lore serve` (which rebuilds the site; it watches the
//! KB's `templates/` and `site/` overrides too). lore's own folders
//! (`.lore/`, `.git/`) and temporary files are not reported.

use crate::config::Config;
use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long changes are gathered before they are reported: an editor's
/// save or a `git pull` is one report.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Keeps the watch alive; dropping it stops it.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

/// What is watched besides `lore.toml`: the documents folders (their `.md`
/// files), and folders where any file counts: OpenSLO files and drill
/// records (the error budgets and drills read them) and, for the site, the
/// template and asset overrides.
#[derive(Debug, Clone, Default)]
pub struct Folders {
    pub docs: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

impl Folders {
    /// The folders `cfg` reads; with `site`, `templates/` and `site/` too.
    pub fn of(cfg: &Config, site: bool) -> Folders {
        let mut files = vec![
            PathBuf::from(crate::slo::OPENSLO_FOLDER),
            PathBuf::from(crate::drill::FOLDER),
        ];
        if site {
            files.extend([PathBuf::from("templates"), PathBuf::from("site")]);
        }
        Folders {
            docs: vec![
                PathBuf::from(&cfg.paths.postmortems),
                PathBuf::from(&cfg.paths.runbooks),
            ],
            files,
        }
    }
}

/// Watches the KB root (for `lore.toml`) and `folders`. `report` gets the
/// changed KB-relative paths of each debounced batch; an empty list means the
/// watcher lost track (an overflow) and everything should be read again.
pub fn start(
    root: &Path,
    folders: Folders,
    report: impl Fn(Vec<PathBuf>) + Send + 'static,
) -> Result<Watch, String> {
    use crate::store::confine;
    let base = confine::Bounds::new(root).root().to_path_buf();
    let strip = base.clone();
    let watched = folders.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
        let Ok(events) = res else {
            report(Vec::new());
            return;
        };
        // Reads (open, access, close without writing) are no change: the
        // TUI's own loads would otherwise trigger loads without end.
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| is_change(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| relevant(&strip, &watched, p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            report(paths);
        }
    })
    .map_err(|e| e.to_string())?;
    debouncer
        .watch(&base, RecursiveMode::NonRecursive)
        .map_err(|e| e.to_string())?;
    for folder in folders.docs.iter().chain(&folders.files) {
        // A folder that is a link out of the KB is never watched (nor read).
        let Ok(dir) = confine::inside(&base, folder) else {
            continue;
        };
        if dir.is_dir() {
            debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(Watch {
        _debouncer: debouncer,
    })
}

/// Whether an event changed a file's content or name (not a read, not a
/// metadata touch).
fn is_change(kind: &EventKind) -> bool {
    (kind.is_create() || kind.is_modify() || kind.is_remove())
        && !matches!(kind, EventKind::Modify(ModifyKind::Metadata(_)))
}

/// The KB-relative path of a change worth reporting: `lore.toml`, a `.md`
/// file in a documents folder, as `store::scan` reads them, or any file in
/// one of the other folders (nothing hidden on the way: lore's and git's folders,
/// temporary files).
fn relevant(root: &Path, folders: &Folders, p: &Path) -> Option<PathBuf> {
    let rel = p.strip_prefix(root).ok()?;
    if rel == Path::new("lore.toml") {
        return Some(rel.to_path_buf());
    }
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.')));
    let doc = rel.extension().is_some_and(|e| e == "md")
        && folders.docs.iter().any(|f| rel.starts_with(f));
    let file = folders.files.iter().any(|f| rel.starts_with(f) && rel != f);
    ((doc || file) && !hidden && !rel.to_string_lossy().ends_with('~')).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_not_changes() {
        use notify_debouncer_full::notify::event::{
            AccessKind, AccessMode, CreateKind, DataChange, MetadataKind,
        };
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
    }

    #[test]
    fn only_documents_and_the_config_are_reported() {
        let root = Path::new("/kb");
        let folders = Folders {
            docs: vec![PathBuf::from("postmortems"), PathBuf::from("runbooks")],
            files: Vec::new(),
        };
        let r = |p: &str| relevant(root, &folders, Path::new(p));
        assert_eq!(r("/kb/postmortems/a.md"), Some("postmortems/a.md".into()));
        assert_eq!(r("/kb/lore.toml"), Some("lore.toml".into()));
        assert_eq!(r("/kb/.lore/index/meta.json"), None);
        assert_eq!(r("/kb/.git/index"), None);
        assert_eq!(r("/kb/postmortems/.a.md.tmp123"), None);
        assert_eq!(r("/kb/postmortems/notes.txt"), None);
        assert_eq!(r("/kb/README.md"), None);
        assert_eq!(r("/kb/postmortems/.drafts/a.md"), None);
        assert_eq!(
            r("/kb/runbooks/db/failover.md"),
            Some("runbooks/db/failover.md".into())
        );
        assert_eq!(r("/elsewhere/a.md"), None);
        assert_eq!(r("/kb/templates/base.html"), None);
        let site = Folders {
            files: vec![PathBuf::from("templates"), PathBuf::from("site")],
            ..folders
        };
        let r = |p: &str| relevant(root, &site, Path::new(p));
        assert_eq!(
            r("/kb/templates/base.html"),
            Some("templates/base.html".into())
        );
        assert_eq!(r("/kb/site/logo.png"), Some("site/logo.png".into()));
        assert_eq!(r("/kb/site/.logo.png.swp"), None);
        assert_eq!(r("/kb/postmortems/a.md"), Some("postmortems/a.md".into()));
    }

    #[test]
    fn slo_files_and_drill_records_are_watched_for_the_tui_and_the_site() {
        let cfg = Config::default();
        for site in [false, true] {
            let f = Folders::of(&cfg, site);
            let r = |p: &str| relevant(Path::new("/kb"), &f, Path::new(p));
            assert_eq!(r("/kb/slos/api.yaml"), Some("slos/api.yaml".into()));
            assert_eq!(
                r("/kb/drills/2026-01-02-a.md"),
                Some("drills/2026-01-02-a.md".into())
            );
            assert_eq!(r("/kb/site/logo.png").is_some(), site);
        }
    }
}
