//! Unit tests of the Markdown renderer: what a reader sees, as plain text,
//! and the styles that carry meaning.

use super::*;

fn plain(md: &str, width: u16) -> String {
    let theme = Theme { color: false };
    render(md, width, &theme)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn headings_paragraphs_and_lists_read_as_text() {
    let md = "# Title\n\nSome *words* and **strong** text.\n\n## Steps\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n";
    assert_eq!(
        plain(md, 60),
        "Title\n\nSome words and strong text.\n\nSteps\n\n  • one\n  • two\n      ◦ nested\n\n  1. first\n  2. second"
    );
}

#[test]
fn task_lists_show_done_and_open_marks() {
    let md = "- [x] Fix it @a\n- [ ] Alert on lag @dba due:2024-04-01\n";
    assert_eq!(
        plain(md, 60),
        "  ✔ Fix it @a\n  ☐ Alert on lag @dba due:2024-04-01"
    );
}

#[test]
fn long_lines_wrap_under_their_list_marker() {
    let md = "- a list item that is long enough to wrap around\n";
    assert_eq!(
        plain(md, 24),
        "  • a list item that is\n    long enough to wrap\n    around"
    );
}

#[test]
fn tables_are_drawn_with_aligned_columns() {
    let md = "| Time | Event |\n|---:|---|\n| 14:02 | Deploy |\n| 9:10 | Alert fires |\n";
    assert_eq!(
        plain(md, 60),
        "┌───────┬─────────────┐\n│  Time │ Event       │\n├───────┼─────────────┤\n│ 14:02 │ Deploy      │\n│  9:10 │ Alert fires │\n└───────┴─────────────┘"
    );
}

#[test]
fn code_quotes_links_and_comments() {
    let md = "Run `kubectl get pods`:\n\n```sh\nkubectl rollout undo\n```\n\n> Quoted\n> text\n\nSee [the docs](https://example.com/x) and [rb](runbooks/db.md).\n\n<!-- guidance\nfor writers -->\n\n---\n";
    assert_eq!(
        plain(md, 40),
        "Run kubectl get pods:\n\n  sh\n  ▏ kubectl rollout undo\n\n│ Quoted text\n\nSee the docs <https://example.com/x> and\nrb.\n\n────────────────────────────────────────"
    );
}

#[test]
fn emphasis_and_links_carry_styles_without_colour() {
    let theme = Theme { color: false };
    let lines = render("**bold** [l](https://x.y)", 40, &theme);
    let spans = &lines[0].spans;
    assert_eq!(spans[0].content, "bold");
    assert!(spans[0].style.add_modifier.contains(Modifier::BOLD));
    assert_eq!(spans[0].style.fg, None);
    let link = spans.iter().find(|s| s.content == "l").unwrap();
    assert!(link.style.add_modifier.contains(Modifier::UNDERLINED));
}

/// Found by `cargo fuzz run terminal_lines`: a table cell whose display width
/// as a string exceeds the sum of its characters' widths made the padding
/// underflow (a capacity-overflow panic in release builds).
#[test]
fn fuzz_regression_table_cell_wider_than_its_column() {
    let data = include_bytes!("../../tests/fixtures/fuzz/terminal_lines-table-width.bin");
    let (&width, md) = data.split_first().unwrap();
    let md = String::from_utf8_lossy(md);
    for color in [true, false] {
        let lines = render(&md, u16::from(width), &Theme { color });
        assert!(!lines.is_empty());
    }
}
