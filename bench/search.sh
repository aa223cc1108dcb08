#!/usr/bin/env bash
# Search benchmark for SPEC section 10: generates a KB of COUNT postmortems
# (about 5 KB each, deterministic by SEED) and prints medians of several runs:
# full rebuild, incremental update after one edit, the staleness check alone,
# `lore search` as a whole process for a few query kinds next to `rg -i` over
# the same files for the same words, and peak memory.
#
#   bench/search.sh                 # 10,000 postmortems, seed 42
#   COUNT=2000 RUNS=5 bench/search.sh
#
# Needs ripgrep and hyperfine; installs them with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-10}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need rg || ! need hyperfine || [ ! -x /usr/bin/time ]; then
  if need apt-get; then
    echo "--- installing ripgrep, hyperfine and time" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep hyperfine time >/dev/null
  fi
fi
for t in rg hyperfine; do
  need "$t" || { echo "bench: $t is required" >&2; exit 1; }
done

echo "--- building (release)" >&2
cargo build --release --quiet --bin lore --example gen_kb
LORE="$PWD/target/release/lore"
GEN="$PWD/target/release/examples/gen_kb"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
KB="$WORK/kb"
"$GEN" --count "$COUNT" --seed "$SEED" "$KB" >&2
cd "$KB"
BYTES=$(du -sb postmortems runbooks | awk '{s+=$1} END {print s}')
FILES=$(find postmortems runbooks -name '*.md' | wc -l)
ONE=$(find postmortems -name '*.md' | sort | sed -n 1p)

# "median wall ms (mean CPU ms)" of a hyperfine run; CPU time (user + system)
# is the figure that stays meaningful when other work shares the machine.
median_ms() {
  local csv="$WORK/h.csv"
  hyperfine --style none --export-csv "$csv" "$@" >/dev/null 2>&1
  awk -F, 'NR==2 {printf "%.1f ms (cpu %.1f)", $4 * 1000, ($5 + $6) * 1000}' "$csv"
}
# peak RSS in MB of one command
peak_mb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}'
}
row() { printf '%-46s %24s %24s %7s\n' "$@"; }
wall() { echo "${1%% ms*}"; }

echo "--- measuring (medians of $RUNS runs)" >&2
REBUILD=$(median_ms --runs 5 "$LORE index --rebuild")
REBUILD_MB=$(peak_mb "$LORE" index --rebuild)
INCR=$(median_ms --runs "$RUNS" --prepare "sh -c 'echo edit \$(date +%N) >> $ONE'" "$LORE index")
CHECK=$(median_ms --warmup 2 --runs "$RUNS" "$LORE index")

echo
echo "lore search benchmark: $FILES files, $((BYTES / 1024 / 1024)) MB, seed $SEED, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
row "operation (median wall, mean CPU)" "lore" "rg -i" "ratio"
row "index --rebuild" "$REBUILD" "" ""
row "index after editing one file" "$INCR" "" ""
row "index with nothing changed (staleness check)" "$CHECK" "" ""

search_row() {
  local label="$1" query="$2" pattern="$3"
  local l r
  l=$(median_ms --warmup 3 --runs "$RUNS" "$LORE search '$query'")
  r=$(median_ms -i --warmup 1 --runs "$RUNS" "rg -i '$pattern' postmortems runbooks")
  row "search $label" "$l" "$r" "$(awk -v a="$(wall "$r")" -v b="$(wall "$l")" 'BEGIN {printf "%.1fx", a / b}')"
}
search_row "word: failover" "failover" "failover"
search_row "phrase: \"replica lag\"" '"replica lag"' "replica lag"
search_row "filters + word: factor:dns checkout" "factor:dns checkout" "checkout"
search_row "hyphenated: config-change" "config-change" "config-change"
search_row "typo (fuzzy): failovr" "failovr" "failovr"
search_row "after:2024-03 before:2024-03 timeout" "after:2024-03 before:2024-03 timeout" "timeout"

SEARCH_MB=$(peak_mb "$LORE" search failover)
LIST=$(median_ms --warmup 2 --runs "$RUNS" "$LORE list --format json")
row "list --format json (stored fields)" "$LIST" "" ""
echo
echo "peak memory: index --rebuild ${REBUILD_MB} MB, search ${SEARCH_MB} MB"
