"""The restricted zone holds: known personal values planted in an upload appear nowhere outside it.

After the planted file has gone through the real pipeline, none of its personal
values is found in any table of the non-restricted schemas (matcher, reporter),
in any message of the run's non-restricted topics, in any service log line, or
in any API answer; the uploader's raw file is gone once its records are queued.
"""

from __future__ import annotations

import asyncio
import csv
import json
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from leap_contracts.pseudonymisation.normalise import nhs_check_digit
from leap_contracts.testing_servers import servers
from leap_contracts.topics import ALL
from leap_tools.localenv import ROOT, STATE


pytestmark = pytest.mark.e2e


def _nhs_number() -> str:
    for seed in range(731_000_001, 731_100_000, 7):
        check = nhs_check_digit(str(seed))
        if check is not None:
            return f"{seed}{check}"
    raise AssertionError("no valid NHS number found")


NHS = _nhs_number()
PLANTED = {
    "nhs_number": f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
    "first_name": "Quillonia",
    "last_name": "Zanzibarova",
    "date_of_birth": "2019-02-13",
    "carer_email": "q.zanzibarova.carer@plantedmail.org",
    "adult_email": "zanzi.parent@plantedmail.org",
    "mobile": "07700 900461",
    "postcode": "sw9 9ae",
    "provider_record_id": "PLANTED-RID-7731",
}
NEEDLES = [v.lower() for v in PLANTED.values()] + [
    NHS, "13/02/2019", "7700900461", "+447700900461", "sw9 9ae", "sw99ae", "plantedmail", "quillonia", "zanzibarova",
]


@pytest.fixture(scope="module")
def planted(platform, client, dataset, tmp_path_factory):
    _, manifest, _ = dataset
    service = sorted({f["service"] for f in manifest["files"]})[0]
    path = tmp_path_factory.mktemp("planted") / "planted.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["provider_record_id", "beneficiary_type", "nhs_number", "first_name", "last_name",
                         "date_of_birth", "gender", "email", "mobile", "primary_carer_email", "primary_carer_mobile",
                         "postcode", "engagement_date", "engagement_type"])
        p = PLANTED
        writer.writerow([p["provider_record_id"], "child", p["nhs_number"], p["first_name"], p["last_name"],
                         p["date_of_birth"], "F", "", "", p["carer_email"], p["mobile"], p["postcode"], "2025-03-04",
                         "group session"])
        writer.writerow([p["provider_record_id"] + "-A", "parent", "", p["first_name"], p["last_name"], "", "",
                         p["adult_email"], p["mobile"], "", "", p["postcode"], "2025-03-04", "home visit"])
    upload_id = client.upload(path, service)
    status = client.wait_final([upload_id], deadline_s=180)[upload_id]
    assert status["status"] == "completed", status
    assert status["rows_accepted"] == 2
    return upload_id, status, path, service


def test_at_source_file_made_by_the_tool_completes(platform, client, planted, tmp_path):
    """The same planted rows, pseudonymised at source with the programme key, go through the pipeline too
    (runs before the leak checks below, so they cover this path as well)."""
    from leap_contracts.pseudonymisation import Tokeniser
    from leap_pseudonymiser.at_source.run import pseudonymise_file
    from leap_pseudonymiser.adapters.onspd_file import ward_table

    source, service = planted[2], planted[3]
    out = tmp_path / "planted.pseudo.csv"
    tokeniser = Tokeniser(bytes.fromhex(platform.env["PSEUDONYMISER_KEY"]), platform.env["PSEUDONYMISER_KEY_ID"])
    if platform.env.get("UPLOADER_PSEUDO_KEY_ID") != tokeniser.key_id:  # the uploader checks manifests against these
        platform.base_env.update(UPLOADER_PSEUDO_KEY_ID=tokeniser.key_id,
                                 UPLOADER_PSEUDO_KEY_CHECK_VALUE=tokeniser.key_check_value)
        platform.stop("uploader")
        platform.start("uploader")
    summary = pseudonymise_file(source, out, tokeniser=tokeniser, service_code=service,
                                wards=ward_table(ROOT / "deploy" / "reference" / "onspd-demo.csv"))
    assert summary.rows_written == 2 and _find(out.read_text(encoding="utf-8"), "at-source file") == []
    manifest = out.with_name(out.name + ".manifest.json")
    with out.open("rb") as f, manifest.open("rb") as m:
        response = httpx.post(f"{client.uploader_url}/api/v1/uploads", headers={"Authorization": f"Bearer {client.token}"},
                              files={"file": (out.name, f), "manifest": (manifest.name, m)}, data={"service": service},
                              timeout=60)
    assert response.status_code < 400, response.text
    upload_id = response.json()["upload_id"]
    status = client.wait_final([upload_id], deadline_s=180)[upload_id]
    assert status["status"] == "completed" and status["rows_accepted"] == 2, status


def _find(haystack: str, where: str) -> list[str]:
    text = haystack.lower()
    return [f"{needle!r} in {where}" for needle in NEEDLES if needle in text]


