import base64
import os

import pytest
from pydantic import ValidationError

from leap_uploader.settings import DatabaseSettings, Settings


def test_storage_key_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPLOADER_STORAGE_KEY", raising=False)
    monkeypatch.setenv("UPLOADER_DATABASE_URL", "postgresql://x")
    with pytest.raises(ValidationError, match="storage_key"):
        Settings()


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(os.urandom(16)).decode()])
def test_storage_key_must_be_32_bytes_of_base64(key: str) -> None:
    with pytest.raises(ValidationError, match="UPLOADER_STORAGE_KEY"):
        Settings(database_url="postgresql://x", storage_key=key)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("UPLOADER_DATABASE_URL", "postgresql://x")
    monkeypatch.setenv("UPLOADER_STORAGE_KEY", key)
    settings = Settings()
    assert (settings.http_port, settings.max_upload_bytes, settings.max_rejected_share) == (8001, 200 * 1024 ** 2, 0.5)
    assert len(settings.storage_key_bytes) == 32
    assert "postgresql://x" not in repr(settings)


def test_admin_needs_only_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPLOADER_STORAGE_KEY", raising=False)
    monkeypatch.setenv("UPLOADER_DATABASE_URL", "postgresql://x")
    assert DatabaseSettings().database_url.get_secret_value() == "postgresql://x"
