"""The watermark on the real pipeline: while files are being processed no reach answer calls itself up to date
unless it is exact for what it claims to include, and an upload's ``reportable_at`` is set only once the
published figure includes it.

Its own throw-away platform, so no other module's uploads (or planted poison) are on their way meanwhile.
"""

import asyncio
import json
from datetime import datetime

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from leap_contracts.topics import FILE_RECEIVED
from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import create_provider
from leap_tools.reach_probe import ReachProbe
from leap_tools.throwaway import running_platform

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def quiet_platform():
    with running_platform("watermark") as platform:
        yield platform


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("watermark")
    generate(8000, out, seed=23, formats="csv")
    manifest, truth = (json.loads((out / name).read_text()) for name in ("manifest.json", "truth.json"))
    last = max(manifest["files"], key=lambda f: f["rows"])  # held back: most likely to hold people of its own
    return out, [f for f in manifest["files"] if f is not last], last, truth


@pytest.fixture(scope="module")
def client(quiet_platform, files):
    _, first, last, _ = files
    token = create_provider(quiet_platform.env, "watermark-provider", "Watermark provider",
                            sorted({f["service"] for f in [*first, last]}))
    return PlatformClient(quiet_platform.url("uploader"), quiet_platform.url("reporter"), token,
                          reporter_token=quiet_platform.env["REPORTER_ADMIN_TOKEN"])


def _as_of(answer) -> float:
    return datetime.fromisoformat(answer.as_of).timestamp()


def test_no_answer_is_up_to_date_while_the_load_is_on_its_way_and_the_upload_counts_once_published(
        quiet_platform, files, client):
    folder, first, last, truth = files
    with ReachProbe(quiet_platform.url("reporter"), quiet_platform.env["REPORTER_ADMIN_TOKEN"], every=0.02) as probe:
        uploads = [client.upload(folder / f["file"], f["service"]) for f in first]
        posted = datetime.now().timestamp()
        final = client.wait_final(uploads, deadline_s=180)
        for upload_id in (u for u, status in final.items() if status["status"] == "completed"):
            client.wait_reportable(upload_id, deadline_s=60)  # a file rejected whole never counts
        settled = client.reach(suppression="off", consistency="current")
        assert settled["up_to_date"] is True and settled["not_yet_counted"] == {"uploads": 0, "events": 0}

        held_back = client.upload(folder / last["file"], last["service"])
        held_back_posted = datetime.now().timestamp()
        client.wait_reportable(held_back, deadline_s=180)
        published = client.reach(suppression="off")  # the default answer: the published figure
        done = datetime.now().timestamp()

    # reportable only once the published figure includes the upload: right then it is the whole truth
    assert published["up_to_date"] is True and published["unique_beneficiaries"] == truth["unique_beneficiaries"]
    assert settled["unique_beneficiaries"] != truth["unique_beneficiaries"]  # the held-back file made a difference
    client.wait_exact(truth, deadline_s=60)

    answers = [a for a in probe.answers if a.at <= done]
    assert any(not a.up_to_date and a.waiting["uploads"] for a in answers), "no answer said uploads were on their way"
    # every answer that says "up to date" is exact for what it claims (as_of: everything received before it)
    for answer in (a for a in answers if a.up_to_date):
        if _as_of(answer) >= held_back_posted:
            assert answer.value == truth["unique_beneficiaries"], answer
        elif _as_of(answer) >= posted:
            assert answer.value == settled["unique_beneficiaries"], answer


def test_an_upload_is_on_the_broker_when_its_post_is_answered(quiet_platform, files, client, tmp_path):
    """What makes "as of" honest: a figure asked for right after the answer already sees the upload on its way
    (the reporter's watermark reads the topics), rather than calling itself current while it sits in an outbox."""
    folder, _, last, _ = files
    lines = (folder / last["file"]).read_text().splitlines(keepends=True)
    small = tmp_path / "three-rows.csv"
    small.write_text("".join(lines[:4]))  # a file of its own: not a repeat of one already sent
    upload_id = client.upload(small, last["service"])
    keys = asyncio.run(_keys_on(quiet_platform.env["UPLOADER_KAFKA_BOOTSTRAP"],
                                FILE_RECEIVED.full_name(quiet_platform.prefix), FILE_RECEIVED.partitions))
    assert upload_id.encode() in keys


async def _keys_on(bootstrap: str, topic: str, partitions: int) -> list[bytes]:
    """The keys of every message on ``topic`` up to its end offsets as they are now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        assigned = [TopicPartition(topic, p) for p in range(partitions)]
        ends = await consumer.end_offsets(assigned)  # first, before reading: what is there now
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        keys: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 30
        while [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
            assert asyncio.get_running_loop().time() < deadline, "could not read the topic to its end"
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                keys += [m.key for m in messages if m.offset < ends[TopicPartition(m.topic, m.partition)]]
        return keys
    finally:
        await consumer.stop()
