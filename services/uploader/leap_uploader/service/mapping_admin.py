"""What admins do in the pages to mappings of provider layouts: read, check, save (a new version), and dry runs of
a sample file against one. All audited but reading."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, BinaryIO

import asyncpg
from pydantic import ValidationError

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import SOURCES

from leap_uploader.adapters import audit, mappings, problem_spool, providers_sql
from leap_uploader.adapters.file_readers import workbook_problem
from leap_uploader.domain.file_format import UnsupportedFile, sniff
from leap_uploader.domain.mapping import Mapping
from leap_uploader.domain.report_export import report_rows
from leap_uploader.service.providers import InvalidCommand
from leap_uploader.service.validation_run import UploadRef, run_validation

DRY_RUN_PROBLEMS = 2000
"""Problems a dry run lists (the first, in file order)."""


async def current(pool: asyncpg.Pool, provider_id: str, service_code: str) -> tuple[str, int | None]:
    """The latest mapping's JSON and version (``{}`` and None when there is none yet)."""
    latest = await mappings.latest(pool, provider_id, service_code)
    return (latest["spec"], latest["version"]) if latest else ("{}", None)


def parse_mapping(text: str) -> Mapping:
    try:
        return Mapping.model_validate_json(text or "{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "mapping"
        raise InvalidCommand(f"the mapping is not valid at {where}: {first['msg']}") from None


async def save_mapping(pool: asyncpg.Pool, actor: str, provider_id: str, service_code: str, text: str) -> int:
    mapping = parse_mapping(text)
    code = service_code.strip().upper()
    if code not in SERVICES and code not in SOURCES:
        raise InvalidCommand(f"unknown service code {code}")
    async with pool.acquire() as conn, conn.transaction():
        row = await providers_sql.by_id(conn, provider_id)
        if row is None or code not in (*row["services"], *row["outcome_sources"]):
            raise InvalidCommand(f"provider {provider_id} does not deliver service {code} "
                                 "(nor may it send outcome data of that source)")
        version = await mappings.save(conn, provider_id, code, json.loads(text or "{}"), actor)
        await audit.record(conn, actor, "mapping.saved", target=f"mapping:{provider_id}/{code}", version=version,
                           normalised=mapping.model_dump())
    return version


async def dry_run(pool: asyncpg.Pool, actor: str, provider_id: str, service_code: str, mapping_text: str,
                  source: BinaryIO, head: bytes, max_xlsx_expanded_bytes: int,
                  temp_dir: str | None, xlsx_memory_bytes: int) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """Validate a sample file against a mapping; nothing of the file is stored. (summary, report rows)."""
    mapping = parse_mapping(mapping_text)
    try:
        file_format = sniff(head)
    except UnsupportedFile as exc:
        raise InvalidCommand(str(exc)) from None
    if file_format == "xlsx" and (problem := workbook_problem(source, max_xlsx_expanded_bytes)):
        raise InvalidCommand(problem)
    code = service_code.strip().upper()
    ref = UploadRef(uuid.uuid4(), provider_id, code, file_format, "outcomes" if code in SOURCES else "services")
    outcome = await asyncio.to_thread(
        run_validation, source, ref, correlation_id="dry-run", topic_prefix="", max_rejected_share=0.5,
        max_xlsx_expanded_bytes=max_xlsx_expanded_bytes, temp_dir=temp_dir, mapping=mapping, publish=False,
        xlsx_memory_bytes=xlsx_memory_bytes)
    try:
        problems = await asyncio.to_thread(problem_spool.read, outcome.problems, DRY_RUN_PROBLEMS)
    finally:
        outcome.close()
    await audit.record(pool, actor, "mapping.dry_run", target=f"mapping:{provider_id}/{ref.service_code}",
                       rows_total=outcome.tally.rows_total, rows_rejected=outcome.tally.rows_rejected)
    t = outcome.tally
    summary = {"rows_total": t.rows_total, "rows_accepted": t.rows_accepted, "rows_rejected": t.rows_rejected,
               "rejection_reason": outcome.reason, "file_format": file_format}
    return summary, report_rows(problems)
