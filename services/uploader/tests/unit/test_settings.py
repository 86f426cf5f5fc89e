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


def _with_sso(**fields):
    from leap_contracts.identity import new_key_pair
    base = {"database_url": "postgresql://x", "storage_key": base64.b64encode(os.urandom(32)).decode(),
            "identity_signing_key": new_key_pair()[0], "reporter_url": "https://reports.example.org/"}
    return Settings(**{**base, **fields})


def test_single_sign_on_settings() -> None:
    settings = _with_sso()
    assert settings.reporter_url == "https://reports.example.org" and settings.identity_key is not None
    assert settings.identity_signing_key.get_secret_value() not in repr(settings)


@pytest.mark.parametrize("fields, message", [
    ({"reporter_url": None}, "or neither"), ({"identity_signing_key": "nope"}, "exactly 32 bytes"),
    ({"reporter_url": "reports.example.org"}, "absolute"), ({"reporter_url": "https://r.example/?x=1"}, "absolute")])
def test_single_sign_on_settings_refuse_to_start_incomplete(fields, message) -> None:
    with pytest.raises(ValidationError, match=message):
        _with_sso(**fields)


def test_a_bad_secret_is_not_echoed_in_the_error() -> None:
    with pytest.raises(ValidationError) as refused:
        _with_sso(identity_signing_key="c2VjcmV0LWJ1dC1zaG9ydA==")
    assert "c2VjcmV0LWJ1dC1zaG9ydA" not in str(refused.value)
