//! A document body → the TUI's styled, wrapped lines
//! (`lore::tui::markdown::render`): never panics at any width, whatever the
//! nesting of lists, quotes, tables, code and footnotes.
//!
//! Needs `lore::tui::markdown` and `lore::tui::theme` to be public (see
//! README.md).

#![no_main]

use libfuzzer_sys::fuzz_target;
use lore::tui::markdown::render;
use lore::tui::theme::Theme;

fuzz_target!(|data: &[u8]| {
    // The first byte is the width (the renderer keeps at least 10 columns).
    let Some((&width, md)) = data.split_first() else {
        return;
    };
    let md = String::from_utf8_lossy(md);
    for color in [true, false] {
        let lines = render(&md, u16::from(width), &Theme { color });
        let mut total = 0usize;
        for line in &lines {
            total += line.width();
            for span in &line.spans {
                assert!(!span.content.contains('\n'), "a newline inside a line: {line:?}");
            }
        }
        std::hint::black_box(total);
    }
});
