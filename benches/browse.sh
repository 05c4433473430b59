#!/usr/bin/env bash
# Time until the whole tree is browsable, and peak memory, of `cdu -i`
# against `cdu -s` and the interactive browsers on PATH (dua i, gdu, ncdu).
#
#   benches/browse.sh [TREE] [RUNS]
#
# TREE defaults to the million-file tree of fixtures/bench-million.tree,
# built once with `mktree --cached` into $CDU_TREE_CACHE (default
# /tmp/cdu-cache). RUNS (default 3) runs per tool, warm cache (one scan
# first to warm it).
#
# Each browser runs in a tmux pane of 120x40, under GNU time for its
# peak RSS; the time is from its start to the first frame that shows the
# finished scan (cdu: its "items:" total, gdu and ncdu: "Total disk usage",
# dua 3: its "Processed N entries" once "-> scanning <-" has gone), then it is sent the key
# that quits. A pane that prints such a line at once is timed too: the
# harness's own cost (starting tmux, reading the pane every 20 ms), which
# every browser's time includes. `cdu -s TREE` is timed twice: on its own
# to its exit, and in a pane like the browsers, to the moment its total
# shows there. Watching a pane costs CPU as well as latency (a tmux client
# every 20 ms, and the server drawing the pane), which on a machine of two
# cores slows whatever runs beside it; the pane's `cdu -s` pays the same,
# so `vs cdu -s in a pane` compares like with like. Medians are printed,
# with the machine's load: figures are only comparable within one run of
# this script. `cdu -s .` and `cdu -i` are also timed on a bare
# pseudo-terminal of 120x40, with no tmux and no poller: `cdu -s` to its
# line, `cdu -i` to its finished footer's "items:" in the bytes it writes
# (it writes only what changed since the last frame, so the word can in
# rare cases arrive in pieces: such a run is left out after 30 s and
# counted). `cargo run --release --example browse_fill -- TREE` gives the
# browser's scan without any terminal.
# Targets (issue 24): cdu -i within 1.15x of cdu -s, at most 48 MB.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${2:-3}
CACHE=${CDU_TREE_CACHE:-/tmp/cdu-cache}
cargo build --release --quiet --bin cdu --example mktree
TARGET=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
CDU="$TARGET/release/cdu"
TREE=${1:-$("$TARGET/release/examples/mktree" --cached "$CACHE" fixtures/bench-million.tree)}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(uname -sr); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cdu: $CDU ($("$CDU" --version | head -1))"
echo "tree: $TREE"
echo

python3 - "$CDU" "$TREE" "$RUNS" <<'PY'
import os, pty, select, shlex, shutil, statistics, subprocess, sys, tempfile, time, fcntl, termios, struct, signal

cdu, tree, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
DEADLINE = 600

def rss_of(path):
    try:
        with open(path) as f:
            return int(f.read().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        return float("nan")

def browse(argv, done, quit_key):
    """Runs argv in a tmux pane of 120x40; seconds until done(screen text),
    peak MB. tmux renders the screen, so a frame drawn as a diff of the
    last one reads as what a person sees."""
    out = tempfile.NamedTemporaryFile(delete=False)
    out.close()
    session = f"cdu-bench-{os.getpid()}"
    command = " ".join(shlex.quote(a) for a in ["/usr/bin/time", "-f", "%M", "-o", out.name] + argv)
    start = time.monotonic()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    "-c", tree, f"{command}; tmux wait-for -S {session}-end"], check=True)
    took = None
    while time.monotonic() - start < DEADLINE:
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                capture_output=True, text=True).stdout
        if done(screen):
            took = time.monotonic() - start
            break
        time.sleep(0.02)
    subprocess.run(["tmux", "send-keys", "-t", session, quit_key], check=False)
    subprocess.run(["timeout", "60", "tmux", "wait-for", f"{session}-end"],
                   stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    rss = rss_of(out.name)
    os.unlink(out.name)
    return took, rss

def on_pty(argv, marker, quit_key):
    """Runs argv on a bare pseudo-terminal of 120x40; seconds from the fork
    until `marker` arrives (None if it never does), then sends quit_key."""
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tree)
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, took = b"", None
    while time.monotonic() - start < 30:
        if not select.select([fd], [], [], 1)[0]:
            continue
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            break
        if not data:
            break
        # A tail long enough for a marker cut across two reads.
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
    return took, float("nan")

