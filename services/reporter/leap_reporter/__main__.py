import uvicorn

from leap_reporter.app import create_app
from leap_reporter.settings import Settings

settings = Settings()
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)
