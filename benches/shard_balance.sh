#!/bin/sh
# How evenly --shard cuts a tree: for each TREE and each N, runs the N
# shards one after another (as a launcher would run them at once), and
# prints the entries each part holds (its entries, not counting the
# places it keeps for other shards' subtrees and files), the largest,
# the mean, and the largest over the mean; the issue asks for at most
# 1.5.
#
#   benches/shard_balance.sh [CDU] [TREE...]
# defaults: target/release/cdu, /usr and /work/bench/million.
set -eu
cdu=${1:-target/release/cdu}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- /usr /work/bench/million
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT
printf '%-24s %4s %10s %10s %10s %6s\n' tree N entries largest mean ratio
for tree in "$@"; do
  for n in 4 16; do
    k=1
    while [ "$k" -le "$n" ]; do
      CDU_NO_HISTORY=1 "$cdu" --shard="$k/$n" --export="$parts/p-%r.json" "$tree" 2>/dev/null || true
      k=$((k + 1))
    done
    for f in "$parts"/p-*.json; do
      grep -F '{"name":' "$f" | grep -cvF '"excluded":"cdu_shard"' || true
    done | awk -v tree="$tree" -v n="$n" '
      { sum += $1; if ($1 > max) max = $1; list = list " " $1 }
      END { mean = sum / n; printf "%-24s %4d %10d %10d %10.0f %6.2f\n", tree, n, sum, max, mean, max / mean
            print "  per shard:" list }'
    rm -f "$parts"/p-*.json
  done
done
