//! The git-backed store end to end, checked with the real `git`: what lore
//! commits and as whom, the user's own staged and unstaged work surviving,
//! refusals that leave no half-made commit, history across renames, `--rev`,
//! factor rename as one commit, sync against a local bare remote, and writes
//! that are never torn. Every repository ends `git fsck --strict` clean.

mod commit;
mod history;
mod sync;

use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

pub(super) const NEW_ARGS: [&str; 6] = [
    "new",
    "postmortem",
    "--title",
    "Checkout 502s",
    "--date",
    "2024-03-12",
];
pub(super) const NEW_PATH: &str = "postmortems/2024-03-12-checkout-502s.md";

/// The factor fixture as a KB in a git repository with one commit.
pub(super) fn repo_kb(sb: &Sandbox) -> PathBuf {
    let kb = sb.fixture("git/factors");
    std::fs::write(kb.join(".gitignore"), ".lore/\npublic/\n").unwrap();
    sb.git_init_commit(&kb);
    kb
}

pub(super) fn lore_ok(sb: &Sandbox, dir: &Path, args: &[&str]) -> String {
    let out = sb.lore(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "lore {args:?} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

pub(super) fn new_doc(sb: &Sandbox, kb: &Path) {
    let mut args = NEW_ARGS.to_vec();
    args.push("--no-edit");
    assert_eq!(lore_ok(sb, kb, &args).trim(), NEW_PATH);
}

pub(super) fn fsck_clean(sb: &Sandbox, dir: &Path) {
    let out = sb.git(dir, &["fsck", "--strict"]);
    assert_eq!(out.trim(), "", "git fsck reported problems");
}

pub(super) fn head(sb: &Sandbox, dir: &Path) -> String {
    sb.git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

pub(super) fn no_identity(sb: &Sandbox) {
    std::fs::write(
        sb.home().join(".gitconfig"),
        "[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
}

pub(super) fn commit_in(sb: &Sandbox, dir: &Path, file: &str, text: &str, msg: &str) {
    std::fs::write(dir.join(file), text).unwrap();
    sb.git(dir, &["add", file]);
    sb.git(dir, &["commit", "-q", "-m", msg]);
}

/// The permission bits a new file gets here (`0o666` less the umask), as
/// git's checkout would create it.
pub(super) fn normal_file_mode() -> u32 {
    let out = std::process::Command::new("sh")
        .args(["-c", "umask"])
        .output()
        .unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&out.stdout).trim(), 8).unwrap();
    0o666 & !umask
}

pub(super) fn file_mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}
