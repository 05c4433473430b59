#!/usr/bin/env bash
# cdu's modes against every disk-usage tool on PATH, with hyperfine.
#
#   benches/peers.sh [OPTIONS] [DIR]
#
# DIR defaults to the million-file tree of fixtures/bench-million.tree,
# built once (mktree --cached) under $CDU_BENCH_TREES (default
# target/bench-trees, or $CARGO_TARGET_DIR/bench-trees).
#
# Options:
#   --wide            instead of the million-file tree, one directory of
#                     1,000,000 entries (fixtures/bench-wide-million.tree, built once)
#   --warm            warm cache only (the default when not root)
#   --cold            cold cache only: caches dropped before every run (root)
#   --runs N          timed runs per command (default 10 warm, 5 cold)
#   --threads LIST    also time `cdu -s -jN` for each N of LIST (e.g. 2,8,32)
#   --no-listing      skip the full-listing table
#   --no-check        skip the check that every tool reports the same total
#   --no-memory       skip the peak-memory table (GNU time's %M, warm cache)
#   --cdu PATH        the cdu binary (default: cargo build --release, then
#                     $CARGO_TARGET_DIR or target/release/cdu)
#   --out DIR         keep hyperfine's JSON and markdown exports there
#
# As root, both warm and cold tables are made unless --warm/--cold says
# otherwise; cold runs drop the page, dentry and inode caches before each
# run: --prepare 'sync; echo 3 > /proc/sys/vm/drop_caches'.
#
# What is compared, and the flags that make the tools count the same thing
# (disk usage in bytes, st_blocks * 512, each hard-linked inode once, the
# directories' own blocks included):
#
#   cdu -s -B1 DIR                                     (reference)
#   du -s -B1 DIR                                      GNU du (timed: du -s)
#   diskus DIR                                         bytes when not a tty;
#                                                      dedups hard links
#   pdu -H --quantity=block-size --json-output DIR     -H: hard links once
#   dust -d 0 -b -c -o b -P DIR                        (B suffix stripped)
#   dua -f bytes aggregate DIR                         leaves out DIR's own
#                                                      entry: compared with
#                                                      cdu's total minus it
#   gdu -n -s -p --no-prefix DIR
#
# Apparent sizes (cdu -sb; du -sb, diskus -b, pdu --quantity=apparent-size,
# dust -s, dua -A, gdu -a) are shown for information only: tools disagree
# on a directory's apparent size (GNU du up to 9.1, dust and gdu count its
# st_size; du 9.2+, cdu and diskus count 0), so differences there are
# expected.
#
# The tables give hyperfine's median, min and max in seconds, and the
# ratio of each median to cdu's default mode (`cdu -s DIR`, resp. `cdu
# DIR`): below 1 means faster than cdu.

set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=benches/peer-commands.sh
. "$here/benches/peer-commands.sh"
warm=auto
cold=auto
runs=
threads=
listing=1
check=1
memory=1
cdu=
out=
tree=bench-million

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    --wide) tree=bench-wide-million ;;
    --warm) warm=1; [ "$cold" = auto ] && cold=0 ;;
    --cold) cold=1; [ "$warm" = auto ] && warm=0 ;;
    --runs) runs=$2; shift ;;
    --threads) threads=$2; shift ;;
    --no-listing) listing=0 ;;
    --no-check) check=0 ;;
    --no-memory) memory=0 ;;
    --cdu) cdu=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "peers.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
dir=${1:-}

root=0
[ "$(id -u)" = 0 ] && root=1
[ "$warm" = auto ] && warm=1
if [ "$cold" = auto ]; then cold=$root; fi
if [ "$cold" = 1 ] && [ "$root" = 0 ]; then
    echo "peers.sh: --cold needs root (to drop caches)" >&2
    exit 2
