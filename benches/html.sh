#!/usr/bin/env bash
# What --html costs on the million-file tree (fixtures/bench-million.tree):
# the page's size, the time to write it against `cdu -s` alone (one
# hyperfine run, both commands), the peak RSS of each (/usr/bin/time -v),
# and the time headless chromium takes to load and draw the page (the
# navigation's loadEventEnd, through chromedriver; the page draws before
# its load event ends).
#
#   benches/html.sh [TREE]
#
# The tree is built once with `mktree --cached` into $CDU_TREE_CACHE
# (default /tmp/cdu-cache). Needs hyperfine, chromium, chromium-driver,
# curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example mktree
TARGET=${CARGO_TARGET_DIR:-target}
CDU=$TARGET/release/cdu
CACHE=${CDU_TREE_CACHE:-/tmp/cdu-cache}
TREE=${1:-$("$TARGET/release/examples/mktree" --cached "$CACHE" fixtures/bench-million.tree)}
WORK=$(mktemp -d)
trap 'kill "$DRIVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
DRIVER=
PAGE=$WORK/page.html

echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$CDU" --version | head -1), tree $TREE"
"$CDU" -s -B1 "$TREE"

hyperfine --warmup 2 --runs 10 -N --export-markdown "$WORK/times.md" --export-json "$WORK/times.json" \
  "$CDU -s $TREE" \
  "$CDU -s --html=$PAGE $TREE" >/dev/null
cat "$WORK/times.md"
python3 - "$WORK/times.json" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["results"]
medians = [statistics.median(r["times"]) for r in runs]
for r, m in zip(runs, medians):
    print(f"median {m:.3f} s: {r['command']}")
print(f"median ratio, page / -s alone: {medians[1] / medians[0]:.2f}")
PY

for args in "-s" "-s --html=$PAGE"; do
  # shellcheck disable=SC2086 # the words are the options
  rss=$(/usr/bin/time -v "$CDU" $args "$TREE" 2>&1 >/dev/null | awk '/Maximum resident/ {print $6}')
  echo "peak RSS of cdu $args: $((rss / 1024)) MiB"
done
echo "page: $(stat -c %s "$PAGE") bytes"

PORT=9599
chromedriver --port=$PORT >/dev/null 2>&1 &
DRIVER=$!
for _ in $(seq 100); do
  curl -s "http://127.0.0.1:$PORT/status" >/dev/null && break
  sleep 0.1
done
call() { curl -s -X "$1" -H 'Content-Type: application/json' -d "${3:-{\}}" "http://127.0.0.1:$PORT$2"; }
renders=()
for _ in 1 2 3 4 5; do
  caps=$(printf '{"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:chromeOptions":{"binary":"%s","args":["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync","--window-size=1400,900","--user-data-dir=%s"]}}}}' \
    "$(command -v chromium)" "$(mktemp -d -p "$WORK")")
  session=$(call POST /session "$caps" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["sessionId"])')
  call POST "/session/$session/url" "{\"url\":\"file://$PAGE\"}" >/dev/null
  ms=$(call POST "/session/$session/execute/sync" \
    '{"script":"var t = performance.getEntriesByType(\"navigation\")[0]; return [t.loadEventEnd, document.querySelectorAll(\".box\").length];","args":[]}' |
    python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print("%d %d" % (v[0], v[1]))')
  renders+=("${ms% *}")
  echo "load and draw: ${ms% *} ms, ${ms#* } boxes drawn"
  call DELETE "/session/$session" >/dev/null
done
median=$(printf '%s\n' "${renders[@]}" | sort -n | sed -n 3p)
echo "median load and draw: $median ms"
