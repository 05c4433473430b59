#!/usr/bin/env bash
# The first frame and the keys of `cdu -i` in a directory of a million
# entries, timed in process on ratatui's test backend (120x40) by
# examples/browse_keys.rs: the browser's own work, without a terminal.
#
#   benches/browse-keys.sh [TREE] [REPEATS]
#
# TREE (default /work/bench/wide) holds one directory of many entries,
# e.g. built with:  mkdir -p wide/m && (cd wide/m && seq -f 'f%07g' 0 999999 | xargs touch)
# Each key is pressed REPEATS times (default 5), then the median and the
# slowest are printed. Targets (issue 24): first frame within 100 ms, any
# key handled and redrawn within 16 ms.
set -euo pipefail
cd "$(dirname "$0")/.."

TREE=${1:-/work/bench/wide}
REPEATS=${2:-5}
cargo build --release --quiet --example browse_keys
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cdu: $(git rev-parse --short HEAD) ($(git rev-parse --abbrev-ref HEAD))"
echo "tree: $TREE"
# Warm the cache: the times are the browser's, not the disk's.
"$TARGET/release/cdu" -s "$TREE" >/dev/null
"$TARGET/release/examples/browse_keys" "$TREE" "$REPEATS"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
