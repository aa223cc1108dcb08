//! The terminal UI end to end: the real binary in a tmux session on a copy of
//! the sample KB, driven by keystrokes, checked on screen, on disk and in git,
//! and the terminal checked to be back to normal after quitting.

use crate::common::Sandbox;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own (one socket per test) running one session.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `lore --kb KB` in a 120x35 session; after lore exits the shell
    /// prints its exit code and the terminal's `icanon`/`echo` modes.
    pub fn start(sb: &Sandbox, kb: &Path, extra_env: &[(&str, String)]) -> Tmux {
        Tmux::start_with(sb, kb, extra_env, &[])
    }

    /// `start`, running `lore --kb KB ARGS…` (a subcommand with a screen).
    pub fn start_with(
        sb: &Sandbox,
        kb: &Path,
        extra_env: &[(&str, String)],
        args: &[&str],
    ) -> Tmux {
        let socket = format!(
            "lore-test-{}-{}",
            std::process::id(),
            kb.display().to_string().len() ^ rand_suffix()
        );
        let mut env: Vec<String> = sb
            .env()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", shell_quote(&v)))
            .collect();
        for (k, v) in extra_env {
            env.push(format!("{k}={}", shell_quote(v)));
        }
        let cmd = format!(
            "env -u LORE_KB {} {} --kb {} {}; echo \"lore-exited=$?\"; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 600",
            env.join(" "),
            shell_quote(env!("CARGO_BIN_EXE_lore")),
            shell_quote(&kb.display().to_string()),
            args.iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
        );
        let out = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "35",
                &cmd,
            ])
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmux { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Sends keys as tmux names them (`Enter`, `Escape`) or literal text.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            if k.len() > 1
                && k.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && !k.contains(' ')
            {
                self.tmux(&["send-keys", k]);
            } else {
                self.tmux(&["send-keys", "-l", k]);
            }
        }
    }

    /// Polls the screen until `want` shows, or fails with the last screen.
    pub fn wait_for(&self, want: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(want) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(60) {
                panic!("timed out waiting for {want:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls the screen until `ok` holds for it.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(60) {
                panic!("timed out waiting until {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn alternate_screen_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn rand_suffix() -> usize {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as usize)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A copy of the sample KB in a git repository with everything committed.
pub fn sample(sb: &Sandbox) -> PathBuf {
    let kb = sb.sample_kb();
    // As `lore init` writes it: the index cache stays out of git.
    std::fs::write(kb.join(".gitignore"), ".lore/\npublic/\n").unwrap();
    sb.git_init_commit(&kb);
    kb
}

/// The KB-relative path shown in the title of the open document's pane.
pub fn open_path(screen: &str) -> String {
    let start = screen.find("┌ postmortems/").expect("a document is open") + "┌ ".len();
    let rest = &screen[start..];
    rest[..rest.find(".md").expect("path ends in .md") + 3].to_string()
}

/// The newest commit has `subject` (a prefix of it) and holds only `rel`;
/// nothing is left uncommitted.
fn assert_committed(sb: &Sandbox, kb: &Path, rel: &str, subject: &str) {
    let log = sb.git(kb, &["log", "-1", "--format=%s%n%an", "--name-only"]);
    let lines: Vec<&str> = log.lines().filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with(subject), "last commit: {log}");
    assert_eq!(lines[1], "Test Responder", "author from git config: {log}");
    assert_eq!(
        &lines[2..],
        [rel],
        "the commit holds only the document: {log}"
    );
    assert_eq!(
        sb.git(kb, &["status", "--porcelain"]),
        "",
        "work tree clean"
    );
    assert_eq!(sb.git(kb, &["rev-list", "--count", "HEAD"]).trim(), "2");
}

/// Lines in `after` that `before` does not have.
fn added_lines(before: &str, after: &str) -> Vec<String> {
    let old: Vec<&str> = before.lines().collect();
    after
        .lines()
        .filter(|l| !old.contains(l))
        .map(str::to_string)
        .collect()
}

#[test]
fn start_open_add_a_timeline_entry_and_quit() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let t = Tmux::start(&sb, &kb, &[]);
    let s = t.wait_for("Parcelpoint reliability │");
    assert!(s.contains("1 Postmortems"), "{s}");
    // NO_COLOR (set by the sandbox): attributes only, no colours.
    let styled = t.tmux(&["capture-pane", "-e", "-p"]);
    assert!(styled.contains("\x1b["), "some attributes are drawn");
    for sgr in [
        "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m", "\x1b[36m", "38;5;", "48;5;", "\x1b[44m",
    ] {
        assert!(
            !styled.contains(sgr),
            "colour {sgr:?} drawn despite NO_COLOR"
        );
    }
    assert!(
        t.alternate_screen_on(),
        "the UI runs on the alternate screen"
    );

    // Search as you type: postmortems about replica lag, with snippets.
    t.keys(&["/", "replica lag"]);
    let s = t.wait_for(" / replica lag  ");
    assert!(s.contains(" matches"), "{s}");
    assert!(s.contains("Checkout outage during primary database"), "{s}");
    assert!(s.contains("Finance reports stale after reporting"), "{s}");
    assert!(s.contains("Replica lag passes 30 minutes"), "snippet: {s}");

    // Enter opens the best hit.
    t.keys(&["Enter"]);
    let s = t.wait_for("┌ postmortems/");
    let rel = open_path(&s);
    assert_eq!(rel, "postmortems/2023-08-02-replica-lag-reporting.md");
    assert!(s.contains("See also"), "side panel: {s}");
    // Similar incidents join the side panel once the KB is parsed.
    t.wait_for("Similar incidents");
    let before = std::fs::read_to_string(kb.join(&rel)).unwrap();

    // Add a timeline entry stamped now.
    t.keys(&["t"]);
    t.wait_for("Timeline entry for");
    t.keys(&["Paged the database on-call", "Enter"]);
    let s = t.wait_for("saved and committed");
    assert!(s.contains("postmortem: timeline entry"), "{s}");
    let after = std::fs::read_to_string(kb.join(&rel)).unwrap();
    let added = added_lines(&before, &after);
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(
        added[0].starts_with("- ") && added[0].ends_with(" Paged the database on-call"),
        "{added:?}"
    );
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    assert_committed(&sb, &kb, &rel, "postmortem: timeline entry ");
    assert!(
        t.screen().contains("Paged the database on-call"),
        "the open document shows the entry"
    );

    // Its history lists the new commit first; Enter shows that diff.
    t.keys(&["h"]);
    let s = t.wait_for("History of");
    assert!(s.contains("postmortem: timeline entry"), "{s}");
    assert!(s.contains("initial"), "{s}");
    t.keys(&["Enter"]);
    // The diff is read in the background: the footer may show before it.
    t.wait_for("Esc back");
    let s = t.wait_until("the diff shows the added entry", |s| {
        s.lines()
            .any(|l| l.contains("│+- ") && l.contains("Paged the database on-call"))
    });
    assert!(
        s.contains("Esc back"),
        "{s}\n{}",
        sb.git(&kb, &["show", "HEAD"])
    );
    // One key at a time: ESC followed at once by another key reads as Alt.
    t.keys(&["Escape"]);
    t.wait_for("Enter shows the diff");
    t.keys(&["Escape"]);
    t.wait_for("See also");

    t.keys(&["q"]);
    let s = t.wait_for("lore-exited=");
    assert!(s.contains("lore-exited=0"), "{s}");
    assert!(!t.alternate_screen_on(), "alternate screen left");
    let modes = t.wait_for("icanon");
    assert!(
        modes.contains("icanon echo") && !modes.contains("-icanon"),
        "terminal left raw: {modes}"
    );
}

#[test]
fn e_round_trips_through_the_editor() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let sb = Sandbox::new();
    let kb = sample(&sb);
    let editor = sb.path("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '\\nZanzibar flamingo note from the editor.\\n' >> \"$1\"\n",
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&editor)
        .status()
        .unwrap();
    let ed = editor.display().to_string();
    let t = Tmux::start(&sb, &kb, &[("EDITOR", ed.clone()), ("VISUAL", ed)]);
    t.wait_for("Parcelpoint reliability │");
    // Resizing redraws: at 150 columns a preview joins the list.
    t.tmux(&["resize-window", "-x", "150", "-y", "35"]);
    t.wait_for("Preview — Enter opens");
    t.tmux(&["resize-window", "-x", "120", "-y", "35"]);
    t.wait_until("the list fills 120 columns again", |s| {
        !s.contains("Preview — Enter opens")
    });
    t.keys(&["j", "Enter"]);
    let s = t.wait_for("┌ postmortems/");
    let rel = open_path(&s);
    t.keys(&["e"]);
    t.wait_for("saved and committed");
    let text = std::fs::read_to_string(kb.join(&rel)).unwrap();
    let id = rel
        .trim_start_matches("postmortems/")
        .trim_end_matches(".md");
    assert_committed(&sb, &kb, &rel, &format!("postmortem: edit {id}"));
    assert!(
        text.ends_with("\nZanzibar flamingo note from the editor.\n"),
        "{text}"
    );
    // The UI resumed and shows the new text at the end of the document.
    t.keys(&["G"]);
    t.wait_for("Zanzibar flamingo note from the editor.");
    // The change is indexed: a search finds the new words in that document.
    t.keys(&["Escape"]);
    t.wait_for("│DATE");
    t.keys(&["/", "zanzibar flamingo"]);
    t.wait_for("1 match");
    t.keys(&["Enter"]);
    let s = t.wait_for("┌ postmortems/");
    assert_eq!(open_path(&s), rel);
    t.keys(&["q"]);
    t.wait_for("lore-exited=0");
    assert!(!t.alternate_screen_on());
}
