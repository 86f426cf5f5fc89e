"""Ask the reporter for reach again and again while a load runs: every answer's latency, and whether each
answer that calls itself up to date is exact (the watermark's promise), as the benchmark reports them."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import datetime
from dataclasses import dataclass, field

import httpx


@dataclass
class Answer:
    at: float
    seconds: float
    up_to_date: bool
    value: int | str
    waiting: dict
    as_of: str


@dataclass
class ReachProbe:
    """Polls ``GET /api/v1/reach`` (exact figures, admin token) every ``every`` seconds on its own thread."""

    reporter_url: str
    admin_token: str
    every: float = 0.05
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> ReachProbe:
        self._thread = threading.Thread(target=self._run, name="reach-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(base_url=self.reporter_url, timeout=30,
                          headers={"Authorization": f"Bearer {self.admin_token}"}) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    body = client.get("/api/v1/reach", params={"suppression": "off"}).json()
                except httpx.HTTPError:
                    body = None
                seconds = time.perf_counter() - started
                if body and "up_to_date" in body:
                    self.answers.append(Answer(time.time(), seconds, body["up_to_date"], body["unique_beneficiaries"],
                                               body.get("not_yet_counted", {}), body["as_of"]))
                self._stop.wait(max(0.0, self.every - seconds))

    def latency(self, since: float, until: float) -> dict[str, float]:
        """p50, p95 and max of the answers between two times, in milliseconds."""
        times = sorted(a.seconds * 1000 for a in self.answers if since <= a.at <= until)
        if not times:
            return {"answers": 0}
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        return {"answers": len(times), "p50": statistics.median(times), "p95": p95, "max": times[-1]}

    def current_but_wrong(self, received_last: float, exact: int) -> list[Answer]:
        """Answers that said "up to date" without being the exact figure of the whole load although they claim
        (``as_of``: everything received before it is counted) to include every upload of it."""
        return [a for a in self.answers if a.up_to_date and a.value != exact
                and datetime.fromisoformat(a.as_of).timestamp() >= received_last]
