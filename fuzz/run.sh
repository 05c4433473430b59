#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 20) with libFuzzer,
# starting from the seeds in fuzz/corpus/<target>/; new inputs that reach
# new code are kept in a scratch corpus, not in the repository. A crash
# stops the run with libFuzzer's report and the input saved under
# fuzz/artifacts/<target>/.
#   fuzz/run.sh 20            every target, 20 s each
#   fuzz/run.sh 300 import    one target, five minutes
# Needs cargo-fuzz (cargo install cargo-fuzz). On a stable toolchain the
# nightly flags libFuzzer needs are allowed with RUSTC_BOOTSTRAP=1; no
# sanitizer is used (-s none): the code under test is safe Rust, so what
# is looked for is panics, overflows (debug assertions are on), hangs
# and runaway memory.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(import listing files0 exclude history)
export RUSTC_BOOTSTRAP=1
flags=(-O -a -s none)
cargo fuzz build "${flags[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  echo "fuzz $t: ${seconds}s"
  cargo fuzz run "${flags[@]}" "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 2>&1 | grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|Done)|panicked|ERROR|crash-|timeout-|oom-' || true
  # libFuzzer exits non-zero on a finding; the pipeline above hides that,
  # so look for what it leaves behind.
  if compgen -G "fuzz/artifacts/$t/*" >/dev/null; then
    echo "fuzz $t: found a failing input in fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
