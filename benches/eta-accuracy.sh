#!/usr/bin/env bash
# How good is the ETA? Scans DIR with -v --tick $TICK, stderr piped, and
# compares the time left that the plain lines show at 25%, 50% and 75% of
# the real duration with the time that was actually left (the run's total
# minus the line's elapsed). Prints one table row per point.
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
    "$cdu" -sv --tick 10m "$dir" >/dev/null 2>&1
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
    if [ "$case_" = history ]; then
        # The baseline is the last scan's entries, as the history keeps them.
        total=$(tail -1 "$XDG_CACHE_HOME/cdu/history" | cut -d' ' -f3)
    fi
    drop
    start=$(date +%s%N)
    "$cdu" -sv --tick "$tick" "$dir" >/dev/null 2>"$work/log"
    end=$(date +%s%N)
    if [ -n "${KEEP_LOGS:-}" ]; then
        cp "$work/log" "$KEEP_LOGS/$case_-$cache-$run.log"
        echo "$(((end - start) / 1000000)) $total" >"$KEEP_LOGS/$case_-$cache-$run.ms"
    fi
    awk -v run="$run" -v total_s="$(((end - start) / 1000000))" -v total="$total" '
        / ETA / {
            n++
            t[n] = substr($2, 1, length($2) - 1) + 0
            e[n] = $3 + 0
            shown[n] = $(NF)
        }
        END {
            T = total_s / 1000
            split("25 50 75", pts, " ")
            for (i = 1; i <= 3; i++) {
                want = T * pts[i] / 100
                best = 1
                for (j = 1; j <= n; j++)
                    if ((t[j] - want)^2 < (t[best] - want)^2) best = j
                left = T - t[best]
                raw = e[best] > 0 ? t[best] * (total - e[best]) / e[best] : -1
                printf "%-4s %-6s %7.2fs %7.2fs %10s %7.2fs %+7.0f%%\n", run, pts[i] "%",
                    t[best], left, shown[best], raw, 100 * (raw - left) / left
            }
        }' "$work/log"
done
