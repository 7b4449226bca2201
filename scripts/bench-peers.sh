#!/usr/bin/env bash
# Benchmarks the matcher against its peers in one run: the mwmatching crate,
# and rustworkx and networkx from PyPI (installed into a venv under
# ~/.cache). Numbers go to BENCHMARKS.md by hand, with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TANDEM_BENCH_VENV:-$HOME/.cache/tandem-bench-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q rustworkx networkx
fi
cargo bench --bench matching -- "$@" --python "$venv/bin/python"
cargo bench --bench engine
