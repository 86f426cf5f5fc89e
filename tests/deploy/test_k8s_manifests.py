"""The Kubernetes manifests (deploy/k8s), rendered by kustomize, hold the platform's invariants: every workload
non-root with probes and limits, the restricted zone's policies, the matcher's scaler within the partitions,
the images those `make images` builds, secrets by reference only. kustomize is built once into .state/bin
(`go install`, a Go module)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml

from deploy_support import ROOT, images
from leap_contracts import topics

KUSTOMIZE_VERSION = "v5.7.1"
OVERLAYS = ("production", "small")
SERVICES = ("uploader", "pseudonymiser", "matcher", "reporter")


@pytest.fixture(scope="module")
def kustomize() -> str:
    binary = ROOT / ".state" / "bin" / "kustomize"
    if not binary.exists():
        go = shutil.which("go") or "/usr/local/go/bin/go"
        subprocess.run([go, "install", f"sigs.k8s.io/kustomize/kustomize/v5@{KUSTOMIZE_VERSION}"], check=True,
                       cwd="/tmp", env={**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-mod=mod"})
    return str(binary)


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request, kustomize) -> list[dict]:
    out = subprocess.run([kustomize, "build", str(ROOT / "deploy" / "k8s" / "overlays" / request.param)],
                         check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def of_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def test_every_workload_is_non_root_read_only_with_probes_and_limits(rendered):
    deployments = of_kind(rendered, "Deployment")
    assert {d["metadata"]["name"] for d in deployments} == {f"leap-{s}" for s in SERVICES}
    for d in deployments:
        pod = d["spec"]["template"]["spec"]
        for c in pod["containers"]:
            where = f"{d['metadata']['name']}/{c['name']}"
            security = {**pod.get("securityContext", {}), **c.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True and security.get("runAsUser", 0) != 0, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert c.get("readinessProbe") and c.get("livenessProbe"), where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"].get(bound, {})), f"{where}: {bound}"


def test_every_service_has_a_disruption_budget_and_a_service_monitor(rendered):
    for kind in ("PodDisruptionBudget", "ServiceMonitor"):
        assert {d["metadata"]["name"] for d in of_kind(rendered, kind)} >= {f"leap-{s}" for s in SERVICES}, kind
    for monitor in of_kind(rendered, "ServiceMonitor"):
        assert all(e["port"] == "internal" for e in monitor["spec"]["endpoints"])  # metrics only there


def test_the_restricted_zone_is_enforced_by_network_policies(rendered):
    policies = of_kind(rendered, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    assert deny, "no default-deny policy"
    zone = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]["leap/zone"]
            for d in of_kind(rendered, "Deployment")}
    assert zone == {"leap-uploader": "restricted", "leap-pseudonymiser": "restricted", "leap-matcher": "general",
                    "leap-reporter": "general"}
    restricted = [p for p in policies
                  if p["spec"]["podSelector"].get("matchLabels", {}).get("leap/zone") == "restricted"]
    assert restricted, "no policy for the restricted zone"
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                # a rule open to any pod or to the general zone must not select the restricted zone's pods
                selects_restricted = policy["spec"]["podSelector"] == {} or policy in restricted
                labels = peer.get("podSelector", {}).get("matchLabels", {})
                if selects_restricted:
                    assert "podSelector" not in peer or labels.get("leap/zone") == "restricted", policy["metadata"]["name"]


def test_the_matcher_scaler_stays_within_the_partitions(rendered):
    (scaler,) = of_kind(rendered, "ScaledObject")
    trigger = scaler["spec"]["triggers"][0]["metadata"]
    assert trigger["topic"] == topics.RECORDS_PSEUDONYMISED.name and trigger["consumerGroup"] == "leap-matcher"
    (matcher,) = [d for d in of_kind(rendered, "Deployment") if d["metadata"]["name"] == "leap-matcher"]
    env = {e["name"]: e.get("value") for e in matcher["spec"]["template"]["spec"]["containers"][0]["env"]}
    consumers_per_replica = int(env["MATCHER_WORKERS"]) * int(env["MATCHER_CONSUMERS"])
    assert scaler["spec"]["maxReplicaCount"] * consumers_per_replica <= topics.RECORDS_PSEUDONYMISED.partitions
    assert "replicas" not in matcher["spec"], "KEDA owns the matcher's replica count"


def test_images_are_those_make_images_builds(rendered):
    built = images()
    for d in of_kind(rendered, "Deployment"):
        service = d["metadata"]["name"].removeprefix("leap-")
        assert [c["image"] for c in d["spec"]["template"]["spec"]["containers"]] == [built[service]]
    for service in SERVICES:
        with open(ROOT / "services" / service / "pyproject.toml", "rb") as f:
            version = tomllib.load(f)["project"]["version"]
        assert built[service].endswith(f":{version}"), f"{service}: images.tsv and pyproject.toml disagree"
    for name in built:
        dockerfile = next(line.split("\t")[2] for line in (ROOT / "deploy/images/images.tsv").read_text().splitlines()
                          if line.startswith(f"{name}\t"))
        assert (ROOT / dockerfile).exists(), dockerfile


def test_secrets_only_by_reference(rendered):
    assert not of_kind(rendered, "Secret"), "a Secret is rendered from the repository"
    for d in of_kind(rendered, "Deployment"):
        for e in d["spec"]["template"]["spec"]["containers"][0]["env"]:
            if any(word in e["name"] for word in ("PASSWORD", "KEY", "TOKEN")):
                assert "valueFrom" in e, e["name"]


def test_topics_and_users_match_the_contracts(rendered):
    check = subprocess.run([sys.executable, str(ROOT / "deploy" / "kafka_access.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    kafka_topics = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in of_kind(rendered, "KafkaTopic")}
    assert kafka_topics == {t.name: t.partitions for t in topics.ALL}
    for user in of_kind(rendered, "KafkaUser"):
        names = {acl["resource"].get("name", "") for acl in user["spec"]["authorization"]["acls"]}
        restricted = {t.name for t in topics.ALL if t.restricted}
        if user["metadata"]["name"] in ("leap-matcher", "leap-reporter"):
            assert not names & restricted, user["metadata"]["name"]
        else:
            assert restricted <= names, user["metadata"]["name"]


def test_alerts_cover_lag_dead_letters_outbox_and_failed_uploads_with_a_dashboard_beside_them(rendered):
    import json

    (rules,) = of_kind(rendered, "PrometheusRule")
    exprs = " ".join(r["expr"] for g in rules["spec"]["groups"] for r in g["rules"])
    for metric in ("kafka_consumergroup_lag", "dead_letters_total", "cnpg_leap_outbox_oldest_seconds",
                   'uploads_total{outcome=~"refused_.*"}', "cnpg_leap_uploads_rejected_last_hour"):
        assert metric in exprs, metric
    dashboard = json.loads((ROOT / "deploy/k8s/base/monitoring/grafana-dashboard.json").read_text())
    assert len(dashboard["panels"]) >= 6 and all(p["targets"][0]["expr"] for p in dashboard["panels"])
