//! Unified diff text (the hunks after `---`/`+++`) from two versions of a file,
//! computed with gix's blob diff (imara-diff, histogram, git's slider
//! heuristics) and printed the way `git diff` prints hunks.

use gix::diff::blob::unified_diff::{ConsumeHunk, ContextSize, DiffLineKind, HunkHeader};
use gix::diff::blob::{Algorithm, InternedInput, UnifiedDiff, diff_with_slider_heuristics};

/// Collects hunks as text, with git's header conventions: a length of 1 is
/// left out, and an empty side starts at the line before (`-0,0`).
struct GitHunks(String);

impl ConsumeHunk for GitHunks {
    type Out = String;

    fn consume_hunk(
        &mut self,
        h: HunkHeader,
        lines: &[(DiffLineKind, &[u8])],
    ) -> std::io::Result<()> {
        let range = |start: u32, len: u32| match len {
            0 => format!("{},0", start.saturating_sub(1)),
            1 => start.to_string(),
            n => format!("{start},{n}"),
        };
        self.0.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(h.before_hunk_start, h.before_hunk_len),
            range(h.after_hunk_start, h.after_hunk_len)
        ));
        for (kind, line) in lines {
            self.0.push(kind.to_prefix());
            let text = String::from_utf8_lossy(line);
            match text.strip_suffix('\n') {
                Some(t) => {
                    self.0.push_str(t);
                    self.0.push('\n');
                }
                None => {
                    self.0.push_str(&text);
                    self.0.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> String {
        self.0
    }
}

/// The hunks turning `before` into `after`, three lines of context.
pub fn unified(before: &[u8], after: &[u8]) -> String {
    let input = InternedInput::new(before, after);
    let diff = diff_with_slider_heuristics(Algorithm::Histogram, &input);
    UnifiedDiff::new(
        &diff,
        &input,
        GitHunks(String::new()),
        ContextSize::symmetrical(3),
    )
    .consume()
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn one_changed_line_with_context() {
        let a = b"1\n2\n3\n4\n5\n6\n7\n";
        let b = b"1\n2\n3\nfour\n5\n6\n7\n";
        assert_eq!(
            unified(a, b),
            "@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+four\n 5\n 6\n 7\n"
        );
    }

    #[test]
    fn new_file_starts_at_zero() {
        assert_eq!(unified(b"", b"a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b\n");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            unified(b"a\n", b"a\nb"),
            "@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n"
        );
    }
}
