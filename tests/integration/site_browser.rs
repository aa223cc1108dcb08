//! The exported site in real headless Chromium, opened straight from disk: no
//! console errors, charts present, search answers from a URL, and hostile
//! documents that run nothing. Skips when Chromium is missing, unless `CI` is
//! set: then a missing browser fails the test.

use super::{assert_inert, export, tags};
use crate::common::Sandbox;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The browser, or `None` (with a message) when the test should skip.
pub(super) fn chromium() -> Option<PathBuf> {
    match find_chromium() {
        Some(p) => Some(p),
        None if under_ci() => {
            panic!("chromium is required under CI (CI is set) but was not found on PATH")
        }
        None => {
            eprintln!(
                "skipping browser test: chromium is not installed (apt-get install chromium); it is required when CI is set"
            );
            None
        }
    }
}

/// Loads `file` (optionally with `?query`) and returns the DOM after scripts
/// ran, and the browser's console lines.
fn load(browser: &Path, file: &Path, query: &str) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}{query}", file.display());
    let out = assert_cmd::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(&url)
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>") || dom.contains("</body>"),
        "no DOM for {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    (dom, console)
}

#[test]
fn overview_and_trends_load_without_console_errors_and_show_charts() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let out = export(&sb, &sb.sample_kb(), "browser", &[]);
    for page in [
        "index.html",
        "trends.html",
        "actions.html",
        "postmortems/2024-03-12-checkout-failover-replica-lag.html",
    ] {
        let (dom, console) = load(&browser, &out.join(page), "");
        assert!(console.is_empty(), "{page}: console messages: {console:?}");
        if page != "actions.html" && !page.starts_with("postmortems/") {
            assert!(
                dom.contains("<svg class=\"chart\""),
                "{page}: no chart in the DOM"
            );
        }
    }
    let (dom, _) = load(&browser, &out.join("trends.html"), "");
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 11);
    let (dom, _) = load(&browser, &out.join("actions.html"), "?status=overdue");
    assert!(dom.contains("shown</span>"), "the filter script ran");
}

#[test]
fn search_page_answers_a_query_from_the_url() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let out = export(&sb, &sb.sample_kb(), "search", &[]);
    let (dom, console) = load(&browser, &out.join("search.html"), "?q=replica+lag");
    assert!(console.is_empty(), "console messages: {console:?}");
    let results = dom.split("id=\"results\"").nth(1).unwrap_or("");
    assert!(
        results.contains("href=\"postmortems/2024-03-12-checkout-failover-replica-lag.html\""),
        "replica lag postmortem not found: {results}"
    );
    assert!(dom.contains("<mark>"), "matched words are marked");
    let (dom, _) = load(
        &browser,
        &out.join("search.html"),
        "?q=&severity=SEV1&kind=postmortem",
    );
    let results = dom.split("id=\"results\"").nth(1).unwrap_or("");
    assert!(
        results.contains("checkout-failover-replica-lag.html"),
        "severity filter"
    );
    assert!(!results.contains("runbooks/"), "kind filter");
    // Factor, service and dates: each filter's own file.
    let (dom, _) = load(
        &browser,
        &out.join("search.html"),
        "?q=&factor=config-change&service=edge-proxy&after=2024-01&before=2024-12",
    );
    let links = result_links(&dom);
    assert_eq!(
        links,
        [
            "postmortems/2024-01-09-mobile-api-dns-ttl-migration.html",
            "postmortems/2024-05-16-edge-proxy-global-config-push.html"
        ],
        "factor + service + dates"
    );
    let (dom, _) = load(&browser, &out.join("search.html"), "?q=zzzqqq");
    assert!(
        dom.contains("Nothing matches “zzzqqq”. Check the spelling"),
        "no match says so, with a hint"
    );
}

