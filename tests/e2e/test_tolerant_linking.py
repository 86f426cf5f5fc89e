"""Tolerant linkage in a running matcher (MATCHER_TOLERANT_LINKING=1) on the real broker and database:
chunks of two uploads about one child, whose first name one provider mistyped, become one tolerant
individual joined by a fuzzy link with its score and pattern; withdrawing an upload breaks the link.
The exact path is untouched (the child stays two individuals there)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from leap_contracts import topics
from leap_contracts.envelope import encode, seal
from leap_contracts.events import (
    CarerTokens,
    IdentifierTokens,
    MatchKeyTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedV1,
    UploadWithdrawnV1,
)
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker
from leap_tools.throwaway import create_platform, drop_platform

pytestmark = pytest.mark.e2e
TOKENISER = Tokeniser(bytes(range(32)), "k1")
UPLOADS = (uuid.UUID(int=181), uuid.UUID(int=182))


def _chunk(upload: uuid.UUID, service: str, first: str) -> RecordsPseudonymisedV1:
    dob, carer = date(2022, 3, 11), "mum@home.net"
    found = RowIdentifier(TOKENISER).identify(beneficiary_type="child", service_code=service, provider_record_id="1",
                                              first_name=first, date_of_birth=dob, gender="female", carer_email=carer)
    record = PseudonymisedRecord(
        row_number=2, beneficiary_type="child", tokens=IdentifierTokens(**found.current.tokens),
        carer_tokens=CarerTokens(**found.current.carer_tokens), birth_month="2022-03", gender="female",
        ward_code="E1", engagement_date=date(2024, 5, 1),
        match_keys=MatchKeyTokens(**MatchKeyMaker(TOKENISER).make("child", first, dob, carer, None)))
    return RecordsPseudonymisedV1(upload_id=upload, provider_id="p", service_code=service, chunk_index=0,
                                  spec_version="1", key_id="k1", records=[record])


async def _send(bootstrap: str, prefix: str, events: list) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            key = (topics.chunk_key(event.upload_id, 0) if isinstance(event, RecordsPseudonymisedV1)
                   else str(event.upload_id)).encode()
            await producer.send_and_wait(event.TOPIC.full_name(prefix),
                                         encode(seal(event, producer="test", correlation_id="t18")), key=key)
    finally:
        await producer.stop()


async def _state(url: str) -> tuple[dict, list]:
    conn = await asyncpg.connect(url, server_settings={"search_path": "matcher"})
    try:
        clusters = {r[0]: r[1] for r in await conn.fetch("SELECT record_id, cluster FROM tolerant_record")}
        links = [(r[0], json.loads(r[1])) for r in await conn.fetch("SELECT score, pattern FROM fuzzy_link")]
        return clusters, links
    finally:
        await conn.close()


def _wait(url: str, done, seconds: float = 60):
    deadline = time.monotonic() + seconds
    state = asyncio.run(_state(url))
    while not done(*state) and time.monotonic() < deadline:
        time.sleep(0.2)  # poll, bounded by the deadline
        state = asyncio.run(_state(url))
    return state


@pytest.fixture(scope="module")
def matcher():
    platform = create_platform(settings={"MATCHER_TOLERANT_LINKING": "1"})
    try:
        platform.start("matcher")
        yield platform
    finally:
        drop_platform(platform)


def test_a_mistyped_child_is_one_tolerant_individual_until_an_upload_is_withdrawn(matcher):
    env = matcher.env
    bootstrap, url = env["MATCHER_KAFKA_BOOTSTRAP"], env["MATCHER_DATABASE_URL"]
    asyncio.run(_send(bootstrap, matcher.prefix, [_chunk(UPLOADS[0], "DL", "Olivia"), _chunk(UPLOADS[1], "OHP", "Oilvia")]))
    clusters, links = _wait(url, lambda c, _links: len(c) == 2 and len(set(c.values())) == 1)
    assert len(clusters) == 2 and len(set(clusters.values())) == 1
    (score, pattern), = links
    assert score >= 2.0 and pattern["mk_name_dob"] == "agree" and pattern["mk_carer_email_dob"] == "agree"

    asyncio.run(_send(bootstrap, matcher.prefix, [UploadWithdrawnV1(upload_id=UPLOADS[0], provider_id="p",
                                                                    service_code="DL")]))
    clusters, links = _wait(url, lambda c, links: len(c) == 1 and not links)
    assert list(clusters) == [f"{UPLOADS[1]}:2"] and links == []
