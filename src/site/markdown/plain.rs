//! Text that Markdown leaves as it is, so a one-line item of it (an action
//! item, most of them) needs no parser: it starts with a letter (no list,
//! heading or number), is one line without double or trailing spaces (no
//! code block or break) and has only letters, digits, spaces and punctuation
//! that neither starts markup nor is escaped in HTML.

const PUNCTUATION: &[u8] = b" ,.;:?()'/%";

pub(super) fn is_plain(md: &str) -> bool {
    let b = md.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && !b.ends_with(b" ")
        && !md.contains("  ")
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || PUNCTUATION.contains(c))
}

#[cfg(test)]
mod tests {
    use super::super::{RenderContext, render_inline, render_inline_parsed};
    use super::is_plain;
    use proptest::prelude::*;

    fn ctx() -> RenderContext<'static> {
        RenderContext {
            link_for: &|_| None,
            today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        }
    }

    #[test]
    fn markup_is_not_plain() {
        for md in [
            "1. first", "- item", "# title", "*a*", "a  b", "a ", " a", "a\nb", "a & b", "a <b>",
            "[x](y)", "`c`", "~~s~~", "a_b_", "x|y", "a\\b", "a!",
        ] {
            assert!(!is_plain(md), "{md}");
        }
        assert!(is_plain(
            "Add a 5 min alert on replica lag (p99), see runbook/db."
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn plain_text_renders_as_the_parser_renders_it(md in "[A-Za-z][A-Za-z0-9 ,.;:?()'/%]{0,40}") {
            prop_assume!(is_plain(&md));
            prop_assert_eq!(render_inline(&md, &ctx()), render_inline_parsed(&md, &ctx()));
            prop_assert_eq!(render_inline(&md, &ctx()), md);
        }
    }
}
