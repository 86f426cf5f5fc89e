from leap_contracts.http.edge import serve

from leap_uploader.app import create_app
from leap_uploader.settings import Settings

settings = Settings()
serve(create_app(settings), host=settings.http_host, port=settings.http_port, internal_port=settings.internal_port)
