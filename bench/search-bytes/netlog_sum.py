#!/usr/bin/env python3
"""Sum the bytes a page load received, per URL, from a Chromium net log.

Usage: netlog_sum.py NETLOG.json ORIGIN [SITE_DIR]     (prints JSON)
       e.g. netlog_sum.py runs/net-4-lore-failover.json http://127.0.0.1:8765 site

Per URL_REQUEST source (one per request) it reads:
  url      REQUEST_ALIVE begin params.url
  status   first line of HTTP_TRANSACTION_READ_RESPONSE_HEADERS
  clen     Content-Length response header (what the server said it sent)
  body     sum of URL_REQUEST_JOB_FILTERED_BYTES_READ.byte_count
           = body bytes handed to the renderer, after content decoding
           (decoded size; Chrome DevTools "resource size")
  raw      sum of URL_REQUEST_JOB_BYTES_READ.byte_count = body bytes before
           decoding.  Chromium logs this event only when a decoding filter
           (gzip/br) is active; without one raw == body, so missing -> body.
  wire     SOCKET_BYTES_RECEIVED on the socket while it was in use by this
           request (socket <- SOCKET_IN_USE(dep=http stream job) and
           HTTP_STREAM_JOB_BOUND_TO_REQUEST(dep=url request)): status line +
           headers + body as received from TCP = transfer size.
  disk     size of the file the URL maps to under SITE_DIR (sanity check)
  cached   True if the request was answered from Chromium's HTTP cache (every
           run uses a fresh --user-data-dir, so this only happens for a
           repeat of a URL within the same page load, e.g. lore's favicon.svg
           fetched again as the tab icon).  Cached rows are listed but not
           counted in the totals (no bytes crossed the network).
Requests to other origins (Chromium's own background pings, which fail
offline) are reported under "other" and not counted.
"""
import json, os, sys, urllib.parse
from collections import defaultdict


def parse(netlog_path, origin, site_dir=None):
    with open(netlog_path) as f:
        txt = f.read()
    try:
        d = json.loads(txt)
    except json.JSONDecodeError:
        # a net log of a browser that did not exit cleanly lacks the closing
        # "]}" -- repair it so the events that were written can be read
        d = json.loads(txt.rstrip().rstrip(",") + "]}")
    c = d["constants"]
    et = {v: k for k, v in c["logEventTypes"].items()}
    st = {v: k for k, v in c["logSourceType"].items()}
    ph = {v: k for k, v in c["logEventPhase"].items()}
    src = defaultdict(list)
    for e in d["events"]:
        src[e["source"]["id"]].append(e)

    job_to_req = {}
    for sid, evs in src.items():
        if st.get(evs[0]["source"]["type"]) == "HTTP_STREAM_JOB":
            for e in evs:
                if et[e["type"]] == "HTTP_STREAM_JOB_BOUND_TO_REQUEST":
                    job_to_req[sid] = e["params"]["source_dependency"]["id"]
    wire = defaultdict(int)
    socket_total = 0
    for sid, evs in src.items():
        if st.get(evs[0]["source"]["type"]) != "SOCKET":
            continue
        remote = None
        user = None
        for e in evs:
            t = et[e["type"]]
            p = e.get("params") or {}
            if t == "TCP_CONNECT" and "remote_address" in p:
                remote = p["remote_address"]
            elif t == "SOCKET_IN_USE":
                if ph[e["phase"]] == "PHASE_BEGIN":
                    user = p.get("source_dependency", {}).get("id")
                else:
                    user = None
            elif t == "SOCKET_BYTES_RECEIVED":
                n = p.get("byte_count", 0)
                if remote and origin.endswith(remote):
                    socket_total += n
                if user is not None:
                    wire[job_to_req.get(user, -1)] += n

    rows, other = [], []
    for sid, evs in src.items():
        if st.get(evs[0]["source"]["type"]) != "URL_REQUEST":
            continue
        r = {"id": sid, "url": None, "status": None, "clen": None, "body": 0,
             "raw": None, "wire": wire.get(sid, 0), "cached": False, "error": None}
        for e in evs:
            t = et[e["type"]]
            p = e.get("params") or {}
            if t == "REQUEST_ALIVE":
                if "url" in p and r["url"] is None:
                    r["url"] = p["url"]
                if ph[e["phase"]] == "PHASE_END" and p.get("net_error"):
                    r["error"] = p["net_error"]
            elif t == "HTTP_TRANSACTION_READ_RESPONSE_HEADERS":
                hs = p.get("headers", [])
                r["status"] = hs[0] if hs else None
                for h in hs[1:]:
                    k, _, v = h.partition(":")
                    if k.strip().lower() == "content-length":
                        r["clen"] = int(v.strip())
            elif t == "URL_REQUEST_JOB_FILTERED_BYTES_READ":
                r["body"] += p.get("byte_count", 0)
            elif t == "URL_REQUEST_JOB_BYTES_READ":
                r["raw"] = (r["raw"] or 0) + p.get("byte_count", 0)
            elif t.startswith("HTTP_CACHE_READ"):
                r["cached"] = True
        if r["raw"] is None:
            r["raw"] = r["body"]
        if not r["url"] or not r["url"].startswith(origin + "/"):
            other.append(r)
            continue
        u = urllib.parse.urlparse(r["url"])
        r["path"] = urllib.parse.unquote(u.path)
        r["disk"] = None
        if site_dir:
            fp = os.path.join(site_dir, r["path"].lstrip("/"))
            if os.path.isdir(fp):
                fp = os.path.join(fp, "index.html")
            if os.path.isfile(fp):
                r["disk"] = os.path.getsize(fp)
        rows.append(r)
    rows.sort(key=lambda r: r["id"])
    net = [r for r in rows if not r["cached"]]
    tot = {k: sum(r[k] for r in net) for k in ("body", "raw", "wire")}
    tot["requests"] = len(net)
    tot["socket_bytes_received"] = socket_total
    tot["disk"] = sum(r["disk"] or 0 for r in net)
    tot["mismatch"] = [r["path"] for r in net
                       if r["disk"] is not None and not (r["body"] == r["disk"] == (r["clen"] or r["disk"]))]
    tot["cached"] = [r["path"] for r in rows if r["cached"]]
    return {"requests": rows, "total": tot,
            "other": [{"url": o["url"], "body": o["body"], "error": o["error"]} for o in other]}


if __name__ == "__main__":
    print(json.dumps(parse(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None), indent=1))
