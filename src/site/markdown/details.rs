//! `<details>` around Markdown in a document: raw HTML blocks that open and
//! close one are written as lore's own tags, the summary sanitized, so the
//! Markdown between them stays inside (sanitizing each block alone would
//! close the `<details>` at once and drop the `</details>`).

use super::sanitize;

/// A raw HTML block that opens or closes a `<details>` around Markdown
/// (`<details>`, `<details open>`, each with an optional one-line
/// `<summary>…</summary>`; `</details>`), written as lore's own tags
/// with the summary sanitized. `None` for any other block.
pub(super) fn block(open_details: &mut usize, raw: &str) -> Option<String> {
    let t = raw.trim();
    let lower = t.to_ascii_lowercase();
    if lower == "</details>" {
        return Some(if *open_details > 0 {
            *open_details -= 1;
            "</details>".into()
        } else {
            String::new()
        });
    }
    let (open, head) = if lower.starts_with("<details open>") {
        (true, "<details open>".len())
    } else if lower.starts_with("<details>") {
        (false, "<details>".len())
    } else {
        return None;
    };
    let rest = t[head..].trim();
    let rest_lower = rest.to_ascii_lowercase();
    let summary = if rest.is_empty() {
        String::new()
    } else if rest_lower.starts_with("<summary>") && rest_lower.ends_with("</summary>") {
        let inner = &rest["<summary>".len()..rest.len() - "</summary>".len()];
        format!("<summary>{}</summary>", sanitize(inner))
    } else {
        return None;
    };
    *open_details += 1;
    Some(format!(
        "<details{}>{summary}",
        if open { " open" } else { "" }
    ))
}
