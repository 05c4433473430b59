#!/usr/bin/env bash
# cdu and its peers on FUSE: through bindfs (FUSE's own cost, no latency)
# and through latencyfs (benches/latencyfs), which answers every request
# after a fixed delay, as a network file system's server would.
#
#   benches/fuse.sh [OPTIONS] [SOURCE]
#
# SOURCE (default /usr) is mounted read-only at a temporary mount point
# once per case: bindfs, then latencyfs at each delay. On each mount,
# hyperfine times `cdu -s` (its default thread count), `cdu -s -jN` for
# each N of the thread list, and every peer on PATH: du -s, diskus,
# pdu -H, dust -d 0, gdu -n -s, dua aggregate.
#
# Options:
#   --runs N          timed runs per command (default 5), after one warm-up
#   --slow-runs N     timed runs, and no warm-up, for the commands that walk
#                     one request at a time (cdu -j1, du -s), which take
#                     minutes at 1 ms (default: as --runs, with the warm-up)
#   --threads LIST    the N of `cdu -s -jN` (default 1,2,4,8,16,32,64,128)
#   --delays LIST     latencyfs delays (default 0.2ms,1ms)
#   --no-bindfs       leave out the bindfs case
#   --ttl SECONDS     how long the kernel may cache an answer, for both
#                     file systems (default 1)
#   --cold            drop all caches before each run instead (see below)
#   --cdu PATH        the cdu binary (default: cargo build --release)
#   --latencyfs PATH  the latencyfs binary (default: cargo build --release
#                     in benches/latencyfs)
#   --out DIR         keep hyperfine's JSON and markdown exports there
#
# Caches. The kernel keeps FUSE's answers for the TTL (1 s here, as
# libfuse's default; NFS keeps attributes 3 to 60 s). To make every run
# ask the server, as a scan on a client that has not seen the tree lately
# does, hyperfine's --prepare sleeps past the TTL before each run: cached
# entries and attributes have expired, so each entry costs a lookup again
# (the kernel revalidates an expired entry with LOOKUP), and directories are
# listed again (neither file system lets the kernel cache listings). The
# server's side stays warm: SOURCE's own dentries, inodes and pages remain
# in memory, like a file server with the tree in RAM. Dropping the caches
# (--prepare 'echo 3 > /proc/sys/vm/drop_caches', --cold here) would empty
# both sides, so SOURCE's disk would be timed along with the latency; a TTL
# of 0 would make the kernel ask on every stat and every path step, more
# than a network client does.
#
# bindfs (libfuse 2) runs with --multithreaded, so that it too can answer
# several requests at once; it cannot run lookups of one directory in
# parallel (libfuse 2 does not ask the kernel for that), latencyfs can.
#
# Output: one markdown table per case (median, min, max in seconds, runs,
# and the ratio to the fastest peer: below 1 means faster than every
# peer), what latencyfs served, then one table of every case side by side.

set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=benches/peer-commands.sh
. "$here/benches/peer-commands.sh"
runs=5
slow_runs=
threads=1,2,4,8,16,32,64,128
delays=0.2ms,1ms
bindfs=1
ttl=1
cold=0
cdu=
latencyfs=
out=

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift ;;
    --slow-runs) slow_runs=$2; shift ;;
    --threads) threads=$2; shift ;;
    --delays) delays=$2; shift ;;
    --no-bindfs) bindfs=0 ;;
    --ttl) ttl=$2; shift ;;
    --cold) cold=1 ;;
    --cdu) cdu=$2; shift ;;
    --latencyfs) latencyfs=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "fuse.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
source_dir=$(realpath "${1:-/usr}")

have() { command -v "$1" >/dev/null 2>&1; }
for t in hyperfine jq mountpoint; do
    have $t || { echo "fuse.sh: $t not found" >&2; exit 2; }
done
if [ "$(id -u)" != 0 ]; then
    echo "fuse.sh: needs root (FUSE mounts, caches)" >&2
    exit 2
fi
[ "$bindfs" = 1 ] && ! have bindfs && {
    echo "fuse.sh: bindfs not found (apt-get install bindfs), or --no-bindfs" >&2
    exit 2
}

target=${CARGO_TARGET_DIR:-$here/target}
if [ -z "$cdu" ]; then
    (cd "$here" && cargo build --release --quiet --bin cdu)
    cdu=$target/release/cdu
fi
if [ -z "$latencyfs" ]; then
    (cd "$here/benches/latencyfs" && cargo build --release --quiet)
    latencyfs=${CARGO_TARGET_DIR:-$here/benches/latencyfs/target}/release/latencyfs
