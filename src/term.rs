//! The one sanitizer for text that reaches a terminal: strings from documents,
//! file names and commits can hold escape sequences (a title that sets the
//! window title, writes the clipboard with OSC 52, clears the screen or hides a
//! link with OSC 8) and bidi overrides that reorder what the reader sees. Pure;
//! the CLI and the TUI both call it. JSON output never goes through it (serde
//! escapes control characters exactly).

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a terminal as it is: C0 controls other than tab
/// and newline, DEL, C1 controls, and the bidi embedding, override and isolate
/// characters (U+202A–U+202E, U+2066–U+2069), plus the zero-width marks
/// U+200E/U+200F and U+061C that reorder text the same way.
fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// The visible stand-in for an unsafe character: the Unicode control picture
/// for C0 controls and DEL (ESC shows as `␛`, so an escape sequence reads as
/// text), `�` for the rest.
fn placeholder(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        '\u{7f}' => '␡',
        _ => '�',
    }
}

/// `s` with every unsafe character replaced by a visible placeholder. Tabs
/// and newlines are kept; borrowed when nothing needed replacing.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { placeholder(c) } else { c })
            .collect(),
    )
}

/// `s` on one line: like [`clean`], with newlines and tabs as spaces, for
/// table cells and one-line messages.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\t' => ' ',
                c if is_unsafe(c) => placeholder(c),
                c => c,
            })
            .collect(),
    )
}

/// Displays a string through [`clean`], for `format!` arguments:
/// `writeln!(out, "{}", Safe(&doc.title))`.
pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&clean(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        assert_eq!(clean("a\x1b]2;owned\x07b"), "a␛]2;owned␇b");
        assert_eq!(clean("\x1b]52;c;ZWNobw==\x1b\\"), "␛]52;c;ZWNobw==␛\\");
        assert_eq!(clean("\x1b[2J"), "␛[2J");
        assert_eq!(clean("x\0y\u{7f}\u{9b}"), "x␀y␡�");
        assert_eq!(clean("cr\rover"), "cr␍over");
    }

    #[test]
    fn bidi_overrides_are_replaced_and_ordinary_text_is_borrowed() {
        assert_eq!(clean("evil\u{202e}txt.md"), "evil�txt.md");
        assert_eq!(clean("\u{2066}x\u{2069}"), "�x�");
        assert!(matches!(
            clean("Checkout 502s — 日本語\n\tok"),
            Cow::Borrowed(_)
        ));
        assert_eq!(clean_line("two\nlines\tand\x1b"), "two lines and␛");
        assert_eq!(format!("[{:<6}]", Safe("a\x1bb")), "[a␛b   ]");
    }
}
