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
    reporter_token: str | None = None
    """The reporter's analyst (or admin) token, when its API asks for sign-in."""
    timeout: float = 120.0

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def upload(self, path: Path, service: str, dataset: str = "services") -> str:
        """``dataset`` outcomes: an outcome extract, ``service`` its source (docs/outcomes-dataset.md)."""
        with path.open("rb") as f:
            response = httpx.post(f"{self.uploader_url}/api/v1/uploads", headers=self._headers(),
                                  files={"file": (path.name, f)}, data={"service": service, "dataset": dataset},
                                  timeout=self.timeout)
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

    def reporter_get(self, path: str, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.reporter_token}"} if self.reporter_token else {}
        return httpx.get(f"{self.reporter_url}{path}", params=params, headers=headers, timeout=30)

    def reach(self, **filters: str) -> dict:
        response = self.reporter_get("/api/v1/reach", **{k.rstrip("_"): v for k, v in filters.items() if v is not None})
        response.raise_for_status()
        return response.json()

    def wait_reach(self, expected: int, *, tolerance: int = 0, deadline_s: float = 120.0) -> dict:
        """The reporter catches up asynchronously: poll until it reports ``expected`` give or take
        ``tolerance`` (published figures are rounded), or the deadline passes."""
        deadline = time.monotonic() + deadline_s
        while True:
            figures = self.reach()
            value = figures["unique_beneficiaries"]
            if (isinstance(value, int) and abs(value - expected) <= tolerance) or time.monotonic() > deadline:
                return figures
            time.sleep(0.25)  # poll interval, bounded by the deadline above

    def wait_exact(self, truth: dict, *, deadline_s: float = 120.0) -> dict:
        """Poll reach (exact figures: an admin's ``reporter_token``; ``consistency=current``) until it says it is
        up to date and equals the generator's truth overall and per service; raises TimeoutError with the last
        answer past the deadline, AssertionError when the overall figure is right and a service's is not."""
        expected = {code: n for code, n in truth["by_service"].items() if n}
        deadline, answer = time.monotonic() + deadline_s, {}
        while time.monotonic() < deadline:
            answer = self.reach(suppression="off", consistency="current")
            if answer["up_to_date"] and answer["unique_beneficiaries"] == truth["unique_beneficiaries"]:
                got = {s["service_code"]: s["unique_beneficiaries"] for s in answer["by_service"]}
                if got != expected:
                    raise AssertionError(f"per service: {got} != truth {expected}")
                return answer
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        raise TimeoutError(f"no exact, up-to-date figure after {deadline_s:.0f}s; last answer: {answer}")

    def wait_reportable(self, upload_id: str, *, deadline_s: float = 120.0) -> dict:
        """Poll the upload's status until its rows are part of the published figures (``reportable_at``)."""
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            status = self.status(upload_id)
            if status.get("reportable_at"):
                return status
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        raise TimeoutError(f"upload {upload_id} not reportable after {deadline_s:.0f}s")
