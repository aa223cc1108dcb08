//! `lore factors rename OLD NEW`: a contributing factor renamed across the KB
//! in one commit. Documents are edited as text (only the `factors:` and
//! `trigger:` values in front matter change, every other byte stays), and
//! `lore.toml` through toml_edit so its comments and layout survive.

use crate::config::{CONFIG_FILE, Config, did_you_mean};
use crate::doc::{Doc, ParseContext, Split, split_front_matter};
use crate::error::{Error, Result};
use crate::kb::Kb;
use crate::store::{self, git::CommitOutcome};
use std::path::{Path, PathBuf};

/// What a rename changed.
#[derive(Debug)]
pub struct RenameReport {
    /// Files rewritten, relative to the KB root (`lore.toml` first if changed).
    pub files: Vec<PathBuf>,
    /// Whether `NEW` already existed, so `OLD` was merged into it.
    pub merged: bool,
    pub commit: CommitOutcome,
}

/// A value of a YAML list item or scalar, split into what surrounds it.
fn unquote(token: &str) -> (&str, &str, &str) {
    for q in ['"', '\''] {
        if token.len() >= 2 && token.starts_with(q) && token.ends_with(q) {
            return (
                &token[..1],
                &token[1..token.len() - 1],
                &token[token.len() - 1..],
            );
        }
    }
    ("", token, "")
}

/// Splits a value from a trailing ` # comment`.
fn split_comment(s: &str) -> (&str, &str) {
    match s.find(" #") {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// `token` with `old` replaced by `new`, keeping its quotes; `None` if it is
/// not `old`.
fn replace_token(token: &str, old: &str, new: &str) -> Option<String> {
    let (open, inner, close) = unquote(token.trim());
    (inner == old).then(|| {
        let lead = &token[..token.len() - token.trim_start().len()];
        let trail = &token[token.trim_end().len()..];
        format!("{lead}{open}{new}{close}{trail}")
    })
}

/// Rewrites a one-line flow list `[a, b, "c"]` (the text after `factors:`).
fn edit_flow(list: &str, old: &str, new: &str) -> Option<String> {
    let start = list.find('[')?;
    let end = list.rfind(']')?;
    if end < start {
        return None;
    }
    let inner = &list[start + 1..end];
    let items: Vec<&str> = inner.split(',').collect();
    let has_new = items.iter().any(|t| unquote(t.trim()).1 == new);
    let mut out: Vec<String> = Vec::new();
    let mut changed = false;
    for item in &items {
        match replace_token(item, old, new) {
            Some(_) if has_new => changed = true,
            Some(r) => {
                out.push(r);
                changed = true;
            }
            None => out.push((*item).to_string()),
        }
    }
    if !changed {
        return None;
    }
    if let (Some(first), Some(orig)) = (out.first_mut(), items.first()) {
        let lead = &orig[..orig.len() - orig.trim_start().len()];
        *first = format!("{lead}{}", first.trim_start());
    }
    Some(format!(
        "{}[{}]{}",
        &list[..start],
        out.join(","),
        &list[end + 1..]
    ))
}

/// The front matter of `text` with factor `old` renamed to `new` in
/// `factors:` (flow or block list) and `trigger:`; `None` if nothing changed.
pub fn rename_in_document(text: &str, old: &str, new: &str) -> Option<String> {
    let Split::Found { yaml, .. } = split_front_matter(text) else {
        return None;
    };
    let yaml_start = yaml.as_ptr() as usize - text.as_ptr() as usize;
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let content = |l: &str| l.trim_end_matches(['\n', '\r']).len();
    // Does the block list under `factors:` already hold `new`?
    let block_has_new = |from: usize| {
        lines[from..]
            .iter()
            .take_while(|l| is_block_item(l))
            .any(|l| {
                l.trim_start()
                    .strip_prefix('-')
                    .is_some_and(|v| unquote(split_comment(v.trim_end()).0.trim()).1 == new)
            })
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..yaml_start]);
    let mut changed = false;
    let mut in_block = false;
    let mut block_new = false;
    for (i, line) in lines.iter().enumerate() {
        let (body, ending) = line.split_at(content(line));
        if in_block && is_block_item(line) {
            let dash = body.find('-').unwrap_or(0);
            let (value, comment) = split_comment(&body[dash + 1..]);
            if let Some(r) = replace_token(value, old, new) {
                changed = true;
                if !block_new {
                    out.push_str(&format!("{}-{r}{comment}{ending}", &body[..dash]));
                }
                continue;
            }
            out.push_str(line);
            continue;
        }
        in_block = false;
        if let Some(rest) = body.strip_prefix("factors:") {
            let (value, _) = split_comment(rest);
            if value.trim().is_empty() {
                in_block = true;
                block_new = block_has_new(i + 1);
            } else if value.trim_start().starts_with('[') {
                if let Some(r) = edit_flow(rest, old, new) {
                    out.push_str(&format!("factors:{r}{ending}"));
                    changed = true;
                    continue;
                }
            } else if let Some(r) = replace_token(value, old, new) {
                out.push_str(&format!("factors:{r}{}{ending}", &rest[value.len()..]));
                changed = true;
                continue;
            }
        } else if let Some(rest) = body.strip_prefix("trigger:") {
            let (value, comment) = split_comment(rest);
            if let Some(r) = replace_token(value, old, new) {
                out.push_str(&format!("trigger:{r}{comment}{ending}"));
                changed = true;
                continue;
            }
        }
        out.push_str(line);
    }
    out.push_str(&text[yaml_start + yaml.len()..]);
    changed.then_some(out)
}

/// A `- item` line of a block list (at any indentation, as YAML allows).
fn is_block_item(line: &str) -> bool {
    let t = line.trim_start();
    t.strip_prefix('-')
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// `lore.toml` with the factor table `old` renamed to `new`, or removed when
/// `new` already exists (a merge). `None` when `old` is not in the taxonomy.
pub fn rename_in_config(text: &str, old: &str, new: &str) -> Result<Option<(String, bool)>> {
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::Config {
                path: PathBuf::from(CONFIG_FILE),
                line: e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
                message: e.message().trim().to_string(),
            })?;
    let Some(tables) = doc
        .get_mut("factors")
        .and_then(|f| f.as_array_of_tables_mut())
    else {
        return Ok(None);
    };
    let id_of = |t: &toml_edit::Table| t.get("id").and_then(|v| v.as_str()).map(str::to_string);
    let Some(pos) = tables.iter().position(|t| id_of(t).as_deref() == Some(old)) else {
        return Ok(None);
    };
    let merged = tables.iter().any(|t| id_of(t).as_deref() == Some(new));
    if merged {
        tables.remove(pos);
    } else if let Some(t) = tables.get_mut(pos)
        && let Some(v) = t.get_mut("id").and_then(|i| i.as_value_mut())
    {
        let decor = v.decor().clone();
        *v = toml_edit::Value::from(new);
        *v.decor_mut() = decor;
    }
    Ok(Some((doc.to_string(), merged)))
}

/// Refuses the rename when a file lore could not read may use `old`: one that
/// holds the id in its bytes (a NUL byte made it "binary") or cannot be read
/// at all (too large, an I/O error). Links out of the KB are not the KB's.
fn refuse_unreadable(root: &Path, kb: &Kb, old: &str) -> Result<()> {
    let mut blocking = Vec::new();
    for e in &kb.file_errors {
        if e.code == "symlink-outside" || !is_document_path(&e.path, &kb.config) {
            continue;
        }
        let uses = match store::read_bytes(root, &e.path) {
            Ok(b) if (b.len() as u64) <= store::MAX_FILE_BYTES => {
                b.windows(old.len().max(1)).any(|w| w == old.as_bytes())
            }
            _ => true,
        };
        if uses {
            blocking.push(format!("{} ({})", e.path.display(), e.message));
        }
    }
    if blocking.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "cannot rename `{old}`: {} may use it but cannot be rewritten: {}. Fix or remove it, then run the rename again. Nothing was changed",
        if blocking.len() == 1 {
            "this file"
        } else {
            "these files"
        },
        blocking.join("; ")
    )))
}

