#!/usr/bin/env python3
"""Turn the runs listed in RUNS_DIR/manifest.tsv into RUNS_DIR/results.json and
RUNS_DIR/report.md (also printed).

Usage: report.py RUNS_DIR SITE_DIR ORIGIN

manifest.tsv columns: label tool query url netlog dom rc
  tool: lore | pagefind   (decides how the result count is read from the DOM)

For every lore run it also works out, from the files on disk and the DOM,
independently of the net log, which files lore *should* have loaded:
  - the page and its assets, and search/meta.js (the only index file
    search.html loads up front);
  - per query word (and excluded word): the term shard of the word
    (search/t-<hex of its key>.js; key = its first three characters where
    meta.js "shards" lists that three-character key, else its first two),
    if meta.js lists the key; then, for a word whose stem (the word itself,
    or forms[word] of that shard) has a different key, that shard as well;
  - search/d-<N>.js for every result rendered in the DOM (N = document
    number // meta.chunk; document numbers read from the d-*.js files);
  - search/f-FIELD.js only for each filter set (factor:, service:, severity:,
    status:, kind:, after:, before: in the query, or one of those as a URL
    parameter, i.e. a select or date on the page).
The check passes when the set of requested paths equals that set and the net
log body total equals the sum of the file sizes on disk.  It also checks that
every rendered result has its title (no empty result rows) and that lore
renders min(results, 50) of them.

Console errors / uncaught exceptions (DOM_OUT.console.json from cdp_run.py)
are checked for every run.
"""
import json, os, re, sys, html, gzip, glob, urllib.parse
from netlog_sum import parse

runs_dir, site_dir, origin = sys.argv[1], sys.argv[2], sys.argv[3]


def category(tool, path):
    if tool == "lore":
        if path == "/search/meta.js":
            return "meta.js"
        if path.startswith("/search/f-"):
            return "f-*.js (filter fields)"
        if path.startswith("/search/t-"):
            return "term shards"
        if path.startswith("/search/d-"):
            return "doc chunks"
        return "page+assets"
    if "/fragment/" in path:
        return "fragments"
    if "/index/" in path:
        return "index chunks"
    if path.endswith(".pf_meta"):
        return "meta"
    if "/pagefind" in path:
        return "runtime (js+wasm+entry)"
    return "page"


def count_from_dom(tool, dom):
    if tool == "lore":
        m = re.search(r'id="search-status"[^>]*>([^<]*)<', dom)
        txt = html.unescape(m.group(1)) if m else ""
        m2 = re.match(r"(\d+) results?", txt)
        if m2 is None and txt.startswith("Nothing matches"):
            m2 = re.match(r"()", "")  # lore's wording for 0 results
        shown = len(re.findall(r'class="result-title"', dom))
        return (int(m2.group(1) or 0) if m2 else None), shown, txt
    m = re.search(r'<p id="status">([^<]*)<', dom)
    txt = m.group(1) if m else ""
    m2 = re.match(r"(\d+) results", txt)
    shown = len(re.findall(r"<li data-url=", dom))
    return (int(m2.group(1)) if m2 else None), shown, txt


LORE_FILTERS = ("factor", "service", "severity", "status", "kind", "after", "before")
LORE_PAGE = 50
_lore = {}


def lore_script(path):
    """The JSON arguments of one LORE_SEARCH.x(...) index script, as a list."""
    src = open(os.path.join(site_dir, path), encoding="utf-8").read()
    return json.loads("[" + src[src.index("(") + 1: src.rindex(")")] + "]")


def lore_meta():
    if "meta" not in _lore:
        _lore["meta"] = lore_script("search/meta.js")[0]
    return _lore["meta"]


def lore_doc_numbers():
    """url -> document number, from every search/d-N.js on disk."""
    if "docs" not in _lore:
        chunk = lore_meta()["chunk"]
        idx = {}
        for fp in glob.glob(os.path.join(site_dir, "search", "d-*.js")):
            c, rows = lore_script(os.path.relpath(fp, site_dir))
            assert os.path.basename(fp) == "d-%d.js" % c, fp
            for i, row in enumerate(rows):
                idx[row[0]] = c * chunk + i
        _lore["docs"] = idx
    return _lore["docs"]


def lore_shard(key):
    """(terms, forms) of a shard key; empty if it has no file."""
    if key not in _lore.setdefault("shards", {}):
        path = "search/t-" + key.encode().hex() + ".js"
        if os.path.exists(os.path.join(site_dir, path)):
            _k, terms, forms = lore_script(path)
        else:
            terms, forms = {}, {}
        _lore["shards"][key] = (terms, forms)
    return _lore["shards"][key]


def lore_key(term, shards):
    cs = list(term)
    three = "".join(cs[:3])
    return three if len(cs) >= 3 and three in shards else "".join(cs[:2])


def lore_tokens(text, stop):
    return [w for w in re.split(r"[\W_]+", text.lower()) if len(w) >= 2 and w not in stop]


