import contextlib

from leap_contracts.delivery.processes import shared_metrics
from leap_contracts.http.edge import serve

from leap_reporter.settings import Settings


def main() -> None:
    settings = Settings()
    # Before prometheus_client is imported (by the app): the builder process's counters count in /metrics too.
    with shared_metrics("reporter") if settings.builder_process else contextlib.nullcontext():
        from leap_reporter.app import create_app

        serve(create_app(settings), host=settings.http_host, port=settings.http_port,
              internal_port=settings.internal_port)


if __name__ == "__main__":
    main()
