from leap_contracts.delivery.processes import shared_metrics
from leap_contracts.http.edge import serve

from leap_matcher import workers
from leap_matcher.app import create_app
from leap_matcher.settings import Settings


def main() -> None:
    settings = Settings()
    where = dict(host=settings.http_host, port=settings.http_port, internal_port=settings.internal_port)
    if settings.workers == 1:
        serve(create_app(settings), **where)
    else:
        with shared_metrics("matcher"):
            serve(f"{workers.__name__}:worker_app", factory=True, workers=settings.workers, **where)


if __name__ == "__main__":  # not again in each worker process (they are spawned, and import this module)
    main()
