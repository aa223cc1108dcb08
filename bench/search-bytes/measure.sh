#!/usr/bin/env bash
# measure.sh -- bytes a browser loads per search query: lore's own search vs
# Pagefind run on the same exported HTML, measured the same way for both.
#
# Usage:  ./measure.sh EXPORTED_SITE_DIR [WORK_DIR]
#   EXPORTED_SITE_DIR  output of `lore export` (has search.html, search/, ...)
#   WORK_DIR           default: the directory of this script
# Environment:
#   PORT=8765                 port for python3 -m http.server on 127.0.0.1
#   QUERIES='failover|certificate expiry|replica lag|dns|zzqx'   ('|'-separated)
#   LORE_EXTRA='q=failover&severity=SEV1'   ('|'-separated query strings of
#                             search.html, run for lore only: Pagefind has no
#                             counterpart, its filters need data-pagefind-filter
#                             attributes in the HTML, which lore's pages lack)
#   PF_REUSE=1                keep WORK_DIR/site/pagefind* from the last run
#                             instead of re-indexing (bundles that are missing
#                             are still built).  Only valid if the HTML pages
#                             did not change, e.g. only lore's search/ changed.
#   PF_MAIN=1                 also build a second Pagefind index restricted to
#                             the same documents lore searches
#                             (--glob '{postmortems,runbooks}/*.html'
#                             --root-selector main) into site/pagefind-main/
#   PF_N_EXTRA=50             also run Pagefind loading data() of this many
#                             results (lore renders 50 per page); empty = skip
#   PAGEFIND=/path/to/pagefind  binary (default: `pagefind` on PATH, else the
#                             binary of the pip package pagefind-bin)
#   CHROME=chromium
#
# What it does
#   1. copies EXPORTED_SITE_DIR to WORK_DIR/site (cp -a; the source is never
#      modified), runs `pagefind --site WORK_DIR/site` (timed; log in
#      WORK_DIR/runs/pagefind-index.log), copies pf-query.html into the site.
#   2. serves WORK_DIR/site with python3 -m http.server on 127.0.0.1:$PORT
#      (no compression, HTTP/1.0: body bytes == transfer bytes - headers).
#   3. for each query loads, each in a fresh headless Chromium with a fresh
#      profile and its own net log (cdp_run.py):
#        lore:     /search.html?q=QUERY      (lore's real page and search.js)
#        pagefind: /pf-query.html?q=QUERY    (import /pagefind/pagefind.js,
#                  pagefind.search(q), await r.data() for the first 10 results)
#      plus the first load of each page without a query
#      (lore: search.html; pagefind: import only, and import + pagefind.init()),
#      plus lore alone for each LORE_EXTRA (e.g. a query with a filter).
#   4. netlog_sum.py sums bytes per URL from each net log; report.py writes
#      WORK_DIR/runs/report.md + results.json and self-checks the method
#      (body == Content-Length == file size on disk; per-request socket bytes
#      add up to all bytes received from the server; no console errors; for
#      lore the requested files are exactly the page + assets + search/meta.js
#      + the query's term shards (t-<hex>.js: 2-character keys, 3 where
#      meta.js lists a split key; plus a stem's shard when a word's stem has
#      another key) + the document chunks d-N.js of the rendered results
#      (up to 50) + search/f-FIELD.js for each filter set, and their ls sizes
#      add up to the measured total; every rendered result row is filled).
#
# Output: WORK_DIR/runs/{report.md,results.json,manifest.tsv,net-*.json,dom-*.html,
# dom-*.html.console.json,*-index.log,http-server.log}.  WORK_DIR/site and
# WORK_DIR/runs are replaced on every run (the site is a copy: it needs as much
# free space as the export plus ~110 MB for the Pagefind bundles).  Needs
# python3, chromium, curl, bc.  Takes ~6 min on 2 busy cores (each Pagefind
# index 1-2.5 min, ~3 GB RSS; 24 page loads ~3 s each).
#
# Completion: pages are polled in real time over the DevTools pipe
# (--remote-debugging-pipe) instead of --virtual-time-budget/--dump-dom,
# because Pagefind's Web Worker fetches are invisible to virtual time (the DOM
# was dumped with Pagefind still "loading").  See cdp_run.py.
set -euo pipefail

