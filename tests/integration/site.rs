//! `lore export`: every page kind of the sample KB and fixture KBs, links that
//! resolve from disk, hostile input that stays inert and inside the output,
//! re-exports that keep unchanged files, and the site in headless Chromium.

use crate::common::{Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};

const TODAY: &str = "2024-06-01";

/// Exports `kb` to `<sandbox>/out-<name>` with a fixed date; returns the folder.
fn export(sb: &Sandbox, kb: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = sb.path(&format!("out-{name}"));
    let o = sb
        .lore(kb)
        .env("LORE_TODAY", TODAY)
        .args(["export", "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    out
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The values of `attr="…"` in an HTML text.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Checks that every relative `href`/`src` of every page names a file of the
/// export, and that nothing points at an absolute path or another host's
/// scripts, styles or fonts.
fn assert_links_resolve(out: &Path) {
    for page in walk(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
    {
        let html = std::fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for attr in ["href", "src"] {
            for v in attr_values(&html, attr) {
                let v = v.replace("&amp;", "&");
                if v.starts_with('#')
                    || v.starts_with("mailto:")
                    || v.starts_with("https://")
                    || v.starts_with("http://")
                {
                    assert!(
                        !(attr == "src" && v.starts_with("http")),
                        "{}: external resource {v}",
                        page.display()
                    );
                    continue;
                }
                assert!(!v.starts_with('/'), "{}: absolute link {v}", page.display());
                let path = v.split(['#', '?']).next().unwrap();
                if path.is_empty() || path.ends_with(".md") {
                    continue;
                }
                assert!(
                    dir.join(path).is_file(),
                    "{}: broken link {v}",
                    page.display()
                );
            }
        }
    }
}

#[test]
fn sample_kb_exports_every_page_kind() {
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = export(&sb, &kb, "sample", &[]);
    let all = files(&out);
    for page in [
        "index.html",
        "postmortems.html",
        "runbooks.html",
        "actions.html",
        "trends.html",
        "search.html",
        "browse.html",
        "feed.xml",
        "assets/style.css",
        "assets/search.js",
        "search/meta.js",
        "search/f-severity.js",
        "search/f-date.js",
        "search/d-0.js",
        "postmortems/2024-03-12-checkout-failover-replica-lag.html",
        "runbooks/database-failover.html",
        "factors/config-change.html",
        "services/checkout.html",
        "tags/database.html",
        "severities/sev1.html",
    ] {
        assert!(
            all.iter().any(|f| f == page),
            "{page} missing; have {all:?}"
        );
    }
    let pm = read(
        &out,
        "postmortems/2024-03-12-checkout-failover-replica-lag.html",
    );
    assert!(pm.contains("<h1>Checkout outage during primary database failover</h1>"));
    assert!(
        pm.contains("<dt title=\"Time to detect\">Time to detect</dt><dd>7m</dd>"),
        "durations"
    );
    assert!(pm.contains("<ul class=\"timeline\">"), "timeline");
    assert!(pm.contains("<ul class=\"action-items\">"), "action items");
    assert!(
        pm.contains("href=\"../factors/config-change.html\">Configuration change</a>"),
        "factor link"
    );
    assert!(
        pm.contains("href=\"../runbooks/database-failover.html\">Primary database failover</a>"),
        "runbook link"
    );
    assert!(
        pm.contains("href=\"../postmortems/2023-08-02-replica-lag-reporting.html\""),
        "related link"
    );
    assert!(
        pm.contains("<h2>Similar incidents</h2>"),
        "similar incidents"
    );
    assert!(pm.contains("<div class=\"why\">"), "why they are similar");
    let rb = read(&out, "runbooks/database-failover.html");
    assert!(rb.contains("Used in"), "backlinks on the runbook");
    assert!(rb.contains("href=\"../postmortems/2024-03-12-checkout-failover-replica-lag.html\""));
    let factor = read(&out, "factors/config-change.html");
    assert!(
        factor.contains("A change to runtime configuration"),
        "factor description"
    );
    assert!(factor.contains("Change"), "factor group");
    let trends = read(&out, "trends.html");
    assert_eq!(
        trends.matches("<svg class=\"chart\"").count(),
        11,
        "every trend chart"
    );
    assert_eq!(
        trends.matches("<details class=\"data\">").count(),
        11,
        "a table for each chart"
    );
    assert!(trends.contains("median"), "median marked");
    let feed = read(&out, "feed.xml");
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains("<title>Checkout outage during primary database failover</title>"));
    assert_links_resolve(&out);
}

#[test]
fn drafts_only_with_the_flag_and_never_in_the_feed() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    let out = export(&sb, &kb, "plain", &[]);
    assert!(out.join("postmortems/2024-05-02-only-one.html").is_file());
    assert!(!out.join("postmortems/2024-05-20-draft.html").exists());
    for e in std::fs::read_dir(out.join("search")).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(
            !text.contains("zebrafinch"),
            "a draft's words are in the search index"
        );
    }
    let with = export(&sb, &kb, "drafts", &["--drafts"]);
    let draft = read(&with, "postmortems/2024-05-20-draft.html");
    assert!(draft.contains("<span class=\"badge status draft\">draft</span>"));
    assert!(!read(&with, "feed.xml").contains("A draft still being written"));
}

#[test]
fn charts_handle_an_empty_kb_and_a_single_incident_without_timestamps() {
    let sb = Sandbox::new();
    let empty = export(&sb, &sb.fixture("site/empty"), "empty", &[]);
    let t = read(&empty, "trends.html");
    assert!(
        t.contains("No incidents on record yet"),
        "empty per-month chart"
    );
    assert!(t.contains("No contributing factors recorded yet"));
    assert_eq!(t.matches("<svg class=\"chart\"").count(), 11);
    assert!(read(&empty, "index.html").contains("No published postmortems yet"));
    assert_links_resolve(&empty);

    let sparse = export(&sb, &sb.fixture("site/sparse"), "sparse", &[]);
    let t = read(&sparse, "trends.html");
    assert!(
        t.contains("1 incident in 1 month; the most in 2024-05 (1)"),
        "one month"
    );
    assert!(
        t.contains("No postmortem records when it was detected yet"),
        "no timestamps"
    );
    assert!(t.contains("0 postmortems with both timestamps; 1 without, left out."));
    assert!(
        t.contains("50% of action items older than the 30-day target are done (1 of 2)"),
        "{t}"
    );
}

#[test]
fn hostile_ids_tags_and_services_stay_inside_the_output() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/xss");
    let before: Vec<String> = files(sb.dir.path());
    let out = export(&sb, &kb, "xss", &[]);
    let after: Vec<String> = files(sb.dir.path());
    let new: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
    // The output, and lore's cache in the KB (`.lore/`).
    let cache = format!(
        "{}/.lore/",
        kb.strip_prefix(sb.dir.path()).unwrap().display()
    );
    assert!(
        new.iter()
            .all(|f| f.starts_with("out-xss/") || f.starts_with(&cache)),
        "written outside: {new:?}"
    );
    assert!(new.iter().any(|f| f.starts_with(&cache)), "{new:?}");
    assert!(!sb.path("x.html").exists() && !sb.path("x").exists());
    let all = files(&out);
    assert!(all.contains(&"postmortems/x.html".to_string()), "{all:?}");
    assert!(all.contains(&"tags/x.html".to_string()), "{all:?}");
    assert!(
        all.contains(&"services/etc-passwd.html".to_string()),
        "{all:?}"
    );
    assert!(all.contains(&"services/con-1.html".to_string()), "{all:?}");
    assert!(all.contains(&"tags/aux-1.html".to_string()), "{all:?}");
    assert_links_resolve(&out);
}