async def _dump_schemas(database: str, schemas: tuple[str, ...]) -> dict[str, str]:
    conn = await asyncpg.connect(servers().admin_dsn_for(database))
    try:
        tables = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE'", list(schemas))
        dumps = {}
        for t in tables:
            name = f'"{t["table_schema"]}"."{t["table_name"]}"'
            rows = await conn.fetch(f"SELECT t::text AS row FROM {name} t")
            dumps[name] = "\n".join(r["row"] for r in rows)
        return dumps
    finally:
        await conn.close()


async def _read_topics(bootstrap: str, topics: dict[str, int]) -> dict[str, bytes]:
    """Every message (key and value) of each topic (name -> partition count), from the beginning to the end."""
    names = list(topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(n, p) for n, count in topics.items() for p in range(count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: dict[str, list[bytes]] = {n: [] for n in names}
        deadline = asyncio.get_running_loop().time() + 60
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            assert asyncio.get_running_loop().time() < deadline, "could not read the topics to their end"
            for tp, messages in (await consumer.getmany(timeout_ms=500, max_records=5000)).items():
                found[tp.topic].extend((m.key or b"") + b" " + (m.value or b"") for m in messages)
        return {n: b"\n".join(v) for n, v in found.items()}
    finally:
        await consumer.stop()


def test_no_planted_value_in_non_restricted_tables(platform, planted):
    dumps = asyncio.run(_dump_schemas(platform.database, ("matcher", "reporter")))
    assert dumps, "no matcher or reporter tables found"
    assert any(dumps.values()), "the non-restricted tables are empty: the pipeline did not run"
    leaks = [leak for table, text in dumps.items() for leak in _find(text, table)]
    assert leaks == []


def test_no_planted_value_on_non_restricted_topics(platform, planted):
    upload_id, _, _, _ = planted
    bootstrap = platform.env["UPLOADER_KAFKA_BOOTSTRAP"]
    asyncio.run(_topics_exist(bootstrap, platform.prefix))
    topics = {t.full_name(platform.prefix): t.partitions for t in ALL if not t.restricted}
    contents = asyncio.run(_read_topics(bootstrap, topics))
    assert upload_id.encode() in contents[f"{platform.prefix}records.pseudonymised.v1"]
    leaks = [leak for name, data in contents.items() for leak in _find(data.decode("utf-8", "replace"), name)]
    assert leaks == []


async def _topics_exist(bootstrap: str, prefix: str) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        assert {t.full_name(prefix) for t in ALL} <= await consumer.topics()
    finally:
        await consumer.stop()


def test_no_planted_value_in_any_service_log(planted):
    logs = sorted((STATE / "logs").glob("e2e-*.log"))
    assert logs, "no e2e service logs"
    leaks = [leak for log in logs for leak in _find(log.read_text(encoding="utf-8", errors="replace"), log.name)]
    assert leaks == []


def test_no_planted_value_in_any_api_answer(platform, client, planted):
    upload_id, status, _, _ = planted
    answers = {"uploader status": json.dumps(status)}
    refs = asyncio.run(_individual_refs(platform.database))
    for service, port in platform.ports.items():
        base = f"http://127.0.0.1:{port}"
        token = client.reporter_token if service == "reporter" else client.token
        headers = {"Authorization": f"Bearer {token}"}
        for path, item in httpx.get(f"{base}/openapi.json", timeout=30).json()["paths"].items():
            if "get" not in item:
                continue
            urls = [path] if "{" not in path else (
                [path.replace("{upload_id}", upload_id)] if "{upload_id}" in path else
                [path.replace("{ref}", r) for r in refs] if "{ref}" in path else [])
            for url in urls:
                answers[f"{service} GET {url}"] = httpx.get(base + url, headers=headers, timeout=30).text
    for query in ({}, {"ward": "Stockwell"}, {"from": "2025-03-01", "to": "2025-03-31"}):
        answers[f"reach {query}"] = client.reporter_get("/api/v1/reach", **query).text
    leaks = [leak for where, text in answers.items() for leak in _find(text, where)]
    assert leaks == []
    assert len(answers) > 8


async def _individual_refs(database: str) -> list[str]:
    conn = await asyncpg.connect(servers().admin_dsn_for(database))
    try:
        found = await conn.fetchrow("SELECT table_name FROM information_schema.columns "
                                    "WHERE table_schema = 'matcher' AND column_name = 'individual_ref' LIMIT 1")
        if not found:
            return []
        rows = await conn.fetch(f'SELECT DISTINCT individual_ref::text AS r FROM matcher."{found["table_name"]}" LIMIT 20')
        return [r["r"] for r in rows]
    finally:
        await conn.close()


def test_raw_file_is_deleted_once_its_records_are_queued(platform, planted):
    upload_id, _, _, _ = planted

    async def raw_rows() -> int:
        conn = await asyncpg.connect(servers().admin_dsn_for(platform.database))
        try:
            return await conn.fetchval("SELECT count(*) FROM uploader.raw_files WHERE upload_id = $1", uuid.UUID(upload_id))
        finally:
            await conn.close()

    assert asyncio.run(raw_rows()) == 0