def timed(argv):
    out = tempfile.NamedTemporaryFile(delete=False)
    out.close()
    start = time.monotonic()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv,
                   stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)
    took = time.monotonic() - start
    rss = rss_of(out.name)
    os.unlink(out.name)
    return took, rss

cases = [("cdu -s", lambda: timed([cdu, "-s", tree]))]
cases.append(("cdu -i", lambda: browse([cdu, "-i", tree], lambda s: "items:" in s and "?: keys" in s, "q")))
# cdu -s watched as the browsers are: its total, then a marker line.
cases.append(("cdu -s in a pane", lambda: browse(
    ["sh", "-c", shlex.quote(cdu) + " -s . && echo cdu-s-ended; exec sleep 60"],
    lambda s: "cdu-s-ended" in s, "C-c")))
# Both on a bare terminal, where nothing but cdu runs.
cases.append(("cdu -s, bare terminal", lambda: on_pty([cdu, "-s", "."], b"\t.", None)))
cases.append(("cdu -i, bare terminal", lambda: on_pty([cdu, "-i"], b"items:", b"q")))
# The harness's own latency: a pane that shows the finished line at once.
cases.append(("(a pane that prints at once)", lambda: browse(["sh", "-c", "echo 'items: ?: keys'; exec sleep 60"],
    lambda s: "items:" in s and "?: keys" in s, "C-c")))
if shutil.which("dua"):
    cases.append(("dua i", lambda: browse(["dua", "i", tree],
        lambda s: "Processed" in s and "scanning" not in s, "q")))
if shutil.which("gdu"):
    cases.append(("gdu", lambda: browse(["gdu", tree],
        lambda s: "Total disk usage" in s, "q")))
if shutil.which("ncdu"):
    cases.append(("ncdu", lambda: browse(["ncdu", tree], lambda s: "Total disk usage" in s, "q")))

# Warm the cache.
subprocess.run([cdu, "-s", tree], stdout=subprocess.DEVNULL, check=True)
results = {}
for i in range(runs):
    for name, run in cases:
        took, rss = run()
        results.setdefault(name, []).append((took, rss))

base = statistics.median(t for t, _ in results["cdu -s"])
paned = statistics.median(t for t, _ in results["cdu -s in a pane"] if t is not None)
print(f"| command | until browsable (median of {runs}) | vs cdu -s | vs cdu -s in a pane | peak RSS |")
print("|---|---:|---:|---:|---:|")
for name, _ in cases:
    if name.endswith(", bare terminal"):
        continue  # in the line below the table
    times = [t for t, _ in results[name] if t is not None]
    rss = statistics.median(r for _, r in results[name])
    if times:
        t = statistics.median(times)
        print(f"| {name} | {t:.2f} s | {t / base:.2f}x | {t / paned:.2f}x | {rss:.0f} MB |")
    else:
        print(f"| {name} | did not finish | | | {rss:.0f} MB |")
bare = {name: [t for t, _ in results[f"{name}, bare terminal"] if t is not None] for name in ("cdu -s", "cdu -i")}
if bare["cdu -s"] and bare["cdu -i"]:
    s, i = statistics.median(bare["cdu -s"]), statistics.median(bare["cdu -i"])
    print()
    print(f"On a bare terminal: cdu -i {i:.3f} s, cdu -s {s:.3f} s: {i / s:.3f}x "
          f"({len(bare['cdu -i'])} and {len(bare['cdu -s'])} of {runs} runs counted)")
print()
print(f"load after: {open('/proc/loadavg').read().split()[:3]}")
PY
