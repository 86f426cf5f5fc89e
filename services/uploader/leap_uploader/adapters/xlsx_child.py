"""The child process of ``xlsx_bounded``: read a workbook under RLIMIT_AS, write its rows as CSV.

``python -m leap_uploader.adapters.xlsx_child WORKBOOK_FD ROWS_FD MEMORY_BYTES MAX_EXPANDED_BYTES [SHEET]``.
Exit 0 with the rows written; 3 with the refusal's reason on stderr (it names no cell value); 4 when memory
ran out in Python; calamine's own failed allocation aborts the process (SIGABRT).
"""

from __future__ import annotations

import csv
import os
import resource
import sys

from leap_uploader.adapters.file_readers import xlsx_rows
from leap_uploader.domain.validation import FileRejected


def main(argv: list[str]) -> int:
    workbook_fd, rows_fd, memory_bytes, max_expanded = (int(a) for a in argv[:4])
    sheet = argv[4] if len(argv) > 4 else None
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        with os.fdopen(workbook_fd, "rb") as workbook, os.fdopen(rows_fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for _, cells in xlsx_rows(workbook, max_expanded, sheet):
                writer.writerow(cells)
    except FileRejected as refused:
        sys.stderr.write(refused.reason)
        return 3
    except MemoryError:
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
