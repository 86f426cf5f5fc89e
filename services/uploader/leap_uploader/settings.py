from __future__ import annotations

import base64
import binascii

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    """What the admin command needs: only the database."""

    model_config = SettingsConfigDict(env_prefix="UPLOADER_")

    database_url: SecretStr


class Settings(DatabaseSettings):
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    storage_key: SecretStr = Field(description="AES-256 key for stored files, base64 of 32 bytes; never in the repository.")
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_xlsx_expanded_bytes: int = Field(default=2 * 1024 * 1024 * 1024, gt=0,
                                         description="Refuse workbooks whose parts unzip to more than this.")
    max_rejected_share: float = Field(default=0.5, ge=0.0, le=1.0)
    max_attempts: int = 3
    temp_dir: str | None = Field(default=None, description="Where uploads are spooled; the system default if unset.")
    cookie_secure: bool = Field(default=True, description="Secure flag on cookies; browsers honour it on "
                                "http://localhost too. Only turn off behind a TLS-terminating proxy on another name.")
    session_seconds: int = Field(default=8 * 3600, gt=0)
    session_idle_seconds: int = Field(default=30 * 60, gt=0)
    sign_in_max_failures: int = Field(default=5, gt=0, description="Failures before an account locks.")
    sign_in_lock_seconds: int = Field(default=15 * 60, gt=0)
    sign_in_address_limit: int = Field(default=30, gt=0, description="Failures per client address per 15 minutes.")
    pseudo_key_id: str | None = Field(default=None, description="Key id at-source manifests must name (public).")
    pseudo_key_check_value: str | None = Field(default=None,
                                               description="Key check value at-source manifests must carry (public).")

    @field_validator("storage_key")
    @classmethod
    def _key_is_32_bytes_base64(cls, value: SecretStr) -> SecretStr:
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("UPLOADER_STORAGE_KEY must be base64") from exc
        if len(raw) != 32:
            raise ValueError("UPLOADER_STORAGE_KEY must decode to exactly 32 bytes")
        return value

    @property
    def storage_key_bytes(self) -> bytes:
        return base64.b64decode(self.storage_key.get_secret_value())
