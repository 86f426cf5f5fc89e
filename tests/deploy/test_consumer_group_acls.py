"""Every consumer group a service joins is one its Kafka user may use, in the Compose ACL plan and in the
Strimzi KafkaUsers: the groups are named after the service (``leap-<name>...``) and the ACLs are prefixed, so
the matcher's second group (``leap-matcher-tolerant``, issue 18) and the access groups need no entry of their
own. This test fails the day a group is named otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # deploy_support (the suite runs with importlib)
from deploy_support import ROOT

from leap_matcher import app as matcher_app, edge as matcher_edge
from leap_matcher.service import tolerant_handlers
from leap_reporter import bootstrap as reporter_edge

GROUPS = {"leap-matcher": (matcher_app.GROUP_ID, tolerant_handlers.GROUP_ID, matcher_edge.ACCESS_GROUP),
          "leap-reporter": ("leap-reporter", "leap-reporter-rebuild-20260101T000000000000Z",
                            reporter_edge.ACCESS_GROUP)}


def _compose_prefixes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (ROOT / "deploy/compose/kafka-acls.txt").read_text().splitlines():
        if line.startswith("#"):
            continue
        user, _, resource, pattern, names = line.split("\t")
        if resource == "group" and pattern == "prefixed":
            found.setdefault(user, []).extend(names.split())
    return found


def _strimzi_prefixes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for doc in yaml.safe_load_all((ROOT / "deploy/k8s/base/kafka/users.yaml").read_text()):
        if doc and doc.get("kind") == "KafkaUser":
            found[doc["metadata"]["name"]] = [
                acl["resource"]["name"] for acl in doc["spec"]["authorization"]["acls"]
                if acl["resource"]["type"] == "group" and acl["resource"].get("patternType") == "prefix"]
    return found


@pytest.mark.parametrize("plan", [_compose_prefixes, _strimzi_prefixes], ids=["compose", "k8s"])
def test_every_consumer_group_is_covered_by_its_users_prefixed_acl(plan):
    prefixes = plan()
    for user, groups in GROUPS.items():
        for group in groups:
            assert any(group.startswith(p) for p in prefixes[user]), f"{user} may not use group {group}"
