//! Safety and structure of rendered Markdown: hostile HTML and URLs, allowed
//! tags, links between documents, timeline and action items.

use super::*;
use crate::doc::{Doc, ParseContext};
use std::path::Path;

fn today() -> NaiveDate {
    crate::doc::parse_date("2024-06-01").unwrap()
}

fn render(body: &str) -> String {
    let text =
        format!("---\ntitle: T\ndate: 2024-03-12\nstarted: 2024-03-12T14:00:00Z\n---\n{body}");
    let doc = Doc::parse(
        &text,
        Path::new("postmortems/a.md"),
        &ParseContext::default(),
    );
    let link = |p: &Path| {
        (resolve_link(Path::new("postmortems/a.md"), p) == Path::new("postmortems/runbooks/db.md"))
            .then(|| "../runbooks/db.html".to_string())
    };
    render_doc(
        &doc,
        &RenderContext {
            link_for: &link,
            today: today(),
        },
    )
    .html
}

#[test]
fn scripts_event_handlers_and_iframes_never_survive() {
    let html = render(
        "<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> and <svg onload=alert(3)><script>x</script></svg>\n\n<iframe src=\"https://evil\"></iframe>\n\n<div onclick=\"alert(4)\">hi</div>\n",
    );
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "onerror", "onload", "onclick", "<iframe", "alert(1)", "<svg",
    ] {
        assert!(!lower.contains(bad), "{bad} survived in {html}");
    }
    assert!(html.contains("<div>hi</div>"), "{html}");
}

#[test]
fn javascript_and_data_urls_are_neutralised_in_any_casing() {
    let html = render(
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java\tscript:alert(1)) [d](data:text/html;base64,PHNjcmlwdD4=) [e](&#106;avascript:alert(1)) <javascript:alert(5)>\n\n![x](javascript:alert(1)) ![y](data:image/svg+xml,<svg onload=alert(1)>)\n\n<a href=\"JAVASCRIPT:alert(6)\">f</a>\n",
    );
    let lower = html.to_ascii_lowercase().replace(['\t', '\n', ' '], "");
    for bad in [
        "href=\"javascript",
        "src=\"javascript",
        "href=\"data",
        "src=\"data",
        "onload",
        "<img",
    ] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<a href=\"#\">a</a>"), "{html}");
}

#[test]
fn harmless_tags_and_web_links_stay() {
    let html = render(
        "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, x<sup>2</sup> and H<sub>2</sub>O.\n\n<details>\n<summary>More</summary>\n\nHidden **text**\n\n</details>\n\n[site](https://example.com) [mail](mailto:a@b.c) [frag](#summary)\n",
    );
    assert!(html.contains("<kbd>Ctrl</kbd>+<kbd>C</kbd>"), "{html}");
    assert!(html.contains("x<sup>2</sup>"), "{html}");
    assert!(html.contains("H<sub>2</sub>O"), "{html}");
    assert!(html.contains("<details>"), "{html}");
    assert!(html.contains("<summary>More</summary>"), "{html}");
    assert!(html.contains("<strong>text</strong>"), "{html}");
    assert!(html.contains("href=\"https://example.com\""), "{html}");
    assert!(html.contains("href=\"mailto:a@b.c\""), "{html}");
    assert!(html.contains("href=\"#summary\""), "{html}");
}

#[test]
fn text_is_escaped() {
    let html = render("A <b onmouseover=x>bold</b> &lt;tag&gt; 5 > 3 \"q\"\n");
    assert!(!html.contains("onmouseover"), "{html}");
    assert!(html.contains("&lt;tag&gt;"), "{html}");
}

#[test]
fn links_to_other_documents_point_at_their_pages() {
    let html = render("See [the runbook](runbooks/db.md#steps) and [missing](nope.md).\n");
    assert!(
        html.contains("href=\"../runbooks/db.html#steps\""),
        "{html}"
    );
    assert!(html.contains("href=\"nope.md\""), "{html}");
}

#[test]
fn headings_get_unique_ids_and_the_title_heading_is_dropped() {
    let text =
        "---\ntitle: Checkout down\n---\n# Checkout down\n\n## Summary\n\nx\n\n## Summary\n\ny\n";
    let doc = Doc::parse(
        text,
        Path::new("postmortems/a.md"),
        &ParseContext::default(),
    );
    let link = |_: &Path| None;
    let r = render_doc(
        &doc,
        &RenderContext {
            link_for: &link,
            today: today(),
        },
    );
    assert!(!r.html.contains("<h1"), "{}", r.html);
    assert!(
        r.html.contains("<h2 id=\"summary\">Summary</h2>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"summary-2\">"), "{}", r.html);
    let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["summary", "summary-2"]);
}

