import uvicorn

from leap_matcher import workers
from leap_matcher.app import create_app
from leap_matcher.settings import Settings


def main() -> None:
    settings = Settings()
    serve = dict(host=settings.http_host, port=settings.http_port, log_config=None)
    if settings.workers == 1:
        uvicorn.run(create_app(settings), **serve)
    else:
        with workers.shared_metrics():
            uvicorn.run("leap_matcher.workers:worker_app", factory=True, workers=settings.workers, **serve)


if __name__ == "__main__":  # not again in each worker process (they are spawned, and import this module)
    main()
