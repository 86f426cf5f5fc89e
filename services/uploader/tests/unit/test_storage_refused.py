import asyncpg

from leap_uploader.adapters.storage import storage_refused


def test_a_full_disk_and_a_file_the_server_may_not_write_are_storage_refusals() -> None:
    assert storage_refused(asyncpg.DiskFullError('could not extend file "base/1/2": No space left on device'))
    assert storage_refused(asyncpg.InsufficientPrivilegeError(
        'could not create file "pg_tblspc/16384/PG_15_202209061/16385/16390": Permission denied'))


def test_a_missing_grant_or_any_other_error_is_not() -> None:
    assert not storage_refused(asyncpg.InsufficientPrivilegeError("permission denied for table uploads"))
    assert not storage_refused(asyncpg.UniqueViolationError())
    assert not storage_refused(OSError())
