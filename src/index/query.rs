//! The query language of SPEC section 6, parsed by hand (never an error: what
//! cannot be read as an operator or filter is searched as words) into a small
//! AST, which `plan` turns into Tantivy queries.

use crate::doc::{Kind, Status, period};
use chrono::NaiveDate;
use std::ops::Bound;

/// A keyword field a `name:value` filter compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Id,
    Kind,
    Status,
    Severity,
    Service,
    Factor,
    Tag,
    Author,
    Owner,
}

/// A duration a `ttd:`/`ttm:`/`ttr:` filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationField {
    Detect,
    Mitigate,
    Resolve,
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// Free words (a hyphenated word is one word) or a `"quoted phrase"`.
    Text { text: String, phrase: bool },
    /// `service:checkout`: an exact value.
    Field { field: FilterField, value: String },
    /// `after:`/`before:` as an inclusive range of days.
    Date {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    /// `ttd:>30m`: bounds in seconds.
    Duration {
        field: DurationField,
        low: Bound<i64>,
        high: Bound<i64>,
    },
}

/// A parsed query: every group must match, a group matches when any of its
/// atoms (joined by `OR`) does, and no excluded atom may match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub groups: Vec<Vec<Atom>>,
    pub excluded: Vec<Atom>,
    /// Terms left out to keep the search bounded (beyond `MAX_ATOMS`
    /// distinct terms or `MAX_QUERY_BYTES` of text), for a note to the user.
    pub ignored: usize,
}

/// The most distinct terms a query uses: a pasted log excerpt of thousands of
/// words must not cost memory per word.
pub const MAX_ATOMS: usize = 32;

/// The most query text read; the rest is ignored (and counted).
pub const MAX_QUERY_BYTES: usize = 2048;

/// A lexical unit: a whitespace-separated term (quotes may hold spaces).
#[derive(Debug)]
struct Lexeme {
    negated: bool,
    text: String,
    /// The whole term was a `"quoted phrase"`.
    quoted: bool,
}

fn lex(q: &str) -> Vec<Lexeme> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' {
            match chars.get(i + 1) {
                Some(c) if !c.is_whitespace() => {
                    negated = true;
                    i += 1;
                }
                // A lone `-` means nothing.
                _ => {
                    i += 1;
                    continue;
                }
            }
        }
        if chars.get(i) == Some(&'"') {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && chars[end] != '"' {
                end += 1;
            }
            out.push(Lexeme {
                negated,
                text: chars[start..end].iter().collect(),
                quoted: true,
            });
            i = end + 1;
            continue;
        }
        let mut text = String::new();
        let mut in_quote = false;
        while i < chars.len() && (in_quote || !chars[i].is_whitespace()) {
            if chars[i] == '"' {
                in_quote = !in_quote;
            } else {
                text.push(chars[i]);
            }
            i += 1;
        }
        out.push(Lexeme {
            negated,
            text,
            quoted: false,
        });
    }
    out
}

fn filter_field(name: &str) -> Option<FilterField> {
    Some(match name {
        "id" => FilterField::Id,
        "kind" => FilterField::Kind,
        "status" => FilterField::Status,
        "severity" | "sev" => FilterField::Severity,
        "service" | "services" => FilterField::Service,
        "factor" | "factors" => FilterField::Factor,
        "tag" | "tags" => FilterField::Tag,
        "author" | "authors" => FilterField::Author,
        "owner" | "owners" => FilterField::Owner,
        _ => return None,
    })
}

/// Parses `>30m`, `<=1d`, `<2h`, `=90s`, `45m` (a bare value means at least).
fn duration_bounds(v: &str) -> Option<(Bound<i64>, Bound<i64>)> {
    let (op, rest) = [">=", "<=", ">", "<", "="]
        .iter()
        .find_map(|op| v.strip_prefix(op).map(|r| (*op, r)))
        .unwrap_or((">=", v));
    let rest = rest.trim();
    let split = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, unit) = rest.split_at(split);
    let num: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" => 1.0,
        "" | "m" | "min" | "mins" => 60.0,
        "h" | "hr" | "hrs" => 3600.0,
        "d" | "day" | "days" => 86400.0,
        "w" => 604800.0,
        _ => return None,
    };
    let secs = (num * mult).round();
    if secs > 1e15 {
        return None;
    }
    let s = secs as i64;
    Some(match op {
        ">" => (Bound::Excluded(s), Bound::Unbounded),
        ">=" => (Bound::Included(s), Bound::Unbounded),
        "<" => (Bound::Unbounded, Bound::Excluded(s)),
        "<=" => (Bound::Unbounded, Bound::Included(s)),
        _ => (Bound::Included(s), Bound::Included(s)),
    })
}