fi
cdu=$(realpath "$cdu")
latencyfs=$(realpath "$latencyfs")

tmp=$(mktemp -d /tmp/cdu-fuse.XXXXXX)
mnt=$tmp/mnt
mkdir "$mnt"
[ -n "$out" ] && mkdir -p "$out"
server=

# Ends the mount of the current case: latencyfs unmounts on SIGTERM,
# bindfs with fusermount -u; a busy mount is detached.
unmount() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
    if mountpoint -q "$mnt"; then
        fusermount -u "$mnt" 2>/dev/null || umount -l "$mnt" || true
    fi
}
cleanup() {
    unmount
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_mounted() {
    for _ in $(seq 100); do
        mountpoint -q "$mnt" && return 0
        sleep 0.1
    done
    echo "fuse.sh: nothing mounted at $mnt after 10 s" >&2
    [ -f "$tmp/server.log" ] && cat "$tmp/server.log" >&2
    return 1
}

# --- the machine -------------------------------------------------------------

echo "## Machine"
echo
echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- source: $source_dir ($("$cdu" -s --inodes "$source_dir" | cut -f1) entries,"\
    "$(df -T "$source_dir" | awk 'NR == 2 {print $2}'))"
default_j=$("$cdu" --help 2>/dev/null | grep -e '--threads' | grep -o 'default [0-9]*' | cut -d' ' -f2 || true)
echo "- cdu: $cdu ($("$cdu" --version 2>/dev/null | head -1)), default -j${default_j:-?}"
echo "- latencyfs: $latencyfs; bindfs: $(bindfs --version 2>/dev/null | head -1 || echo none)"
peers=()
for t in du diskus pdu dust dua gdu; do
    if have $t; then
        peers+=("$t")
        v=$($t --version 2>/dev/null | head -1 || true)
        [ -z "$v" ] && v=$($t -v 2>/dev/null | head -1 || true)
        echo "- $t: $(command -v $t) ($v)"
    else
        echo "- $t: not found"
    fi
done
echo "- $(hyperfine --version)"
echo
if [ "$cold" = 1 ]; then
    prepare="sync; echo 3 > /proc/sys/vm/drop_caches"
    prepare_note="caches dropped before each run (--cold)"
else
    prepare="sleep $(awk -v t="$ttl" 'BEGIN { print t + 0.2 }')"
    prepare_note="\`$prepare\` before each run: the kernel's cached answers (TTL ${ttl} s) expire"
fi
echo "hyperfine -N, $prepare_note; --warmup 1 --runs $runs${slow_runs:+ (cdu -j1 and du -s: --runs $slow_runs, no warm-up)}."
echo

# --- timing ------------------------------------------------------------------

IFS=, read -ra thread_list <<<"$threads"
IFS=, read -ra delay_list <<<"$delays"

M=$(printf %q "$mnt")
C=$(printf %q "$cdu")
commands=("$C -s $M")
for n in "${thread_list[@]}"; do commands+=("$C -s -j$n $M"); done
for t in "${peers[@]}"; do
    if c=$(peer_total_command "$t" "$M"); then commands+=("$c"); fi
done

is_slow() { [ "$1" = "$C -s -j1 $M" ] || [ "$1" = "du -s $M" ]; }
is_peer() { [[ $1 != "$C "* ]]; }

# Times every command on the current mount; one JSON line per command
# into $tmp/CASE.jsonl: case, command (with cdu and MNT for the paths),
# peer or not, median, min, max, runs.
time_case() {
    local case=$1 cmd n warm i=0 json
    : >"$tmp/$case.jsonl"
    for cmd in "${commands[@]}"; do
        i=$((i + 1))
        n=$runs
        warm=(--warmup 1)
        if [ -n "$slow_runs" ] && is_slow "$cmd"; then
            n=$slow_runs
            warm=()
        fi
        json=$tmp/$case-$i.json
        echo "fuse.sh: $case: ${cmd//"$C"/cdu}" >&2
        local args=(-N --style basic "${warm[@]}" --runs "$n" --export-json "$json")
        if [ "$cold" = 1 ]; then
            args+=(--prepare "sh -c '$prepare'")
        else
            args+=(--prepare "$prepare")
        fi
        [ -n "$out" ] && args+=(--export-markdown "$out/$case-$i.md")
        hyperfine "${args[@]}" "$cmd" >&2 || {
            echo "fuse.sh: hyperfine failed on $case: $cmd" >&2
            continue
        }
        [ -n "$out" ] && cp "$json" "$out/$case-$i.json"
        local peer=false
        is_peer "$cmd" && peer=true
        jq -c --arg case "$case" --arg cdu "$cdu" --arg mnt "$mnt" --argjson peer $peer \
            '.results[0] | {case: $case, peer: $peer,
              command: (.command | split($cdu) | join("cdu") | split($mnt) | join("MNT")),
              median, min, max, runs: (.times | length)}' "$json" >>"$tmp/$case.jsonl"
    done
}