SRC=${1:?usage: measure.sh EXPORTED_SITE_DIR [WORK_DIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${2:-$HERE}
PORT=${PORT:-8765}
QUERIES=${QUERIES:-'failover|certificate expiry|replica lag|dns|zzqx'}
LORE_EXTRA=${LORE_EXTRA-'q=failover&severity=SEV1'}
PF_MAIN=${PF_MAIN:-1}
PF_N_EXTRA=${PF_N_EXTRA-50}
export CHROME=${CHROME:-chromium}
ORIGIN="http://127.0.0.1:$PORT"

SRC=$(cd "$SRC" && pwd)
[ -f "$SRC/search.html" ] && [ -d "$SRC/search" ] || { echo "not a lore export: $SRC" >&2; exit 1; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SITE="$WORK/site"
RUNS="$WORK/runs"

if [ -z "${PAGEFIND:-}" ]; then
  if command -v pagefind >/dev/null; then PAGEFIND=$(command -v pagefind)
  else PAGEFIND=$(python3 -c 'import pagefind_bin,os;print(os.path.join(os.path.dirname(pagefind_bin.__file__),"pagefind"))'); fi
fi
echo "pagefind: $PAGEFIND ($("$PAGEFIND" --version))"
echo "chromium: $("$CHROME" --version 2>/dev/null)"

rm -rf "$RUNS"; mkdir -p "$RUNS"

# 1. copy the export, index it with Pagefind
KEEP="$WORK/.pagefind-keep"
rm -rf "$KEEP"
if [ "${PF_REUSE:-0}" = 1 ] && [ -d "$SITE/pagefind" ]; then
  mkdir -p "$KEEP"; mv "$SITE"/pagefind* "$KEEP"/
fi
rm -rf "$SITE"
cp -a "$SRC" "$SITE"
rm -rf "$SITE"/pagefind* "$SITE/pf-query.html"
pf_index() {  # name extra-args...
  local name=$1; shift
  local t0=$(date +%s.%N)
  "$PAGEFIND" --site "$SITE" --output-subdir "$name" "$@" > "$RUNS/$name-index.log" 2>&1
  local t1=$(date +%s.%N)
  printf '%s: %.1f s wall, %s bytes (%s), %s files; %s\n' "$name" "$(echo "$t1 - $t0" | bc)" \
    "$(du -sb "$SITE/$name" | cut -f1)" "$(du -sh "$SITE/$name" | cut -f1)" \
    "$(find "$SITE/$name" -type f | wc -l)" \
    "$(grep -E 'Indexed [0-9]+ pages|Indexed [0-9]+ words|Indexing all' "$RUNS/$name-index.log" | tr -s ' \n' ' ')" \
    | tee -a "$RUNS/index-summary.txt"
}
if [ -d "$KEEP" ]; then
  mv "$KEEP"/pagefind* "$SITE"/; rm -rf "$KEEP"
  echo "reusing existing Pagefind bundles: $(cd "$SITE" && ls -d pagefind*)" | tee "$RUNS/index-summary.txt"
fi
[ -d "$SITE/pagefind" ] || pf_index pagefind
if [ "$PF_MAIN" = 1 ] && [ ! -d "$SITE/pagefind-main" ]; then
  pf_index pagefind-main --glob '{postmortems,runbooks}/*.html' --root-selector main
fi
cp "$HERE/pf-query.html" "$SITE/pf-query.html"

# 2. serve it
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" > "$RUNS/http-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for i in $(seq 50); do
  curl -sf -o /dev/null "$ORIGIN/search.html" && break || sleep 0.2
done

# 3. load the pages
# lore is done when the status no longer says "needs JavaScript" (nor "Type
# words" while the URL has a query or a filter) and every result row is filled
# (rows are added empty and filled when their d-N.js chunk arrives).
LORE_WAIT='(function(){var s=document.getElementById("search-status");if(!s)return false;var t=s.textContent;
if(/^Search needs JavaScript/.test(t))return false;
var p=new URLSearchParams(location.search);
if(["q","factor","service","severity","status","kind","after","before"].some(function(k){return p.get(k);})&&/^Type words/.test(t))return false;
return Array.prototype.every.call(document.querySelectorAll("#results li.result"),function(li){return li.firstChild;});})()'
PF_WAIT='document.body&&document.body.dataset.done==="1"'
urlq() { python3 -c 'import sys,urllib.parse;print(urllib.parse.quote_plus(sys.argv[1]))' "$1"; }
n=0
run() {  # label tool query path wait-expr
  n=$((n+1))
  local label=$1 tool=$2 q=$3 path=$4 wait=$5
  local nl="$RUNS/net-$n-$label.json" dom="$RUNS/dom-$n-$label.html" rc=0
  python3 "$HERE/cdp_run.py" "$ORIGIN$path" "$nl" "$dom" --wait "$wait" --timeout 60 || rc=$?
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "$q" "$ORIGIN$path" "$nl" "$dom" "$rc" >> "$RUNS/manifest.tsv"
  echo "  $label rc=$rc"
}
echo "loading pages..."
run lore-first lore "" "/search.html" "$LORE_WAIT"
run pf-first-import pagefind "" "/pf-query.html" "$PF_WAIT"
run pf-first-init pagefind "" "/pf-query.html?init=1" "$PF_WAIT"
IFS='|' read -r -a QS <<< "$QUERIES"
for q in "${QS[@]}"; do
  e=$(urlq "$q"); s=${q// /-}
  run "lore-$s" lore "$q" "/search.html?q=$e" "$LORE_WAIT"
  run "pf-$s" pagefind "$q" "/pf-query.html?q=$e" "$PF_WAIT"
  if [ -n "$PF_N_EXTRA" ]; then
    run "pf$PF_N_EXTRA-$s" pagefind "$q" "/pf-query.html?q=$e&n=$PF_N_EXTRA" "$PF_WAIT"
  fi
  if [ -d "$SITE/pagefind-main" ]; then
    run "pfmain-$s" pagefind "$q" "/pf-query.html?q=$e&bundle=/pagefind-main/" "$PF_WAIT"
  fi
done
if [ -n "$LORE_EXTRA" ]; then
  IFS='|' read -r -a XS <<< "$LORE_EXTRA"
  for x in "${XS[@]}"; do
    d=$(python3 -c 'import sys,urllib.parse as u
p=u.parse_qsl(sys.argv[1]);q=" ".join(v for k,v in p if k=="q");f=" ".join(k+"="+v for k,v in p if k!="q")
print((q+" ["+f+"]").strip() if f else q)' "$x")
    s=$(echo "$d" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-' | sed 's/-$//')
    run "lore-$s" lore "$d" "/search.html?$x" "$LORE_WAIT"
  done
fi

# 4. sum and report
{ echo "pagefind $("$PAGEFIND" --version | awk '{print $2}'); $("$CHROME" --version 2>/dev/null); source $SRC"; echo; } > "$RUNS/header.txt"
python3 "$HERE/report.py" "$RUNS" "$SITE" "$ORIGIN" > /dev/null
{ cat "$RUNS/header.txt"; echo "Pagefind indexing:"; sed 's/^/- /' "$RUNS/index-summary.txt"; echo; cat "$RUNS/report.md"; } > "$RUNS/report.tmp"
mv "$RUNS/report.tmp" "$RUNS/report.md"
cat "$RUNS/report.md"
echo "report: $RUNS/report.md  data: $RUNS/results.json"