enum Classified {
    Or,
    Atom(Atom),
    Nothing,
}

fn classify(lx: &Lexeme) -> Classified {
    if lx.quoted {
        return Classified::Atom(Atom::Text {
            text: lx.text.clone(),
            phrase: true,
        });
    }
    if lx.text == "OR" && !lx.negated {
        return Classified::Or;
    }
    // Terms are required anyway; `AND` from other search syntaxes is a no-op.
    if lx.text == "AND" && !lx.negated {
        return Classified::Nothing;
    }
    let trimmed = lx.text.trim_start_matches('(').trim_end_matches(')');
    let t = if trimmed.is_empty() {
        lx.text.as_str()
    } else {
        trimmed
    };
    let words = Atom::Text {
        text: t.to_string(),
        phrase: false,
    };
    let Some((name, value)) = t.split_once(':') else {
        return Classified::Atom(words);
    };
    let name = name.to_ascii_lowercase();
    let value = value.trim();
    let known = filter_field(&name).is_some()
        || matches!(
            name.as_str(),
            "after" | "before" | "since" | "until" | "ttd" | "ttm" | "ttr"
        );
    if known && value.is_empty() {
        // An unfinished filter (`factor:` while typing) narrows nothing.
        return Classified::Nothing;
    }
    if let Some(field) = filter_field(&name) {
        return Classified::Atom(Atom::Field {
            field,
            value: value.to_string(),
        });
    }
    match name.as_str() {
        "after" | "since" => match period(value) {
            Some((from, _)) => Classified::Atom(Atom::Date {
                from: Some(from),
                to: None,
            }),
            None => Classified::Atom(words),
        },
        "before" | "until" => match period(value) {
            Some((_, to)) => Classified::Atom(Atom::Date {
                from: None,
                to: Some(to),
            }),
            None => Classified::Atom(words),
        },
        "ttd" | "ttm" | "ttr" => {
            let field = match name.as_str() {
                "ttd" => DurationField::Detect,
                "ttm" => DurationField::Mitigate,
                _ => DurationField::Resolve,
            };
            match duration_bounds(value) {
                Some((low, high)) => Classified::Atom(Atom::Duration { field, low, high }),
                None => Classified::Atom(words),
            }
        }
        _ => Classified::Atom(words),
    }
}

/// Parses a query. Never fails: anything that is not an operator or a
/// well-formed filter becomes words.
pub fn parse(q: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut cut = q.len().min(MAX_QUERY_BYTES);
    while !q.is_char_boundary(cut) {
        cut -= 1;
    }
    // Cut at a space so no word is read half.
    if cut < q.len() {
        cut = q[..cut].rfind(char::is_whitespace).unwrap_or(cut);
        p.ignored += q[cut..].split_whitespace().count();
    }
    let mut pending_or = false;
    let mut used = 0;
    for lx in lex(&q[..cut]) {
        match classify(&lx) {
            Classified::Nothing => {}
            Classified::Or => pending_or = !p.groups.is_empty(),
            Classified::Atom(a)
                if p.excluded.contains(&a) || p.groups.iter().any(|g| g.contains(&a)) =>
            {
                pending_or = false;
            }
            Classified::Atom(_) if used >= MAX_ATOMS => {
                p.ignored += 1;
                pending_or = false;
            }
            Classified::Atom(a) if lx.negated => {
                used += 1;
                p.excluded.push(a);
                pending_or = false;
            }
            Classified::Atom(a) => {
                used += 1;
                match p.groups.last_mut() {
                    Some(g) if pending_or => g.push(a),
                    _ => p.groups.push(vec![a]),
                }
                pending_or = false;
            }
        }
    }
    p
}

/// The query with its free words and phrases in one OR group (filters and
/// exclusions kept), for when no document has all the words; `None` when
/// there are fewer than two word groups to widen.
pub fn any_word(p: &Parsed) -> Option<Parsed> {
    let is_text = |g: &Vec<Atom>| g.iter().all(|a| matches!(a, Atom::Text { .. }));
    let (text, rest): (Vec<Vec<Atom>>, Vec<Vec<Atom>>) =
        p.groups.iter().cloned().partition(is_text);
    if text.len() < 2 {
        return None;
    }
    let mut groups = rest;
    groups.push(text.into_iter().flatten().collect());
    Some(Parsed {
        groups,
        excluded: p.excluded.clone(),
        ignored: p.ignored,
    })
}

