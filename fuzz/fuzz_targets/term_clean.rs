//! The terminal sanitizer: whatever the text, no control, C1 or bidi override
//! character gets through `clean` or `clean_line`, one character stands for
//! one, and cleaning is idempotent.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lore::term::{clean, clean_line};

/// What must never reach a terminal (tab and newline are allowed by `clean`).
fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let c = clean(&s);
    let l = clean_line(&s);
    if let Some(bad) = c.chars().find(|&ch| forbidden(ch)) {
        panic!("clean let {bad:?} through");
    }
    if let Some(bad) = l
        .chars()
        .find(|&ch| forbidden(ch) || ch == '\n' || ch == '\t')
    {
        panic!("clean_line let {bad:?} through");
    }
    assert_eq!(
        c.chars().count(),
        s.chars().count(),
        "clean changed the length"
    );
    assert_eq!(
        l.chars().count(),
        s.chars().count(),
        "clean_line changed the length"
    );
    assert_eq!(clean(&c), c, "clean is not idempotent");
    assert_eq!(
        clean_line(&c),
        l,
        "clean_line of clean differs from clean_line"
    );
});
