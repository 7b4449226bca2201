#!/usr/bin/env bash
# The `tandem match` figure of BENCHMARKS.md: generates the roster
# (scripts/gen-roster.py, fixed seed), builds the release binary, and runs
# `tandem match` RUNS times (default 5) on it, printing each run's wall time
# and peak memory (its own process, /usr/bin/time -v) and the median time.
# Usage: scripts/bench-match.sh [ROWS] [RUNS] [--skewed]
# (--skewed: the roster shape of issue 15, see scripts/gen-roster.py)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000}"
runs="${2:-5}"
shape="${3:-}"
roster="${TMPDIR:-/tmp}/tandem-roster-$rows${shape}.csv"
python3 scripts/gen-roster.py "$rows" 1 $shape > "$roster"
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/tandem"
times=()
for i in $(seq "$runs"); do
  stats=$( { /usr/bin/time -v "$bin" match --roster "$roster" --format json > /dev/null; } 2>&1 )
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' <<<"$stats" | awk -F: '{ print ($1 * 60) + $2 }')
  peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' <<<"$stats")
  echo "run $i: ${wall} s wall, $((peak / 1024)) MB peak"
  times+=("$wall")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "tandem match, $rows rows: median ${median} s over $runs runs"
