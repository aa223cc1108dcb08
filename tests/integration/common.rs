//! Shared test support: fixture KBs in temp dirs, a sandboxed environment for
//! the `lore` binary and for git (the user's own git config never leaks in).

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The repository root (the sample KB lives here).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary home with a git config holding a test identity; every process a
/// test starts gets these variables so no real user config is read.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::write(
            dir.path().join("home/.gitconfig"),
            "[user]\n\tname = Test Responder\n\temail = responder@example.com\n[init]\n\tdefaultBranch = main\n",
        )
        .unwrap();
        Sandbox { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A path inside the sandbox for a KB or anything else.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The environment every child process gets.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let home = self.home().display().to_string();
        vec![
            ("HOME", home.clone()),
            ("XDG_CONFIG_HOME", format!("{home}/.config")),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("GIT_CONFIG_GLOBAL", format!("{home}/.gitconfig")),
            ("GIT_TERMINAL_PROMPT", "0".into()),
            ("EDITOR", "true".into()),
            ("VISUAL", "true".into()),
            ("NO_COLOR", "1".into()),
            ("TZ", "UTC".into()),
        ]
    }

    /// The `lore` binary with the sandbox environment, run in `cwd`.
    pub fn lore(&self, cwd: &Path) -> Command {
        let mut c = Command::cargo_bin("lore").expect("lore binary");
        c.current_dir(cwd).env_remove("LORE_KB");
        for k in GIT_ENV_SHUT_OUT {
            c.env_remove(k);
        }
        for (k, v) in self.env() {
            c.env(k, v);
        }
        c
    }

    /// The system `git` with the sandbox environment, run in `cwd`.
    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let mut c = std::process::Command::new("git");
        c.current_dir(cwd).args(args);
        for k in GIT_ENV_SHUT_OUT {
            c.env_remove(k);
        }
        for (k, v) in self.env() {
            c.env(k, v);
        }
        let out = c.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A new knowledge base made by `lore init kb` in the sandbox.
    pub fn init_kb(&self) -> PathBuf {
        self.lore(self.dir.path())
            .args(["init", "kb"])
            .assert()
            .success();
        self.path("kb")
    }

    /// Copies `tests/fixtures/<name>` into the sandbox and returns its path.
    pub fn fixture(&self, name: &str) -> PathBuf {
        let src = repo_root().join("tests/fixtures").join(name);
        let dst = self.path(name);
        copy_dir(&src, &dst);
        dst
    }

    /// Copies the repository's sample KB (lore.toml, postmortems/, templates/,
    /// site/) into the sandbox as `sample/`.
    pub fn sample_kb(&self) -> PathBuf {
        let dst = self.path("sample");
        std::fs::create_dir_all(&dst).unwrap();
        std::fs::copy(repo_root().join("lore.toml"), dst.join("lore.toml")).unwrap();
        for d in ["postmortems", "templates", "site"] {
            let src = repo_root().join(d);
            if src.is_dir() {
                copy_dir(&src, &dst.join(d));
            }
        }
        dst
    }

    /// Makes `dir` a git repository with everything committed.
    pub fn git_init_commit(&self, dir: &Path) {
        self.git(dir, &["init", "-q", "-b", "main"]);
        self.git(dir, &["add", "-A"]);
        self.git(dir, &["commit", "-q", "-m", "initial"]);
    }
}

/// Variables of the developer's environment that would leak an identity or
/// another repository into a test's git or lore.
const GIT_ENV_SHUT_OUT: [&str; 10] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_DATE",
    "EMAIL",
];

/// Recursive copy that keeps symlinks as symlinks (fixtures may hold loops).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let ty = entry.file_type().unwrap();
        let to = dst.join(entry.file_name());
        if ty.is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(target, &to).unwrap();
        } else if ty.is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// stdout of a finished command as a string.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr of a finished command as a string.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
