//! Writing command output: JSON, aligned tables that fit the terminal, and
//! whether stdout is a terminal (for colour and progress).

use crate::width::truncate;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use unicode_width::UnicodeWidthStr;

/// Whether stdout is an interactive terminal.
pub fn is_tty() -> bool {
    std::io::stdout().is_terminal()
}

/// Whether to use colour: on a terminal, unless `NO_COLOR` is set.
pub fn color() -> bool {
    is_tty() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes one JSON document to stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()
}

/// Terminal width when stdout is a terminal: the terminal's own (`$COLUMNS`
/// is a shell variable that child processes do not get), else `$COLUMNS`.
fn width() -> Option<usize> {
    if !is_tty() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .or(Some(100))
}

/// A table whose last column takes the remaining terminal width.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: Vec<&'static str>) -> Table {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    /// Adds a row; every cell is cleaned of control and bidi characters.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| crate::term::clean_line(&c).into_owned())
                .collect(),
        );
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Prints the table; cells are single-line (newlines become spaces).
    pub fn print(&self) -> std::io::Result<()> {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n.saturating_sub(1)) {
                widths[i] = widths[i].max(c.width());
            }
        }
        let fixed: usize = widths[..n - 1].iter().map(|w| w + 2).sum();
        let last_max = width().map(|w| w.saturating_sub(fixed).max(20));
        let bold = color();
        let mut out = std::io::stdout().lock();
        let line = |cells: &[String], out: &mut std::io::StdoutLock, header: bool| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                let c = c.replace(['\n', '\r', '\t'], " ");
                if i + 1 == n {
                    match last_max {
                        Some(m) => s.push_str(&truncate(&c, m)),
                        None => s.push_str(&c),
                    }
                } else {
                    s.push_str(&c);
                    s.push_str(&" ".repeat(widths[i].saturating_sub(c.width()) + 2));
                }
            }
            let s = s.trim_end();
            if header && bold {
                writeln!(out, "\x1b[1m{s}\x1b[0m")
            } else {
                writeln!(out, "{s}")
            }
        };
        let header: Vec<String> = self.header.iter().map(|s| s.to_string()).collect();
        line(&header, &mut out, true)?;
        for r in &self.rows {
            line(r, &mut out, false)?;
        }
        out.flush()
    }
}

/// One line on stderr when some files could not be read at all.
pub fn warn_unreadable(kb: &crate::kb::Kb) {
    warn_unreadable_count(kb.file_errors.len());
}

/// The same line from a count (the index knows it without loading the KB).
pub fn warn_unreadable_count(n: usize) {
    if n > 0 {
        note(format_args!(
            "warning: {n} file{} could not be read as documents; `lore lint` names them",
            if n == 1 { "" } else { "s" }
        ));
    }
}

/// `lore: MESSAGE` on stderr, cleaned for the terminal. A failed write to
/// stderr (a closed or full one) is ignored: it must never stop the command.
pub fn note(msg: std::fmt::Arguments<'_>) {
    let text = msg.to_string();
    let _ = writeln!(std::io::stderr(), "lore: {}", crate::term::clean(&text));
}

/// Lines on stderr, cleaned, ignoring write failures like `note`.
pub fn stderr_lines(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for l in lines {
        let _ = writeln!(err, "{}", crate::term::clean(l));
    }
}
