"""The read-model builder (``leap_reporter.bootstrap.building``) in a process of its own, watched by the API's.

The API's process starts it, reads its readiness from a pipe (one line a second: the same checks as in-process
messaging, consumers, relay and broker) and starts it again, with back-off, whenever it ends. No line for
``REPORT_TIMEOUT`` seconds, or no process, and the reporter is not ready. The builder stops with the API's
process, even when that one is killed outright.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time

import orjson
import structlog

from leap_contracts.delivery.health import Backoff, DeliveryMetrics
from leap_contracts.delivery.processes import die_with_parent

from leap_contracts.delivery import logs
from leap_reporter.adapters import consumer_state, database
from leap_reporter import bootstrap
from leap_reporter.settings import Settings

log = structlog.get_logger()
REPORT_FD = "LEAP_REPORTER_BUILDER_REPORT_FD"
REPORT_EVERY = 1.0
REPORT_TIMEOUT = 5.0
STOP_TIMEOUT = 15.0


class BuilderProcess:
    """The API's side: what ``health_router`` asks of a running messaging (``checks()``, ``broker.ping()``)."""

    def __init__(self) -> None:
        self.broker = self
        self._report: dict = {}
        self._reported_at = float("-inf")
        self._process: asyncio.subprocess.Process | None = None

    def _fresh(self) -> bool:
        return time.monotonic() - self._reported_at < REPORT_TIMEOUT

    def checks(self) -> dict[str, bool]:
        if not self._fresh():
            return {"read_model_builder": False}
        return {"read_model_builder": True, **self._report.get("checks", {})}

    async def ping(self, timeout: float = 2.0) -> bool:
        return self._fresh() and bool(self._report.get("broker"))

    async def run(self) -> None:
        """Keep the builder running until cancelled; then stop it (SIGTERM, SIGKILL after ``STOP_TIMEOUT``)."""
        backoff = Backoff()
        try:
            while True:
                try:
                    ended = f"exit code {await self._run_once(backoff)}"
                except Exception as exc:  # any failure (not started, or not understood: stopped, started again)
                    ended = type(exc).__name__
                    await self._stop()
                delay = backoff.next_delay()
                log.warning("read_model_builder.ended", how=ended, restart_in_s=round(delay, 2))
                await asyncio.sleep(delay)
        finally:
            await self._stop()

    async def _run_once(self, backoff: Backoff) -> int:
        read_fd, write_fd = os.pipe()
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "leap_reporter.builder_process", pass_fds=(write_fd,),
                env={**os.environ, REPORT_FD: str(write_fd)})
        finally:
            os.close(write_fd)
        reader = asyncio.StreamReader()
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb"))
        try:
            async for line in reader:  # ends when the builder exits (its end of the pipe closes)
                self._report, self._reported_at = orjson.loads(line), time.monotonic()
                backoff.reset()
        finally:
            transport.close()
        self._reported_at = float("-inf")
        return await self._process.wait()

    async def _stop(self) -> None:
        process, self._reported_at = self._process, float("-inf")
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _build(settings: Settings, report) -> None:
    """The builder's side: build the read model, and say once a second how it goes."""
    pool = await database.create_pool(settings.database_url.get_secret_value())
    try:
        group_id = await consumer_state.group_id(pool)  # the API's process migrated the schema before starting us
        async with bootstrap.building(settings, pool, DeliveryMetrics(), group_id) as running:
            while True:
                broker = False
                with contextlib.suppress(Exception):
                    broker = bool(await running.broker.ping(timeout=2.0))
                report.write(orjson.dumps({"checks": running.checks(), "broker": broker}) + b"\n")
                report.flush()
                await asyncio.sleep(REPORT_EVERY)
    finally:
        await pool.close()


async def _until_terminated(settings: Settings, report) -> None:
    task = asyncio.current_task()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    await _build(settings, report)


def main() -> None:
    die_with_parent()
    logs.configure()
    with os.fdopen(int(os.environ[REPORT_FD]), "wb") as report, contextlib.suppress(asyncio.CancelledError):
        asyncio.run(_until_terminated(Settings(), report))


if __name__ == "__main__":
    main()
