#!/usr/bin/env bash
# How cdu's time and memory grow with the tree: 100k, 1M and 10M files.
#
#   benches/scale.sh [OPTIONS]
#
# The three trees are fixtures/bench-scale-{100k,1m,10m}.tree: the same
# shape at every step (37 empty files per directory), so a step has ten
# times the entries of the one before and nothing else changes. Each is
# built once (mktree --cached) under $CDU_BENCH_TREES (default
# target/bench-trees, or $CARGO_TARGET_DIR/bench-trees) and found there
# afterwards. The 10M tree takes about 15 minutes to build, 10 million
# inodes and about 1.2 GB of directory blocks on ext4; keeping it warm
# needs some 14 GB of page, inode and dentry cache.
#
# Options:
#   --runs N        timed runs per command on the 100k and 1m steps (default 5)
#   --runs-10m N    timed runs per command on the 10m step (default 3)
#   --steps LIST    the steps to run, of 100k,1m,10m (default all three);
#                   the ratios are to the 1m step, so keep it in the list
#   --all-peers     also time dust -d 0 and gdu -n -s (slow, and both hold
#                   the whole tree in memory: GBs on the 10m step)
#   --no-memory     skip the peak-memory runs
#   --du PATH       the GNU du to compare with (default: du on PATH)
#   --cdu PATH      the cdu binary (default: cargo build --release, then
#                   $CARGO_TARGET_DIR or target/release/cdu)
#   --out DIR       keep hyperfine's JSON exports and the peak RSS (KiB,
#                   rss.tsv) there
#
# Every step is warm: one untimed `du -s DIR` first, then one hyperfine -N
# run of all its commands (output to /dev/null). What is timed:
#
#   cdu -s DIR                     cdu -a DIR          (--output=null)
#   du -s DIR                      du -a DIR           (--output=null)
#   diskus DIR                     pdu -H --quantity=block-size DIR
#   dust -d 0 -c -P DIR            gdu -n -s -p DIR    (--all-peers)
#
# Peak memory is GNU time's %M (maximum resident set size), the median of
# three runs, for cdu -s, cdu -a > /dev/null, du -s, du -a > /dev/null,
# diskus and pdu (and dust and gdu with --all-peers).
#
# The table gives per step and command the median seconds, the range,
# the ratio of the median to the same command's on the 1m step, the CPU
# time (user + system, hyperfine's means) and its ratio to the 1m step's,
# and the peak RSS in MiB (KiB / 1024, as benches/peers.sh reports it).
# The lines after it hold cdu's 10m/1m time ratio (and CPU ratio, steadier
# when other work shares the machine) against the 10.5 target of issue
# #14 and its peak memory against the million-tree limits of issue #9:
# `cdu -s` at most 6.7, `cdu -a` at most 12 (cdu's figure on the million
# tree when these limits were set was measured the same way).

set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
runs=5
runs_10m=3
steps=100k,1m,10m
all_peers=0
memory=1
du='du'
cdu=
out=

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --runs-10m) runs_10m=$2; shift ;;
    --steps) steps=$2; shift ;;
    --all-peers) all_peers=1 ;;
    --no-memory) memory=0 ;;
    --du) du=$2; shift ;;
    --cdu) cdu=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "scale.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

have() { command -v "$1" >/dev/null 2>&1; }
for t in hyperfine jq bc; do
    have $t || { echo "scale.sh: $t not found" >&2; exit 2; }
done
if [ "$memory" = 1 ] && [ ! -x /usr/bin/time ]; then
    echo "scale.sh: no /usr/bin/time (GNU time): peak memory skipped" >&2
    memory=0
fi
du=$(command -v "$du") || { echo "scale.sh: GNU du not found" >&2; exit 2; }

target=${CARGO_TARGET_DIR:-$here/target}
if [ -z "$cdu" ]; then
    (cd "$here" && cargo build --release --quiet --bin cdu)
    cdu=$target/release/cdu
fi
cdu=$(realpath "$cdu")
trees=${CDU_BENCH_TREES:-$target/bench-trees}
(cd "$here" && cargo build --release --quiet --example mktree)
mktree=$target/release/examples/mktree

IFS=, read -ra step_list <<<"$steps"
declare -A dirs entries
for s in "${step_list[@]}"; do
    desc=$here/fixtures/bench-scale-$s.tree
    [ -f "$desc" ] || { echo "scale.sh: no step $s ($desc)" >&2; exit 2; }
    echo "scale.sh: the $s tree (built once in $trees) ..." >&2
    dirs[$s]=$("$mktree" --cached "$trees" "$desc")
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$out" ] && mkdir -p "$out"

q() { printf '%q' "$1"; }
C=$(q "$cdu")
U=$(q "$du")

# The commands of one step, DIR standing for its tree; labels name them
# in the table.
labels=("cdu -s" "cdu -a" "du -s" "du -a" "diskus" "pdu -H")
templates=("$C -s DIR" "$C -a DIR" "$U -s DIR" "$U -a DIR" "diskus DIR"
    "pdu -H --quantity=block-size DIR")
if [ "$all_peers" = 1 ]; then
    labels+=("dust -d 0" "gdu -n -s")
    templates+=("dust -d 0 -c -P DIR" "gdu -n -s -p DIR")
fi
for t in "${templates[@]}"; do
    have "${t%% *}" || { echo "scale.sh: ${t%% *} not found" >&2; exit 2; }
done

# --- the machine -------------------------------------------------------------

