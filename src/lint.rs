//! Checks over the whole KB, as a reviewer would make them (SPEC section 5a).
//! Each finding has a stable code, a level, the file and, where known, the line.

use crate::doc::Level;
use crate::kb::Kb;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub level: Level,
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// Runs every check. `today` decides what is overdue or stale.
pub fn lint(kb: &Kb, today: NaiveDate) -> Vec<Finding> {
    let _ = today;
    let mut out = Vec::new();
    for e in &kb.file_errors {
        out.push(Finding {
            code: e.code,
            level: Level::Error,
            path: e.path.clone(),
            line: e.line,
            message: e.message.clone(),
        });
    }
    for d in &kb.docs {
        for p in &d.problems {
            out.push(Finding {
                code: p.code,
                level: p.level,
                path: d.path.clone(),
                line: p.line,
                message: p.message.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    out
}
