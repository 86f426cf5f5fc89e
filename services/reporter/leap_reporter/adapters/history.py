"""The read model's history (migrations 013, 014): ending records, and the read model as it stood at a past
version, for "as at" questions and revision reports.

:func:`shadow` defines, for one transaction, temporary views named ``engagement``, ``individual_alias`` and
``relationship`` in front of the real tables (``search_path = pg_temp, reporter``): every existing query (the
reach index loader, the people CTE) then reads the records the platform held at that version, each with the
reference it had then, and the merge map and carer-child links of then, without a line of it changing.
:func:`unshadow` drops them before the transaction ends.

A :class:`leap_reporter.domain.as_at.Moment` says which records (as at a version, or as at a version plus every
record added since and still held at a later one) and whose identities (references and merges as at a version).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from leap_reporter.domain.as_at import Moment

_COLUMNS = ("upload_id, row_number, learned_xid, service_code, provider_id, engagement_date, beneficiary_type, "
            "birth_month, gender, ward_code, ward_name, ethnicity, first_language, engagement_type, attended")


RECORD_COLUMNS = f"{_COLUMNS}, individual_ref"
"""The columns of a record kept in engagement_ended (named: a column added to engagement later is not shifted)."""


def ending(condition: str) -> str:
    """SQL moving the engagement rows matching ``condition`` to engagement_ended, in one statement (its status
    counts them)."""
    return (f"WITH gone AS (DELETE FROM engagement WHERE {condition} RETURNING {RECORD_COLUMNS}) "
            f"INSERT INTO engagement_ended ({RECORD_COLUMNS}) SELECT {RECORD_COLUMNS} FROM gone")


def _known(version: int) -> str:
    return f"(SELECT xid FROM reporter.read_model_version_log WHERE version <= {int(version)})"


def _records(moment: Moment) -> str:
    """The records of the moment, each with the reference it last had (ended ones: when they ended)."""
    then = _known(moment.rows_at)
    ended = f"learned_xid IN {then} AND ended_xid NOT IN {then}"
    current = then
    if moment.added_until is not None:  # and every record learned later and still held at added_until
        until = _known(moment.added_until)
        ended = f"({ended}) OR (learned_xid IN {until} AND learned_xid NOT IN {then} AND ended_xid NOT IN {until})"
        current = until
    return (f"SELECT {_COLUMNS}, individual_ref FROM reporter.engagement WHERE learned_xid IN {current} "
            f"UNION ALL SELECT {_COLUMNS}, individual_ref FROM reporter.engagement_ended WHERE {ended}")


def _engagement_view(moment: Moment) -> str:
    # A split changed some records' references after the moment: each takes the one it had then.
    return f"""CREATE TEMP VIEW engagement AS
SELECT x.{_COLUMNS.replace(', ', ', x.')}, coalesce(c.old_ref, x.individual_ref) AS individual_ref
  FROM ({_records(moment)}) AS x
  LEFT JOIN (SELECT DISTINCT ON (c.upload_id, c.row_number, c.learned_xid)
                    c.upload_id, c.row_number, c.learned_xid, c.old_ref
               FROM reporter.engagement_ref_change c JOIN reporter.read_model_version_log l ON l.xid = c.xid
              WHERE l.version > {int(moment.ids_at)}
              ORDER BY c.upload_id, c.row_number, c.learned_xid, l.version, c.seq) AS c
    ON c.upload_id = x.upload_id AND c.row_number = x.row_number AND c.learned_xid = x.learned_xid"""


def _alias_view(ids_at: int) -> str:
    return f"""CREATE TEMP VIEW individual_alias AS
SELECT ref, survivor_ref FROM (
    SELECT DISTINCT ON (a.ref) a.ref, a.survivor_ref
      FROM reporter.individual_alias_change a JOIN reporter.read_model_version_log l ON l.xid = a.xid
     WHERE l.version <= {int(ids_at)}
     ORDER BY a.ref, l.version DESC, a.seq DESC) AS latest
 WHERE survivor_ref IS NOT NULL"""


def _relationship_view(ids_at: int) -> str:
    known = _known(ids_at)
    return f"""CREATE TEMP VIEW relationship AS
SELECT child_ref, carer_ref FROM reporter.relationship WHERE learned_xid IN {known}
UNION ALL
SELECT child_ref, carer_ref FROM reporter.relationship_ended
 WHERE learned_xid IN {known} AND ended_xid NOT IN {known}"""


async def shadow(conn: asyncpg.Connection, moment: Moment) -> None:
    """Inside a transaction: ``engagement``, ``individual_alias`` and ``relationship`` read as at ``moment`` until
    :func:`unshadow`."""
    await conn.execute("SET LOCAL search_path = pg_temp, reporter")
    await conn.execute(_engagement_view(moment))
    await conn.execute(_alias_view(moment.ids_at))
    await conn.execute(_relationship_view(moment.ids_at))


async def unshadow(conn: asyncpg.Connection) -> None:
    await conn.execute("DROP VIEW IF EXISTS pg_temp.engagement, pg_temp.individual_alias, pg_temp.relationship")


async def version_at(conn: asyncpg.Connection | asyncpg.Pool, at: datetime) -> int | None:
    """The last read-model version committed by ``at``; None before the history began (or since a rebuild)."""
    return await conn.fetchval("SELECT max(version) FROM read_model_version_log WHERE at <= $1", at)


async def history_began(conn: asyncpg.Connection | asyncpg.Pool) -> datetime | None:
    return await conn.fetchval("SELECT min(at) FROM read_model_version_log")


async def time_of(conn: asyncpg.Connection | asyncpg.Pool, version: int) -> datetime | None:
    return await conn.fetchval("SELECT at FROM read_model_version_log WHERE version = $1", version)


async def held_at(conn: asyncpg.Connection | asyncpg.Pool, version: int) -> bool:
    """Whether the history reaches back to ``version`` (it restarts with a read-model rebuild)."""
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM read_model_version_log WHERE version <= $1)",
                                    version))