#[test]
fn hostile_markup_is_escaped_or_removed_in_every_page() {
    let sb = Sandbox::new();
    let out = export(&sb, &sb.fixture("site/xss"), "xss", &[]);
    for page in walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "xml"))
    {
        let html = std::fs::read_to_string(&page).unwrap();
        let lower = html.to_ascii_lowercase();
        let name = page.display();
        for tag in [
            "<iframe",
            "<object",
            "<embed",
            "<svg onload",
            "<math",
            "<style",
            "<meta http-equiv",
            "<base",
        ] {
            assert!(!lower.contains(tag), "{name}: {tag} survived");
        }
        let favicons = lower.matches("<img src=\"assets/favicon.svg\"").count()
            + lower.matches("<img src=\"../assets/favicon.svg\"").count();
        assert_eq!(
            lower.matches("<img").count(),
            favicons,
            "{name}: an <img> that is not our icon"
        );
        let forms = [
            "<form class=\"quick-search\"",
            "<form id=\"search-form\"",
            "<form class=\"filters\" id=\"action-filters\"",
        ];
        let ours: usize = forms.iter().map(|f| lower.matches(f).count()).sum();
        assert_eq!(
            lower.matches("<form").count(),
            ours,
            "{name}: a <form> that is not ours"
        );
        let scripts = lower.matches("<script").count();
        let ours = lower.matches("<script src=\"assets/").count()
            + lower
                .matches("<script src=\"../assets/copy.js\" defer>")
                .count()
            + lower.matches("<script src=\"search/meta.js\">").count()
            + lower.matches("<script>window.lore_search_base").count();
        assert_eq!(scripts, ours, "{name}: a script that is not ours");
        for attr in ["href", "src", "action", "data"] {
            for v in attr_values(&lower, attr) {
                let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("data:")
                        && !v.starts_with("vbscript:"),
                    "{name}: {attr}={v}"
                );
            }
        }
        for tag in tags(&html) {
            assert_inert(&name.to_string(), tag);
        }
    }
    let doc = read(&out, "postmortems/x.html");
    assert!(doc.contains("<kbd>Ctrl</kbd>"), "harmless tags stay");
    assert!(doc.contains("x<sup>2</sup>") && doc.contains("H<sub>2</sub>O"));
    assert!(
        doc.contains("<details><summary>More</summary>"),
        "details stays"
    );
    assert!(doc.contains("Evil &lt;script&gt;"), "title escaped");
}

