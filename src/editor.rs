//! Opening `$VISUAL` / `$EDITOR` on a file and waiting for it.

use crate::error::{Error, Result};
use std::path::Path;
use std::process::Command;

/// The user's editor command: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the editor on `path` through the shell, so `EDITOR="code --wait"` works.
pub fn edit(path: &Path) -> Result<()> {
    let cmd = command();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$1\""))
        .arg("lore-editor")
        .arg(path)
        .status()
        .map_err(|e| Error::Invalid(format!("cannot start editor `{cmd}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "editor `{cmd}` exited with {status}"
        )))
    }
}
