#!/usr/bin/env python3
"""Load one URL in headless Chromium, wait (in real time) until the page says it
is done, save its DOM, close the browser so the net log is flushed.

Usage: cdp_run.py URL NETLOG_OUT DOM_OUT [--wait JS_EXPR] [--timeout SECONDS]

Chromium is started with the same flags for every page:
  --headless --no-sandbox --disable-gpu --disable-background-networking
  --user-data-dir=<fresh temp dir> --log-net-log=NETLOG_OUT
  --net-log-capture-mode=Default --remote-debugging-pipe
The DevTools pipe (fd 3/4, NUL-terminated JSON) is used only to poll JS_EXPR,
to read the DOM and to collect console messages (Runtime and Log domains,
which replay what was logged before they were enabled); no Network/Fetch
domain is enabled, so the page loads exactly as it would with --dump-dom.
Console messages and uncaught exceptions of the page (not of Web Workers) are
written to DOM_OUT.console.json as [{"level", "source", "text", "url"}],
level one of error/warning/info/log/debug/exception.

Why not --virtual-time-budget --dump-dom: Pagefind 1.5 searches in a Web Worker;
the worker's fetches are not tracked by virtual time, so the DOM was dumped
after pagefind-entry.json with the page still "loading" (budget 10000), and only
sometimes finished with a larger budget.  Real-time polling is deterministic.

"Done" = JS_EXPR is true AND performance resource-entry count has been stable
for --quiet seconds (default 1.0).  On --timeout the DOM is saved anyway and
the exit status is 2.
"""
import json, os, shutil, subprocess, sys, tempfile, time, argparse, select

CHROME = os.environ.get("CHROME", "chromium")


class Pipe:
    def __init__(self, wfd, rfd):
        self.w, self.r, self.buf, self.next_id = wfd, rfd, b"", 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.time() + 30
        while True:
            m = self._read(deadline)
            if m is None:
                raise RuntimeError("no reply to " + method)
            if "method" in m and "id" not in m:
                self.events.append(m)
                continue
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(method + ": " + json.dumps(m["error"]))
                return m.get("result", {})

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.r], [], [], left)
            if not r:
                return None
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)


def console_entries(events):
    out = []
    for m in events:
        meth, pr = m.get("method"), m.get("params", {})
        if meth == "Runtime.consoleAPICalled":
            args = pr.get("args", [])
            text = " ".join(str(x.get("value", x.get("description", ""))) for x in args)
            fr = (pr.get("stackTrace") or {}).get("callFrames") or [{}]
            out.append({"level": {"warning": "warning"}.get(pr.get("type"), pr.get("type")),
                        "source": "console-api", "text": text, "url": fr[0].get("url", "")})
        elif meth == "Runtime.exceptionThrown":
            d = pr.get("exceptionDetails", {})
            text = (d.get("exception") or {}).get("description") or d.get("text", "")
            out.append({"level": "exception", "source": "javascript", "text": text,
                        "url": d.get("url", "")})
        elif meth == "Log.entryAdded":
            e = pr.get("entry", {})
            out.append({"level": e.get("level"), "source": e.get("source"),
                        "text": e.get("text", ""), "url": e.get("url", "")})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("netlog")
    ap.add_argument("dom")
    ap.add_argument("--wait", default="document.readyState==='complete'")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--quiet", type=float, default=1.0)
    a = ap.parse_args()

    udd = tempfile.mkdtemp(prefix="search-bytes-udd-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child_fds():
        r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(r, 3)
        os.dup2(w, 4)

    cmd = [CHROME, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--user-data-dir=" + udd,
           "--log-net-log=" + a.netlog, "--net-log-capture-mode=Default",
           "--remote-debugging-pipe", a.url]
    err = open(a.dom + ".stderr", "w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                            preexec_fn=child_fds, pass_fds=(3, 4))
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    p = Pipe(to_chrome_w, from_chrome_r)
    status = 0
    try:
        # find the page target that shows our URL and attach to it
        session = None
        t0 = time.time()
        while session is None and time.time() - t0 < 20:
            for t in p.send("Target.getTargets")["targetInfos"]:
                if t["type"] == "page":
                    session = p.send("Target.attachToTarget",
                                     {"targetId": t["targetId"], "flatten": True})["sessionId"]
                    break
            if session is None:
                time.sleep(0.1)
        if session is None:
            raise RuntimeError("no page target")

        for domain in ("Runtime.enable", "Log.enable"):
            try:
                p.send(domain, {}, session)
            except RuntimeError as e:
                sys.stderr.write("%s\n" % e)

        def ev(expr):
            r = p.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
            return r.get("result", {}).get("value")

        expr = ("(()=>{try{return {ok: !!(%s), href: location.href, n: "
                "performance.getEntriesByType('resource').length}}catch(e){return {ok:false}}})()"
                % a.wait)
        deadline = time.time() + a.timeout
        last_n, stable_since = -1, None
        while True:
            v = ev(expr) or {}
            now = time.time()
            if v.get("ok") and v.get("href", "").startswith(a.url.split("?")[0]):
                if v.get("n") != last_n:
                    last_n, stable_since = v.get("n"), now
                elif now - stable_since >= a.quiet:
                    break
            else:
                last_n, stable_since = -1, None
            if now > deadline:
                status = 2
                sys.stderr.write("timeout waiting for: %s\n" % a.wait)
                break
            time.sleep(0.1)
        html = ev("document.documentElement.outerHTML") or ""
        with open(a.dom, "w") as f:
            f.write(html)
        with open(a.dom + ".console.json", "w") as f:
            json.dump(console_entries(p.events), f, indent=1)
        try:
            p.send("Browser.close")
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(udd, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
