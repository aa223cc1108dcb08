//! A document body → the TUI's styled, wrapped lines
//! (`lore::tui::rendered_lines`): never panics at any width, whatever the
//! nesting of lists, quotes, tables, code and footnotes, and never puts a
//! newline inside a terminal row.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte is the width (the renderer keeps at least 10 columns).
    let Some((&width, md)) = data.split_first() else {
        return;
    };
    let md = String::from_utf8_lossy(md);
    for color in [true, false] {
        for line in lore::tui::rendered_lines(&md, u16::from(width), color) {
            assert!(!line.contains('\n'), "a newline inside a row: {line:?}");
        }
    }
});