echo "## Machine"
echo
echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "- file system: $(df -T "${dirs[${step_list[0]}]}" | awk 'NR == 2 {print $2 " on " $1}')"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- cdu: $cdu ($("$cdu" --version 2>/dev/null | head -1))"
echo "- du: $du ($("$du" --version | head -1))"
for t in diskus pdu hyperfine; do
    echo "- $t: $(command -v $t) ($($t --version 2>/dev/null | head -1))"
done
if [ "$all_peers" = 1 ]; then
    echo "- dust: $(dust --version | head -1); gdu: $(gdu --version | head -1)"
fi
echo "- runs: $runs per command ($runs_10m on the 10m step), hyperfine -N,"
echo "  warm (one untimed \`du -s DIR\` before each step)"
echo

# --- timings and memory ----------------------------------------------------

# Peak RSS in KiB of command $1 (a shell word list, run through eval with
# stdout to /dev/null): the median of three runs.
peak_kib() {
    local r=()
    for _ in 1 2 3; do
        eval "/usr/bin/time -f %M -o $(q "$tmp/rss") $1 >/dev/null 2>&1" || true
        r+=("$(tail -1 "$tmp/rss")")
    done
    printf '%s\n' "${r[@]}" | sort -n | sed -n 2p
}

declare -A median low high cpu rss
for s in "${step_list[@]}"; do
    dir=${dirs[$s]}
    D=$(q "$dir")
    entries[$s]=$("$cdu" -s --inodes "$dir" | cut -f1)
    echo "scale.sh: step $s, ${entries[$s]} entries: warming up ..." >&2
    "$du" -s "$dir" >/dev/null
    n=$runs
    [ "$s" = 10m ] && n=$runs_10m
    cmds=()
    for t in "${templates[@]}"; do cmds+=("${t//DIR/$D}"); done
    json=$tmp/$s.json
    echo "scale.sh: step $s: timing, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    hyperfine -N --runs "$n" --output=null --style basic --export-json "$json" \
        "${cmds[@]}" >&2
    [ -n "$out" ] && cp "$json" "$out/$s.json"
    for i in "${!labels[@]}"; do
        k="$s ${labels[$i]}"
        median[$k]=$(jq ".results[$i].median" "$json")
        low[$k]=$(jq ".results[$i].min" "$json")
        high[$k]=$(jq ".results[$i].max" "$json")
        cpu[$k]=$(jq ".results[$i].user + .results[$i].system" "$json")
        if [ "$memory" = 1 ]; then
            echo "scale.sh: step $s: peak memory of ${labels[$i]} ..." >&2
            rss[$k]=$(peak_kib "${cmds[$i]}")
            [ -n "$out" ] && printf '%s\t%s\t%s\n' "$s" "${labels[$i]}" "${rss[$k]}" >>"$out/rss.tsv"
        fi
    done
    echo "scale.sh: step $s done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

# --- the table -------------------------------------------------------------

# $1 / $2 to two decimals, or "" when either is missing.
ratio() {
    if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then
        printf '%.2f' "$(echo "$1 / $2" | bc -l)"
    fi
}
mib() { [ -n "${1:-}" ] && printf '%.1f' "$(echo "$1 / 1024" | bc -l)"; }

echo "## Growth (warm cache)"
echo
echo "| step | entries | command | median s | min–max s | ÷ 1m step | CPU s | CPU ÷ 1m | peak RSS MiB |"
echo "|------|--------:|---------|---------:|----------:|----------:|------:|---------:|-------------:|"
for s in "${step_list[@]}"; do
    for l in "${labels[@]}"; do
        k="$s $l"
        # The backticks are markdown, not a command substitution.
        # shellcheck disable=SC2016
        printf '| %s | %s | `%s` | %.3f | %.3f–%.3f | %s | %.3f | %s | %s |\n' \
            "$s" "${entries[$s]}" "$l" "${median[$k]}" "${low[$k]}" "${high[$k]}" \
            "$(ratio "${median[$k]}" "${median[1m $l]:-}")" "${cpu[$k]}" \
            "$(ratio "${cpu[$k]}" "${cpu[1m $l]:-}")" "$(mib "${rss[$k]:-}")"
    done
done
echo

# cdu against the targets: time at most 10.5x the 1m step's on the 10m
# step; peak RSS within issue #9's million-tree limits at every step.
declare -A limit=(["cdu -s"]=6.7 ["cdu -a"]=12)
for l in "cdu -s" "cdu -a"; do
    line="\`$l\`:"
    if [ -n "${median[10m $l]:-}" ] && [ -n "${median[1m $l]:-}" ]; then
        growth=$(ratio "${median[10m $l]}" "${median[1m $l]}")
        verdict=met
        [ "$(echo "$growth > 10.5" | bc -l)" = 1 ] && verdict="**not met**"
        line+=" 10m/1m time $growth (target ≤ 10.5: $verdict),"
        line+=" CPU $(ratio "${cpu[10m $l]}" "${cpu[1m $l]}");"
    fi
    if [ "$memory" = 1 ]; then
        worst=0
        per=()
        for s in "${step_list[@]}"; do
            m=$(mib "${rss[$s $l]}")
            per+=("$s $m")
            [ "$(echo "$m > $worst" | bc -l)" = 1 ] && worst=$m
        done
        verdict=met
        [ "$(echo "$worst > ${limit[$l]}" | bc -l)" = 1 ] && verdict="**not met**"
        line+=" peak RSS $(printf '%s, ' "${per[@]}" | sed 's/, $//') MiB"
        line+=" (limit ≤ ${limit[$l]}: $verdict)"
    fi
    echo "- $line"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
