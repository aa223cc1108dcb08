//! The exported site on a phone and on paper: every page fits a 390 px
//! viewport in headless Chromium (no sideways scrolling; code and tables
//! scroll in their own box), a document's body comes before its metadata,
//! and term pages list runbooks first. Chromium will not make a window
//! narrower than 500 px, so each page is loaded in a 390 px iframe of one
//! wrapper page; a measuring script is added to the test's copy of each page
//! only, and posts what it finds to the wrapper.

use super::export;
use crate::common::Sandbox;
use std::time::Duration;

/// Added before `</body>` of each page copy: posts the page's widths and
/// the first elements sticking out past the right edge.
const MEASURE: &str = r#"<script>
addEventListener("load", function () { setTimeout(function () {
  var vw = innerWidth, de = document.documentElement, out = [];
  function contained(e) {
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== "visible") return true;
    return false;
  }
  var all = document.body.getElementsByTagName("*");
  for (var i = 0; i < all.length && out.length < 4; i++) {
    var b = all[i].getBoundingClientRect();
    if (b.right > vw + 0.5 && !contained(all[i]))
      out.push(all[i].tagName.toLowerCase() + "." + (typeof all[i].className === "string" ? all[i].className : "") + ":" + Math.round(b.right));
  }
  var body = document.querySelector(".doc-body"), side = document.querySelector(".doc-side");
  parent.postMessage({ lorePage: decodeURIComponent(location.pathname), width: de.scrollWidth, viewport: vw,
    over: out, bodyFirst: body && side ? body.getBoundingClientRect().top < side.getBoundingClientRect().top : null }, "*");
}, 50); });
</script>"#;

#[test]
fn every_page_fits_a_390_px_phone_and_documents_show_their_body_first() {
    let Some(browser) = super::browser::chromium() else {
        return;
    };
    let sb = Sandbox::new();
    let out = export(&sb, &sb.sample_kb(), "site", &["--drafts"]);
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".html") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let at = text.rfind("</body>").unwrap_or(text.len());
            std::fs::write(e.path(), format!("{}{MEASURE}{}", &text[..at], &text[at..])).unwrap();
            pages.push(rel);
        }
    }
    pages.sort();
    // Pages in batches (one Chromium per batch); a page that did not report
    // in time, as on a loaded machine, is measured again in a small batch.
    let mut reports: Vec<serde_json::Value> = Vec::new();
    let mut left: Vec<String> = pages.clone();
    for round in 0..3 {
        let batch = if round == 0 { 24 } else { 4 };
        let mut missing = Vec::new();
        for (i, chunk) in left.chunks(batch).enumerate() {
            let got = measure(&browser, &out, chunk, &format!("{round}-{i}"));
            for p in chunk {
                let mine = |v: &&serde_json::Value| {
                    v["lorePage"]
                        .as_str()
                        .is_some_and(|x| x.ends_with(&format!("/{p}")))
                };
                match got.iter().find(mine) {
                    Some(v) => reports.push(v.clone()),
                    None => missing.push(p.clone()),
                }
            }
        }
        left = missing;
        if left.is_empty() {
            break;
        }
    }
    assert!(left.is_empty(), "never measured: {left:?}");
    assert_eq!(reports.len(), pages.len());
    let mut wide = Vec::new();
    let mut side_first = Vec::new();
    for v in &reports {
        assert_eq!(v["viewport"], 390, "the frame is the viewport: {v}");
        if v["width"].as_i64().unwrap_or(0) > 390 {
            wide.push(format!(
                "{} is {} px wide: {}",
                v["lorePage"], v["width"], v["over"]
            ));
        }
        if v["bodyFirst"] == false {
            side_first.push(v["lorePage"].to_string());
        }
    }
    assert!(wide.is_empty(), "too wide at 390 px:\n{}", wide.join("\n"));
    assert!(
        side_first.is_empty(),
        "metadata before the body: {side_first:?}"
    );
}

/// Loads `pages` (relative to `out`) in 390 px frames of one wrapper page
/// and returns what each page posted.
fn measure(
    browser: &std::path::Path,
    out: &std::path::Path,
    pages: &[String],
    name: &str,
) -> Vec<serde_json::Value> {
    let frames: String = pages
        .iter()
        .map(|p| format!("<iframe src=\"{p}\" width=\"390\" height=\"844\"></iframe>\n"))
        .collect();
    let wrapper = out.join(format!("__phone-{name}.html"));
    std::fs::write(
        &wrapper,
        format!(
            "<!doctype html><meta charset=utf-8><body>{frames}<pre id=results></pre><script>\naddEventListener('message', function (e) {{ if (e.data && e.data.lorePage) document.getElementById('results').textContent += JSON.stringify(e.data) + '\\n'; }});\n</script>"
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let run = assert_cmd::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--window-size=600,900",
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", wrapper.display()))
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&run.stdout).into_owned();
    dom.split("<pre id=\"results\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or("")
        .replace("&quot;", "\"")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn the_print_stylesheet_hides_the_chrome_and_spells_out_links() {
    let css = std::fs::read_to_string(crate::common::repo_root().join("site/style.css")).unwrap();
    let print = css
        .split("@media print")
        .nth(1)
        .expect("a print stylesheet");
    for want in [
        ".top, .foot, .quick-search",
        ".copy-btn",
        "break-inside: avoid",
        "a[href^=\"http\"]::after",
        "white-space: pre-wrap",
    ] {
        assert!(print.contains(want), "the print stylesheet lacks {want}");
    }
}

#[test]
fn a_service_page_lists_its_runbooks_first_and_code_gets_copy_buttons_only_from_script() {
    let sb = Sandbox::new();
    let out = export(&sb, &sb.sample_kb(), "svc", &[]);
    let page = std::fs::read_to_string(out.join("services/checkout.html")).unwrap();
    let runbooks = page
        .find("<h2 class=\"sec\">Runbooks")
        .expect("a Runbooks section");
    let postmortems = page
        .find("<h2 class=\"sec\">Postmortems")
        .expect("a Postmortems section");
    assert!(runbooks < postmortems, "runbooks come first");
    let section = &page[runbooks..postmortems];
    assert!(
        section.contains("badge kind\">runbook"),
        "labelled: {section}"
    );
    assert!(!section.contains("postmortems/"), "only runbooks there");
    // The copy button is progressive enhancement: the script is linked, the
    // page itself holds no button.
    let runbook = std::fs::read_to_string(out.join("runbooks/database-failover.html")).unwrap();
    assert!(runbook.contains("<pre"), "the runbook has a code block");
    assert!(runbook.contains("<script src=\"../assets/copy.js\" defer></script>"));
    assert!(!runbook.contains("copy-btn"));
    assert!(out.join("assets/copy.js").is_file());
}