def lore_query(url):
    """(q, words incl. excluded ones, filter names set) of a search.html URL."""
    params = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    q = params.get("q", [""])[0]
    filters = {k for k in LORE_FILTERS if params.get(k, [""])[0]}
    stop = set(lore_meta().get("stop", []))
    words = []
    for part in re.findall(r'-?"[^"]*"?|\S+', q):
        neg = len(part) > 1 and part[0] == "-"
        if neg:
            part = part[1:]
        mm = re.match(r"^(factor|service|severity|status|kind|tag|after|before):(.+)$", part, re.I)
        if mm and not neg:
            if mm.group(1).lower() != "tag":
                filters.add(mm.group(1).lower())
                continue
            words += lore_tokens(mm.group(2).replace('"', ""), stop)
            continue
        words += lore_tokens(part.replace('"', " "), stop)
    return q, words, filters


def lore_expected(url, dom):
    m = lore_meta()
    shards = set(m.get("shards", []))
    _q, words, filters = lore_query(url)
    exp = {"/search.html", "/assets/style.css", "/assets/favicon.svg",
           "/assets/search.js", "/search/meta.js"}
    notes = []
    for w in words:
        k = lore_key(w, shards)
        if k not in shards:
            continue
        exp.add("/search/t-" + k.encode().hex() + ".js")
        terms, forms = lore_shard(k)
        stem = forms.get(w, w if w in terms else None)
        if stem is not None and lore_key(stem, shards) != k and lore_key(stem, shards) in shards:
            k2 = lore_key(stem, shards)
            exp.add("/search/t-" + k2.encode().hex() + ".js")
            notes.append("%s -> stem %s in shard %s" % (w, stem, k2))
    # One file per filter used (status and kind share f-kind.js).
    files = {"kind": "kind", "status": "kind", "severity": "severity", "factor": "factor",
             "service": "service", "after": "date", "before": "date"}
    for k in filters:
        if k in files:
            exp.add("/search/f-" + files[k] + ".js")
    idx = lore_doc_numbers()
    hrefs = [html.unescape(h) for h in re.findall(r'<a href="([^"]+)" class="result-title"', dom)]
    unknown = [h for h in hrefs if h not in idx]
    for h in hrefs:
        if h in idx:
            exp.add("/search/d-%d.js" % (idx[h] // m["chunk"]))
    return exp, sorted(filters), notes, unknown


results = []
for line in open(os.path.join(runs_dir, "manifest.tsv")):
    if not line.strip():
        continue
    label, tool, query, url, netlog, dompath, rc = line.rstrip("\n").split("\t")
    nl = parse(netlog, origin, site_dir)
    dom = open(dompath, encoding="utf-8", errors="replace").read() if os.path.exists(dompath) else ""
    count, shown, status = count_from_dom(tool, dom)
    net = [r for r in nl["requests"] if not r["cached"]]
    cats = {}
    for r in net:
        c = category(tool, r["path"])
        cats.setdefault(c, [0, 0])
        cats[c][0] += 1
        cats[c][1] += r["body"]
    top = sorted(net, key=lambda r: -r["body"])[:4]
    res = {"label": label, "tool": tool, "query": query, "url": url, "rc": int(rc),
           "results": count, "shown": shown, "status": status,
           "requests": nl["total"]["requests"], "body": nl["total"]["body"],
           "wire": nl["total"]["wire"], "socket_bytes_received": nl["total"]["socket_bytes_received"],
           "disk": nl["total"]["disk"], "mismatch": nl["total"]["mismatch"],
           "cached": nl["total"]["cached"],
           "categories": cats, "top": [(r["path"], r["body"]) for r in top],
           "files": [(r["path"], r["body"], r["wire"], r["disk"]) for r in net],
           "other_origins": nl["other"]}
    checks = []
    checks.append(("body==Content-Length==disk for every file", not nl["total"]["mismatch"]))
    checks.append(("sum(wire per request)==all socket bytes received from server",
                   nl["total"]["wire"] == nl["total"]["socket_bytes_received"]))
    checks.append(("other origins received 0 bytes", all(o["body"] == 0 for o in nl["other"])))
    if tool == "lore":
        exp, filters, notes, unknown = lore_expected(url, dom)
        got = {r["path"] for r in net}
        exp_bytes = sum(os.path.getsize(os.path.join(site_dir, p.lstrip("/"))) for p in exp
                        if os.path.exists(os.path.join(site_dir, p.lstrip("/"))))
        checks.append(("requested set == expected lore files (missing %s, extra %s)"
                       % (sorted(exp - got), sorted(got - exp)), exp == got))
        checks.append(("net-log body total %d == ls size of expected files %d"
                       % (nl["total"]["body"], exp_bytes), nl["total"]["body"] == exp_bytes))
        rows = len(re.findall(r'<li class="result">', dom))
        checks.append(("every rendered result row has a title (%d rows, %d titles, %d unknown urls)"
                       % (rows, shown, len(unknown)), rows == shown and not unknown))
        if count is not None:
            checks.append(("rendered min(results, %d) = %d results" % (LORE_PAGE, min(count, LORE_PAGE)),
                           shown == min(count, LORE_PAGE)))
        res["lore_filters"] = filters
        res["lore_second_shards"] = notes
    con = []
    cp = dompath + ".console.json"
    if os.path.exists(cp):
        con = json.load(open(cp))
    res["console"] = con
    errs = [c for c in con if c.get("level") in ("error", "exception")]
    checks.append(("no console errors/exceptions (%d console entries)" % len(con)
                   + ("" if not errs else ": " + "; ".join(c["text"][:160] for c in errs[:3])),
                   os.path.exists(cp) and not errs))
    gz = 0
    for r in net:
        fp = os.path.join(site_dir, r["path"].lstrip("/"))
        if os.path.isfile(fp):
            gz += len(gzip.compress(open(fp, "rb").read(), 9))
    res["gzip9_same_files"] = gz
    res["checks"] = checks
    results.append(res)

json.dump(results, open(os.path.join(runs_dir, "results.json"), "w"), indent=1)


def kb(n):
    return "%.1f KB" % (n / 1000.0)


out = []
out.append("Bytes = response bodies (URL_REQUEST_JOB_FILTERED_BYTES_READ); wire = bytes received "
           "on the TCP sockets incl. HTTP headers. KB = 1000 bytes. gzip-9 = sum of gzip -9 sizes of the same "
           "files, computed, not measured (python's http.server does not compress; Pagefind's .pf_* files "
           "are already gzip).\n")
out.append("| run | tool | query | results (shown) | requests | body bytes | wire bytes | gzip-9 | largest files |")
out.append("|---|---|---|---|---|---|---|---|---|")
for r in results:
    top = ", ".join("%s %s" % (os.path.basename(p), kb(b)) for p, b in r["top"][:3])
    cnt = "-" if r["results"] is None else "%d (%d)" % (r["results"], r["shown"])
    if r["results"] is None:
        cnt = r["status"][:30] or "-"
    out.append("| %s | %s | %s | %s | %d | %d (%s) | %d | %s | %s |" % (
        r["label"], r["tool"], r["query"] or "(first load)", cnt, r["requests"],
        r["body"], kb(r["body"]), r["wire"], kb(r["gzip9_same_files"]), top))
out.append("")
out.append("Side by side (body bytes / requests / results; lore renders up to 50 results, "
           "pf = Pagefind data() of 10, pf50 = of 50, pfmain = 10 from the index of the "
           "documents lore searches):\n")
by_q = {}
for r in results:
    key = r["query"] or "(first load)"
    kind = r["label"].split("-", 1)[0] if r["query"] else r["label"]
    by_q.setdefault(key, {})[kind] = r
cols = ["lore", "pf", "pf50", "pfmain"]
out.append("| query | " + " | ".join(cols) + " | lore / pf |")
out.append("|---|" + "---|" * (len(cols) + 1))


def cell(r):
    if r is None:
        return "-"
    n = "-" if r["results"] is None else str(r["results"])
    return "%s / %d / %s" % (kb(r["body"]), r["requests"], n)


for q, d in by_q.items():
    if q == "(first load)":
        continue
    lo, pf = d.get("lore"), d.get("pf")
    ratio = "%.2f" % (lo["body"] / pf["body"]) if lo and pf else "n/a"
    out.append("| %s | %s | %s |" % (q, " | ".join(cell(d.get(c)) for c in cols), ratio))
fl = by_q.get("(first load)", {})
out.append("| (first load) | %s | import %s, init %s | | | |" % (
    cell(fl.get("lore-first")), cell(fl.get("pf-first-import")), cell(fl.get("pf-first-init"))))
out.append("")
out.append("Breakdown by kind of file (requests / bytes):\n")
for r in results:
    out.append("- %s: " % r["label"] + "; ".join(
        "%s %d/%s" % (k, v[0], kb(v[1])) for k, v in sorted(r["categories"].items(), key=lambda kv: -kv[1][1])))
out.append("")
out.append("Checks:\n")
for r in results:
    bad = [c for c, ok in r["checks"] if not ok]
    out.append("- %s: %s%s" % (r["label"], "all %d ok" % len(r["checks"]) if not bad else "FAILED: " + "; ".join(bad),
                                "" if r["rc"] == 0 else " (browser driver rc=%d)" % r["rc"]))
    for c, ok in r["checks"]:
        if ok and ("lore files" in c or "ls size" in c or "result row" in c or "rendered min" in c):
            out.append("    - " + c)
    if r.get("lore_filters"):
        out.append("    - filter set (%s): its f-*.js expected" % ", ".join(r["lore_filters"]))
    for n in r.get("lore_second_shards", []):
        out.append("    - second shard: " + n)
    for c in r.get("console", []):
        out.append("    - console %s: %s" % (c.get("level"), c.get("text", "")[:200]))
txt = "\n".join(out) + "\n"
open(os.path.join(runs_dir, "report.md"), "w").write(txt)
print(txt)
