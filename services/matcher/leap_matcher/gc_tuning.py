"""Garbage-collector settings for the matcher's process.

A chunk allocates about fifty short-lived objects per record and creates no reference cycles worth
collecting early, yet CPython's default generation-0 threshold (700 allocations) runs a collection
every few records and a full one (a scan of every live object) every few chunks. Collecting far less
often, with what startup loaded frozen out of every scan, measured about +12% rows/s
(``benchmarks/run.py --rows 100000``: 7,950 against 7,060 rows/s, two runs each).
"""

import gc


def tune() -> None:
    gc.collect()
    gc.freeze()  # modules, schemas, pools: never garbage, so never scanned again
    gc.set_threshold(100_000, 50, 100)
