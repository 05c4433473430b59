#!/usr/bin/env bash
# Time from starting `cdu -i` on a real pseudo-terminal to its first frame
# on that terminal: the switch to the alternate screen, then the title row
# ("cdu -i ...") written after it.
#
#   benches/first-frame.sh [RUNS] [TREE...]
#
# RUNS (default 9) runs per tree; TREE defaults to /usr and
# /work/bench/million. The terminal is 120x40 with TERM=xterm-256color;
# each run is timed from just before the fork to the byte that completes
# the title, read as it arrives, then `q` is sent and the browser waited
# for. Caches are warmed by one `cdu -s` per tree first. The median,
# fastest and slowest are printed with the machine's load.
# Target (issue 24): the first frame within 100 ms of the start.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-9}
shift || true
TREES=("$@")
[ ${#TREES[@]} -gt 0 ] || TREES=(/usr /work/bench/million)
cargo build --release --quiet --bin cdu
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
CDU="$TARGET/release/cdu"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cdu: $(git rev-parse --short HEAD) ($(git rev-parse --abbrev-ref HEAD))"
for tree in "${TREES[@]}"; do "$CDU" -s "$tree" >/dev/null 2>&1 || true; done
echo

python3 - "$CDU" "$RUNS" "${TREES[@]}" <<'PY'
import fcntl, os, pty, select, signal, statistics, struct, sys, termios, time

cdu, runs, trees = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ALT = b"\x1b[?1049h"
TITLE = b"cdu -i "

def first_frame(tree):
    """Milliseconds from the fork to the first frame's title, or None."""
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(cdu, [cdu, "-i", tree])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, took = b"", None
    while time.monotonic() - start < 10:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        at = seen.find(ALT)
        if at >= 0 and seen.find(TITLE, at) >= 0:
            took = (time.monotonic() - start) * 1000
            break
    os.write(fd, b"q")
    # Drain until the browser has gone, so that it never blocks on a
    # full terminal.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    return took

print(f"| tree | first frame, median of {runs} | fastest | slowest |")
print("|---|---:|---:|---:|")
for tree in trees:
    times = [first_frame(tree) for _ in range(runs)]
    got = [t for t in times if t is not None]
    if len(got) < len(times):
        print(f"{tree}: {len(times) - len(got)} runs drew no frame", file=sys.stderr)
    if got:
        print(f"| {tree} | {statistics.median(got):.1f} ms | {min(got):.1f} ms | {max(got):.1f} ms |")
print()
print(f"load after: {' '.join(open('/proc/loadavg').read().split()[:3])}")
PY
