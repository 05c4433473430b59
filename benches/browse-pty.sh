#!/usr/bin/env bash
# Time until the whole tree is browsable in `cdu -i` on a bare
# pseudo-terminal, against `cdu -s` on the same kind of terminal: no
# tmux drawing a pane and no watcher polling it, so the two cores are left
# to cdu (benches/browse.sh measures through tmux, as it must for the
# other browsers, and that costs CPU beside what it watches).
#
#   benches/browse-pty.sh [TREE] [RUNS]
#
# TREE defaults to the million-file tree of fixtures/bench-million.tree
# (built once with `mktree --cached`); RUNS (default 9) of each, one
# after the other, warm cache. The terminal is 120x40, TERM=xterm-256color.
# `cdu -s .` is timed from just before the fork to the arrival of its
# line; `cdu -i` to the arrival of the finished footer's "items:" in the
# bytes it writes, then it is sent `q`. The browser writes only what
# changed since the last frame, so the word can in rare cases reach the
# terminal in pieces; a run that shows no "items:" within 30 s is left
# out and counted. Medians are printed, with the machine's load.
# Target (issue 24): cdu -i within 1.15x of cdu -s.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${2:-9}
CACHE=${CDU_TREE_CACHE:-/tmp/cdu-cache}
cargo build --release --quiet --bin cdu --example mktree
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
CDU="$TARGET/release/cdu"
TREE=${1:-$("$TARGET/release/examples/mktree" --cached "$CACHE" fixtures/bench-million.tree)}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cdu: $(git rev-parse --short HEAD) ($("$CDU" --version | head -1))"
echo "tree: $TREE"
"$CDU" -s "$TREE" >/dev/null
echo

python3 - "$CDU" "$TREE" "$RUNS" <<'PY'
import fcntl, os, pty, select, statistics, struct, sys, termios, time

cdu, tree, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
DEADLINE = 30

def on_pty(argv, marker, quit_key):
    """Seconds from the fork until `marker` arrives on the terminal (None
    if it never does), then sends quit_key and waits for the end."""
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tree)
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, took = b"", None
    while time.monotonic() - start < DEADLINE:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            break
        if not data:
            break
        # Keep a tail long enough for a marker cut across two reads.
        seen = seen[-64:] + data
        if marker in seen:
            took = time.monotonic() - start
            break
    if quit_key:
        os.write(fd, quit_key)
    while True:
        try:
            if not os.read(fd, 1 << 16):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    return took

times = {"cdu -s": [], "cdu -i": []}
for _ in range(runs):
    times["cdu -s"].append(on_pty([cdu, "-s", "."], b"\t.", None))
    times["cdu -i"].append(on_pty([cdu, "-i"], b"items:", b"q"))

base = statistics.median(t for t in times["cdu -s"] if t is not None)
print(f"| command | until browsable (median) | vs cdu -s | runs counted |")
print("|---|---:|---:|---:|")
for name, ts in times.items():
    counted = [t for t in ts if t is not None]
    t = statistics.median(counted)
    print(f"| {name} | {t:.3f} s | {t / base:.3f}x | {len(counted)} of {len(ts)} |")
print()
print(f"load after: {' '.join(open('/proc/loadavg').read().split()[:3])}")
PY
