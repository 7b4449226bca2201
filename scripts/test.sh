#!/usr/bin/env bash
# The test command: starts Redis if none answers, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
cargo test "$@"
