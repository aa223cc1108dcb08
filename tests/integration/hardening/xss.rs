//! A table of hostile Markdown, HTML and front matter, one published postmortem
//! per case: the exported HTML stays inert, and nothing runs in headless Chromium.

use crate::common::{Sandbox, stderr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// (case, payload). `$P` is the script a payload runs: it marks the page with
/// `<body data-pwned="case">`. A case named `fm-<field>` also puts its payload
/// in that front-matter field; every payload is in the body too.
#[rustfmt::skip]
const CASES: &[(&str, &str)] = &[
    // Script elements.
    ("script-plain", "<script>$P</script>"),
    ("script-upper", "<SCRIPT>$P</SCRIPT>"),
    ("script-split", "<scr<script>ipt>$P</scr</script>ipt>"),
    ("script-nested", "<div><p><span><script>$P</script></span></p></div>"),
    ("script-src", r#"<script src="data:text/javascript,$P"></script>"#),
    ("script-inline", "Prose with <script>$P</script> in a sentence."),
    ("script-in-svg", "<svg><script>$P</script></svg>"),
    // Event handlers.
    ("img-onerror", r#"<img src=x onerror="$P"> and <img/src/onerror=$P> text"#),
    ("svg-onload", r#"<svg onload="$P"></svg>"#),
    ("body-onload", r#"<body onload="$P">"#),
    ("details-ontoggle", r#"<details open ontoggle="$P"><summary>s</summary>x</details>"#),
    ("media-onerror", r#"<video src=x onerror="$P"></video> <video><source onerror="$P"></video> <audio src=x onerror="$P"></audio>"#),
    ("input-onfocus", r#"<input autofocus onfocus="$P">"#),
    ("marquee-onstart", r#"<marquee onstart="$P">m</marquee>"#),
    ("inline-handlers", r#"A <b onmouseover="$P">b</b> and <a href="https://example.com" onclick="$P">a</a>."#),
    ("iframe-src", r#"<iframe src="javascript:$P"></iframe><frameset onload="$P"><frame src="javascript:$P"></frameset>"#),
    ("iframe-srcdoc", r#"<iframe srcdoc="<script>parent.$P</script>"></iframe>"#),
    // URLs in Markdown.
    ("md-link-js", "[click](javascript:$P) [caps](JaVaScRiPt:$P)"),
    ("md-link-schemes", "[a](vbscript:$P) [b](data:text/html;base64,PHNjcmlwdD4=) [c](data:text/html,%3Cscript%3E$P%3C/script%3E)"),
    ("md-link-obfuscated", "[a](javascript&colon;$P) [b](javascript&#58;$P) [c](java&#x09;script:$P) [d](<java\tscript:$P>) [e](< javascript:$P>)"),
    ("md-link-title", r#"[x](https://example.com "\" onmouseover=\"$P")"#),
    ("md-image-js", "![alt](javascript:$P) ![alt](JAVASCRIPT:$P)"),
    ("md-image-title", r#"![alt](#pwn "\" onerror=\"$P")"#),
    ("md-reference", "[x][r] and ![y][r]\n\n[r]: javascript:$P"),
    ("md-autolink", "<javascript:$P> <vbscript:$P>"),
    // URLs in raw HTML.
    ("html-a-js", r#"<a href="javascript:$P">a</a> <a href=" JaVaScRiPt:$P">b</a>"#),
    ("html-a-entity", r#"<a href="&#106;avascript:$P">a</a> <a href="&#x6A&#x61vascript:$P">b</a> <a href="javascript&colon;$P">c</a>"#),
    ("html-a-tab", "<a href=\"java&#x09;script:$P\">a</a> <a href=\"java\tscript:$P\">b</a> <a href=\"&#10;javascript:$P\">c</a>"),
    ("css-script", r#"<p style="width: expression($P); background:url(javascript:$P)">x</p><style>body{background:url(javascript:$P)}</style>"#),
    ("base-href", r#"<base href="javascript:$P//">"#),
    ("meta-refresh", r#"<meta http-equiv="refresh" content="0;url=javascript:$P">"#),
    ("form-action", r#"<form action="javascript:$P"><input type=submit value=go></form>"#),
    ("formaction", r#"<button formaction="javascript:$P">go</button><input type=image formaction="javascript:$P">"#),
    ("object-data", r#"<object data="javascript:$P"></object>"#),
    ("embed-src", r#"<embed src="javascript:$P">"#),
    ("link-import", r#"<link rel=import href="data:text/html,<script>$P</script>">"#),
    ("srcset", r#"<img srcset="x 1x" onerror="$P"> <picture><source srcset="javascript:$P"></picture>"#),
    ("isindex", r#"<isindex type=image src=1 onerror="$P"><isindex action="javascript:$P">"#),
    // SVG and MathML.
    ("math-href", "<div>\n<math><mtext><a href=\"javascript:$P\">m</a></mtext><mi xlink:href=\"javascript:$P\">x</mi></math>\n</div>"),
    ("svg-xlink", "<div>\n<svg><a xlink:href=\"javascript:$P\"><text y=\"10\">s</text></a></svg>\n</div>"),
    ("svg-animation", "<div>\n<svg><animate onbegin=\"$P\" attributeName=\"x\" dur=\"1s\"/><a><set attributeName=\"href\" to=\"javascript:$P\"/><text y=\"10\">s</text></a></svg>\n</div>"),
    // Parser differentials (mutation XSS) and broken markup.
    ("template", "<div>\n<template><img src=x onerror=\"$P\"></template>\n</div>"),
    ("noscript-mxss", "<div>\n<noscript><p title=\"</noscript><img src=x onerror=$P>\"></noscript>\n</div>"),
    ("xmp-mxss", "<div>\n<xmp><p title=\"</xmp><img src=x onerror=$P>\"></xmp>\n</div>"),
    ("style-mxss", "<div>\n<select><style></select><img src=x onerror=$P></style></select><svg></p><style><a id=\"</style><img src=1 onerror=$P>\">\n</div>"),
    ("comment-cdata", "<!--><img src=x onerror=$P>--> <!-- --!><img src=x onerror=$P> --> <![CDATA[><img src=x onerror=$P>]]>"),
    ("unclosed-tag", "<img src=x onerror=\"$P\"\n\ntext <a href=\"javascript:$P\"\n\nmore"),
    ("dom-clobber", r#"<a id="LORE_SEARCH_BASE" name="LORE_SEARCH_BASE">c</a><form name="getElementById"></form><div id="main" name="q">$P</div>"#),
    // Markdown structures.
    ("heading-id", "## x\" onmouseover=\"$P\" y=\"\n\n### <img src=x onerror=$P> heading"),
    ("code-span", "`<script>$P</script>`"),
    ("code-fence", "```x\"onmouseover=\"$P\n<script>$P</script>\n```"),
    ("table-cell", "| a | b |\n|---|---|\n| <img src=x onerror=$P> | [x](javascript:$P) |"),
    ("footnote-label", "Note[^x\"><img/src/onerror=$P>].\n\n[^x\"><img/src/onerror=$P>]: The footnote."),
    // Front matter (also in the body).
    ("fm-title", "<script>$P</script> title"),
    ("fm-severity", "SEV1<img src=x onerror=$P>"),
    ("fm-services", "<svg onload=$P>"),
    ("fm-tags", "\"><img src=x onerror=$P>"),
    ("fm-factors", "<a href=javascript:$P>f</a>"),
    ("fm-authors", "Mallory <script>$P</script>"),
    ("fm-impact", "<iframe src=\"javascript:$P\"></iframe> customers"),
    ("fm-trigger", "<b onmouseover=\"$P\">deploy</b>"),
    ("fm-owner", "<img src=x onerror=\"$P\">"),
    // Structured sections: last, so a grouped document keeps them whole.
    ("timeline-text", "## Timeline\n\n- 14:05 <img src=x onerror=\"$P\"> [x](javascript:$P)\n- 14:10 `<script>$P</script>`"),
    ("ai-owner", "## Action items\n\n- [ ] Rotate <script>$P</script> keys @<img/src/onerror=$P> due:2030-01-01 #prevent"),
];

/// Elements lore never writes (a `<button class="more-btn">` is search.js's,
/// a `<button class="copy-btn">` copy.js's; the sanitizer drops every
/// `<button>` of a document).
#[rustfmt::skip]
const BANNED: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "basefont", "style",
    "math", "isindex", "xmp", "noscript", "template", "portal", "textarea", "button", "plaintext",
    "listing", "noembed", "noframes", "set", "foreignobject", "handler", "bgsound", "video",
    "audio", "source", "marquee", "animate", "animatemotion", "animatetransform",
];
#[rustfmt::skip]
const URL_ATTRS: &[&str] = &[
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
    "cite", "to", "from", "values", "lowsrc", "dynsrc",
];
#[rustfmt::skip]
const NAMED: &[(&str, char)] = &[
    ("colon", ':'), ("tab", '\t'), ("newline", '\n'), ("amp", '&'), ("quot", '"'),
    ("apos", '\''), ("lt", '<'), ("gt", '>'), ("lpar", '('), ("rpar", ')'), ("sol", '/'),
];

/// A published postmortem holding `cases`.
fn document(title: &str, cases: &[(&str, &str)]) -> String {
    let json = |s: &str| serde_json::to_string(s).unwrap();
    let (mut title, mut fields, mut body) = (json(title), String::new(), String::new());
    for &(case, p) in cases {
        let p = p.replace("$P", &format!("document.body.dataset.pwned='{case}'"));
        match case.strip_prefix("fm-") {
            Some("title") => title = json(&p),
            Some(f @ ("services" | "tags" | "factors" | "authors")) => {
                fields += &format!("{f}: [{}]\n", json(&p))
            }
            Some(f) => fields += &format!("{f}: {}\n", json(&p)),
            None => {}
        }
        body += &format!("Case {case}.\n\n{p}\n\n");
    }
    let meta = "date: 2024-03-12\nstatus: published\nstarted: 2024-03-12T14:00:00Z";
    format!("---\ntitle: {title}\n{meta}\n{fields}---\n\n{body}")
}

/// Exports `kb` to `<sandbox>/out-<name>` with a fixed date.
fn export(sb: &Sandbox, kb: &Path, name: &str) -> PathBuf {
    let out = sb.path(&format!("out-{name}"));
    let mut cmd = sb.lore(kb);
    cmd.env("LORE_TODAY", "2024-06-01");
    let o = cmd.args(["export", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    out
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for p in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// The case whose payload `s` holds (the longest case name found in it).
fn culprit(s: &str) -> String {
    let found = CASES.iter().map(|c| c.0).filter(|n| s.contains(n));
    let best = found.max_by_key(|n| n.len());
    best.unwrap_or("(none)").to_string()
}

/// Start tags in document order with their offsets (a `<` inside a quoted
/// value starts none; end tags and `<!…>` are skipped).
fn start_tags(html: &str) -> Vec<(usize, &str)> {
    let b = html.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while let Some(off) = html[i..].find('<') {
        let s = i + off;
        if !b.get(s + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = s + 1;
            continue;
        }
        let (mut j, mut quote, mut prev) = (s + 1, None, b'<');
        while j < b.len() && (quote.is_some() || b[j] != b'>') {
            match quote {
                Some(q) if b[j] == q => quote = None,
                None if matches!(b[j], b'"' | b'\'') && prev == b'=' => quote = Some(b[j]),
                _ => {}
            }
            if !b[j].is_ascii_whitespace() {
                prev = b[j];
            }
            j += 1;
        }
        i = (j + 1).min(html.len());
        out.push((s, &html[s..i]));
    }
    out
}

/// A start tag's attributes as (lowercase name, raw value), split the way a
/// browser splits them: by whitespace or `/`.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.strip_prefix('<').unwrap_or(tag);
    let mut it = inner.strip_suffix('>').unwrap_or(inner).chars().peekable();
    let sep = |c: &char| c.is_whitespace() || *c == '/';
    while it.next_if(|c| !sep(c)).is_some() {}
    let mut out = Vec::new();
    loop {
        while it.next_if(sep).is_some() {}
        let Some(first) = it.next() else { return out };
        let mut name = first.to_ascii_lowercase().to_string();
        while let Some(c) = it.next_if(|c| !sep(c) && *c != '=') {
            name.push(c.to_ascii_lowercase());
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'=').is_some() {
            while it.next_if(|c| c.is_whitespace()).is_some() {}
            let q = it.next_if(|c| matches!(c, '"' | '\''));
            while let Some(c) = it.next_if(|c| q.map_or(!c.is_whitespace(), |q| *c != q)) {
                value.push(c);
            }
            it.next_if(|c| Some(*c) == q);
        }
        out.push((name, value));
    }
}

/// Whether an attribute value is a script URL once a browser has decoded its
/// character references and dropped whitespace and control characters.
fn script_url(v: &str) -> bool {
    let (mut url, mut rest) = (String::new(), v);
    while let Some((head, t)) = rest.split_once('&') {
        url.push_str(head);
        let (radix, skip) = match t.as_bytes() {
            [b'#', b'x' | b'X', ..] => (16, 2),
            [b'#', ..] => (10, 1),
            _ => (36, 0),
        };
        let end = t[skip..].find(|c: char| !c.is_digit(radix));
        let end = end.map_or(t.len(), |n| skip + n);
        let name = t[..end].to_ascii_lowercase();
        let named = NAMED.iter().find(|n| n.0 == name).map(|n| n.1);
        let code = u32::from_str_radix(&t[skip..end], radix).ok();
        let code = code.and_then(char::from_u32);
        let ch = if skip == 0 { named } else { code };
        url.push(ch.unwrap_or('&'));
        let semi = usize::from(t[end..].starts_with(';'));
        rest = if ch.is_some() { &t[end + semi..] } else { t };
    }
    url.push_str(rest);
    url.retain(|c| !c.is_whitespace() && !c.is_control());
    let url = url.to_ascii_lowercase();
    let bad = ["javascript:", "vbscript:", "livescript:", "data:"];
    bad.iter().any(|s| url.starts_with(s))
}

fn tag_name(tag: &str) -> String {
    let name = tag[1..].chars().take_while(char::is_ascii_alphanumeric);
    name.collect::<String>().to_ascii_lowercase()
}

/// Why a start tag is live, if it is. `after` is the page's text after it,
/// `in_body` whether it is inside a document's rendered body.
fn live(tag: &str, after: &str, in_body: bool) -> Option<&'static str> {
    let (name, attrs) = (tag_name(tag), attributes(tag));
    let has = |k: &str| attrs.iter().any(|a| a.0 == k);
    let get = |k: &str| {
        let v = attrs.iter().find(|a| a.0 == k);
        v.map_or(String::new(), |a| a.1.to_ascii_lowercase())
    };
    let (class, id, src) = (get("class"), get("id"), get("src"));
    let src = src.trim_start_matches("../");
    let our_script = match has("src") {
        true => (src.starts_with("assets/") || src.starts_with("search/")) && !src.contains(':'),
        false => tag == "<script>" && after.starts_with("window.lore_search_base"),
    };
    let our_form = class.contains("quick-search") || id == "search-form" || id == "action-filters";
    let our_link = ["stylesheet", "icon", "alternate"].contains(&get("rel").as_str());
    let heading = matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    Some(match name.as_str() {
        n if BANNED.contains(&n) && class != "more-btn" && class != "copy-btn" => {
            "an element lore never writes"
        }
        "script" if !our_script => "a script that is not lore's",
        "form" if !our_form => "a form that is not lore's",
        "link" if !our_link => "a link that is not lore's",
        "meta" if has("http-equiv") => "a meta http-equiv",
        _ if in_body && has("id") && !heading && class != "footnote-definition" => {
            "an id from a document (DOM clobbering)"
        }
        n => {
            let named = ["meta", "input", "select"].contains(&n);
            return attrs.iter().find_map(|(a, v)| match a.as_str() {
                a if a.starts_with("on") => Some("an event handler"),
                "name" if !named => Some("a name= attribute (DOM clobbering)"),
                a if URL_ATTRS.contains(&a) && script_url(v) => Some("a script URL"),
                _ => None,
            });
        }
    })
}

/// Panics, naming the case, when a start tag of `html` is live (see `live`) or
/// a `<script` hides from the tag scan.
fn check_page(page: &str, html: &str, case: &dyn Fn(&str) -> String) {
    let lower = html.to_ascii_lowercase();
    let start = html.find("class=\"doc-body prose\"").unwrap_or(html.len());
    let body = start..html.find("<aside class=\"doc-side\"").unwrap_or(html.len());
    let tags = start_tags(html);
    for &(pos, tag) in &tags {
        let after = &lower[pos + tag.len()..];
        if let Some(why) = live(tag, after, body.contains(&pos)) {
            panic!("case {}: {page}: {why}: {tag}", case(tag));
        }
    }
    let scripts = tags.iter().filter(|t| tag_name(t.1) == "script").count();
    let hidden = lower.matches("<script").count() != scripts;
    assert!(!hidden, "case {}: {page}: hidden <script", case(html));
}

#[test]
fn every_hostile_case_exports_as_inert_html() {
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    let page = |i: usize| format!("postmortems/{i:02}-{}.html", CASES[i].0);
    for (i, (case, _)) in CASES.iter().enumerate() {
        let text = document(&format!("Case {case}"), &CASES[i..=i]);
        std::fs::write(kb.join(format!("postmortems/{i:02}-{case}.md")), text).unwrap();
    }
    let out = export(&sb, &kb, "xss-corpus");
    for (i, (case, _)) in CASES.iter().enumerate() {
        let p = page(i);
        assert!(out.join(&p).is_file(), "case {case}: no {p}");
    }
    let mut files = Vec::new();
    html_files(&out, &mut files);
    for path in files {
        let rel = path.strip_prefix(&out).unwrap().to_string_lossy();
        let rel = rel.replace('\\', "/");
        let html = std::fs::read_to_string(&path).unwrap();
        let own = (0..CASES.len()).find(|&i| rel == page(i));
        let case = |s: &str| own.map_or_else(|| culprit(s), |i| CASES[i].0.into());
        check_page(&rel, &html, &case);
    }
    let i = CASES.iter().position(|c| c.0 == "code-span").unwrap();
    let code = std::fs::read_to_string(out.join(page(i))).unwrap();
    let shown = code.contains("<code>&lt;script&gt;document.body.dataset.pwned=");
    assert!(shown, "case code-span: the code span is not shown as text");
}

/// Chromium on PATH; `None` (the test skips) when missing, unless `CI` is set.
fn chromium() -> Option<PathBuf> {
    #[rustfmt::skip]
    const NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = std::env::split_paths(&path);
    let found = dirs.find_map(|d| NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()));
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if found.is_none() {
        assert!(!ci, "chromium is required when CI is set");
        eprintln!("skipping browser test: chromium is not installed (apt-get install chromium)");
    }
    found
}

/// The DOM of `file?query` after scripts ran, and the console lines.
fn load(browser: &Path, file: &Path, query: &str) -> (String, Vec<String>) {
    #[rustfmt::skip]
    const FLAGS: &[&str] = &[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom",
    ];
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}{query}", file.display());
    let mut cmd = assert_cmd::Command::new(browser);
    let dir = format!("--user-data-dir={}", profile.path().display());
    cmd.args(FLAGS).arg(dir).arg(&url);
    let out = cmd.timeout(Duration::from_secs(90)).output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    let ok = dom.contains("</body>") || dom.contains("</html>");
    // An alert() stalls headless Chromium until the timeout kills it.
    assert!(ok, "no DOM for {url} (an alert()?): {err}");
    let console = err.lines().filter(|l| l.contains(":CONSOLE"));
    (dom, console.map(String::from).collect())
}

#[test]
fn every_hostile_case_runs_nothing_in_chromium() {
    let Some(browser) = chromium() else { return };
    let sb = Sandbox::new();
    let kb = sb.init_kb();
    // Eight cases a document keep the browser launches down (≤ 15).
    let mut pages = Vec::new();
    for (i, group) in CASES.chunks(8).enumerate() {
        let text = document(&format!("Group {i}"), group);
        std::fs::write(kb.join(format!("postmortems/g{i}.md")), text).unwrap();
        let names: Vec<&str> = group.iter().map(|c| c.0).collect();
        pages.push((format!("postmortems/g{i}.html"), "", names.join(", ")));
    }
    pages.push(("index.html".into(), "", "all".into()));
    pages.push(("search.html".into(), "?q=pwned", "all".into()));
    assert!(pages.len() <= 15, "{} Chromium launches", pages.len());
    let out = export(&sb, &kb, "xss-corpus-browser");
    for (page, query, cases) in &pages {
        let (dom, console) = load(&browser, &out.join(page), query);
        let body = dom.split("<body").nth(1).and_then(|s| s.split('>').next());
        let body = body.unwrap_or("");
        let (ran, pwned) = (culprit(body), body.contains("data-pwned"));
        assert!(!pwned, "case {ran} ran on {page}: <body{body}>");
        assert!(console.is_empty(), "{page} ({cases}): console: {console:?}");
        let case = |s: &str| format!("{} (of {cases})", culprit(s));
        check_page(page, &dom, &case);
    }
}
