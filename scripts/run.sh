#!/usr/bin/env bash
# Runs the bot. Reads .env if present (copy .env.example and fill in the
# tokens). With SLACK_APP_TOKEN set it uses Socket Mode, so no public URL is
# needed; without REDIS_URL it keeps data in memory (lost on restart).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f .env ]]; then
  set -a
  # shellcheck disable=SC1091
  source .env
  set +a
fi
exec cargo run --release --quiet -- serve "$@"
