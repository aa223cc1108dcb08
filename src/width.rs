//! Cutting text to a number of terminal columns (wide characters count
//! double), shared by the command line's tables and the terminal UI.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `s` to `max` display columns, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > max {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn cuts_by_columns_with_an_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("replica lag", 8), "replica…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "…");
    }
}