/// Whether a path lies in a documents folder (not `templates/` or `site/`).
fn is_document_path(p: &Path, cfg: &Config) -> bool {
    p.starts_with(&cfg.paths.postmortems) || p.starts_with(&cfg.paths.runbooks)
}

/// Whether `id` is a usable factor id: a lowercase slug.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !id.starts_with('-')
}

/// Renames factor `old` to `new` in `lore.toml` and every document, checks
/// every rewritten document still parses to the same factors (with the new
/// name), writes them atomically, then commits them all in one commit.
pub fn rename_factor(root: &Path, old: &str, new: &str) -> Result<RenameReport> {
    if !valid_id(new) {
        return Err(Error::Invalid(format!(
            "`{new}` is not a valid factor id: use lowercase letters, digits and hyphens"
        )));
    }
    if old == new {
        return Err(Error::Invalid(
            "the old and new factor ids are the same".into(),
        ));
    }
    // lore.toml under its lock (a second rename waits), the documents that
    // use the factor under theirs, each re-read under its lock so an edit
    // made meanwhile is renamed too, never overwritten.
    let _config = store::lock::config(root)?;
    let kb = Kb::load(root)?;
    refuse_unreadable(root, &kb, old)?;
    let cfg_text = store::read_text(root, Path::new(CONFIG_FILE))?;
    let cfg_edit = rename_in_config(&cfg_text, old, new)?;
    let users: Vec<&Doc> = kb
        .docs
        .iter()
        .filter(|d| {
            d.meta.factors.iter().any(|f| f == old) || d.meta.trigger.as_deref() == Some(old)
        })
        .collect();
    if cfg_edit.is_none() && users.is_empty() {
        let hint = did_you_mean(old, kb.config.factors.iter().map(|f| f.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Invalid(format!(
            "unknown contributing factor `{old}`{hint}: it is neither in lore.toml nor used by any document"
        )));
    }
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    let mut merged = kb.config.factor(new).is_some();
    if let Some((text, m)) = cfg_edit {
        Config::parse(&text, Path::new(CONFIG_FILE))?;
        merged = m;
        writes.push((PathBuf::from(CONFIG_FILE), text));
    }
    let user_paths: Vec<PathBuf> = users.iter().map(|d| d.path.clone()).collect();
    let _docs = store::lock::documents(root, &user_paths)?;
    for d in users {
        let bytes = store::read_bytes(root, &d.path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::Invalid(format!(
                "{}: not valid UTF-8; rename `{old}` in it by hand",
                d.path.display()
            ))
        })?;
        let refuse = || {
            Error::Invalid(format!(
                "{}: cannot rewrite its factors safely (unusual YAML); change `{old}` to `{new}` in it by hand, then run the rename again. Nothing was changed",
                d.path.display()
            ))
        };
        let ctx = ParseContext {
            timezone: kb.config.tz,
            default_kind: d.kind,
        };
        // The document as it is now, under its lock.
        let d = &Doc::parse(&text, &d.path, &ctx);
        if !(d.meta.factors.iter().any(|f| f == old) || d.meta.trigger.as_deref() == Some(old)) {
            continue;
        }
        let new_text = rename_in_document(&text, old, new).ok_or_else(refuse)?;
        let after = Doc::parse(&new_text, &d.path, &ctx);
        let mut want: Vec<String> = Vec::new();
        for f in &d.meta.factors {
            let f = if f == old { new } else { f.as_str() };
            if !want.iter().any(|w| w == f) {
                want.push(f.to_string());
            }
        }
        let want_trigger = d
            .meta
            .trigger
            .as_deref()
            .map(|t| if t == old { new } else { t });
        if after.meta.factors != want || after.meta.trigger.as_deref() != want_trigger {
            return Err(refuse());
        }
        writes.push((d.path.clone(), new_text));
    }
    let commit = store::journal::write_all_and_commit(
        root,
        &writes,
        &format!("factors: rename {old} to {new}"),
    )?;
    let files: Vec<PathBuf> = writes.into_iter().map(|(p, _)| p).collect();
    Ok(RenameReport {
        files,
        merged,
        commit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_list_keeps_everything_else() {
        let t = "---\ntitle: X\nfactors: [deploy, \"config-change\", load]  # why\ntrigger: config-change\n---\nbody config-change\n";
        let r = rename_in_document(t, "config-change", "config-push").unwrap();
        assert_eq!(
            r,
            "---\ntitle: X\nfactors: [deploy, \"config-push\", load]  # why\ntrigger: config-push\n---\nbody config-change\n"
        );
    }

    #[test]
    fn block_list_and_crlf() {
        let t = "---\r\nfactors:\r\n  - deploy\r\n  - 'config-change' # main one\r\ntags: [a]\r\n---\r\nBody\r\n";
        let r = rename_in_document(t, "config-change", "cfg").unwrap();
        assert_eq!(
            r,
            "---\r\nfactors:\r\n  - deploy\r\n  - 'cfg' # main one\r\ntags: [a]\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn merging_into_an_existing_factor_drops_the_duplicate() {
        let t = "---\nfactors: [config-change, deploy]\n---\n";
        assert_eq!(
            rename_in_document(t, "config-change", "deploy").unwrap(),
            "---\nfactors: [deploy]\n---\n"
        );
        let b = "---\nfactors:\n- config-change\n- deploy\n---\n";
        assert_eq!(
            rename_in_document(b, "config-change", "deploy").unwrap(),
            "---\nfactors:\n- deploy\n---\n"
        );
    }

    #[test]
    fn untouched_when_absent_or_only_a_prefix() {
        let t = "---\nfactors: [config-changes]\ntrigger: human\n---\n";
        assert_eq!(rename_in_document(t, "config-change", "x"), None);
    }

    #[test]
    fn config_rename_keeps_comments() {
        let t = "# taxonomy\n[[factors]]\nid = \"a\"   # the id\nname = \"A\"\n\n[[factors]]\nid = \"b\"\nname = \"B\"\n";
        let (r, merged) = rename_in_config(t, "a", "c").unwrap().unwrap();
        assert!(!merged);
        assert_eq!(
            r,
            "# taxonomy\n[[factors]]\nid = \"c\"   # the id\nname = \"A\"\n\n[[factors]]\nid = \"b\"\nname = \"B\"\n"
        );
        let (r, merged) = rename_in_config(t, "a", "b").unwrap().unwrap();
        assert!(merged);
        assert!(!r.contains("id = \"a\"") && r.contains("id = \"b\""), "{r}");
        assert_eq!(rename_in_config(t, "zzz", "b").unwrap(), None);
    }
}
