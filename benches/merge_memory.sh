#!/bin/sh
# Peak memory of the merge against the number of parts and entries: for
# each TREE and each N, saves the N parts (one after another) and reads
# them back with `cdu -s --import=...` under /usr/bin/time -v, printing
# the merge's peak RSS; N = 1 is `--export` of the whole tree read back
# with one --import, for comparison. With LINKS=-L the parts are saved
# with -L (every entry carries its inode, which the merge keeps).
#
#   benches/merge_memory.sh [CDU] [TREE...]
# defaults: target/release/cdu, /usr and /work/bench/million.
set -eu
cdu=${1:-target/release/cdu}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- /usr /work/bench/million
links=${LINKS:-}
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT
export CDU_NO_HISTORY=1
printf '%-22s %4s %10s %12s %14s\n' tree N entries "parts (MB)" "peak RSS (MB)"
for tree in "$@"; do
  for n in 1 4 16 64; do
    if [ "$n" -eq 1 ]; then
      "$cdu" $links --export="$parts/p-1.json" "$tree" >/dev/null 2>&1 || true
    else
      k=1
      while [ "$k" -le "$n" ]; do
        "$cdu" $links --shard="$k/$n" --export="$parts/p-%r.json" "$tree" 2>/dev/null || true
        k=$((k + 1))
      done
    fi
    set --
    for f in "$parts"/p-*.json; do set -- "$@" --import="$f"; done
    entries=$(cat "$parts"/p-*.json | grep -F '{"name":' | grep -cvF '"excluded":"cdu_shard"' || true)
    bytes=$(cat "$parts"/p-*.json | wc -c)
    rss=$(/usr/bin/time -v "$cdu" -s "$@" 2>&1 >/dev/null \
      | awk '/Maximum resident set size/ { print $NF }')
    awk -v t="$tree" -v n="$n" -v e="$entries" -v b="$bytes" -v r="$rss" \
      'BEGIN { printf "%-22s %4d %10d %12.1f %14.1f\n", t, n, e, b / 1e6, r / 1024 }'
    rm -f "$parts"/p-*.json
  done
done
