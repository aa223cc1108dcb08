//! Watching the KB's files (notify, debounced): a document or `lore.toml`
//! changed by another process — another responder, `git pull`, `lore sync`,
//! an editor — reaches the model as `Action::Changed` with the KB-relative
//! paths. lore's own folders (`.lore/`, `.git/`) and temporary files are
//! not reported.

use super::action::Action;
use crate::config::Config;
use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long changes are gathered before they are reported: an editor's
/// save or a `git pull` is one report.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Keeps the watch alive; dropping it stops it.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

/// Watches the KB root (for `lore.toml`) and the documents folders.
pub fn start(root: &Path, cfg: &Config, out: Sender<Action>) -> Result<Watch, String> {
    use crate::store::confine;
    let base = confine::Bounds::new(root).root().to_path_buf();
    let strip = base.clone();
    let folders: Vec<PathBuf> = [&cfg.paths.postmortems, &cfg.paths.runbooks]
        .iter()
        .map(PathBuf::from)
        .collect();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
        let Ok(events) = res else {
            // The watcher lost track (overflow): read everything again.
            let _ = out.send(Action::Changed(Vec::new()));
            return;
        };
        // Reads (open, access, close without writing) are no change: the
        // TUI's own loads would otherwise trigger loads without end.
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| is_change(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| relevant(&strip, &folders, p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = out.send(Action::Changed(paths));
        }
    })
    .map_err(|e| e.to_string())?;
    debouncer
        .watch(&base, RecursiveMode::NonRecursive)
        .map_err(|e| e.to_string())?;
    for folder in [&cfg.paths.postmortems, &cfg.paths.runbooks] {
        // A folder that is a link out of the KB is never watched (nor read).
        let Ok(dir) = confine::inside(&base, Path::new(folder)) else {
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

/// The KB-relative path of a change worth reporting: `lore.toml`, or a
/// `.md` file in a documents folder, as `store::scan` reads them (nothing
/// hidden on the way: lore's and git's folders, temporary files).
fn relevant(root: &Path, folders: &[PathBuf], p: &Path) -> Option<PathBuf> {
    let rel = p.strip_prefix(root).ok()?;
    if rel == Path::new("lore.toml") {
        return Some(rel.to_path_buf());
    }
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.')));
    let doc =
        rel.extension().is_some_and(|e| e == "md") && folders.iter().any(|f| rel.starts_with(f));
    (doc && !hidden && !rel.to_string_lossy().ends_with('~')).then(|| rel.to_path_buf())
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
        let folders = [PathBuf::from("postmortems"), PathBuf::from("runbooks")];
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
    }
}
