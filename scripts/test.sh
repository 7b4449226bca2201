#!/usr/bin/env bash
# The test command: starts Redis if none answers, then runs every test, then
# every benchmark in its small smoke mode (so the benchmarks' own checks —
# peers agree on the optimum, pruning keeps 99.5 %, check-ins all arrive,
# pacing holds — run too; their timings mean nothing in a debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
cargo test "$@"
TANDEM_BENCH_SMOKE=1 cargo test --benches "$@"