/// The normalised value a keyword filter compares against the index.
pub fn filter_value(field: FilterField, value: &str) -> String {
    let v = value.trim();
    match field {
        FilterField::Kind => Kind::parse(v).map_or_else(|| v.to_lowercase(), |k| k.as_str().into()),
        FilterField::Status => {
            Status::parse(v).map_or_else(|| v.to_lowercase(), |s| s.as_str().into())
        }
        FilterField::Owner => v.trim_start_matches('@').to_lowercase(),
        _ => v.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Atom {
        Atom::Text {
            text: t.into(),
            phrase: false,
        }
    }

    #[test]
    fn a_pasted_log_is_bounded_and_says_what_it_left_out() {
        let log: String = (0..30_000).map(|i| format!("w{i} ")).collect();
        let p = parse(&log);
        let kept: usize = p.groups.iter().map(Vec::len).sum();
        assert_eq!(kept, MAX_ATOMS);
        assert_eq!(kept + p.ignored, 30_000);
        let repeated = "timeout ".repeat(5000);
        let p = parse(&repeated);
        assert_eq!(p.groups, vec![vec![words("timeout")]]);
    }

    #[test]
    fn words_phrases_filters_and_or() {
        let p = parse(r#"replica "replica lag" service:checkout dns OR tls -factor:dns"#);
        assert_eq!(
            p.groups,
            vec![
                vec![words("replica")],
                vec![Atom::Text {
                    text: "replica lag".into(),
                    phrase: true
                }],
                vec![Atom::Field {
                    field: FilterField::Service,
                    value: "checkout".into()
                }],
                vec![words("dns"), words("tls")],
            ]
        );
        assert_eq!(
            p.excluded,
            vec![Atom::Field {
                field: FilterField::Factor,
                value: "dns".into()
            }]
        );
    }

    #[test]
    fn hyphens_inside_words_are_not_operators() {
        let p = parse("config-change INC-123 -dns");
        assert_eq!(
            p.groups,
            vec![vec![words("config-change")], vec![words("INC-123")]]
        );
        assert_eq!(p.excluded, vec![words("dns")]);
    }

    #[test]
    fn dates_cover_the_named_period() {
        let p = parse("after:2024-02 before:2024-02");
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            p.groups,
            vec![
                vec![Atom::Date {
                    from: d("2024-02-01"),
                    to: None
                }],
                vec![Atom::Date {
                    from: None,
                    to: d("2024-02-29")
                }],
            ]
        );
    }

    #[test]
    fn durations_with_units_and_operators() {
        let dur = |q: &str| match parse(q).groups.first().and_then(|g| g.first()).cloned() {
            Some(Atom::Duration { low, high, .. }) => Some((low, high)),
            _ => None,
        };
        assert_eq!(
            dur("ttd:>30m"),
            Some((Bound::Excluded(1800), Bound::Unbounded))
        );
        assert_eq!(
            dur("ttr:<2h"),
            Some((Bound::Unbounded, Bound::Excluded(7200)))
        );
        assert_eq!(
            dur("ttd:<=1d"),
            Some((Bound::Unbounded, Bound::Included(86400)))
        );
        assert_eq!(
            dur("ttr:>=1.5h"),
            Some((Bound::Included(5400), Bound::Unbounded))
        );
        assert_eq!(
            dur("ttd:45"),
            Some((Bound::Included(2700), Bound::Unbounded))
        );
        assert_eq!(dur("ttd:>soon"), None);
    }

    #[test]
    fn broken_input_becomes_words_or_nothing() {
        assert_eq!(
            parse(r#""unclosed"#).groups,
            vec![vec![Atom::Text {
                text: "unclosed".into(),
                phrase: true
            }]]
        );
        assert_eq!(parse("factor:"), Parsed::default());
        assert_eq!(parse("-"), Parsed::default());
        assert_eq!(
            parse("(("),
            Parsed {
                groups: vec![vec![words("((")]],
                excluded: vec![],
                ignored: 0
            }
        );
        assert_eq!(
            parse("OR dns OR"),
            Parsed {
                groups: vec![vec![words("dns")]],
                excluded: vec![],
                ignored: 0
            }
        );
        assert_eq!(
            parse("after:yesterday").groups,
            vec![vec![words("after:yesterday")]]
        );
        assert_eq!(
            parse("(factor:dns)").groups,
            vec![vec![Atom::Field {
                field: FilterField::Factor,
                value: "dns".into()
            }]]
        );
        assert_eq!(
            parse(r#"service:"checkout api""#).groups,
            vec![vec![Atom::Field {
                field: FilterField::Service,
                value: "checkout api".into()
            }]]
        );
    }
}
