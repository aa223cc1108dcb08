//! Edits of a document's text for the incident lifecycle, keeping every
//! other byte: set one top-level front-matter field (a stamp, the status),
//! put a timeline entry before a given line (time order), mark an action
//! item done or open. Pure functions from text to text; no I/O here.

use super::frontmatter::{Split, split_front_matter};

fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Whether `text` opens a front matter with `---` and never closes it: an
/// edit appended to it would land inside the YAML.
pub fn front_matter_open(text: &str) -> bool {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    matches!(split_front_matter(t), Split::Unterminated)
}

/// Sets the top-level front-matter field `key` to `value` (already YAML):
/// replaces its line (and any indented lines of a block value that follow)
/// or adds it before the closing `---`; a document without front matter
/// gets one. `None` when the front matter is never closed.
pub fn set_field(text: &str, key: &str, value: &str) -> Option<String> {
    let nl = newline(text);
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let t = &text[bom.len()..];
    let line = format!("{key}: {value}");
    match split_front_matter(t) {
        Split::Unterminated => None,
        Split::None => Some(format!("{bom}---{nl}{line}{nl}---{nl}{nl}{t}")),
        Split::Found { yaml, .. } => {
            let yaml_start = bom.len() + t.find('\n').map_or(t.len(), |i| i + 1);
            let yaml_end = yaml_start + yaml.len();
            let mut lines: Vec<&str> = yaml.split_inclusive('\n').collect();
            let at = lines.iter().position(|l| {
                l.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            });
            let new_line = format!("{line}{nl}");
            match at {
                Some(i) => {
                    let mut j = i + 1;
                    while j < lines.len()
                        && (lines[j].starts_with([' ', '\t'])
                            || lines[j].trim_start().starts_with("- ") && lines[j].starts_with('-'))
                    {
                        j += 1;
                    }
                    lines.splice(i..j, [new_line.as_str()]);
                    Some(format!(
                        "{}{}{}",
                        &text[..yaml_start],
                        lines.concat(),
                        &text[yaml_end..]
                    ))
                }
                None => {
                    let mut y = yaml.to_string();
                    if !y.is_empty() && !y.ends_with('\n') {
                        y.push_str(nl);
                    }
                    y.push_str(&new_line);
                    Some(format!("{}{y}{}", &text[..yaml_start], &text[yaml_end..]))
                }
            }
        }
    }
}

/// Inserts `- ITEM` as a new line before 1-based file line `line` (the
/// first timeline entry that is later than the new one), with that line's
/// indent and list marker.
pub fn insert_item_before(text: &str, line: usize, item: &str) -> String {
    let nl = newline(text);
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let indent = &l[..l.len() - l.trim_start().len()];
            let marker = l
                .trim_start()
                .chars()
                .next()
                .filter(|c| "-*+".contains(*c))
                .unwrap_or('-');
            return format!(
                "{}{indent}{marker} {item}{nl}{}",
                &text[..offset],
                &text[offset..]
            );
        }
        offset += l.len();
    }
    text.to_string()
}

/// `text` without its 1-based file line `line`.
pub fn remove_line(text: &str, line: usize) -> String {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return format!("{}{}", &text[..offset], &text[offset + l.len()..]);
        }
        offset += l.len();
    }
    text.to_string()
}

/// Marks the action item on 1-based file line `line` done (`[x]`) or open
/// (`[ ]`): a task-list item flips its box; a plain bullet gets one. `None`
/// when that line holds no list item.
pub fn set_done(text: &str, line: usize, done: bool) -> Option<String> {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let indent = l.len() - l.trim_start().len();
            let t = &l[indent..];
            let marker = t.chars().next().filter(|c| "-*+".contains(*c))?;
            let rest = t[1..].strip_prefix(' ')?;
            let body = rest
                .strip_prefix("[ ] ")
                .or_else(|| rest.strip_prefix("[x] "))
                .or_else(|| rest.strip_prefix("[X] "))
                .unwrap_or(rest);
            let mark = if done { "[x]" } else { "[ ]" };
            let new = format!("{}{marker} {mark} {body}", &l[..indent]);
            return Some(format!(
                "{}{new}{}",
                &text[..offset],
                &text[offset + l.len()..]
            ));
        }
        offset += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_replaced_added_or_given_a_front_matter() {
        let t = "---\ntitle: X\nstatus: draft\nfactors:\n  - dns\n---\nbody\n";
        assert_eq!(
            set_field(t, "status", "review").unwrap(),
            "---\ntitle: X\nstatus: review\nfactors:\n  - dns\n---\nbody\n"
        );
        assert_eq!(
            set_field(t, "factors", "[tls]").unwrap(),
            "---\ntitle: X\nstatus: draft\nfactors: [tls]\n---\nbody\n"
        );
        assert_eq!(
            set_field(t, "detected", "2024-01-01T10:00:00Z").unwrap(),
            "---\ntitle: X\nstatus: draft\nfactors:\n  - dns\ndetected: 2024-01-01T10:00:00Z\n---\nbody\n"
        );
        assert_eq!(
            set_field("# H\n", "status", "review").unwrap(),
            "---\nstatus: review\n---\n\n# H\n"
        );
        let crlf = "\u{feff}---\r\ntitle: X\r\n---\r\nb\r\n";
        assert_eq!(
            set_field(crlf, "status", "review").unwrap(),
            "\u{feff}---\r\ntitle: X\r\nstatus: review\r\n---\r\nb\r\n"
        );
        assert_eq!(set_field("---\ntitle: X\n", "status", "review"), None);
        // `statuses:` is another key.
        let t = "---\nstatuses: a\n---\n";
        assert_eq!(
            set_field(t, "status", "b").unwrap(),
            "---\nstatuses: a\nstatus: b\n---\n"
        );
    }

    #[test]
    fn items_go_before_a_line_and_boxes_flip() {
        let t = "## Timeline\n\n- 10:00 a\n* 11:00 c\n";
        assert_eq!(
            insert_item_before(t, 4, "10:30 b"),
            "## Timeline\n\n- 10:00 a\n* 10:30 b\n* 11:00 c\n"
        );
        let t = "- [ ] one @a\n- plain\n  - [x] nested\n";
        assert_eq!(
            set_done(t, 1, true).unwrap(),
            "- [x] one @a\n- plain\n  - [x] nested\n"
        );
        assert_eq!(
            set_done(t, 2, true).unwrap(),
            "- [ ] one @a\n- [x] plain\n  - [x] nested\n"
        );
        assert_eq!(
            set_done(t, 3, false).unwrap(),
            "- [ ] one @a\n- plain\n  - [ ] nested\n"
        );
        assert_eq!(set_done("text\n", 1, true), None);
    }
}
