#!/usr/bin/env bash
# Slack's answer times: Tandem over HTTP at 500 and 1,500 commands a second
# and a Socket Mode burst, and the Bolt for Python peer on the same load in
# the same run (slack_bolt and aiohttp from PyPI, in a venv under ~/.cache).
# Numbers go to BENCHMARKS.md by hand, with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
venv="${TANDEM_BENCH_VENV:-$HOME/.cache/tandem-bench-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import slack_bolt, aiohttp" 2>/dev/null; then
  "$venv/bin/pip" install -q slack_bolt aiohttp
fi
cargo bench --bench ack -- "$@" --python "$venv/bin/python"