#[test]
fn timeline_entries_show_time_since_start() {
    let html = render(
        "## Timeline\n\n- 14:02 Deploy of **v2** begins\n- 14:45 Rolled back\n- a note without time\n",
    );
    assert!(html.contains("<ul class=\"timeline\">"), "{html}");
    assert!(html.contains("<time datetime=\"2024-03-12T14:02:00+00:00\">14:02</time><span class=\"tl-rel\" title=\"since the incident started\">T+2m</span><span class=\"tl-text\">Deploy of <strong>v2</strong> begins</span>"), "{html}");
    assert!(html.contains("T+45m"), "{html}");
    assert!(html.contains("<li>a note without time</li>"), "{html}");
    let html = render(
        "## Timeline\n\n- 14:05 `pg-main-2` restarted\n- **14:10** Switchover\n- `14:20` Paged\n",
    );
    assert!(
        html.contains("<span class=\"tl-text\"><code>pg-main-2</code> restarted</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"tl-text\">Switchover</span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"tl-text\">Paged</span>"),
        "{html}"
    );
}

#[test]
fn action_items_show_owner_due_and_state() {
    let html = render(
        "## Action items\n\n- [ ] Alert on `lag` @dba due:2024-04-01 #detect\n- [x] Fix it @ann\n",
    );
    assert!(html.contains("<ul class=\"action-items\">"), "{html}");
    assert!(html.contains("<li class=\"overdue\"><span class=\"mark\" aria-label=\"overdue\">○</span><span class=\"ai-text\">Alert on <code>lag</code></span><span class=\"chip owner\">@dba</span><span class=\"chip due\">overdue since 2024-04-01</span><span class=\"chip type\">detect</span></li>"), "{html}");
    assert!(html.contains("<li class=\"done\">"), "{html}");
}

#[test]
fn safe_url_rules() {
    for ok in [
        "https://x",
        "HTTP://x",
        "mailto:a@b",
        "#x",
        "a/b.md",
        "../x.html",
        "?q=1",
        "//cdn",
    ] {
        assert!(safe_url(ok), "{ok}");
    }
    for bad in [
        "javascript:x",
        " javascript:x",
        "java\nscript:x",
        "data:x",
        "vbscript:x",
        "file:///etc/passwd",
        "\\\\evil",
    ] {
        assert!(!safe_url(bad), "{bad}");
    }
}

#[test]
fn inline_script_text_is_dropped_with_its_tags() {
    let html = render(
        "A <script>steal()</script> B <style>p{}</style> C <svg><script>x()</script></svg> D\n\nNext <b>ok</b>\n",
    );
    assert!(html.contains("<p>A  B  C  D</p>"), "{html}");
    assert!(!html.contains("steal"), "{html}");
    assert!(html.contains("Next <b>ok</b>"), "{html}");
}

#[test]
fn details_around_markdown_keep_their_content_and_stay_inert() {
    let html = render(
        "<details>\n<summary>Full logs</summary>\n\nSome **text**\n\n```\nline\n```\n\n</details>\n\nAfter.\n",
    );
    let d = html
        .find("<details><summary>Full logs</summary>")
        .expect(&html);
    let strong = html.find("<strong>text</strong>").expect(&html);
    let end = html.find("</details>").expect(&html);
    let after = html.find("After.").expect(&html);
    assert!(d < strong && strong < end && end < after, "{html}");
    // Left open: closed at the end; a stray close: dropped; a hostile summary: cleaned.
    let html = render("<details open>\n<summary>x<img src=x onerror=alert(1)></summary>\n\nbody\n");
    assert!(
        html.contains("<details open><summary>x</summary>"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</details>"), "{html}");
    assert!(!html.contains("onerror"));
    let html = render("</details>\n\ntext\n");
    assert!(!html.contains("</details>"), "{html}");
}

#[test]
fn a_heading_never_takes_an_id_of_the_page_itself() {
    let html = render("## Main\n\n## Results\n\n## Main\n");
    assert!(
        html.contains("id=\"main-2\"") && html.contains("id=\"main-3\""),
        "{html}"
    );
    assert!(html.contains("id=\"results-2\""), "{html}");
    assert!(!html.contains("id=\"main\""), "{html}");
}

#[test]
fn every_id_the_templates_use_is_reserved_from_headings() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for part in text.split("id=\"").skip(1) {
            let id = part.split('"').next().unwrap();
            if id.contains('{') {
                continue; // built from data (`slo-…`, `drill-…`), never a bare word
            }
            assert!(
                super::page_ids::PAGE_IDS.contains(&id),
                "templates use id `{id}`: add it to PAGE_IDS"
            );
        }
    }
}
