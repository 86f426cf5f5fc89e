"""Tolerant linkage's throughput in the matcher (not part of the test suite; the local PostgreSQL, or a
container of the project's image with LEAP_TEST_SERVERS=containers).

    .state/venv/bin/python services/matcher/benchmarks/tolerant_throughput.py --rows 50000
    LEAP_TEST_SERVERS=containers .state/venv/bin/python services/matcher/benchmarks/tolerant_throughput.py --rows 10000

ROWS generated rows with realistic recording errors, pseudonymised with the reference code and their
match keys, one upload per service in chunks of CHUNK_SIZE, through ``link_chunk`` (one transaction
per chunk, the advisory lock, the region re-partitioned) into an empty database: rows/s, the largest
region, and the tolerant reach beside the exact one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import dataset
import db

from leap_contracts.events import MatchKeyTokens, RecordsPseudonymisedV1
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker
from leap_contracts.topics import CHUNK_SIZE
from leap_matcher.adapters import database
from leap_matcher.domain.tolerant import TolerantSettings
from leap_matcher.service.tolerant_linking import link_chunk
from leap_tools.generator.contacts import family_rows
from leap_tools.generator.errors import REALISTIC, ErrorInjector
from leap_tools.generator.layout import plan_layouts
from leap_tools.generator.places import load_postcodes
from leap_tools.generator.population import Sequences, make_family
from leap_tools.generator.quality import inject_defects


def chunks(rows: int, seed: int) -> list[RecordsPseudonymisedV1]:
    postcodes, layouts = load_postcodes(), plan_layouts(seed, "csv", rows)
    rng, seqs, errors = random.Random(f"population:{seed}"), Sequences(), ErrorInjector(REALISTIC, seed)
    keys = MatchKeyMaker(dataset.TOKENISER)
    by_service: dict[str, list] = {}
    written = 0
    while written < rows:
        batch = family_rows(rng, seqs, make_family(rng, seqs, postcodes), layouts, errors)
        inject_defects(rng, batch, 0.01)
        del batch[rows - written:]
        written += len(batch)
        for r in batch:
            if r.defect is None:
                by_service.setdefault(r.service, []).append(r)
    out = []
    for service, service_rows in sorted(by_service.items()):
        upload = uuid.uuid5(uuid.NAMESPACE_URL, f"tolerant:{seed}:{rows}:{service}")
        records = [dataset.pseudonymise(r, n + 2).model_copy(update={"match_keys": MatchKeyTokens(
            **keys.make(r.kind, r.first_name, r.dob, r.carer_email, r.carer_mobile))})
            for n, r in enumerate(service_rows)]
        out.extend(RecordsPseudonymisedV1(upload_id=upload, provider_id="bench", service_code=service, chunk_index=i,
                                          spec_version="1", key_id="bench", records=records[s:s + CHUNK_SIZE])
                   for i, s in enumerate(range(0, len(records), CHUNK_SIZE)))
    return out


async def main(rows: int, seed: int) -> dict:
    events = chunks(rows, seed)
    async with db.scratch_database() as url:
        pool = await database.create_pool(url, max_size=2)
        try:
            settings, largest = TolerantSettings(), 0
            started = time.perf_counter()
            for event in events:
                largest = max(largest, await link_chunk(pool, event, settings))
            seconds = time.perf_counter() - started
            async with pool.acquire() as conn:
                await conn.execute("SET search_path = matcher")
                tolerant = await conn.fetchval(
                    "SELECT count(DISTINCT cluster) FILTER (WHERE attended) FROM tolerant_record")
                records = await conn.fetchval("SELECT count(*) FROM tolerant_record")
        finally:
            await pool.close()
    return {"rows": records, "chunks": len(events), "seconds": round(seconds, 1),
            "rows_per_second": round(records / seconds), "largest_region": largest, "tolerant_reach": tolerant}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.rows, args.seed))))
