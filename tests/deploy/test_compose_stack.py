"""The Compose stack (deploy/compose) from the project's images: a file uploaded through the API reaches the
reporter's figure; the restricted zone holds (network, PostgreSQL roles, Kafka ACLs); a pg_dump restored over
the database gives the same figures back. A stack of its own (project leaptest, ports 28001..28004)."""

from __future__ import annotations

import subprocess
import time

import pytest

from deploy_support import ROOT

PROJECT = "leaptest"
PORTS = {"LEAP_UPLOADER_PORT": "28001", "LEAP_PSEUDONYMISER_PORT": "28002", "LEAP_MATCHER_PORT": "28003",
         "LEAP_REPORTER_PORT": "28004"}
pytestmark = pytest.mark.timeout(1800)  # the first test may build the bases and images from scratch (~10 min)


@pytest.fixture(scope="module")
def stack(docker_env):
    env = {**docker_env, **PORTS, "LEAP_COMPOSE_PROJECT": PROJECT, "LEAP_COMPOSE_DEMO": "0",
           "LEAP_COMPOSE_DIR": str(ROOT / ".state" / "compose" / PROJECT)}
    stack_sh = ["bash", str(ROOT / "deploy" / "compose" / "stack.sh")]
    subprocess.run([*stack_sh, "down"], env=env, check=False, capture_output=True)
    subprocess.run([*stack_sh, "up"], env=env, check=True)
    try:
        yield env
    finally:
        subprocess.run([*stack_sh, "down"], env=env, check=False, capture_output=True)


def compose(env, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker-compose", "-p", PROJECT, "-f", str(ROOT / "deploy/compose/docker-compose.yml"),
                           *args], env=env, capture_output=True, text=True, check=check)


def wait_healthy(env, services: list[str], deadline_s: float = 180) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        ids = [compose(env, "ps", "-q", s).stdout.strip() for s in services]
        states = [subprocess.run(["/usr/bin/docker", "inspect", "-f", "{{.State.Health.Status}}", i], env=env,
                                 capture_output=True, text=True).stdout.strip() if i else "" for i in ids]
        if all(s == "healthy" for s in states):
            return
        assert time.monotonic() < deadline, f"not healthy: {dict(zip(services, states))}"
        time.sleep(1)  # poll interval, bounded by the deadline above


def python_in(env, service: str, code: str) -> str:
    run = compose(env, "exec", "-T", service, "python", "-c", code, check=False)
    return run.stdout + run.stderr


def test_an_upload_through_the_api_reaches_the_figure_and_survives_a_restore(stack, monkeypatch, tmp_path):
    from leap_tools import compose_demo
    from leap_tools.client import PlatformClient

    for key, value in stack.items():
        if key.startswith("LEAP_") or key == "DOCKER_HOST":
            monkeypatch.setenv(key, value)
    figures = compose_demo.load(rows=1500, seed=7, out=tmp_path / "data")
    assert figures["completed"] == figures["uploads"]
    assert abs(figures["unique_beneficiaries"] - figures["truth"]) <= 2  # published figures are rounded to 5

    reporter = PlatformClient("", f"http://127.0.0.1:{PORTS['LEAP_REPORTER_PORT']}", "",
                              reporter_token=compose_demo.env_value("reporter", "REPORTER_ANALYST_TOKEN"))
    before = reporter.reach()

    # Back up, lose the database, restore it (docs/operations.md, "Back up and restore"), same figures.
    dump = "PGPASSWORD=$(cat /run/secrets/postgres/postgres) pg_dump -h /tmp -U postgres -Fc leap > /tmp/leap.dump"
    restore = ("export PGPASSWORD=$(cat /run/secrets/postgres/postgres); "
               "psql -X -q -h /tmp -U postgres -d postgres -c 'DROP DATABASE leap WITH (FORCE)' && "
               "pg_restore -h /tmp -U postgres -d postgres --create --exit-on-error /tmp/leap.dump")
    compose(stack, "exec", "-T", "postgres", "bash", "-c", dump)
    services = ["uploader", "pseudonymiser", "matcher", "reporter"]
    compose(stack, "stop", *services)
    compose(stack, "exec", "-T", "postgres", "bash", "-c", restore)
    compose(stack, "start", *services)
    wait_healthy(stack, services)
    after = reporter.wait_reach(before["unique_beneficiaries"], deadline_s=180)
    assert {k: v for k, v in after.items() if k != "as_of"} == {k: v for k, v in before.items() if k != "as_of"}


def test_matcher_and_reporter_cannot_reach_the_restricted_zone(stack):
    for service in ("matcher", "reporter"):
        # no route to the restricted zone's services
        out = python_in(stack, service, "import socket\ntry:\n socket.getaddrinfo('uploader', 8001); print('reached')\n"
                        "except OSError: print('unreachable')")
        assert "unreachable" in out, out
        # their PostgreSQL role cannot read the restricted schemas
        name = service.upper()
        out = python_in(stack, service, f"""
import asyncio, os, asyncpg
async def main():
    conn = await asyncpg.connect(os.environ['{name}_DATABASE_URL'])
    for schema in ('uploader', 'pseudonymiser'):
        try:
            await conn.fetch(f'SELECT * FROM {{schema}}.outbox LIMIT 1'); print('read', schema)
        except asyncpg.InsufficientPrivilegeError:
            print('denied', schema)
asyncio.run(main())""")
        assert out.count("denied") == 2, out
        # Kafka refuses their user the restricted topics
        out = python_in(stack, service, f"""
import asyncio, os
from aiokafka import AIOKafkaConsumer, TopicPartition
from leap_contracts.kafka_auth import client_options
async def main():
    c = AIOKafkaConsumer(bootstrap_servers=os.environ['{name}_KAFKA_BOOTSTRAP'], **client_options())
    await c.start()
    try:
        for topic in ('restricted.records-validated.v1', 'restricted.dead-letter.v1'):
            try:
                tp = TopicPartition(topic, 0)
                print('read', topic, (await asyncio.wait_for(c.end_offsets([tp]), 20))[tp])
            except Exception as exc:
                print('denied', topic, type(exc).__name__)
    finally:
        await c.stop()
asyncio.run(main())""")
        assert out.count("denied") == 2 and "read" not in out, out  # the same call works for the zone (below)


def test_the_restricted_zone_reads_its_topics(stack):
    out = python_in(stack, "pseudonymiser", """
import asyncio, os
from aiokafka import AIOKafkaConsumer, TopicPartition
from leap_contracts.kafka_auth import client_options
async def main():
    c = AIOKafkaConsumer(bootstrap_servers=os.environ['PSEUDONYMISER_KAFKA_BOOTSTRAP'], **client_options())
    await c.start()
    try:
        tp = TopicPartition('restricted.records-validated.v1', 0)
        print('end offset', (await c.end_offsets([tp]))[tp])
    finally:
        await c.stop()
asyncio.run(main())""")
    assert "end offset" in out, out