#[test]
fn a_reexport_keeps_unchanged_files_and_a_failed_one_keeps_the_old_site() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    let out = export(&sb, &kb, "re", &[]);
    let o = sb
        .lore(&kb)
        .env("LORE_TODAY", TODAY)
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains(" 0 written, "), "{text}");
    // A broken template override fails the export before anything is replaced.
    std::fs::create_dir_all(kb.join("templates")).unwrap();
    std::fs::write(kb.join("templates/index.html"), "{% if %}").unwrap();
    let o = sb
        .lore(&kb)
        .env("LORE_TODAY", TODAY)
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("lore: error: export to"),
        "{}",
        stderr(&o)
    );
    assert!(
        read(&out, "index.html").contains("The only incident"),
        "old site kept"
    );
    let siblings: Vec<String> = files(sb.dir.path())
        .into_iter()
        .filter(|f| f.contains("lore-new") || f.contains("lore-old"))
        .collect();
    assert!(siblings.is_empty(), "staging left behind: {siblings:?}");
}

#[test]
fn document_pages_say_who_edited_them_last_from_git() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    sb.git_init_commit(&kb);
    let out = export(&sb, &kb, "git", &[]);
    let page = read(&out, "postmortems/2024-05-02-only-one.html");
    assert!(page.contains("<dt>Last edited</dt><dd>"), "{page}");
    assert!(page.contains(" by Test Responder</dd>"), "{page}");
}

