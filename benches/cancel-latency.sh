#!/usr/bin/env bash
# Cancellation latency and progress overhead of cdu (issue 3).
#
#   benches/cancel-latency.sh [TREE] [RUNS]
#
# TREE defaults to the million-file benchmark tree (fixtures/bench-million.tree,
# built once with `mktree --cached` into $CDU_TREE_CACHE, default
# /tmp/cdu-cache). RUNS (default 15) is the number of cancels per case.
#
# Latency: cdu is started on TREE, stopped part way (at a random point
# between 10% and 70% of a full scan), by SIGINT, SIGTERM or a key press on
# a pseudo-terminal, and the time from the signal or key to the process's
# exit is taken (waitpid). Warm: the tree is in the page cache. Cold: the
# caches are dropped before each run (needs root; skipped otherwise).
# Target: at most 100 ms.
#
# Overhead: hyperfine, `cdu TREE` against `cdu -v TREE` with stderr not a
# terminal (plain lines every 500 ms), warm cache. Target: at most 5%.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${2:-15}
CACHE=${CDU_TREE_CACHE:-/tmp/cdu-cache}
cargo build --release --quiet --bin cdu --example mktree
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
CDU="$TARGET/release/cdu"
TREE=${1:-$("$TARGET/release/examples/mktree" --cached "$CACHE" fixtures/bench-million.tree)}

echo "cdu: $CDU"
echo "tree: $TREE ($(find "$TREE" | wc -l) entries)"
echo

python3 - "$CDU" "$TREE" "$RUNS" <<'EOF'
import fcntl, os, pty, random, signal, statistics, subprocess, sys, time, termios

cdu, tree, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
can_drop = os.geteuid() == 0 and os.access("/proc/sys/vm/drop_caches", os.W_OK)

def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")

def full_scan_time():
    start = time.monotonic()
    subprocess.run([cdu, "-s", tree], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)
    return time.monotonic() - start

def one_run(how, cold, full):
    if cold:
        drop_caches()
    if how == "key":
        master, slave = pty.openpty()
        def controlling_tty():
            # The pty on stdin becomes the controlling terminal, in the
            # foreground; the results still go to /dev/null (a pty that
            # nobody reads would block them).
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        child = subprocess.Popen([cdu, tree], stdin=slave, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, preexec_fn=controlling_tty)
        os.close(slave)
    else:
        master = None
        child = subprocess.Popen([cdu, tree], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A benchmark, not a test: stopping at a random point of the scan is the
    # point, so a sleep is what is wanted here.
    time.sleep(random.uniform(0.1, 0.7) * full)
    if child.poll() is not None:
        return None
    start = time.monotonic()
    if how == "key":
        os.write(master, b"q")
    else:
        child.send_signal(signal.SIGINT if how == "SIGINT" else signal.SIGTERM)
    status = child.wait()
    latency = time.monotonic() - start
    if master is not None:
        os.close(master)
    if status != 130:
        raise SystemExit(f"{how}: exit status {status}, expected 130")
    return latency

rows = []
for cold in ([False, True] if can_drop else [False]):
    if cold:
        drop_caches()
    else:
        full_scan_time()  # warm the cache
    full = full_scan_time()
    for how in ["SIGINT", "SIGTERM", "key"]:
        samples = [l for l in (one_run(how, cold, full) for _ in range(runs)) if l is not None]
        ms = [1000 * s for s in samples]
        rows.append(("cold" if cold else "warm", how, f"{full:.2f}", len(ms),
                     f"{statistics.median(ms):.1f}", f"{max(ms):.1f}"))

print("| cache | cancel by | full scan (s) | runs | median (ms) | max (ms) |")
print("|-------|-----------|---------------|------|-------------|----------|")
for r in rows:
    print("| " + " | ".join(str(x) for x in r) + " |")
if not can_drop:
    print("\n(cold cache skipped: dropping caches needs root)")
EOF

echo
echo "Progress overhead (warm cache, stderr not a terminal):"
hyperfine --warmup 2 --runs "${OVERHEAD_RUNS:-15}" \
  -n 'cdu' "$CDU $TREE" \
  -n 'cdu -v' "$CDU -v $TREE" \
  -n 'cdu --mode verbose' "$CDU --mode verbose $TREE" \
  -n 'cdu --mode sequential' "$CDU --mode sequential $TREE"
