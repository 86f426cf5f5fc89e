"""Whether PostgreSQL refused a write for want of storage: its disk is full, or a tablespace cannot be written.

Both leave the transaction rolled back (nothing of it is kept); neither is the fault of the upload's content.
PostgreSQL reports a full disk as SQLSTATE 53100 and a file it may not create, open or extend as 42501 with a
"could not ..." message naming the file (a path, never a value).
"""

from __future__ import annotations

import asyncpg


def storage_refused(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.DiskFullError):
        return True
    return isinstance(exc, asyncpg.InsufficientPrivilegeError) and str(exc).startswith("could not ")