fi
command -v hyperfine >/dev/null || { echo "peers.sh: hyperfine not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "peers.sh: jq not found" >&2; exit 2; }

target=${CARGO_TARGET_DIR:-$here/target}
if [ -z "$cdu" ]; then
    (cd "$here" && cargo build --release --quiet --bin cdu)
    cdu=$target/release/cdu
fi
cdu=$(realpath "$cdu")

if [ -z "$dir" ]; then
    trees=${CDU_BENCH_TREES:-$target/bench-trees}
    echo "peers.sh: building (once) the tree of fixtures/$tree.tree in $trees ..." >&2
    (cd "$here" && cargo build --release --quiet --example mktree)
    dir=$("$target/release/examples/mktree" --cached "$trees" "$here/fixtures/$tree.tree")
fi
dir=$(realpath "$dir")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$out" ] && mkdir -p "$out"

have() { command -v "$1" >/dev/null 2>&1; }

# --- the machine -------------------------------------------------------------

echo "## Machine"
echo
echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "- file system: $(df -T "$dir" | awk 'NR == 2 {print $2 " on " $1}')"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- tree: $dir ($("$cdu" -s --inodes "$dir" | cut -f1) entries)"
echo "- cdu: $cdu ($("$cdu" --version 2>/dev/null | head -1))"
for t in du diskus pdu dust dua gdu hyperfine; do
    if have $t; then
        v=$($t --version 2>/dev/null | head -1 || true)
        [ -z "$v" ] && v=$($t -v 2>/dev/null | head -1 || true)
        echo "- $t: $(command -v $t) ($v)"
    else
        echo "- $t: not found"
    fi
done
echo

# --- same totals? ------------------------------------------------------------

first() { awk 'NR == 1 {print $1}'; }
strip_b() { sed 's/B$//'; }

# Prints the disk usage in bytes that tool $1 reports for $dir.
disk_total() {
    case $1 in
    cdu) "$cdu" -s -B1 "$dir" | first ;;
    du) du -s -B1 "$dir" | first ;;
    diskus) diskus "$dir" 2>/dev/null | first ;;
    pdu) pdu -H --quantity=block-size --json-output --omit-json-shared-details \
        --omit-json-shared-summary "$dir" 2>/dev/null | jq '.tree.size' ;;
    dust) dust -d 0 -b -c -o b -P "$dir" 2>/dev/null | first | strip_b ;;
    dua) dua -f bytes aggregate "$dir" 2>/dev/null | awk '{t = $1} /total$/ {t = $1} END {print t}' ;;
    gdu) gdu -n -s -p --no-prefix "$dir" 2>/dev/null | first ;;
    esac
}

apparent_total() {
    case $1 in
    cdu) "$cdu" -s -b "$dir" | first ;;
    du) du -s -b "$dir" | first ;;
    diskus) diskus -b "$dir" 2>/dev/null | first ;;
    pdu) pdu -H --quantity=apparent-size --json-output --omit-json-shared-details \
        --omit-json-shared-summary "$dir" 2>/dev/null | jq '.tree.size' ;;
    dust) dust -s -d 0 -b -c -o b -P "$dir" 2>/dev/null | first | strip_b ;;
    dua) dua -A -f bytes aggregate "$dir" 2>/dev/null | awk '{t = $1} /total$/ {t = $1} END {print t}' ;;
    gdu) gdu -a -n -s -p --no-prefix "$dir" 2>/dev/null | first ;;
    esac
}

peers=()
for t in du diskus pdu dust dua gdu; do
    have $t && peers+=("$t")
done

disagree=0
if [ "$check" = 1 ]; then
    ref=$(disk_total cdu)
    ref_apparent=$(apparent_total cdu)
    # dua leaves out the operand's own entry.
    read -r blocks unit < <(stat -c '%b %B' "$dir")
    own=$((blocks * unit))
    echo "## Totals (bytes)"
    echo
    echo "| tool | disk usage | same as cdu | apparent size | same as cdu -sb |"
    echo "|------|-----------:|:-----------:|--------------:|:---------------:|"
    echo "| cdu | $ref | reference | $ref_apparent | reference |"
    for t in "${peers[@]}"; do
        d=$(disk_total "$t" || true)
        a=$(apparent_total "$t" || true)
        if [ "$d" = "$ref" ]; then
            same=yes
        elif [ "$t" = dua ] && [ -n "$d" ] && [ "$d" = "$((ref - own))" ]; then
            same="yes (without DIR's own $own)"
        else
            same="**NO** ($((${d:-0} - ref)))"
            disagree=1
        fi
        if [ "$a" = "$ref_apparent" ]; then sa=yes; else sa="no ($((${a:-0} - ref_apparent)))"; fi
        echo "| $t | ${d:-?} | $same | ${a:-?} | $sa |"
    done
    echo
    if [ "$disagree" = 1 ]; then
        echo "**Warning:** some tools disagree with cdu on the disk usage (see above)."
        echo
    fi
fi

