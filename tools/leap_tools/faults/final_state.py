"""The final state of a platform, in terms two runs of the same workload can be compared in (labels, not
upload ids; individuals as sets of records, since references are numbered in the order individuals are made):

- every upload's status, counts and problems;
- the matcher's partition of records into individuals, read from its schema;
- the reporter's figures, overall and per slicer (admin token, suppression off, consistency current);
- a downstream consumer's copy built from ``matching.records-matched.v1`` and ``beneficiaries.events.v2``
  (``services/matcher/examples/consumer.py``'s ``Picture``), which must hold the matcher's references;
- the dead letters of every service (there must be none).
"""

from __future__ import annotations

import asyncio
import importlib.util
from dataclasses import dataclass

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from leap_contracts import topics
from leap_contracts.envelope import UnknownEventType, decode, open_envelope
from leap_contracts.testing_servers import servers
from leap_tools.localenv import ROOT
from leap_tools.throwaway import SERVICES, Platform

_UPLOAD_FIELDS = ("service", "file_format", "status", "rows_total", "rows_accepted", "rows_rejected",
                  "rejection_reason", "chunk_count", "chunks_matched", "at_source", "errors_truncated")
_VOLATILE = ("as_of", "up_to_date", "not_yet_counted")
_ORDER_DEPENDENT = ("Upload", "Validated", "Matched to existing %")
"""Columns of the quality figures that differ between two correct runs: the upload id's first characters
(the rows are keyed by label instead), when it was validated, and how many of its records joined individuals
already held (which depends on the order uploads were matched in)."""


