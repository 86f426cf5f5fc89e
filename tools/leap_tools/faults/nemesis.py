"""The faults (Jepsen's "nemesis"): which, in what order and when, all drawn from one seed, and how each is
done and undone. Every fault ends with what it took away given back (a killed service started again, the broker
and the database running), but the platform is not waited for: the next fault may hit it while it recovers."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from leap_contracts import topics
from leap_tools.faults import infra
from leap_tools.faults.processes import Services
from leap_tools.throwaway import SERVICES

DOWNSTREAM = ("pseudonymiser", "matcher", "reporter")
SESSION_TIMEOUT_S = 10.0
"""The consumers' session timeout (FastStream's default, 10 s): a broker paused longer than this makes the
group coordinator's view and the consumers' diverge, so they must rejoin."""

POISONED = topics.RECORDS_PSEUDONYMISED
"""Where the planted poison message goes (undecodable bytes): the matcher must dead-letter it exactly once,
whatever else happens to it meanwhile."""

# In order of priority: a short run takes the first ones (each kind of fault once), a long one all of them and
# then more kills. A poison message is planted once at most (EXTRA has none).
COVERAGE = ("postgres-restart", "kill:matcher", "start-while-postgres-down", "kafka-restart", "poison",
            "upload-while-downstream-down", "kill:pseudonymiser", "kafka-pause", "start-while-kafka-down",
            "kill:uploader", "kill:reporter")
EXTRA = ("kill:uploader", "kill:pseudonymiser", "kill:matcher", "kill:reporter", "kill:matcher",
         "postgres-restart", "kafka-restart", "kafka-pause", "start-while-postgres-down", "start-while-kafka-down",
         "upload-while-downstream-down")


@dataclass
class Fault:
    kind: str
    started: float
    """Seconds since the run started."""
    ended: float = 0.0
    note: str = ""


def plan(rng: random.Random, count: int) -> list[str]:
    """``count`` faults: every kind in ``COVERAGE`` first (as many as fit), then random ones; shuffled."""
    kinds = list(COVERAGE[:count]) + [rng.choice(EXTRA) for _ in range(count - len(COVERAGE))]
    rng.shuffle(kinds)
    return kinds


class Nemesis:
    def __init__(self, services: Services, rng: random.Random, t0: float,
                 post_one: Callable[[], str | None]) -> None:
        self.services, self.rng, self.t0, self.post_one = services, rng, t0, post_one
        self.faults: list[Fault] = []
        self.poisoned = 0
        """Poison messages planted: the run must end with exactly this many dead letters (the matcher's)."""
        self.exited: list[str] = []
        """Services found exited by themselves (e.g. failing to start): a bug, restarted and reported."""

    def now(self) -> float:
        return time.monotonic() - self.t0

    def run(self, kinds: list[str], gap: tuple[float, float]) -> None:
        for kind in kinds:
            time.sleep(self.rng.uniform(*gap))  # a random moment
            self.check_exited()
            fault = Fault(kind, self.now())
            self.faults.append(fault)
            fault.note = self.inject(kind) or ""
            fault.ended = self.now()
            print(f"  fault {len(self.faults):2}: {fault.started:7.1f}s - {fault.ended:7.1f}s  {kind}"
                  + (f" ({fault.note})" if fault.note else ""), flush=True)

    def check_exited(self) -> None:
        for name, code in self.services.exited().items():
            self.exited.append(f"{name} exited with {code} at {self.now():.1f}s")
            print(f"  !! {self.exited[-1]}; restarting it", flush=True)
            self.services.processes.pop(name)
            self.services.start(name)

    def pause(self, low: float, high: float) -> float:
        seconds = self.rng.uniform(low, high)
        time.sleep(seconds)
        return seconds

    def inject(self, kind: str) -> str | None:
        if kind.startswith("kill:"):
            service = kind.split(":", 1)[1]
            self.services.kill(service)
            down = self.pause(0.2, 5.0)
            self.services.start(service)
            return f"down {down:.1f}s"
        if kind == "kafka-restart":
            infra.kafka_stop()
            down = self.pause(1.0, 6.0)
            infra.kafka_start()
            return f"down {down:.1f}s"
        if kind == "kafka-pause":
            infra.kafka_pause()
            try:
                paused = self.pause(SESSION_TIMEOUT_S + 2, SESSION_TIMEOUT_S + 10)
            finally:
                infra.kafka_resume()
            return f"SIGSTOP for {paused:.1f}s"
        if kind == "postgres-restart":
            infra.postgres_crash()
            down = self.pause(0.5, 5.0)
            infra.postgres_start()
            return f"immediate mode, down {down:.1f}s"
        if kind.startswith("start-while-"):
            server = kind.split("-")[2]
            service = self.rng.choice(SERVICES)
            self.services.kill(service)
            (infra.kafka_stop if server == "kafka" else infra.postgres_crash)()
            try:
                self.services.start(service)
                down = self.pause(3.0, 10.0)
                self.check_exited()
            finally:
                (infra.kafka_start if server == "kafka" else infra.postgres_start)()
            return f"{service} started, {server} back after {down:.1f}s"
        if kind == "poison":
            asyncio.run(self._plant_poison())
            self.poisoned += 1
            return f"an undecodable message on {POISONED.name}"
        if kind == "upload-while-downstream-down":
            for service in DOWNSTREAM:
                self.services.kill(service)
            label = self.post_one()
            down = self.pause(1.0, 6.0)
            for service in DOWNSTREAM:
                self.services.start(service)
            return f"posted {label or 'nothing (all posted)'}, downstream down {down:.1f}s"
        raise ValueError(f"unknown fault {kind}")

    async def _plant_poison(self) -> None:
        platform = self.services.platform
        producer = AIOKafkaProducer(bootstrap_servers=platform.env["MATCHER_KAFKA_BOOTSTRAP"])
        await producer.start()
        try:
            await producer.send_and_wait(POISONED.full_name(platform.prefix), b"\x00 not an envelope", key=b"poison")
        finally:
            await producer.stop()
