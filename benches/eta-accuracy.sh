#!/usr/bin/env bash
# How good is the ETA? Scans DIR with -v --tick $TICK, stderr piped, and
# compares the time left that the plain lines show at 25%, 50% and 75% of
# the real duration with the time that was actually left: the scan's length
# minus the moment the line arrived, both timed here to a tenth of a
# millisecond. Prints one table row per point.
#
#   benches/eta-accuracy.sh fs      DIR [warm|cold] [RUNS]  # DIR a mount root
#   benches/eta-accuracy.sh history DIR [warm|cold] [RUNS]  # a remembered DIR
#
# "fs" measures against the file system's used inodes (history off);
# "history" first scans DIR once with -v to remember it, in a private
# XDG_CACHE_HOME. "cold" drops the page cache before each measured run
# (root only). Set CDU to the binary (default target/release/cdu), TICK to
# the progress interval (default 100ms; a finer one for short scans), and
# KEEP_LOGS to a directory to keep each run's progress lines there.
# Other load on the machine changes the rate mid-scan, and with it the
# error: note the load average next to the figures.
set -euo pipefail

case_=${1:?fs or history}
dir=${2:?directory}
cache=${3:-warm}
runs=${4:-3}
cdu=${CDU:-target/release/cdu}
tick=${TICK:-100ms}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME=$work/cache

case $case_ in
fs)
    export CDU_NO_HISTORY=1
    total=$(df --output=iused "$dir" | tail -1 | tr -d ' ')
    ;;
history)
    unset CDU_NO_HISTORY
    # At the measured runs' tick, so that its pace is kept too.
    "$cdu" -sv --tick "$tick" "$dir" >/dev/null 2>&1
    ;;
*)
    echo "unknown case $case_" >&2
    exit 2
    ;;
esac

drop() {
    if [ "$cache" = cold ]; then
        sync
        echo 3 >/proc/sys/vm/drop_caches
    fi
}

echo "# $case_ $dir $cache, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-6s %8s %8s %10s %8s %8s\n' run point elapsed left eta_shown eta_raw error
for run in $(seq "$runs"); do
    pace_ms=0
    pace=-
    if [ "$case_" = history ]; then
        # The baseline is the last scan's entries, as the history keeps
        # them, and its length and pace, which the estimate follows.
        read -r total pace_ms pace < <(tail -1 "$XDG_CACHE_HOME/cdu/history" | cut -d' ' -f3,5,6)
    fi
    drop
    # Each progress line is stamped with the milliseconds since the scan
    # began as it arrives, and the last line is the scan's whole length:
    # the line's own elapsed, to a tenth of a second, is a third of the
    # time gone at the 25% point of a one-second scan.
    python3 - "$cdu" -sv --tick "$tick" "$dir" >"$work/log" <<'STAMP'
import subprocess, sys, time
start = time.monotonic()
scan = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
for line in scan.stderr:
    ms = (time.monotonic() - start) * 1000
    print(f"{ms:.1f} {line.decode(errors='replace').rstrip()}")
scan.wait()
print(f"{(time.monotonic() - start) * 1000:.1f} end")
STAMP
    if [ -n "${KEEP_LOGS:-}" ]; then
        cp "$work/log" "$KEEP_LOGS/$case_-$cache-$run.log"
    fi
    awk -v run="$run" -v total="$total" \
        -v pace_ms="$pace_ms" -v pace="$pace" '
        # The estimate of cdu (src/eta.rs) unrounded: the average rate
        # since the start; with the last pace, the mean of that and the
        # time the last scan still took from this share on, scaled by the
        # pace of this scan so far.
        function at(k) { return k == 0 ? 0 : (k == 10 ? pace_ms : p[k]) }
        function estimate(t, e,    f, k, from, to, then) {
            if (e <= 0) return -1
            f = e / total
            if (np == 9 && pace_ms > 0) {
                k = int(f * 10); if (k > 9) k = 9
                from = at(k); to = at(k + 1); if (to < from) to = from
                then = from + (to - from) * (f * 10 - k)
                if (then > 0) return t * ((pace_ms - then) / then + (total - e) / e) / 2
            }
            return t * (total - e) / e
        }
        BEGIN { np = (pace == "-") ? 0 : split(pace, p, ",") }
        # A stamped line: MS cdu: SECONDSs ENTRIES entries ... ETA LEFTs
        / ETA / {
            n++
            t[n] = $1 / 1000
            e[n] = $4 + 0
            shown[n] = $(NF)
        }
        $2 == "end" { total_s = $1 }
        END {
            T = total_s / 1000
            split("25 50 75", pts, " ")
            for (i = 1; i <= 3; i++) {
                want = T * pts[i] / 100
                best = 1
                for (j = 1; j <= n; j++)
                    if ((t[j] - want)^2 < (t[best] - want)^2) best = j
                left = T - t[best]
                raw = estimate(t[best], e[best])
                printf "%-4s %-6s %7.2fs %7.2fs %10s %7.2fs %+7.0f%%\n", run, pts[i] "%",
                    t[best], left, shown[best], raw, 100 * (raw - left) / left
            }
        }' "$work/log"
done