def _picture_class():
    spec = importlib.util.spec_from_file_location("matcher_example_consumer",
                                                  ROOT / "services" / "matcher" / "examples" / "consumer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Picture


@dataclass
class FinalState:
    uploads: dict[str, dict]
    partition: list[list[tuple[str, int]]]
    figures: dict[str, object]
    consumer_partition: list[list[tuple[str, int]]]
    reference_mismatches: int
    """Records whose individual reference in the consumer's copy is not the matcher's."""
    redelivered: int
    """Events read more than once from the topics (the consumer skipped them by event id)."""
    dead_letters: dict[str, int]
    relationships: list[tuple] = ()
    """The matcher's carer-child links, each individual named by its first record (comparable across runs)."""
    reporter_relationships_differ: int = 0
    """Links the reporter's read model holds (resolved through merges) and the matcher does not, or the reverse."""

    def differences(self, reference: FinalState, *, poisoned: int = 0) -> list[str]:
        """What differs from the undisturbed run, and what is wrong in this one on its own (``poisoned``: the
        poison messages planted, each of which must be the matcher's dead letter, once)."""
        found = []
        for label in sorted(set(self.uploads) | set(reference.uploads)):
            if self.uploads.get(label) != reference.uploads.get(label):
                found.append(f"upload {label}: {self.uploads.get(label)} != reference {reference.uploads.get(label)}")
        if self.partition != reference.partition:
            found.append(f"matcher partition differs: {len(self.partition)} individuals, reference "
                         f"{len(reference.partition)}")
        for name in sorted(set(self.figures) | set(reference.figures)):
            if self.figures.get(name) != reference.figures.get(name):
                found.append(f"figure {name}: {self.figures.get(name)} != reference {reference.figures.get(name)}")
        if self.consumer_partition != self.partition:
            found.append(f"the consumer's copy ({len(self.consumer_partition)} individuals) is not the matcher's "
                         f"partition ({len(self.partition)})")
        if self.reference_mismatches:
            found.append(f"{self.reference_mismatches} records have another reference in the consumer's copy")
        if self.relationships != reference.relationships:
            found.append(f"carer-child links differ: {len(self.relationships)}, reference {len(reference.relationships)}"
                         f"; only here: {sorted(set(self.relationships) - set(reference.relationships))[:5]}; only in the"
                         f" reference: {sorted(set(reference.relationships) - set(self.relationships))[:5]}")
        if self.reporter_relationships_differ:
            found.append(f"{self.reporter_relationships_differ} carer-child links differ between matcher and reporter")
        expected = {service: poisoned if service == "matcher" else 0 for service in self.dead_letters}
        if self.dead_letters != expected:
            found.append(f"dead letters: {self.dead_letters}, expected {expected} ({poisoned} poison planted)")
        return found


def read(platform: Platform, ids: dict[str, str], states: dict[str, dict]) -> FinalState:
    """``states``: label -> the upload's state as the API answers it."""
    labels = {v: k for k, v in ids.items()}
    partition, copy, mismatches, redelivered = _partitions(platform, labels)
    return FinalState(uploads=_uploads(states, labels), partition=partition, figures=_figures(platform, labels),
                      consumer_partition=copy, reference_mismatches=mismatches, redelivered=redelivered,
                      dead_letters=asyncio.run(_dead_letters(platform.database)),
                      **asyncio.run(_relationships(platform.database, labels)))


def _uploads(states: dict[str, dict], labels: dict[str, str]) -> dict[str, dict]:
    found = {}
    for label, state in states.items():
        entry = {k: state.get(k) for k in _UPLOAD_FIELDS}
        entry["errors"] = [(e["row"], e["column"], e["code"]) for e in state.get("errors", [])]
        for k in ("replaces", "replaced_by"):
            entry[k] = labels.get(str(state[k])) if state.get(k) else None
        entry["reportable"] = bool(state.get("reportable_at"))
        found[label] = entry
    return found


async def _connect(database: str) -> asyncpg.Connection:
    return await asyncpg.connect(servers().admin_dsn_for(database))


async def _relationships(database: str, labels: dict[str, str]) -> dict:
    conn = await _connect(database)
    try:
        first: dict[str, tuple] = {}
        for r in await conn.fetch("SELECT i.ref, r.upload_id, r.row_number FROM matcher.individual i "
                                  "JOIN matcher.record r ON r.individual_id = i.id"):
            key = (labels.get(str(r["upload_id"]), str(r["upload_id"])), r["row_number"])
            first[r["ref"]] = min(first.get(r["ref"], key), key)
        matcher = {(r["child"], r["carer"]) for r in await conn.fetch(
            # the matcher keeps links on the individuals they were made with and follows merges (kept flat)
            "SELECT DISTINCT c.ref AS child, k.ref AS carer FROM matcher.relationship x "
            "JOIN matcher.individual c0 ON c0.id = x.child_id JOIN matcher.individual c "
            "ON c.id = coalesce(c0.merged_into, c0.id) JOIN matcher.individual k0 ON k0.id = x.carer_id "
            "JOIN matcher.individual k ON k.id = coalesce(k0.merged_into, k0.id)")}
        reporter = {(r["child"], r["carer"]) for r in await conn.fetch(
            "SELECT DISTINCT coalesce(k.survivor_ref, r.child_ref) AS child, coalesce(c.survivor_ref, r.carer_ref) "
            "AS carer FROM reporter.relationship r LEFT JOIN reporter.individual_alias c ON c.ref = r.carer_ref "
            "LEFT JOIN reporter.individual_alias k ON k.ref = r.child_ref")}
    finally:
        await conn.close()
    named = sorted((str(first.get(child)), str(first.get(carer))) for child, carer in matcher)
    return {"relationships": named, "reporter_relationships_differ": len(matcher ^ reporter)}


async def _dead_letters(database: str) -> dict[str, int]:
    conn = await _connect(database)
    try:
        return {s: await conn.fetchval(f"SELECT count(*) FROM {s}.dead_letter") for s in SERVICES}
    finally:
        await conn.close()


def _figures(platform: Platform, labels: dict[str, str]) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {platform.env['REPORTER_ADMIN_TOKEN']}"}
    base, params = platform.url("reporter"), {"suppression": "off", "consistency": "current"}

    def get(path: str, **extra) -> dict:
        response = httpx.get(f"{base}{path}", params={**params, **extra}, headers=headers, timeout=120)
        response.raise_for_status()
        return _relabel({k: v for k, v in response.json().items() if k not in _VOLATILE}, labels)

    figures: dict[str, object] = {"reach": get("/api/v1/reach")}
    names = httpx.get(f"{base}/api/v1/figures", headers=headers, timeout=30).json()["figures"]
    for name in names:
        figures[f"figures/{name}"] = _without(get(f"/api/v1/figures/{name}"), _ORDER_DEPENDENT)
    for row in figures["figures/reach-by-strand"]["rows"]:
        if row[0] != "total":
            figures[f"reach?strand={row[0]}"] = get("/api/v1/reach", strand=row[0])
    for row in figures["figures/reach-by-service"]["rows"]:
        if row[0] != "total":
            figures[f"reach?service={row[0]}"] = get("/api/v1/reach", service=row[0])
    return figures


def _without(table: dict, columns: tuple[str, ...]) -> dict:
    keep = [i for i, c in enumerate(table["columns"]) if c not in columns]
    return {**table, "columns": [table["columns"][i] for i in keep],  # rows in a stable order: ties vary
            "rows": sorted(([row[i] for i in keep] for row in table["rows"]), key=str)}


def _relabel(value, labels: dict[str, str]):
    if isinstance(value, dict):
        return {k: _relabel(v, labels) for k, v in value.items()}
    if isinstance(value, list):
        return [_relabel(v, labels) for v in value]
    return labels.get(value, value) if isinstance(value, str) else value


def _partitions(platform: Platform, labels: dict[str, str]):
    refs = asyncio.run(_matcher_refs(platform.database, labels))
    picture, redelivered = asyncio.run(_consumer_copy(platform.env["MATCHER_KAFKA_BOOTSTRAP"], platform.prefix))
    copy = {(labels.get(u, u), row): picture.live(ref) for (u, row), ref in picture.record_owner.items()}
    mismatches = sum(1 for key, ref in refs.items() if copy.get(key) != ref) + len(set(copy) - set(refs))
    return _grouped(refs), _grouped(copy), mismatches, redelivered


def _grouped(owner: dict[tuple[str, int], str]) -> list[list[tuple[str, int]]]:
    groups: dict[str, list] = {}
    for key, ref in owner.items():
        groups.setdefault(ref, []).append(key)
    return sorted(sorted(g) for g in groups.values())


async def _matcher_refs(database: str, labels: dict[str, str]) -> dict[tuple[str, int], str]:
    """(upload label, row) -> the individual's reference, from the matcher's schema."""
    conn = await _connect(database)
    try:
        rows = await conn.fetch("SELECT r.upload_id, r.row_number, i.ref FROM matcher.record r "
                                "JOIN matcher.individual i ON i.id = r.individual_id")
        return {(labels.get(str(r["upload_id"]), str(r["upload_id"])), r["row_number"]): r["ref"] for r in rows}
    finally:
        await conn.close()


async def _consumer_copy(bootstrap: str, prefix: str):
    """Every event of both topics up to their end now, applied in the order they were published."""
    names = [topics.RECORDS_MATCHED.full_name(prefix), topics.BENEFICIARIES_V2.full_name(prefix)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=32 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in names for p in consumer.partitions_for_topic(t) or
                      await _partitions_of(consumer, t)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        messages = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                messages += [m for m in batch if m.offset < end[TopicPartition(m.topic, m.partition)]]
    finally:
        await consumer.stop()
    # The matcher commits a chunk's records and changes together and its relay publishes in commit order,
    # so the publication time orders the two topics (and the offset, within a partition).
    messages.sort(key=lambda m: (m.timestamp, m.topic != names[0], m.offset))
    picture, redelivered = _picture_class()(), 0
    for message in messages:
        envelope = decode(message.value)
        if envelope.event_id in picture.seen:
            redelivered += 1
            continue
        picture.seen.add(envelope.event_id)
        try:
            picture.apply(open_envelope(envelope))
        except UnknownEventType:
            continue
    return picture, redelivered


async def _partitions_of(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    return consumer.partitions_for_topic(topic) or set()