# Prints the table of one case.
report_case() {
    local case=$1
    echo "## $case"
    echo
    echo "| command | median s | min s | max s | runs | ÷ fastest peer |"
    echo "|---------|---------:|------:|------:|-----:|---------------:|"
    jq -rs '(map(select(.peer)) | map(.median) | min) as $best | .[]
        | [.command, .median, .min, .max, .runs, (if $best then .median / $best else 0 end)]
        | @tsv' "$tmp/$case.jsonl" |
        while IFS=$'\t' read -r cmd med min max n ratio; do
            printf '| `%s` | %.3f | %.3f | %.3f | %d | %.2f |\n' "$cmd" "$med" "$min" "$max" "$n" "$ratio"
        done
    echo
    jq -rs 'map(select(.command | test("^cdu -s -j[0-9]+ "))) | min_by(.median)
        | "Fastest cdu: `\(.command)`, \(.median * 1000 | round / 1000) s."' "$tmp/$case.jsonl"
    echo
}

# The totals through the mount must be the source's.
check_totals() {
    local case=$1 a b
    a=$("$cdu" -s -B1 "$source_dir" | cut -f1)
    b=$("$cdu" -s -B1 "$mnt" | cut -f1)
    if [ "$a" != "$b" ]; then
        echo "**Warning ($case):** cdu counts $b bytes through the mount, $a on the source."
        echo
    fi
}

cases=()
if [ "$bindfs" = 1 ]; then
    bindfs -o "ro,entry_timeout=$ttl,attr_timeout=$ttl" --multithreaded "$source_dir" "$mnt"
    wait_mounted
    check_totals bindfs
    time_case bindfs
    unmount
    report_case bindfs
    cases+=(bindfs)
fi
for d in "${delay_list[@]}"; do
    case=latencyfs-$d
    "$latencyfs" --delay "$d" --ttl "${ttl}s" "$source_dir" "$mnt" 2>"$tmp/server.log" &
    server=$!
    wait_mounted
    check_totals "$case"
    time_case "$case"
    unmount
    report_case "$case"
    echo "latencyfs (all runs of this case, the checks and warm-ups included):"\
        "$(grep -o 'served.*' "$tmp/server.log" || echo '(no summary)')"
    echo
    cases+=("$case")
done

# --- every case side by side -------------------------------------------------

echo "## All cases: median s (÷ fastest peer of the case)"
echo
header="| command |"
rule="|---------|"
for c in "${cases[@]}"; do
    header+=" $c |"
    rule+="------:|"
done
echo "$header"
echo "$rule"
files=()
for c in "${cases[@]}"; do files+=("$tmp/$c.jsonl"); done
# One line per command: the command, then median and ratio for each case
# ("-" where the case lacks it).
jq -rs --argjson cases "$(printf '%s\n' "${cases[@]}" | jq -R . | jq -s .)" '
    . as $rows
    | ($rows | group_by(.case) | map({key: .[0].case, value: .}) | from_entries) as $by
    | ($cases | map({key: ., value: ([$by[.][]? | select(.peer) | .median] | min)})
        | from_entries) as $best
    | ($rows | map(.command) | reduce .[] as $c ([]; if index([$c]) then . else . + [$c] end))[]
    | . as $cmd
    | [$cmd] + [$cases[] as $c
        | ([$by[$c][]? | select(.command == $cmd)] | first) as $r
        | if $r then ($r.median, (if $best[$c] then $r.median / $best[$c] else "-" end))
          else ("-", "-") end]
    | @tsv' "${files[@]}" |
    while IFS=$'\t' read -r -a f; do
        line="| \`${f[0]}\` |"
        for ((k = 1; k < ${#f[@]}; k += 2)); do
            if [ "${f[k]}" = - ]; then
                line+=" - |"
            elif [ "${f[k + 1]}" = - ]; then
                line+=" $(printf %.3f "${f[k]}") |"
            else
                line+=" $(printf '%.3f (%.2f)' "${f[k]}" "${f[k + 1]}") |"
            fi
        done
        echo "$line"
    done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