#[test]
fn a_folder_of_other_files_is_never_replaced() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    let o = sb
        .lore(&kb)
        .args(["export", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a lore export"), "{}", stderr(&o));
    assert!(kb.join("lore.toml").is_file());
}

#[test]
fn a_kb_template_overrides_the_builtin_one() {
    let sb = Sandbox::new();
    let kb = sb.fixture("site/sparse");
    std::fs::create_dir_all(kb.join("templates")).unwrap();
    std::fs::write(
        kb.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block main %}<p id=\"own\">Our own overview: {{ recent | length }} recent</p>{% endblock main %}",
    )
    .unwrap();
    std::fs::create_dir_all(kb.join("site")).unwrap();
    std::fs::write(kb.join("site/logo.txt"), "logo").unwrap();
    let out = export(&sb, &kb, "own", &[]);
    assert!(read(&out, "index.html").contains("<p id=\"own\">Our own overview: 1 recent</p>"));
    assert_eq!(read(&out, "assets/logo.txt"), "logo");
    assert!(
        read(&out, "trends.html").contains("<svg class=\"chart\""),
        "other pages keep the built-ins"
    );
}

#[test]
fn snapshots_of_key_pages() {
    let sb = Sandbox::new();
    let out = export(&sb, &sb.fixture("site/sparse"), "snap", &[]);
    let mask = |s: String| mask_dates(&s);
    insta::assert_snapshot!(
        "sparse_document",
        mask(read(&out, "postmortems/2024-05-02-only-one.html"))
    );
    insta::assert_snapshot!("sparse_overview", mask(read(&out, "index.html")));
    insta::assert_snapshot!("sparse_feed", mask(read(&out, "feed.xml")));
}

/// Replaces every `YYYY-MM-DD` with `[date]`.
fn mask_dates(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let is_date = b.len() >= i + 10
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && b[i + 7] == b'-'
            && b[i + 8..i + 10].iter().all(u8::is_ascii_digit);
        if is_date {
            out.push_str("[date]");
            i += 10;
        } else {
            let c = s[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Every start tag of an HTML text, from `<` to the `>` that ends it.
pub fn tags(html: &str) -> Vec<&str> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    for (i, _) in html.match_indices('<') {
        if !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut quote = None;
        let mut end = html.len();
        for (j, c) in html[i..].char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i + j + 1;
                    break;
                }
                _ => {}
            }
        }
        out.push(&html[i..end]);
    }
    out
}

/// The attributes of a start tag as (lowercase name, value).
pub fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut chars = inner.char_indices().peekable();
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    let mut out = Vec::new();
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' {
                break;
            }
            name.push(c.to_ascii_lowercase());
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        out.push((name, value));
    }
    out
}

/// No event handler and no script or data URL in a tag's attributes.
pub fn assert_inert(page: &str, tag: &str) {
    for (name, value) in attributes(tag) {
        assert!(!name.starts_with("on"), "{page}: event handler in {tag}");
        if ["href", "src", "action", "formaction", "data", "xlink:href"].contains(&name.as_str()) {
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            for bad in ["javascript:", "data:", "vbscript:"] {
                assert!(!v.starts_with(bad), "{page}: {name}={value} in {tag}");
            }
        }
    }
}

#[path = "site_browser.rs"]
mod browser;
#[path = "site_phone.rs"]
mod phone;

#[test]
#[should_panic(expected = "event handler")]
fn the_inert_check_catches_a_quoted_handler() {
    assert_inert(
        "t",
        tags("<p>x</p><img alt=\"a > b\" src=x OnError='alert(1)'>")[1],
    );
}

#[test]
#[should_panic(expected = "href= JaVaScRiPt:alert(1) in")]
fn the_inert_check_catches_a_script_url() {
    assert_inert("t", tags("<a href=\" JaVaScRiPt:alert(1)\">x</a>")[0]);
}
