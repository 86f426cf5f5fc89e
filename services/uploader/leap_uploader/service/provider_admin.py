"""What admins do in the pages: providers and their services, API tokens, mappings and dry runs. All audited."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import BinaryIO

import asyncpg
from pydantic import ValidationError

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import SOURCES

from leap_uploader.adapters import audit, mappings, providers_sql
from leap_uploader.adapters.file_readers import workbook_problem
from leap_uploader.domain.file_format import UnsupportedFile, sniff
from leap_uploader.domain.mapping import Mapping
from leap_uploader.domain.report_export import report_rows
from leap_uploader.domain.tokens import hash_token, new_token
from leap_uploader.service.providers import InvalidCommand, create_provider
from leap_uploader.service.validation_run import UploadRef, run_validation


async def add_provider(pool: asyncpg.Pool, actor: str, provider_id: str, name: str, services: list[str]) -> None:
    """Create (or rename) a provider with services; no token is issued here (see ``issue_token``)."""
    issued = await create_provider(pool, provider_id, name, services)
    async with pool.acquire() as conn:
        await providers_sql.revoke_tokens(conn, token_id=issued.token_id)
        await audit.record(conn, actor, "provider.saved", target=f"provider:{provider_id}", services=services)


async def remove_service(pool: asyncpg.Pool, actor: str, provider_id: str, code: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await providers_sql.remove_service(conn, provider_id, code)
        await audit.record(conn, actor, "provider.service_removed", target=f"provider:{provider_id}", service=code)


async def issue_token(pool: asyncpg.Pool, actor: str, provider_id: str) -> tuple[int, str]:
    """A new API token for the provider: (id, token). The token is shown once and stored only hashed."""
    token = new_token()
    async with pool.acquire() as conn, conn.transaction():
        if await providers_sql.by_id(conn, provider_id) is None:
            raise InvalidCommand("no such provider")
        token_id = await providers_sql.add_token(conn, provider_id, hash_token(token))
        await audit.record(conn, actor, "token.issued", target=f"token:{token_id}", provider_id=provider_id)
    return token_id, token


async def revoke_token(pool: asyncpg.Pool, actor: str, token_id: int) -> int:
    async with pool.acquire() as conn, conn.transaction():
        count = await providers_sql.revoke_tokens(conn, token_id=token_id)
        await audit.record(conn, actor, "token.revoked", target=f"token:{token_id}", revoked=count)
    return count


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
                  temp_dir: str | None, xlsx_memory_bytes: int) -> tuple[dict, list[tuple]]:
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
        problems = await asyncio.to_thread(_read_problems, outcome.problems, temp_dir)
    finally:
        outcome.close()
    await audit.record(pool, actor, "mapping.dry_run", target=f"mapping:{provider_id}/{ref.service_code}",
                       rows_total=outcome.tally.rows_total, rows_rejected=outcome.tally.rows_rejected)
    t = outcome.tally
    summary = {"rows_total": t.rows_total, "rows_accepted": t.rows_accepted, "rows_rejected": t.rows_rejected,
               "rejection_reason": outcome.reason, "file_format": file_format}
    return summary, report_rows(problems)


def _read_problems(spool: BinaryIO, temp_dir: str | None, limit: int = 2000) -> list[dict]:
    """Decode the COPY-binary problem spool back into dicts (the first ``limit``)."""
    import struct
    spool.seek(0)
    data = spool.read()
    pos = 19  # signature (11) + flags (4) + header extension length (4)
    out = []
    while len(out) < limit:
        (count,) = struct.unpack_from("!h", data, pos)
        pos += 2
        if count == -1:
            break
        fields = []
        for _ in range(count):
            (size,) = struct.unpack_from("!i", data, pos)
            pos += 4
            fields.append(None if size == -1 else data[pos:pos + size])
            pos += max(size, 0)
        _, row, column, _code, severity, message, value = fields
        out.append({"row": struct.unpack("!i", row)[0] if row else None,
                    "column": column.decode() if column else None, "severity": severity.decode(),
                    "message": message.decode(), "value": value.decode() if value else None})
    return out


__all__ = ["InvalidCommand"]