/// The result links of a search page, in order.
fn result_links(dom: &str) -> Vec<String> {
    let results = dom.split("id=\"results\"").nth(1).unwrap_or("");
    results
        .split("class=\"result-title\" href=\"")
        .skip(1)
        .chain(results.split("<a href=\"").skip(1))
        .filter_map(|r| r.split('"').next())
        .filter(|h| h.ends_with(".html"))
        .map(String::from)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn site_search_stems_forgives_typos_and_falls_back_to_any_word_like_the_cli() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let kb = sb.sample_kb();
    let out = export(&sb, &kb, "search", &[]);
    let page = out.join("search.html");
    let found = |q: &str| {
        let (dom, console) = load(&browser, &page, &format!("?q={q}"));
        assert!(console.is_empty(), "{q}: console messages: {console:?}");
        let status = dom
            .split("id=\"search-status\"")
            .nth(1)
            .and_then(|r| r.split('>').nth(1))
            .and_then(|r| r.split('<').next())
            .unwrap_or("")
            .to_string();
        (result_links(&dom), status)
    };
    let (one, _) = found("failover");
    let (many, _) = found("failovers");
    assert!(!one.is_empty(), "failover finds nothing");
    assert_eq!(one, many, "failovers finds other documents than failover");
    // The CLI finds every document the site finds for both forms.
    for q in ["failover", "failovers"] {
        let cli = sb
            .lore(&kb)
            .args(["search", q, "--format", "json", "--limit", "100"])
            .output()
            .unwrap();
        let cli = String::from_utf8_lossy(&cli.stdout).into_owned();
        for link in &one {
            let id = link.rsplit('/').next().unwrap().trim_end_matches(".html");
            assert!(
                cli.contains(id),
                "{q}: the site finds {id}, the CLI does not"
            );
        }
    }
    let (typo, status) = found("certficate");
    assert!(
        typo.iter().any(|l| l.contains("certificate-expiry")),
        "certficate: {typo:?} {status}"
    );
    assert!(status.contains("“certficate” → “certificate”"), "{status}");
    // A form no document has, found by its ending, as the CLI's stemming does.
    let (deploying, status) = found("deploying");
    assert!(!deploying.is_empty(), "deploying: {status}");
    // A negated field filter leaves documents out; it is not a word.
    let (cache, _) = found("cache");
    let (without, status) = found("cache+-service:tracking-api");
    assert!(
        !without.is_empty() && without.len() < cache.len(),
        "{status}: {without:?} of {cache:?}"
    );
    let (any, status) = found("failover+zzzqqq");
    assert_eq!(any, one, "{status}");
    assert!(status.contains("no document has every word"), "{status}");
}

#[test]
fn hostile_document_runs_nothing_in_the_browser() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let out = export(&sb, &sb.fixture("site/xss"), "xss-browser", &[]);
    for (page, query) in [
        ("postmortems/x.html", ""),
        ("index.html", ""),
        ("actions.html", ""),
        ("browse.html", ""),
        ("factors/config-change.html", ""),
        ("tags/x.html", ""),
        ("search.html", "?q=evil+replica"),
    ] {
        let (dom, console) = load(&browser, &out.join(page), query);
        // Every payload marks <body data-pwned=…> when it runs; the same text
        // shown escaped is fine.
        let body_tag = dom
            .split("<body")
            .nth(1)
            .and_then(|s| s.split('>').next())
            .unwrap_or("");
        assert!(
            !body_tag.contains("data-pwned"),
            "{page}: a payload ran: <body{body_tag}>"
        );
        assert!(
            console.is_empty(),
            "{page}: console messages (alerts or errors): {console:?}"
        );
        for tag in tags(&dom) {
            let lower = tag.to_ascii_lowercase();
            let name: String = lower
                .chars()
                .skip(1)
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                ![
                    "iframe", "object", "embed", "frame", "base", "math", "style"
                ]
                .contains(&name.as_str()),
                "{page}: <{name}> in the DOM"
            );
            if name == "form" {
                assert!(
                    lower.contains("class=\"quick-search\"")
                        || lower.contains("id=\"search-form\"")
                        || lower.contains("id=\"action-filters\""),
                    "{page}: a form that is not ours: {tag}"
                );
            }
            if name == "script" {
                let ours = ["src=\"assets/", "src=\"../assets/", "src=\"search/"]
                    .iter()
                    .any(|p| lower.contains(p))
                    || lower == "<script>";
                assert!(ours, "{page}: a script that is not ours: {tag}");
            }
            assert_inert(page, tag);
        }
        if page == "search.html" {
            assert!(
                dom.contains("1 result for"),
                "{page}: the hostile document is found"
            );
        }
    }
}

#[test]
fn the_slo_page_and_a_postmortems_budget_line_render_in_the_browser() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let out = export(&sb, &sb.sample_kb(), "slos", &[]);
    let (dom, console) = load(&browser, &out.join("slos.html"), "");
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(dom.contains("id=\"slo-checkout-availability\""), "{dom}");
    // The site's year to 2024-06-01: the March failover spent 90 % of a window.
    assert!(
        dom.contains("<svg") && dom.contains("class=\"bar\""),
        "windows are drawn"
    );
    assert!(
        dom.contains("stayed within its budget in every window"),
        "{dom}"
    );
    let (dom, console) = load(
        &browser,
        &out.join("postmortems/2026-04-21-internal-dns-resolver-outage.html"),
        "",
    );
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(
        dom.contains("used 108 % of <a href=\"../slos.html#slo-checkout-availability\">checkout-availability</a>'s 30-day budget"),
        "{dom}"
    );
    let (dom, _) = load(&browser, &out.join("drills.html"), "");
    assert!(dom.contains("Facilitator's sheets"), "{dom}");
}
