//! Blameless-language hints: phrases that assign blame or judge with hindsight,
//! each with a suggestion. Code and HTML comments are not checked.

use super::Findings;
use crate::doc::{Doc, Level};

/// (phrase, suggestion). Matched case-insensitively on word boundaries.
const PHRASES: &[(&str, &str)] = &[
    (
        "human error",
        "describe the conditions that made the action reasonable at the time",
    ),
    (
        "should have",
        "hindsight: say what was known then and what would have helped",
    ),
    (
        "should've",
        "hindsight: say what was known then and what would have helped",
    ),
    (
        "shouldn't have",
        "hindsight: say what was known then and what would have helped",
    ),
    (
        "could have easily",
        "hindsight: describe what made it hard to see at the time",
    ),
    (
        "failed to",
        "say what happened instead, e.g. \"the check did not run\"",
    ),
    ("forgot to", "say what made the step easy to miss"),
    ("careless", "describe actions and conditions, not character"),
    (
        "carelessness",
        "describe actions and conditions, not character",
    ),
    ("sloppy", "describe actions and conditions, not character"),
    (
        "negligent",
        "describe actions and conditions, not character",
    ),
    (
        "negligence",
        "describe actions and conditions, not character",
    ),
    ("lazy", "describe actions and conditions, not character"),
    (
        "incompetent",
        "describe actions and conditions, not character",
    ),
    (
        "blame",
        "postmortems are blameless: describe the system, not the culprit",
    ),
    (
        "blamed",
        "postmortems are blameless: describe the system, not the culprit",
    ),
    (
        "at fault",
        "postmortems are blameless: describe the system, not the culprit",
    ),
    (
        "fault of",
        "postmortems are blameless: describe the system, not the culprit",
    ),
    (
        "obviously",
        "hindsight: it was not obvious at the time, or it would not have happened",
    ),
];

pub(super) fn check(d: &Doc, f: &mut Findings) {
    for (i, line) in crate::doc::prose_lines(&d.body) {
        let lower = strip_inline_code(&line.to_lowercase());
        for (phrase, suggestion) in PHRASES {
            if contains_word(&lower, phrase) {
                f.push(
                    "blameless-language",
                    Level::Warning,
                    Some(d.body_line + i),
                    format!("\"{phrase}\": {suggestion}"),
                );
            }
        }
    }
}

fn strip_inline_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
    }
    out
}

/// Whether `phrase` occurs in `hay` with no letter or digit right before or after.
pub(super) fn contains_word(hay: &str, phrase: &str) -> bool {
    let mut start = 0;
    while let Some(pos) = hay[start..].find(phrase) {
        let a = start + pos;
        let b = a + phrase.len();
        let before_ok = hay[..a]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[b..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        start = a + phrase.len().max(1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::contains_word;

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        assert!(contains_word("it was human error.", "human error"));
        assert!(contains_word("blame", "blame"));
        assert!(!contains_word("blameless postmortem", "blame"));
        assert!(!contains_word("unfailed to", "failed to"));
        assert!(contains_word("the job failed to run", "failed to"));
    }
}
