"""A small HTTP client for the running platform: upload files, follow them, read reach.

Used by the demo loader, the benchmark and the end-to-end tests, exactly as a
provider's script or an analyst's notebook would use the public API.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

FINAL = {"completed", "rejected"}


@dataclass
class PlatformClient:
    uploader_url: str
    reporter_url: str
    token: str
    timeout: float = 120.0

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def upload(self, path: Path, service: str) -> str:
        with path.open("rb") as f:
            response = httpx.post(f"{self.uploader_url}/api/v1/uploads", headers=self._headers(),
                                  files={"file": (path.name, f)}, data={"service": service}, timeout=self.timeout)
        if response.status_code >= 400:
            raise RuntimeError(f"upload of {path.name} refused ({response.status_code}): {response.text}")
        return response.json()["upload_id"]

    def status(self, upload_id: str) -> dict:
        response = httpx.get(f"{self.uploader_url}/api/v1/uploads/{upload_id}", headers=self._headers(), timeout=30)
        response.raise_for_status()
        return response.json()

    def wait_final(self, upload_ids: Iterable[str], *, deadline_s: float = 600.0,
                   progress: Callable[[int, int], None] | None = None) -> dict[str, dict]:
        """Poll until every upload is completed or rejected; raises TimeoutError past the deadline."""
        pending, done = set(upload_ids), {}
        total, deadline = len(pending), time.monotonic() + deadline_s
        while pending:
            for upload_id in list(pending):
                status = self.status(upload_id)
                if status["status"] in FINAL:
                    done[upload_id] = status
                    pending.discard(upload_id)
            if progress:
                progress(len(done), total)
            if pending:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{len(pending)} of {total} uploads not finished after {deadline_s:.0f}s")
                time.sleep(0.25)  # poll interval, bounded by the deadline above
        return done

    def reach(self, **filters: str) -> dict:
        params = {k.rstrip("_"): v for k, v in filters.items() if v is not None}
        response = httpx.get(f"{self.reporter_url}/api/v1/reach", params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def wait_reach(self, expected: int, *, deadline_s: float = 120.0) -> dict:
        """The reporter catches up asynchronously: poll until it reports ``expected`` (or the deadline)."""
        deadline = time.monotonic() + deadline_s
        while True:
            figures = self.reach()
            if figures["unique_beneficiaries"] == expected or time.monotonic() > deadline:
                return figures
            time.sleep(0.25)  # poll interval, bounded by the deadline above
