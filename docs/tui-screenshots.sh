#!/usr/bin/env bash
# Regenerates docs/tui.png, docs/tui-search.png and docs/tui-live.png: runs
# lore on a copy of the sample knowledge base in a 150x38 tmux session with
# colour, searches, opens a document, declares a live incident (stamps and a
# timeline entry), and renders each capture with docs/ansi_to_png.py (Pillow).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin lore
kb=$(mktemp -d)
trap 'tmux -L lore-shots kill-server 2>/dev/null || true; rm -rf "$kb"' EXIT
cp -r lore.toml postmortems templates "$kb"/
tmux -L lore-shots -f /dev/null new-session -d -x 150 -y 38 \
  "cd $kb && env -u NO_COLOR TERM=xterm-256color EDITOR=true VISUAL=true $PWD/target/debug/lore; sleep 60"
sleep 2
tmux -L lore-shots send-keys /
tmux -L lore-shots send-keys -l "replica lag"
sleep 1
tmux -L lore-shots send-keys Down
sleep 0.5
tmux -L lore-shots capture-pane -e -p > "$kb/search.ansi"
tmux -L lore-shots send-keys Enter
sleep 0.5
tmux -L lore-shots capture-pane -e -p > "$kb/read.ansi"
python3 docs/ansi_to_png.py "$kb/search.ansi" docs/tui-search.png
python3 docs/ansi_to_png.py "$kb/read.ansi" docs/tui.png
# A live incident: declared with `n` (started now), detected, one entry.
tmux -L lore-shots send-keys Escape
sleep 0.5
tmux -L lore-shots send-keys n
sleep 0.3
tmux -L lore-shots send-keys -l "Edge 502s on checkout"
tmux -L lore-shots send-keys Tab Right Right Tab
tmux -L lore-shots send-keys -l "edge, checkout"
tmux -L lore-shots send-keys Tab Tab Space Enter
sleep 1.5
tmux -L lore-shots send-keys D
sleep 0.3
tmux -L lore-shots send-keys Enter
sleep 0.8
tmux -L lore-shots send-keys t
sleep 0.3
tmux -L lore-shots send-keys -l "Paged the edge on-call; 502s on 30% of checkout requests"
tmux -L lore-shots send-keys Enter
sleep 1.5
tmux -L lore-shots capture-pane -e -p > "$kb/live.ansi"
python3 docs/ansi_to_png.py "$kb/live.ansi" docs/tui-live.png
# A drill (docs/tui-drill.png): the situation, three steps and a note.
tmux -L lore-shots kill-server 2>/dev/null || true
(cd "$kb" && git init -q && git add -A && git -c user.name=shots -c user.email=s@e commit -qm x)
tmux -L lore-shots -f /dev/null new-session -d -x 110 -y 30 \
  "cd $kb && env -u NO_COLOR TERM=xterm-256color $PWD/target/debug/lore drill 2024-03-12-checkout-failover-replica-lag --who shots; sleep 60"
sleep 2
tmux -L lore-shots send-keys n
tmux -L lore-shots send-keys -l "I'd check replication lag on the new primary first"
tmux -L lore-shots send-keys Enter Space Space Space
sleep 1
tmux -L lore-shots capture-pane -e -p > "$kb/drill.ansi"
python3 docs/ansi_to_png.py "$kb/drill.ansi" docs/tui-drill.png
