#!/usr/bin/env bash
# Terminal UI benchmark (SPEC section 10): start to first frame, and search as
# you type per keystroke, on a generated knowledge base with a warm index.
#
#   bash bench/tui.sh [COUNT] [QUERY]      defaults: 10000 "replica lag failover"
#
# Runs the release binary in a 120x35 tmux session with LORE_BENCH_TUI set:
# lore draws its first frame, then types QUERY one key at a time through the
# real search worker, drawing each result, and prints the timings (measured
# inside the process from the start of the UI). Five runs; every run printed.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
query=${2:-replica lag failover}
work=${TMPDIR:-/tmp}/lore-bench-tui
kb=$work/kb-$count
mkdir -p "$work"
cargo build --release --quiet --bin lore --example gen_kb
if [ ! -f "$kb/lore.toml" ]; then
  ./target/release/examples/gen_kb --count "$count" --seed 42 "$kb"
fi
./target/release/lore --kb "$kb" index > /dev/null   # warm index
sock=lore-bench-tui-$$
trap 'tmux -L $sock kill-server 2>/dev/null || true' EXIT
for run in 1 2 3 4 5; do
  out=$work/run-$run.txt
  rm -f "$out"
  tmux -L $sock -f /dev/null new-session -d -x 120 -y 35 \
    "LORE_BENCH_TUI='$query' $PWD/target/release/lore --kb '$kb' 2> '$out'; sleep 1"
  for _ in $(seq 1 600); do
    grep -q '^keystrokes:\|^first frame' "$out" 2>/dev/null && grep -q '^keystrokes:' "$out" && break
    sleep 0.1
  done
  echo "run $run:"
  sed 's/^/  /' "$out"
  tmux -L $sock kill-server 2>/dev/null || true
  sleep 0.5
done