# --- timings -----------------------------------------------------------------

q() { printf '%q' "$1"; }
D=$(q "$dir")
C=$(q "$cdu")

summary_cmds=(
    "$C -s $D"
    "$C -s --mode parallel $D"
    "$C -s --mode sequential $D"
    "$C -s -v $D"
)
if [ -n "$threads" ]; then
    IFS=, read -ra ts <<<"$threads"
    for t in "${ts[@]}"; do summary_cmds+=("$C -s -j$t $D"); done
fi
for t in "${peers[@]}"; do
    if c=$(peer_total_command "$t" "$D"); then summary_cmds+=("$c"); fi
done
listing_cmds=(
    "$C $D"
    "$C --mode parallel $D"
    "$C --mode sequential $D"
)
have du && listing_cmds+=("du $D")

drop='sync; echo 3 > /proc/sys/vm/drop_caches'

# Runs hyperfine on the commands after the first three arguments and
# prints a markdown table; the first command is the reference of the ratios.
bench() {
    local title=$1 kind=$2 n=$3
    shift 3
    local json=$tmp/$kind.json
    local args=(-N --runs "$n" --export-json "$json" --style basic)
    if [ "$kind" = cold-summary ] || [ "$kind" = cold-listing ]; then
        args+=(--prepare "sh -c '$drop'")
    else
        args+=(--warmup 2)
    fi
    [ -n "$out" ] && args+=(--export-markdown "$out/$kind.md")
    hyperfine "${args[@]}" "$@" >&2 || {
        echo "peers.sh: hyperfine failed for $title" >&2
        return 1
    }
    [ -n "$out" ] && cp "$json" "$out/$kind.json"
    echo "## $title"
    echo
    echo "| command | median s | min s | max s | ratio to cdu |"
    echo "|---------|---------:|------:|------:|-------------:|"
    jq -r '.results[0].median as $ref | .results[]
        | [.command, .median, .min, .max, (.median / $ref)] | @tsv' "$json" |
        while IFS=$'\t' read -r cmd med min max ratio; do
            cmd=${cmd//"$cdu"/cdu}
            cmd=${cmd//"$dir"/DIR}
            printf '| `%s` | %.3f | %.3f | %.3f | %.2f |\n' "$cmd" "$med" "$min" "$max" "$ratio"
        done
    echo
}

echo "## Commands"
echo
echo "DIR=$dir; hyperfine -N (no shell, output to /dev/null); warm: --warmup 2;"
echo "cold: --prepare \"sh -c '$drop'\"."
echo

if [ "$warm" = 1 ]; then
    bench "Warm cache, total only (-s)" warm-summary "${runs:-10}" "${summary_cmds[@]}"
    [ "$listing" = 1 ] && bench "Warm cache, full listing (> /dev/null)" warm-listing "${runs:-10}" "${listing_cmds[@]}"
fi
if [ "$cold" = 1 ]; then
    bench "Cold cache, total only (-s)" cold-summary "${runs:-5}" "${summary_cmds[@]}"
    [ "$listing" = 1 ] && bench "Cold cache, full listing (> /dev/null)" cold-listing "${runs:-5}" "${listing_cmds[@]}"
fi
# Peak resident memory of each command: the median of three runs of GNU
# time's %M (the maximum resident set size /usr/bin/time -v reports).
peak_memory() {
    local cmd kb runs
    echo "## Peak memory (warm cache)"
    echo
    echo "| command | peak RSS, MiB (median of 3) |"
    echo "|---------|---------------------------:|"
    for cmd in "$@"; do
        runs=()
        for _ in 1 2 3; do
            eval "/usr/bin/time -f %M -o $(q "$tmp/rss") $cmd >/dev/null 2>&1" || true
            runs+=("$(tail -1 "$tmp/rss")")
        done
        kb=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
        cmd=${cmd//"$C"/cdu}
        cmd=${cmd//"$D"/DIR}
        printf '| `%s` | %.1f |\n' "$cmd" "$(echo "$kb / 1024" | bc -l)"
    done
    echo
}

if [ "$memory" = 1 ]; then
    if [ -x /usr/bin/time ] && have bc; then
        peak_memory "${summary_cmds[@]}" "${listing_cmds[@]}" "$C -a $D"
    else
        echo "peers.sh: no /usr/bin/time (GNU time) or bc: peak memory skipped" >&2
    fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$disagree"
