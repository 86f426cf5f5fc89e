import contextlib
import sys

from leap_contracts.delivery.processes import shared_metrics
from leap_contracts.http.edge import serve

from leap_reporter.settings import Settings


def main() -> None:
    settings = Settings()
    # The reach index is rebuilt in a thread (numpy, then Python building bitmaps) while requests are answered:
    # a request takes the GIL back several times, and each time may wait a whole switch interval (5 ms by
    # default) for the building thread; 1 ms keeps answers quick during a rebuild, at a small cost to it.
    sys.setswitchinterval(0.001)
    # Before prometheus_client is imported (by the app): the builder process's counters count in /metrics too.
    with shared_metrics("reporter") if settings.builder_process else contextlib.nullcontext():
        from leap_reporter.app import create_app

        serve(create_app(settings), host=settings.http_host, port=settings.http_port,
              internal_port=settings.internal_port)


if __name__ == "__main__":
    main()
