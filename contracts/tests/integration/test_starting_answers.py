"""A service waiting at start-up for its database answers 503 with the reason, not a refused connection; once
what it waits for is there, the app itself answers. A real process on a real port (``http.edge.serve``)."""

import socket
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

pytestmark = pytest.mark.integration

SERVICE = textwrap.dedent("""
    import asyncio, contextlib, sys
    from fastapi import FastAPI
    from leap_contracts.delivery.startup import until_reachable
    from leap_contracts.http.edge import serve

    port, database_port = int(sys.argv[1]), int(sys.argv[2])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async def connect():
            _, writer = await asyncio.open_connection("127.0.0.1", database_port)
            writer.close()
        await until_reachable("database", connect)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/health/ready")
    async def ready():
        return {"status": "ready"}

    serve(app, host="127.0.0.1", port=port)
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(url: str, wanted: int, timeout: float = 30.0) -> httpx.Response:
    """Poll ``url`` until it answers ``wanted`` (connection errors and other statuses: ask again)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url, timeout=2.0)
            if last.status_code == wanted:
                return last
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.05)  # poll interval, bounded by the deadline
    raise AssertionError(f"{url} did not answer {wanted} within {timeout}s (last: {last!r})")


def test_a_service_waiting_for_its_database_answers_503_with_the_reason() -> None:
    port, database_port = free_port(), free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVICE, str(port), str(database_port)])
    try:
        starting = first_answer(f"http://127.0.0.1:{port}/health/ready", 503)
        assert starting.json() == {"status": "starting",
                                   "reason": "starting: waiting for database (ConnectionRefusedError)"}
        assert starting.headers["retry-after"] == "5"
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/anything", timeout=2.0).status_code == 503

        with socket.create_server(("127.0.0.1", database_port)):  # the database is back
            ready = first_answer(f"http://127.0.0.1:{port}/health/ready", 200)
        assert ready.json() == {"status": "ready"}
    finally:
        process.terminate()
        process.wait(timeout=30)
