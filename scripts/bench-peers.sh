#!/usr/bin/env bash
# Benchmarks the matcher against its peers in one run: the mwmatching crate,
# rustworkx and networkx from PyPI (installed into a venv under ~/.cache),
# and LEMON when liblemon-dev is installed. Numbers go to BENCHMARKS.md by hand, with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TANDEM_BENCH_VENV:-$HOME/.cache/tandem-bench-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q rustworkx networkx
fi
# LEMON (C++), when liblemon-dev is installed: a small driver, built here.
lemon_args=()
if [[ -f /usr/include/lemon/matching.h ]]; then
  driver="${TMPDIR:-/tmp}/tandem-lemon-peer"
  g++ -O2 -std=c++17 benches/lemon_peer.cpp -llemon -o "$driver"
  lemon_args=(--lemon "$driver")
else
  echo "LEMON: skipped — liblemon-dev is not installed (apt-get install liblemon-dev)"
fi
cargo bench --bench matching -- "$@" --python "$venv/bin/python" "${lemon_args[@]}"
cargo bench --bench engine
