"""Read an XLSX workbook in a child process under a memory limit, so a sheet that needs more memory than the
budget is refused with a clear reason and the service (and the uploads it is validating) carries on.

calamine holds a sheet's whole cell range in memory, about 32 bytes a cell, empty ones included: a workbook of
1.5 kB naming only cells A1 and Z3000000 asks for 2.5 GB, and an allocation that fails aborts the process.
The child (``python -m leap_uploader.adapters.xlsx_child``) sets RLIMIT_AS to the budget, reads the sheet
with ``file_readers.xlsx_rows`` and writes its rows as CSV (UTF-8) to a temporary file, which is then read
back here row by row. Nothing crosses but file descriptors, an exit status and, for a refusal, its reason.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from typing import BinaryIO

from leap_uploader.adapters.file_readers import Rows, workbook_problem
from leap_uploader.domain.validation import FileRejected

DEFAULT_MEMORY_BYTES = 768 * 1024 ** 2
"""Address space the reading process may use: Python and calamine themselves (about 150 MB) and the sheet."""
REFUSED = 3
"""The child's exit status when the workbook is refused; its reason is on stderr."""
OUT_OF_MEMORY = 4
_ABORTED, _KILLED = -6, -9  # a failed allocation in calamine aborts; the kernel's OOM killer sends SIGKILL


def bounded_xlsx_rows(source: BinaryIO, *, max_expanded_bytes: int, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                      sheet: str | None = None, temp_dir: str | None = None) -> Rows:
    """``file_readers.xlsx_rows``, read by a child process allowed ``memory_bytes`` of address space."""
    problem = workbook_problem(source, max_expanded_bytes)
    if problem:
        raise FileRejected(problem[0].upper() + problem[1:] + ".")
    with tempfile.TemporaryFile(dir=temp_dir) as workbook, tempfile.TemporaryFile(dir=temp_dir) as rows:
        source.seek(0)
        shutil.copyfileobj(source, workbook)  # a file of its own: the source may be in memory, or shared
        workbook.flush()
        args = [sys.executable, "-m", "leap_uploader.adapters.xlsx_child", str(workbook.fileno()),
                str(rows.fileno()), str(memory_bytes), str(max_expanded_bytes), *([sheet] if sheet is not None else [])]
        done = subprocess.run(args, pass_fds=(workbook.fileno(), rows.fileno()), capture_output=True, check=False)
        if done.returncode == REFUSED:
            raise FileRejected(done.stderr.decode("utf-8", errors="replace").strip()[:500])
        if done.returncode in (OUT_OF_MEMORY, _ABORTED, _KILLED):
            raise FileRejected(
                f"The workbook needs more memory to read than the platform allows ({memory_bytes // 1024 ** 2} MB): "
                "its sheet spans too many rows and columns (a cell far below or to the right of the data counts "
                "too); delete the unused rows and columns, split the file, or upload it as CSV.")
        if done.returncode != 0:
            raise FileRejected("The file cannot be read as an XLSX workbook; open it in Excel and save it as .xlsx again.")
        rows.seek(0)
        text = io.TextIOWrapper(rows, encoding="utf-8", newline="")
        try:
            yield from enumerate(csv.reader(text), 1)
        finally:
            text.detach()
