"""PostgreSQL out of storage, for real: a tablespace on a small filesystem of the test server's container
(``leap_contracts.testing_containers.SMALL_DISK``) filled until the server says "No space left on device", or
whose directory it may no longer enter ("Permission denied").

An upload that cannot be stored is refused (507) or ends ``failed`` with a reason that says so, nothing of it
is left half-written, and once there is space again the same file goes through. Container path only: the
local cluster has no small filesystem to fill.
"""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlsplit

import asyncpg
import pytest

from leap_contracts.testing_containers import SMALL_DISK
from leap_contracts.testing_servers import containers, servers

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(servers().mode != "containers", reason="needs the test PostgreSQL's container")]

CSV = ("provider_record_id,beneficiary_type,engagement_date,first_name,date_of_birth,gender\n"
       + "".join(f"P{i},child,2024-05-12,Zoë,04/03/2021,F\n" for i in range(1500))
       + "B1,alien,someday,,,\n").encode()


class SmallDisk:
    """A tablespace on the small filesystem; tables moved onto it, and a filler that takes its last byte."""

    def __init__(self, admin: asyncpg.Connection, name: str, location: str) -> None:
        self.admin, self.name, self.location, self.moved = admin, name, location, []

    def chmod(self, mode: str) -> None:
        """``000``: PostgreSQL may no longer create, open or extend the tablespace's files."""
        code, output = containers().postgres.get_wrapped_container().exec_run(
            ["chmod", mode, self.location], user="postgres")
        assert code == 0, output

    async def move(self, table: str) -> None:
        await self.admin.execute(f"ALTER TABLE uploader.{table} SET TABLESPACE {self.name}")
        self.moved.append(table)

    async def fill(self) -> None:
        await self.admin.execute(f"CREATE TABLE public.{self.name}_filler (b bytea) TABLESPACE {self.name}")
        await self.admin.execute(f"ALTER TABLE public.{self.name}_filler ALTER COLUMN b SET STORAGE EXTERNAL")
        with pytest.raises(asyncpg.DiskFullError):
            for _ in range(100):  # 256 kB of incompressible bytes at a time, until the filesystem is full
                await self.admin.execute(f"INSERT INTO public.{self.name}_filler "
                                         "SELECT decode(string_agg(md5(random()::text), ''), 'hex') "
                                         "FROM generate_series(1, 16384)")

    async def free(self) -> None:
        await self.admin.execute(f"DROP TABLE IF EXISTS public.{self.name}_filler")


@pytest.fixture
async def small_disk(pool, database_url):
    name = f"small_{secrets.token_hex(4)}"
    location = f"{SMALL_DISK}/{name}"
    # As root, owned by postgres: Docker mounts the tmpfs again without its mode (1777) when the container
    # restarts, as the fault tests that crash PostgreSQL make it do.
    code, output = containers().postgres.get_wrapped_container().exec_run(
        ["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700", location], user="root")
    assert code == 0, output
    admin = await asyncpg.connect(servers().admin_dsn_for(urlsplit(database_url).path.lstrip("/")))
    await admin.execute(f"CREATE TABLESPACE {name} LOCATION '{location}'")
    disk = SmallDisk(admin, name, location)
    try:
        yield disk
    finally:
        disk.chmod("700")
        await disk.free()
        for table in disk.moved:
            await admin.execute(f"ALTER TABLE uploader.{table} SET TABLESPACE pg_default")
        await admin.execute(f"DROP TABLESPACE {name}")
        await admin.close()


async def count(pool, table: str) -> int:
    return await pool.fetchval(f"SELECT count(*) FROM {table}")


async def test_an_upload_the_server_cannot_store_is_refused_with_nothing_kept(h, make_provider, small_disk) -> None:
    headers = await make_provider("prov", "CAN")
    await small_disk.move("raw_files")
    await small_disk.fill()

    refused = await h.post_file(headers, CSV)
    assert refused.status_code == 507, refused.text
    assert "cannot store files right now" in refused.json()["detail"]
    assert "nothing of this upload was kept" in refused.json()["detail"]
    assert [await count(h.pool, t) for t in ("uploads", "raw_files", "outbox")] == [0, 0, 0]
    assert await h.pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'upload.created'") == 0

    await small_disk.free()  # space again: the same file goes through
    upload_id = await h.upload(headers, CSV)
    assert (await h.upload_row(upload_id))["status"] == "received"
    assert (await h.file_received(upload_id)).event_type == "FileReceivedV1"


async def test_results_the_server_cannot_store_fail_the_upload_and_the_same_file_goes_through_later(
        h, services, make_provider, small_disk) -> None:
    headers = await make_provider("prov", "CAN")
    upload_id = await h.upload(headers, CSV)
    received = await h.file_received(upload_id)
    await small_disk.move("outbox")  # where the record chunks go
    await small_disk.fill()

    await services.validation.on_file_received(received)
    row = await h.upload_row(upload_id)
    assert row["status"] == "failed"
    assert row["rejection_reason"].startswith("The platform could not store this file's results")
    assert (row["rows_total"], row["chunk_count"]) == (None, None)
    assert await count(h.pool, "upload_problems") == 0  # the one bad row's problem went with the rest
    assert await count(h.pool, "raw_files") == 0
    assert [k for k, _ in await h.outbox("restricted.records-validated.v1")] == []
    assert [k for k, _ in await h.outbox("uploads.upload-validated.v1")] == []
    await services.validation.on_file_received(received)  # redelivered: nothing changes
    assert (await h.upload_row(upload_id))["status"] == "failed"

    await small_disk.free()
    again = await h.post_file(headers, CSV)
    assert again.status_code == 202 and uuid.UUID(again.json()["upload_id"]) == upload_id
    retried = [e for key, e in await h.outbox("uploads.file-received.v1") if key == str(upload_id)]
    assert len(retried) == 2 and retried[1].event_id != received.event_id
    await services.validation.on_file_received(retried[1])
    row = await h.upload_row(upload_id)
    assert (row["status"], row["rows_accepted"], row["rows_rejected"], row["chunk_count"]) == ("processing", 1500, 1, 2)
    assert len(await h.outbox("restricted.records-validated.v1")) == 2
    status = await h.client.get(f"/api/v1/uploads/{upload_id}", headers=headers)
    assert status.json()["status"] == "processing" and status.json()["rejection_reason"] is None


async def test_an_upload_into_a_tablespace_that_cannot_be_written_is_refused_the_same_way(
        h, make_provider, small_disk) -> None:
    headers = await make_provider("prov", "CAN")
    await small_disk.move("raw_files")
    small_disk.chmod("000")

    refused = await h.post_file(headers, CSV)
    assert refused.status_code == 507, refused.text
    assert "cannot store files right now" in refused.json()["detail"]
    small_disk.chmod("700")
    assert [await count(h.pool, t) for t in ("uploads", "raw_files", "outbox")] == [0, 0, 0]

    upload_id = await h.upload(headers, CSV)
    assert (await h.upload_row(upload_id))["status"] == "received"
